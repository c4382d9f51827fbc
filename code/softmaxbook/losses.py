"""Cross-entropy from logits, and its gradient: {ref}`ch-cross-entropy`.

Conventions of ``torch.nn.functional``: losses take logits (never probabilities), the class axis
is the last one, and ``reduction`` is ``'mean'`` (over the batch), ``'sum'`` or ``'none'``.

Targets for the softmax cross-entropy are either

- integer labels of shape ``logits.shape[:-1]`` (a whole-number float array is accepted), each in
  ``[0, K)``; no one-hot matrix is built, or
- probability vectors of the shape of ``logits``: entries in [0, 1] summing to 1 within
  ``sqrt(eps)`` of their dtype (1.5e-8 in float64, 3.5e-4 in float32); anything else raises
  ``ValueError``. The private ``_soft_loss_and_grad`` computes the general gradient
  :math:`(\\sum_k y_k) s - y` ({eq}`eq-cross-entropy-grad-general`), which the tests also check
  with unnormalised targets; the public functions accept only distributions.

A gradient is the gradient of the reduced loss: for ``'mean'`` it is divided by the batch size;
for ``'none'`` it stacks the gradient of each example's loss with respect to its own logits (the
same array as for ``'sum'``). A masked class (logit ``-inf``) as the label gives an infinite loss;
a row whose logits are all ``-inf`` gives NaN. NaN in the logits propagates.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from ._blocked import blocks, shift


def cross_entropy(logits, targets, reduction="mean"):
    r"""Cross-entropy of the softmax of ``logits`` with ``targets``, never forming ``log(softmax)``.

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
    For probabilities, :math:`\sum_k y_k \operatorname{LSE}(z) - \sum_k y_k z_k` (see
    :func:`cross_entropy_and_grad`), where :math:`0 \cdot \log 0 = 0`: a masked class with target
    0 adds nothing.
    """
    per, _, dtype = _cross_entropy(logits, targets, reduction, with_grad=False)
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
    _, grad, dtype = _cross_entropy(logits, targets, reduction, with_grad=True)
    return _validate.result(grad, dtype)


def cross_entropy_and_grad(logits, targets, reduction="mean"):
    r""":func:`cross_entropy` and :func:`cross_entropy_grad` together, from one ``exp`` pass.

    Implements {eq}`eq-cross-entropy-def` and {eq}`eq-cross-entropy-grad` of
    {ref}`ch-cross-entropy`: what a training step needs, for about the cost of one softmax
    (called one after the other, the two functions cost two).

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    loss : scalar for ``'mean'`` and ``'sum'``; ndarray of shape (...) for ``'none'``
        As :func:`cross_entropy` returns it.
    grad : ndarray, shape (..., K)
        As :func:`cross_entropy_grad` returns it (divided by the batch size for ``'mean'``).

    Raises
    ------
    ValueError
        For the inputs :func:`cross_entropy` refuses.

    Notes
    -----
    With :math:`m = \max_j z_j`, :math:`e_j = e^{z_j - m}` and :math:`S = \sum_j e_j`, one pass
    over the exponentials gives both the loss :math:`\sum_k y_k \log S - \sum_k y_k (z_k - m)`
    and the gradient :math:`(\sum_k y_k)\, e / S - y`, with the accuracy of the separate functions.
    """
    per, grad, dtype = _cross_entropy(logits, targets, reduction, with_grad=True)
    return _validate.reduce(per, reduction, dtype), _validate.result(grad, dtype)


def _cross_entropy(logits, targets, reduction, with_grad):
    """Validate; return the per-example losses, the gradient (or None) and the dtype to return."""
    _validate.reduction(reduction)
    z, dtype = _validate.float_input(logits, "logits")
    _validate.class_axis(z, -1, "logits")
    kind, t = _validate.split_targets(targets, z)
    batch = z[..., 0].size if reduction == "mean" else 1
    if kind == "labels":
        per, grad = _label_loss(z, t, with_grad, batch)
    else:
        per, grad = _soft_loss_and_grad(z, t, batch)
    return per, grad, dtype


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


def _soft_loss_and_grad(z, y, batch):
    r"""Per-example losses and gradients / ``batch`` for probability targets ``y``, one ``exp`` each.

    As in ``log_softmax``, the largest entry's term (exactly 1) is left out of the sum, so that
    :math:`\log S = \operatorname{log1p}(r)` is exact near 0, and the gradient's entry there is
    :math:`(\sum_{j \ne t} y_j - y_t r) / S` instead of the cancelling :math:`(\sum_k y_k) s_t - y_t`.
    A row of only ``-inf`` gets :math:`r = -1` and so NaN, like ``cross_entropy``.
    """
    rows, targets = z.reshape(-1, z.shape[-1]), y.reshape(-1, z.shape[-1])
    per = np.empty(rows.shape[0], rows.dtype)
    grad = np.empty_like(rows)
    for b in blocks(rows):
        e, t = grad[b], targets[b]
        top = np.argmax(rows[b], axis=-1, keepdims=True)
        _, guard = shift(rows[b], np.take_along_axis(rows[b], top, axis=-1), e)
        not_top = np.ones(t.shape, bool)
        np.put_along_axis(not_top, top, False, axis=-1)
        y_top, y_rest = np.take_along_axis(t, top, axis=-1)[:, 0], t.sum(axis=-1, where=not_top)
        with guard():
            weighted = np.multiply(t, e, out=np.zeros_like(e), where=t != 0).sum(axis=-1)
            np.exp(e, out=e)
            e_top = np.take_along_axis(e, top, axis=-1)  # 1, or 0 in a row of only -inf
            np.put_along_axis(e, top, e_top - 1, axis=-1)
            rest = e.sum(axis=-1)
            per[b] = (y_top + y_rest) * np.log1p(rest) - weighted
            scale = 1 / ((1 + rest) * batch)
            e *= ((y_top + y_rest) * scale)[:, None]
            e -= t / batch
            # (sum y) s_top - y_top without the cancellation of s_top - 1 (times e_top: NaN, not
            # inf, in a row of only -inf)
            np.put_along_axis(e, top, ((y_rest - y_top * rest) * scale)[:, None] * e_top, axis=-1)
    return per.reshape(y.shape[:-1]), grad.reshape(z.shape)
