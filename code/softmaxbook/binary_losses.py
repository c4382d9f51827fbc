r"""Binary cross-entropy from logits, and its gradient: :ref:`ch-sigmoid` and :ref:`ch-equivalence`.

The logistic counterpart of :mod:`softmaxbook.losses`, with its conventions: losses take logits,
``reduction`` is ``'mean'`` (over every element), ``'sum'`` or ``'none'``, and a gradient is that
of the reduced loss. Targets are probabilities of the positive class, in [0, 1]; 0/1 labels are
the special case.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .sigmoid import log_sigmoid, sigmoid


def binary_cross_entropy(logits, targets, reduction="mean"):
    r"""Binary cross-entropy of :math:`\sigma(x)` with targets in [0, 1], from logits.

    Implements :eq:`eq-sigmoid-bce` of :ref:`ch-sigmoid`; equal to the two-class cross-entropy,
    :eq:`eq-equivalence-bce` of :ref:`ch-equivalence`.

    Parameters
    ----------
    logits : array_like, any shape (...)
        One logit per example.
    targets : array_like, same shape as ``logits``
        Probabilities of the positive class, in [0, 1] (0/1 labels included).
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` averages over every element.

    Returns
    -------
    loss : scalar for ``'mean'`` and ``'sum'``; ndarray of shape (...) for ``'none'``.

    Notes
    -----
    .. math::
        \ell(x, y) = -y \log\sigma(x) - (1 - y)\log\sigma(-x)
                   = \max(x, 0) - x y + \operatorname{log1p}(e^{-|x|}),

    with :math:`\max(x, 0) - xy` taken as :math:`x(1 - y)` for :math:`x \ge 0` and :math:`-xy`
    otherwise, so neither term cancels for 0/1 targets.

    See Also
    --------
    binary_cross_entropy_grad : its gradient.
    log_sigmoid : the function it is built on.
    cross_entropy : the same loss for :math:`K` classes.

    Examples
    --------
    :math:`\sigma(40)` rounds to 1, so the naive formula takes :math:`\log 0`:

    >>> import numpy as np
    >>> from softmaxbook import binary_cross_entropy
    >>> x, y = np.array([40.0]), np.array([0.0])
    >>> p = 1 / (1 + np.exp(-x))
    >>> with np.errstate(divide="ignore", invalid="ignore"):
    ...     -(y * np.log(p) + (1 - y) * np.log(1 - p))
    array([inf])
    >>> binary_cross_entropy(x, y, reduction="none")
    array([40.])
    """
    x, dtype, y = _binary_inputs(logits, targets, reduction)
    per = np.where(x >= 0, x * (1 - y), -x * y) - log_sigmoid(np.abs(x))
    return _validate.reduce(per, reduction, dtype)


def binary_cross_entropy_grad(logits, targets, reduction="mean"):
    r"""Gradient of :func:`binary_cross_entropy` with respect to the logits: :math:`\sigma(x) - y`.

    Implements :eq:`eq-sigmoid-bce-grad` of :ref:`ch-sigmoid`; the first entry of the two-class
    cross-entropy gradient, :eq:`eq-equivalence-grad` of :ref:`ch-equivalence`.

    Parameters
    ----------
    logits : array_like, any shape (...)
    targets : array_like, same shape as ``logits``, in [0, 1]
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` divides by the number of elements.

    Returns
    -------
    ndarray, shape of ``logits``, float dtype of ``logits``

    Notes
    -----
    .. math::
        \frac{\partial \ell}{\partial x} = \sigma(x) - y = (1 - y)\,\sigma(x) - y\,\sigma(-x),

    the second form exact for :math:`y = 1` and large :math:`x`, where :math:`\sigma(x) - 1` cancels.

    See Also
    --------
    binary_cross_entropy : the loss.
    cross_entropy_grad : the same for :math:`K` classes.
    """
    x, dtype, y = _binary_inputs(logits, targets, reduction)
    grad = (1 - y) * sigmoid(x) - y * sigmoid(-x)
    if reduction == "mean":
        grad /= max(x.size, 1)
    return _validate.result(grad, dtype)


def _binary_inputs(logits, targets, reduction):
    """Validated ``(x, dtype, y)`` for the binary cross-entropy."""
    _validate.reduction(reduction)
    x, dtype = _validate.float_input(logits, "logits")
    y = _validate.unit_interval(targets)
    _validate.same_shape(x, y, ("logits", "targets"))
    return x, dtype, y
