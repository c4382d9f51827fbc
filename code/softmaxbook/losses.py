"""Cross-entropy from logits, and its gradient: {ref}`ch-cross-entropy` and {ref}`ch-equivalence`.

Conventions of ``torch.nn.functional``: losses take logits (never probabilities), the class axis
is the last one, and ``reduction`` is ``'mean'`` (over the batch), ``'sum'`` or ``'none'``.

Targets for the softmax cross-entropy are either

- integer labels of shape ``logits.shape[:-1]`` (a whole-number float array is accepted), each in
  ``[0, K)``; no one-hot matrix is built, or
- probability vectors of the shape of ``logits``: entries in [0, 1] summing to 1 within
  ``sqrt(eps)`` of their dtype (1.5e-8 in float64, 3.5e-4 in float32); anything else raises
  ``ValueError``. The gradient of the general formula, :math:`(\\sum_k y_k) s - y`
  ({eq}`eq-cross-entropy-grad-general`), is computed by the private ``_soft_target_grad``, which
  the tests also call with unnormalised targets; the public functions accept only distributions.

A gradient is the gradient of the reduced loss: for ``'mean'`` it is divided by the batch size;
for ``'none'`` it stacks the gradient of each example's loss with respect to its own logits (the
same array as for ``'sum'``). A masked class (logit ``-inf``) as the label gives an infinite loss;
a row whose logits are all ``-inf`` gives NaN. NaN in the logits propagates.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .sigmoid import log_sigmoid, sigmoid
from ._blocked import blocks, shift
from .softmax import log_softmax, softmax


def cross_entropy(logits, targets, reduction="mean"):
    r"""Cross-entropy of the softmax of ``logits`` with ``targets``, through log-softmax.

    Implements {eq}`eq-cross-entropy-def` of {ref}`ch-cross-entropy`.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    loss : scalar for ``'mean'`` and ``'sum'``; ndarray of shape (...) for ``'none'``.
        Float dtype of ``logits`` (float64 for integer logits).

    Notes
    -----
    .. math::
        \ell(z, y) = -\sum_k y_k \log s_k(z) = \operatorname{LSE}(z) - z_y \quad\text{(label } y\text{)}.

    For a label it is computed as :math:`\operatorname{log1p}(r / e_y)` with
    :math:`e_y = e^{z_y - m}` and :math:`r = \sum_{j \ne y} e^{z_j - m}` (exact near 0, a confident
    correct prediction), or :math:`\log(e_y + r) - (z_y - m)` when :math:`e_y < 1/2`.
    For probabilities, :math:`0 \cdot \log 0 = 0` (a masked class with target 0 adds nothing).
    """
    z, dtype, kind, t = _loss_inputs(logits, targets, reduction)
    if kind == "labels":
        per, _ = _label_loss(z, t, with_grad=False)
    else:
        terms = np.multiply(t, log_softmax(z), out=np.zeros(z.shape, z.dtype), where=t != 0)
        per = -terms.sum(axis=-1)
    return _validate.reduce(per, reduction, dtype)


def cross_entropy_grad(logits, targets, reduction="mean"):
    r"""Gradient of :func:`cross_entropy` with respect to the logits: :math:`s - y`.

    Implements {eq}`eq-cross-entropy-grad` of {ref}`ch-cross-entropy` (and, per example,
    {eq}`eq-cross-entropy-regression-grad` before the product with :math:`X^\top`).

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    grad : ndarray, shape (..., K), float dtype of ``logits``.
        Divided by the batch size :math:`B = \prod` ``logits.shape[:-1]`` for ``'mean'``.

    Notes
    -----
    .. math::
        \frac{\partial \ell}{\partial z} = \Bigl(\sum_k y_k\Bigr) s - y = s - y .

    For a label, the entry :math:`s_y - 1` is computed as :math:`-r / (e_y + r)` with
    :math:`r = \sum_{j \ne y} e^{z_j - m}`: exact when :math:`s_y` is close to 1, where ``s_y - 1``
    would cancel. No :math:`K \times K` Jacobian and no one-hot matrix is formed.
    """
    z, dtype, kind, t = _loss_inputs(logits, targets, reduction)
    batch = z[..., 0].size if reduction == "mean" else 1
    if kind == "labels":
        _, grad = _label_loss(z, t, with_grad=True, batch=batch)
    else:
        grad = _soft_target_grad(z, t)
        grad /= batch
    return _validate.result(grad, dtype)


def binary_cross_entropy(logits, targets, reduction="mean"):
    r"""Binary cross-entropy of :math:`\sigma(x)` with targets in [0, 1], from logits.

    Implements {eq}`eq-sigmoid-bce` of {ref}`ch-sigmoid`; equal to the two-class cross-entropy,
    {eq}`eq-equivalence-bce` of {ref}`ch-equivalence`.

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
    """
    x, dtype, y = _binary_inputs(logits, targets, reduction)
    per = np.where(x >= 0, x * (1 - y), -x * y) - log_sigmoid(np.abs(x))
    return _validate.reduce(per, reduction, dtype)


def binary_cross_entropy_grad(logits, targets, reduction="mean"):
    r"""Gradient of :func:`binary_cross_entropy` with respect to the logits: :math:`\sigma(x) - y`.

    Implements {eq}`eq-sigmoid-bce-grad` of {ref}`ch-sigmoid`.

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
    """
    x, dtype, y = _binary_inputs(logits, targets, reduction)
    grad = (1 - y) * sigmoid(x) - y * sigmoid(-x)
    if reduction == "mean":
        grad /= max(x.size, 1)
    return _validate.result(grad, dtype)


def _loss_inputs(logits, targets, reduction):
    """Validated ``(z, dtype, kind, targets)`` for the softmax cross-entropy."""
    _validate.reduction(reduction)
    z, dtype = _validate.float_input(logits, "logits")
    _validate.class_axis(z, -1, "logits")
    kind, t = _validate.split_targets(targets, z)
    return z, dtype, kind, t


def _binary_inputs(logits, targets, reduction):
    """Validated ``(x, dtype, y)`` for the binary cross-entropy."""
    _validate.reduction(reduction)
    x, dtype = _validate.float_input(logits, "logits")
    y = _validate.unit_interval(targets)
    _validate.same_shape(x, y, ("logits", "targets"))
    return x, dtype, y


def _label_loss(z, labels, with_grad, batch=1):
    """Per-example losses ``-log s_y`` (shape ``labels.shape``) and, if asked, the gradient / ``batch``.

    One pass over blocks of rows that stay in cache; the exponentials are written into the
    gradient array (or one block-sized scratch array), with the label entries set aside so that
    :math:`r = \\sum_{j \\ne y} e^{z_j - m}` is summed without them. Never forms a one-hot matrix.
    """
    rows, index = z.reshape(-1, z.shape[-1]), labels.reshape(-1, 1)
    per = np.empty(rows.shape[0], rows.dtype)
    row_blocks = blocks(rows)
    grad = np.empty_like(rows) if with_grad else None
    scratch = None if with_grad or not row_blocks else np.empty_like(rows[row_blocks[0]])
    for b in row_blocks:
        e = grad[b] if with_grad else scratch[: len(rows[b])]
        _, guard = shift(rows[b], np.max(rows[b], axis=-1, keepdims=True), e)
        d_y = np.take_along_axis(e, index[b], axis=-1)[:, 0]
        with guard():
            np.exp(e, out=e)
            e_y = np.exp(d_y)
            np.put_along_axis(e, index[b], 0.0, axis=-1)
            rest = e.sum(axis=-1)
            big = e_y >= 0.5
            ratio = np.divide(rest, e_y, out=np.zeros_like(rest), where=big)
            per[b] = np.where(big, np.log1p(ratio), np.log(e_y + rest) - d_y)
            if with_grad:
                scale = 1 / ((e_y + rest) * batch)
                e *= scale[:, None]
                np.put_along_axis(e, index[b], (-rest * scale)[:, None], axis=-1)
    return per.reshape(labels.shape), None if grad is None else grad.reshape(z.shape)


def _soft_target_grad(z, y):
    """Per-example gradient :math:`(\\sum_k y_k) s - y` ({eq}`eq-cross-entropy-grad-general`).

    ``y`` of the shape of ``z`` need not sum to 1 here: this is the gradient of
    :math:`-\\sum_k y_k \\log s_k` for any non-negative ``y``.
    """
    s = softmax(z)
    s *= y.sum(axis=-1, keepdims=True)
    s -= y
    return s
