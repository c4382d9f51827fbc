"""Input checks shared by every module (private): each check is written once, here.

Every failed check raises ``ValueError`` naming the problem and the offending value or shape.
"""

from __future__ import annotations

import math

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def float_input(x, name="z"):
    """``(array, dtype)``: ``x`` as an array to compute in, and the dtype to return.

    float32/float64 (and longdouble) are kept; integers and booleans become float64; float16 is
    computed in float32 and cast back by the caller (NumPy's float16 arithmetic rounds every
    intermediate to 11 bits). The array may be ``x`` itself: callers never write into it.
    """
    a = np.asarray(x)
    if a.dtype.kind in ("b", "i", "u"):
        return a.astype(np.float64), np.dtype(np.float64)
    if a.dtype.kind != "f":
        raise ValueError(f"{name} must be real numbers, got dtype {a.dtype}")
    if a.dtype == np.float16:
        return a.astype(np.float32), a.dtype
    return a, a.dtype


def class_axis(z, axis, name="z"):
    """The class axis of ``z`` as a non-negative index; raises if it is missing or empty."""
    if z.ndim == 0:
        raise ValueError(f"{name} needs a class axis, got a scalar (shape ())")
    axis = np.lib.array_utils.normalize_axis_index(axis, z.ndim)
    if z.shape[axis] == 0:
        raise ValueError(f"empty class axis: {name} has shape {z.shape}, axis {axis} has length 0")
    return axis


def positive(value, name):
    """``value`` as a float, which must be finite and > 0."""
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def same_shape(a, b, names):
    """Raise unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}")


def reduction(kind):
    """Check a ``reduction`` argument (``'mean'``, ``'sum'`` or ``'none'``)."""
    if kind not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {kind!r}")
    return kind


def reduce(per_example, kind, dtype):
    """Reduce per-example losses as ``kind`` says and cast to ``dtype``."""
    if kind == "mean":
        per_example = per_example.mean()
    elif kind == "sum":
        per_example = per_example.sum()
    return result(per_example, dtype)


def result(x, dtype):
    """``x`` cast to the caller's ``dtype``; a scalar if ``x`` is 0-d.

    A float16 result computed in float32 beyond +-65504 becomes +-inf, its correct rounding,
    without an overflow warning.
    """
    with np.errstate(over="ignore"):
        return np.asarray(x).astype(dtype, copy=False)[()]


def split_targets(targets, logits):
    """``('labels', int array)`` or ``('probs', float array)``, told apart by shape.

    Labels have shape ``logits.shape[:-1]``; probability vectors have the shape of ``logits``.
    """
    t = np.asarray(targets)
    if t.shape == logits.shape:
        return "probs", probabilities(t, axis=-1)
    if t.shape == logits.shape[:-1]:
        return "labels", labels(t, logits.shape[-1])
    raise ValueError(
        f"targets of shape {t.shape} match neither labels of shape {logits.shape[:-1]} nor "
        f"probabilities of shape {logits.shape} for logits of shape {logits.shape}"
    )


def labels(t, n_classes):
    """Integer class labels in ``[0, n_classes)`` as an int64 array (a whole-number float is accepted)."""
    t = np.asarray(t)
    if t.dtype.kind == "f":
        bad = t[~(np.isfinite(t) & (t == np.round(t)))]
        if bad.size:
            raise ValueError(f"non-integer labels: got {bad.flat[0].item()!r}")
    elif t.dtype.kind not in ("i", "u"):
        raise ValueError(f"labels must be integers, got dtype {t.dtype}")
    if t.size and t.min() < 0:
        raise ValueError(f"negative label: got {t.min().item()!r}")
    if t.size and t.max() >= n_classes:
        raise ValueError(f"label out of range: got {t.max().item()!r}, but there are only {n_classes} classes")
    return t.astype(np.int64, copy=False)


def probability_tolerance(dtype):
    """How far a probability vector's sum may be from 1: ``sqrt(eps)`` of its dtype.

    1.5e-8 for float64, 3.5e-4 for float32, 3.1e-2 for float16: a vector rounded to the dtype and
    summed in it stays far inside, while a vector that is not normalised at all is refused.
    """
    return math.sqrt(np.finfo(dtype).eps)


def probabilities(t, axis=-1, name="targets"):
    """Probability vectors along ``axis``: entries in [0, 1], each vector summing to 1."""
    dtype = np.asarray(t).dtype
    t = unit_interval(t, name)
    sums = t.sum(axis=axis)
    tol = probability_tolerance(dtype if dtype.kind == "f" else np.float64)
    off = np.abs(sums - 1) > tol
    if np.any(off):
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (tolerance {tol:.1e}), got a sum of {sums[off].flat[0].item()!r}"
        )
    return t


def unit_interval(t, name="targets"):
    """Float array whose entries all lie in [0, 1] (binary targets)."""
    t, _ = float_input(t, name)
    inside = (t >= 0) & (t <= 1)
    if not np.all(inside):
        raise ValueError(f"{name} must lie in [0, 1], got {t[~inside].flat[0].item()!r}")
    return t
