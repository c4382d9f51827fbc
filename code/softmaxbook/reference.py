r"""mpmath reference values of the softmax and sigmoid families, the tests' and chapters' oracle.

Each is evaluated at ``digits`` significant digits (60 by default) in a form without cancellation,
so it is exact far below one float64 ULP. The input's floats are converted exactly. Results are
mpmath numbers in an object array of the input's shape (``.astype(float)`` rounds them to
float64), or one mpmath number for a scalar result. Also importable from
:mod:`softmaxbook.symbolic`.
"""

from __future__ import annotations

import mpmath
import numpy as np

DIGITS = 60


def softmax_reference(z, axis=-1, temperature=1, digits=DIGITS):
    """Softmax of ``z / temperature`` along ``axis`` in mpmath: an object array of ``z``'s shape."""
    return _rowwise(z, axis, digits, lambda row: _softmax_family(row, temperature)[0])


def log_softmax_reference(z, axis=-1, digits=DIGITS):
    """Log-softmax along ``axis`` in mpmath, as :math:`(z_i - m) - \\operatorname{log1p}(\\text{rest})`."""
    return _rowwise(z, axis, digits, lambda row: _softmax_family(row)[1])


def logsumexp_reference(z, axis=-1, digits=DIGITS):
    """Log-sum-exp along ``axis`` in mpmath: ``z``'s shape without ``axis`` (one number for 1-D ``z``)."""
    out = _rowwise(z, axis, digits, lambda row: [_softmax_family(row)[2]], keep_axis=False)
    return out[()] if out.ndim == 0 else out


def sigmoid_reference(x, digits=DIGITS):
    """:math:`1 / (1 + e^{-x})` in mpmath, elementwise."""
    return _elementwise(x, digits, lambda v: 1 / (1 + mpmath.exp(-v)))


def log_sigmoid_reference(x, digits=DIGITS):
    r""":math:`\min(x, 0) - \operatorname{log1p}(e^{-|x|})` in mpmath, elementwise.

    The same number as :math:`-\log(1 + e^{-x})`, without the cancellation that would need some
    450 digits at :math:`x = -1000`.
    """
    return _elementwise(x, digits, lambda v: min(v, 0) - mpmath.log1p(mpmath.exp(-abs(v))))


def sigmoid_grad_reference(x, digits=DIGITS):
    r""":math:`e / (1 + e)^2` with :math:`e = e^{-|x|}`, i.e. :math:`\sigma(x)\sigma(-x)`, in mpmath."""

    def grad(v):
        e = mpmath.exp(-abs(v))
        return e / (1 + e) ** 2

    return _elementwise(x, digits, grad)


def _softmax_family(row, temperature=1):
    """``(s, log_s, lse)`` of one row of mpf values divided by ``temperature``, free of cancellation.

    The largest entry's term :math:`e^0 = 1` is left out of the sum of the rest, so that
    :math:`\\log(1 + \\text{rest})` is a ``log1p``.
    """
    row = [v / temperature for v in row]
    top = max(range(len(row)), key=lambda t: row[t])
    m = row[top]
    terms = [mpmath.exp(v - m) for v in row]
    rest = mpmath.fsum(terms[t] for t in range(len(row)) if t != top)
    total = 1 + rest
    log_total = mpmath.log1p(rest)
    return [e / total for e in terms], [(v - m) - log_total for v in row], m + log_total


def _rowwise(z, axis, digits, f, keep_axis=True):
    """Apply ``f`` (a list of mpf -> a list) to every 1-D slice of ``z`` along ``axis``."""
    a = np.moveaxis(np.asarray(z, dtype=np.float64), axis, -1)
    rows = a.reshape(-1, a.shape[-1])
    width = a.shape[-1] if keep_axis else 1
    out = np.empty((rows.shape[0], width), dtype=object)
    with mpmath.workdps(digits):
        for r, row in enumerate(rows):
            out[r] = f([mpmath.mpf(float(v)) for v in row])
    if not keep_axis:
        return out.reshape(a.shape[:-1])
    return np.moveaxis(out.reshape(a.shape), -1, axis)


def _elementwise(x, digits, f):
    """``f`` of every entry of ``x`` at ``digits`` digits: an object array, or one number for a scalar."""
    a = np.asarray(x, dtype=np.float64)
    out = np.empty(a.shape, dtype=object)
    with mpmath.workdps(digits):
        for index, v in np.ndenumerate(a):
            out[index] = f(mpmath.mpf(float(v)))
    return out[()] if out.ndim == 0 else out
