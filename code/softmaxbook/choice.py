r"""Losses to choose from beside cross-entropy, and their gradients: :ref:`ch-loss`.

The squared error on softmax outputs, the multiclass hinge (Weston–Watkins) loss and one-vs-rest
probabilities; label smoothing is in ``softmaxbook.smoothing``. Conventions of ``softmaxbook.losses``: losses
take logits with the class axis last; ``reduction`` is ``'mean'`` (over the batch), ``'sum'`` or
``'none'``; a gradient is the gradient of the reduced loss.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .sigmoid import log_sigmoid
from .softmax import softmax


def mse_on_softmax(logits, targets, reduction="mean"):
    r"""Squared error between the softmax of ``logits`` and ``targets``, halved.

    Implements the loss of :eq:`eq-loss-mse-grad` of :ref:`ch-loss`.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    loss : scalar for ``'mean'`` and ``'sum'``; ndarray of shape (...) for ``'none'``.

    See Also
    --------
    mse_on_softmax_grad : its gradient.

    Notes
    -----
    .. math::
        L(z, y) = \tfrac12 \sum_{k=1}^{K} \bigl(s_k(z) - y_k\bigr)^2 .
    """
    _, residual, dtype, _ = _mse_parts(logits, targets, reduction)
    return _validate.reduce(0.5 * np.sum(residual**2, axis=-1), reduction, dtype)


def mse_on_softmax_grad(logits, targets, reduction="mean"):
    r"""Gradient of :func:`mse_on_softmax` with respect to the logits: :math:`J(s - y)`.

    Implements :eq:`eq-loss-mse-grad` of :ref:`ch-loss`, without forming the Jacobian.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    grad : ndarray, shape (..., K); divided by the batch size for ``'mean'``.

    See Also
    --------
    mse_on_softmax, softmaxbook.softmax_vjp : the product with :math:`J` it computes.

    Notes
    -----
    .. math::
        \frac{\partial L}{\partial z} = J (s - y) = s \odot \bigl((s - y) - \langle s, s - y \rangle \mathbf{1}\bigr),

    which tends to 0 when :math:`s` tends to a one-hot vector, right or wrong.
    """
    s, residual, dtype, batch = _mse_parts(logits, targets, reduction)
    grad = s * (residual - np.sum(s * residual, axis=-1, keepdims=True)) / batch
    return _validate.result(grad, dtype)


def multiclass_hinge(logits, labels, margin=1.0, reduction="mean"):
    r"""The multiclass hinge (Weston–Watkins) loss of integer ``labels``.

    Implements :eq:`eq-loss-hinge` of :ref:`ch-loss`.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    labels : array_like of int, shape (...)
        The true classes, in ``[0, K)``.
    margin : float, default 1.0
        :math:`\Delta > 0`, how far above every other score the true score must be.
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    loss : scalar for ``'mean'`` and ``'sum'``; ndarray of shape (...) for ``'none'``.

    See Also
    --------
    multiclass_hinge_grad : its subgradient.

    Notes
    -----
    .. math::
        L(z, y) = \sum_{j \ne y} \max(0,\, z_j - z_y + \Delta).

    A difference of two finite logits beyond the float range gives an infinite loss, without a
    warning: that is the correctly rounded value.
    """
    gap, violated, _, dtype, _ = _hinge_parts(logits, labels, margin, reduction)
    with np.errstate(over="ignore"):
        per = np.sum(np.where(violated, gap + margin, 0.0), axis=-1)
    return _validate.reduce(per, reduction, dtype)


def multiclass_hinge_grad(logits, labels, margin=1.0, reduction="mean"):
    r"""A subgradient of :func:`multiclass_hinge` with respect to the logits.

    Implements :eq:`eq-loss-hinge-grad` of :ref:`ch-loss`. At a kink (a margin exactly
    :math:`\Delta`) the term counts as satisfied, so its contribution is 0.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    labels : array_like of int, shape (...)
    margin : float, default 1.0
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    grad : ndarray, shape (..., K) of entries in {-(K-1), ..., 0, 1}, divided by the batch size
        for ``'mean'``.

    See Also
    --------
    multiclass_hinge

    Notes
    -----
    .. math::
        g_j = [z_j - z_y + \Delta > 0] \quad (j \ne y), \qquad
        g_y = -\sum_{j \ne y} [z_j - z_y + \Delta > 0].
    """
    _, violated, index, dtype, batch = _hinge_parts(logits, labels, margin, reduction)
    grad = violated.astype(np.float64)
    np.put_along_axis(grad, index[..., None], -grad.sum(axis=-1, keepdims=True), axis=-1)
    return _validate.result(grad / batch, dtype)


def ovr_probabilities(scores, normalize=False):
    r"""One-vs-rest probabilities :math:`\sigma(z_k)` of ``K`` binary scores, optionally normalised.

    Implements :eq:`eq-loss-ovr` of :ref:`ch-loss`.

    Parameters
    ----------
    scores : array_like, shape (..., K)
        One logit per class, each from its own binary classifier.
    normalize : bool, default False
        Divide each row by its sum (as ``predict_proba`` of scikit-learn's ``OneVsRestClassifier``
        does), computed as the softmax of :math:`\log\sigma(z_k)`, so that no row of tiny
        probabilities divides by zero.

    Returns
    -------
    ndarray, shape (..., K); rows sum to 1 only when ``normalize`` is true.
    """
    z, dtype = _validate.float_input(scores, "scores")
    _validate.class_axis(z, -1, "scores")
    log_p = log_sigmoid(z)
    return _validate.result(softmax(log_p, axis=-1) if normalize else np.exp(log_p), dtype)


def _mse_parts(logits, targets, reduction):
    """``(s, s - y, dtype, batch divisor)`` for the squared error."""
    _validate.reduction(reduction)
    z, dtype = _validate.float_input(logits, "logits")
    _validate.class_axis(z, -1, "logits")
    kind, t = _validate.split_targets(targets, z)
    s = softmax(z, axis=-1)
    y = np.eye(z.shape[-1])[t] if kind == "labels" else t
    batch = z[..., 0].size if reduction == "mean" else 1
    return s, s - y, dtype, batch


def _hinge_parts(logits, labels, margin, reduction):
    """``(z_j - z_y, violated mask, labels, dtype, batch divisor)``; the true class never violates."""
    _validate.reduction(reduction)
    margin = _validate.positive(margin, "margin")
    z, dtype = _validate.float_input(logits, "logits")
    _validate.class_axis(z, -1, "logits")
    t = np.asarray(labels)
    if t.shape != z.shape[:-1]:
        raise ValueError(f"labels of shape {t.shape} do not match logits of shape {z.shape}")
    index = _validate.labels(t, z.shape[-1])
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf only from non-finite input
        gap = z - np.take_along_axis(z, index[..., None], axis=-1)
    violated = gap > -margin
    np.put_along_axis(violated, index[..., None], False, axis=-1)
    batch = z[..., 0].size if reduction == "mean" else 1
    return gap, violated, index, dtype, batch
