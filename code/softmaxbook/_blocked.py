"""Row blocks and the max shift shared by the softmax functions and the losses (private).

A batch of softmaxes is processed as a 2-D array of rows (the class axis last), in blocks of
consecutive rows small enough that every pass over a block (max, subtract, exp, sum, normalise)
reads cached data: the logits are read from memory once and the result written once.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial

import numpy as np

# 2 MiB of logits per block: a block and its result stay in cache (L2 or L3) between the passes
# over it, and the per-block Python overhead is small. Measured fastest of 128 KiB ... 8 MiB on
# (4096, 1000) and (64, 100000) float64 with a 1 MiB L2 per core and a 32 MiB L3 (code/bench.py).
BLOCK_BYTES = 1 << 21


def as_rows(z, axis):
    """``z`` as a 2-D array of rows with the class axis last (a view when the layout allows)."""
    moved = np.moveaxis(z, axis, -1)
    return moved.reshape(-1, moved.shape[-1]), moved.shape


def from_rows(rows, shape, axis):
    """Undo :func:`as_rows`: the rows reshaped to ``shape`` with the last axis moved back to ``axis``."""
    return np.moveaxis(rows.reshape(shape), -1, axis)


def blocks(rows):
    """Slices of consecutive rows of about ``BLOCK_BYTES`` each (at least one row per block)."""
    step = max(1, BLOCK_BYTES // max(1, rows.shape[1] * rows.itemsize))
    return [slice(i, i + step) for i in range(0, rows.shape[0], step)]


def shift(z, m, out, temperature=1.0):
    """Write ``(z - m) / temperature`` into ``out``; return the shift used and an error-state guard.

    ``z`` and ``out`` are 2-D (rows, n) and ``m`` is (rows, 1). Where the maximum ``m`` is not
    finite (a row of ``-inf``, a ``+inf`` or a NaN) the shift is 0 and the guard (a context-manager
    factory: ``with guard(): ...``) silences the warnings such a row produces; for finite rows it
    does nothing.
    """
    finite = np.isfinite(m)
    guard = nullcontext
    if not finite.all():
        m = np.where(finite, m, 0)
        guard = partial(np.errstate, all="ignore")
    # z - m <= 0: where it overflows the result is -inf, whose exp (0) is the exact limit.
    with np.errstate(over="ignore"):
        np.subtract(z, m, out=out)
        if temperature != 1.0:
            out /= temperature
    return m, guard
