r"""The softmax function: :ref:`ch-softmax`. Its logarithm and log-sum-exp are in ``logsoftmax``.

All three shift by the maximum (:eq:`eq-softmax-shift`) wherever ``exp`` could overflow or
underflow (``softmax`` skips the shift where it cannot, see its Notes), so finite logits of any
size (up to the float maximum) give no overflow, invalid or divide warning in float16, float32 or
float64. float16 is computed in float32 and rounded back once.

Special values, along the class axis:

- ``-inf`` entries are masked classes: probability 0, log-probability ``-inf``.
- A row of only ``-inf`` (every class masked) has no distribution: ``softmax`` and ``log_softmax``
  return NaN for it, ``logsumexp`` returns ``-inf`` (the log of an empty sum). No warning is raised.
- A ``+inf`` entry gives NaN at that entry in ``softmax`` and ``log_softmax`` (inf/inf, inf - inf)
  and ``+inf`` in ``logsumexp``.
- NaN anywhere in a row propagates to the whole row, as in NumPy and SciPy.

Accuracy, measured against mpmath (60 digits) for up to 16 classes and :math:`|z|` from 1e-3 to
1e30; ``tests/test_softmax.py`` asserts the bound. Every output is within :math:`4 + 2\kappa` ULP,
where :math:`\kappa = \sum_j |z_j|\,|\partial f / \partial z_j| / |f|` is its condition number.
Where :math:`\kappa \le 1`, the measured error is at most 2.4 ULP (float64) and 2.9 ULP (float32)
for ``softmax``, 1.0 and 1.4 ULP for ``log_softmax``, and 1.0 and 1.3 ULP for ``logsumexp``.
``softmax`` stays within 4 ULP whatever :math:`\kappa` in the rows it computes without a shift:
those whose :math:`\sum_j e^{z_j}` does not overflow (log-sum-exp below 709.7 in float64, 88.7
in float32) and whose largest logit is at least :math:`-\log 2` or smallest at least -708
(float64) or -87 (float32); measured 3 ULP at :math:`|z| \sim 100`, where SciPy's error is 250
ULP. Beyond, and for the other two functions, rounding :math:`z - \max z` once costs what the
conditioning says (SciPy loses the same): the error stays below :math:`2.7\,(1 + \kappa)` ULP.
float16 results are rounded once from float32, so they are within 0.5 ULP.
"""

from __future__ import annotations

import math

import numpy as np

from . import _blocked, _validate


def softmax(z, axis=-1, temperature=1.0):
    r"""Softmax of ``z`` along ``axis``: non-negative entries that sum to 1.

    Implements :eq:`eq-softmax-def` of :ref:`ch-softmax`, computed as :eq:`eq-softmax-stable`.

    Parameters
    ----------
    z : array_like, shape (..., n, ...)
        Logits; ``n = z.shape[axis] >= 1`` classes, batched over every other axis.
    axis : int, default -1
        The class axis.
    temperature : float, default 1.0
        :math:`T > 0`; the result is the softmax of :math:`z / T`, :eq:`eq-softmax-temperature`.

    Returns
    -------
    s : ndarray, same shape as ``z``
        Same float dtype as ``z`` (float64 for integer input).

    Raises
    ------
    ValueError
        If the class axis is empty or ``temperature`` is not a positive finite number.

    Notes
    -----
    .. math::
        s_i = \frac{e^{z_i/T}}{\sum_j e^{z_j/T}}
            = \frac{e^{(z_i - m)/T}}{\sum_j e^{(z_j - m)/T}}, \qquad m = \max_j z_j .

    Computed in blocks of rows that stay in cache: one ``exp`` pass on the result array, which is
    then divided in place by the row sums (so a single class gets exactly 1, and ties exactly
    equal shares). The shift by :math:`m` is only applied to the rows
    that need it (see ``_softmax_rows``): for the others, :math:`e^{z} / \sum_j e^{z_j}` is the
    same number without the rounding of :math:`z - m`.
    ``-inf`` entries, an all ``-inf`` row, ``+inf`` and NaN: see the module docstring.

    See Also
    --------
    log_softmax : its logarithm (never through log(softmax)).
    logsumexp : the log of its denominator.
    softmax_jacobian, softmax_vjp, softmax_jvp : its derivative.

    Examples
    --------
    The definition as written overflows at logits near 1000; the shift does not:

    >>> import numpy as np
    >>> from softmaxbook import softmax
    >>> z = np.array([1000.0, 999.0, 998.0])
    >>> with np.errstate(over="ignore", invalid="ignore"):
    ...     np.exp(z) / np.exp(z).sum()
    array([nan, nan, nan])
    >>> softmax(z)
    array([0.66524096, 0.24472847, 0.09003057])
    >>> softmax(z, temperature=1e-3)
    array([1., 0., 0.])
    """
    z, dtype = _validate.float_input(z)
    axis = _validate.class_axis(z, axis)
    t = _validate.positive(temperature, "temperature")
    rows, shape = _blocked.as_rows(z, axis)
    out = np.empty_like(rows)
    for b in _blocked.blocks(rows):
        _softmax_rows(rows[b], out[b], t)
    return _validate.result(_blocked.from_rows(out, shape, axis), dtype)


def _softmax_rows(z, out, temperature):
    r"""Softmax of every row of the 2-D block ``z``, written into ``out``.

    For T = 1, first without the shift: with :math:`S = \sum_j e^{z_j}`, :math:`e^{z}/S` carries
    only its own roundings wherever :math:`S` is finite (no term or sum overflowed) and either
    :math:`S \ge 1/2` or no term is subnormal (:math:`\min z \ge \log \text{tiny}`): a subnormal
    term, off by up to one unit of the subnormal spacing, divided by :math:`S \ge 1/2` is off by
    at most two. NaN fails the test. The other rows, and every row when T != 1, are redone with
    the shift by their maximum.
    """
    redo = slice(None)
    if temperature == 1.0:
        with np.errstate(all="ignore"):  # the rows where this is not valid are redone below
            np.exp(z, out=out)
            total = out.sum(axis=-1)
            out /= total[:, None]
        tiny = np.finfo(z.dtype).tiny
        redo = ~np.isfinite(total)
        low = ~redo & (total < 0.5)
        if low.any():
            redo[low] = z[low].min(axis=-1) < math.log(tiny)
        if not redo.any():
            return
    shifted = z[redo]
    target = out if isinstance(redo, slice) else np.empty_like(shifted)
    _, guard = _blocked.shift(shifted, np.max(shifted, axis=-1, keepdims=True), target, temperature)
    with guard():
        np.exp(target, out=target)
        target /= target.sum(axis=-1, keepdims=True)
    if target is not out:
        out[redo] = target
