r"""The softmax in the log domain, log-softmax and log-sum-exp: :ref:`ch-softmax`.

Both shift by the maximum (:eq:`eq-softmax-shift`) and keep its own term, exactly 1, out of the
sum, so that :math:`\log(1 + \text{rest})` is a ``log1p``. Special values, the float16 rule and the
measured accuracy are those stated in :mod:`softmaxbook.softmax`.
"""

from __future__ import annotations

import numpy as np

from . import _blocked, _validate


def log_softmax(z, axis=-1):
    r"""Logarithm of the softmax of ``z`` along ``axis``, without forming the softmax.

    Implements :eq:`eq-softmax-log-softmax` of :ref:`ch-softmax`.

    Parameters
    ----------
    z : array_like, shape (..., n, ...)
        Logits, ``n = z.shape[axis] >= 1``.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape and float dtype as ``z`` (float64 for integer input)

    Notes
    -----
    .. math::
        \log s_i = z_i - \operatorname{LSE}(z) = (z_i - m) - \log\Bigl(1 + \sum_{j \ne k} e^{z_j - m}\Bigr),

    with :math:`m = z_k = \max_j z_j`. The ``log1p`` keeps the largest entry's log-probability
    accurate when it is close to 0 (a confident prediction), where ``log(sum)`` would round it to 0.
    ``log(softmax(z))`` is never formed: it is ``-inf`` as soon as a probability underflows.

    See Also
    --------
    softmax : the probabilities themselves.
    logsumexp : the normaliser subtracted here.

    Examples
    --------
    The second probability underflows to 0, so its logarithm is lost; not so here:

    >>> import numpy as np
    >>> from softmaxbook import log_softmax, softmax
    >>> z = np.array([0.0, -800.0])
    >>> with np.errstate(divide="ignore"):
    ...     np.log(softmax(z))
    array([  0., -inf])
    >>> log_softmax(z)
    array([   0., -800.])
    """
    z, dtype = _validate.float_input(z)
    axis = _validate.class_axis(z, axis)
    rows, shape = _blocked.as_rows(z, axis)
    out = np.empty_like(rows)
    for b in _blocked.blocks(rows):
        _, lse, guard = _log_normalizer(rows[b], out[b])
        with guard():
            out[b] -= lse
    return _validate.result(_blocked.from_rows(out, shape, axis), dtype)


def logsumexp(z, axis=-1, keepdims=False):
    r"""Log-sum-exp of ``z`` along ``axis``: a smooth maximum.

    Implements :eq:`eq-softmax-lse` of :ref:`ch-softmax`.

    Parameters
    ----------
    z : array_like, shape (..., n, ...)
        ``n = z.shape[axis] >= 1``.
    axis : int, default -1
        The axis to reduce.
    keepdims : bool, default False
        Keep the reduced axis with length 1.

    Returns
    -------
    ndarray of shape ``z.shape`` without ``axis`` (with length 1 there if ``keepdims``), or a
    scalar for one-dimensional ``z``; same float dtype as ``z`` (float64 for integer input).

    Notes
    -----
    .. math::
        \operatorname{LSE}(z) = \log \sum_j e^{z_j} = m + \operatorname{log1p}\Bigl(\sum_{j \ne k} e^{z_j - m}\Bigr),
        \qquad m = z_k = \max_j z_j .

    See Also
    --------
    softmax : its gradient with respect to ``z``.
    log_softmax : ``z`` minus it.

    Examples
    --------
    >>> import numpy as np
    >>> from softmaxbook import logsumexp
    >>> z = np.array([1000.0, 1000.0])
    >>> with np.errstate(over="ignore"):
    ...     np.log(np.exp(z).sum())
    np.float64(inf)
    >>> logsumexp(z)
    np.float64(1000.6931471805599)
    """
    z, dtype = _validate.float_input(z)
    axis = _validate.class_axis(z, axis)
    rows, shape = _blocked.as_rows(z, axis)
    out = np.empty((rows.shape[0], 1), rows.dtype)
    for b in _blocked.blocks(rows):
        m, lse, guard = _log_normalizer(rows[b], np.empty_like(rows[b]))
        with guard():
            out[b] = m + lse
    out = _blocked.from_rows(out, shape[:-1] + (1,), axis)
    if not keepdims:
        out = out.squeeze(axis)
    return _validate.result(out, dtype)


def _log_normalizer(z, out):
    """Write ``z - m`` into ``out``; return ``m``, ``log(sum(exp(z - m)))`` (rows, 1) and the guard.

    The maximum's own term is exactly ``exp(0) = 1``; it is replaced by ``term - 1`` (exactly 0 in
    a finite row) before summing, so the sum is the rest and ``log1p`` of it is exact near 0.
    """
    k = np.argmax(z, axis=-1, keepdims=True)
    m, guard = _blocked.shift(z, np.take_along_axis(z, k, axis=-1), out)
    with guard():
        e = np.exp(out)
        np.put_along_axis(e, k, np.take_along_axis(e, k, axis=-1) - 1, axis=-1)
        lse = np.log1p(e.sum(axis=-1, keepdims=True))
    return m, lse, guard
