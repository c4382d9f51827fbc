"""Cross-entropy from logits, and its gradient: :ref:`ch-cross-entropy`.

Conventions of ``torch.nn.functional``: losses take logits (never probabilities), the class axis
is the last one, and ``reduction`` is ``'mean'`` (over the batch), ``'sum'`` or ``'none'``.

Targets for the softmax cross-entropy are either

- integer labels of shape ``logits.shape[:-1]`` (a whole-number float array is accepted), each in
  ``[0, K)``; no one-hot matrix is built, or
- probability vectors of the shape of ``logits``: entries in [0, 1] summing to 1 within
  ``sqrt(eps)`` of their dtype (1.5e-8 in float64, 3.5e-4 in float32); anything else raises
  ``ValueError``. The private ``_ce_rows.soft_loss_and_grad`` computes the general gradient
  :math:`(\\sum_k y_k) s - y` (:eq:`eq-cross-entropy-grad-general`), which the tests also check
  with unnormalised targets; the public functions accept only distributions.

A gradient is the gradient of the reduced loss: for ``'mean'`` it is divided by the batch size;
for ``'none'`` it stacks the gradient of each example's loss with respect to its own logits (the
same array as for ``'sum'``). A masked class (logit ``-inf``) as the label gives an infinite loss;
a row whose logits are all ``-inf`` gives NaN. NaN in the logits propagates.
"""

from __future__ import annotations

import numpy as np

from . import _ce_rows, _validate


def cross_entropy(logits, targets, reduction="mean", label_smoothing=0.0):
    r"""Cross-entropy of the softmax of ``logits`` with ``targets``, never forming ``log(softmax)``.

    Implements :eq:`eq-cross-entropy-def` of :ref:`ch-cross-entropy`.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    label_smoothing : float in [0, 1], default 0.0
        :math:`\varepsilon`, as PyTorch's keyword: the targets become
        :math:`(1 - \varepsilon)\, y + \varepsilon / K` (:eq:`eq-loss-smoothing` of :ref:`ch-loss`).

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

    See Also
    --------
    cross_entropy_grad : its gradient.
    cross_entropy_and_grad : both for about the cost of one.
    binary_cross_entropy : the two-class case in one logit.

    Examples
    --------
    The probability of the label underflows to 0; the loss does not:

    >>> import numpy as np
    >>> from softmaxbook import cross_entropy, softmax
    >>> z = np.array([0.0, -800.0])
    >>> with np.errstate(divide="ignore"):
    ...     -np.log(softmax(z)[1])
    np.float64(inf)
    >>> cross_entropy(z, 1)
    np.float64(800.0)
    """
    per, _, dtype = _cross_entropy(logits, targets, reduction, with_grad=False, label_smoothing=label_smoothing)
    return _validate.reduce(per, reduction, dtype)


def cross_entropy_grad(logits, targets, reduction="mean", label_smoothing=0.0):
    r"""Gradient of :func:`cross_entropy` with respect to the logits: :math:`s - y`.

    Implements :eq:`eq-cross-entropy-grad` of :ref:`ch-cross-entropy` (and, per example,
    :eq:`eq-cross-entropy-regression-grad` before the product with :math:`X^\top`).

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    label_smoothing : float in [0, 1], default 0.0
        :math:`\varepsilon`, as PyTorch's keyword: the targets become
        :math:`(1 - \varepsilon)\, y + \varepsilon / K` (:eq:`eq-loss-smoothing` of :ref:`ch-loss`).

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

    See Also
    --------
    cross_entropy : the loss.
    cross_entropy_and_grad : both for about the cost of one.
    softmax_vjp : the general backward pass through the softmax.

    Examples
    --------
    A confident correct prediction: :math:`s_0 - 1` cancels to 0, the gradient keeps its size:

    >>> import numpy as np
    >>> from softmaxbook import cross_entropy_grad, softmax
    >>> z = np.array([0.0, -40.0])
    >>> softmax(z) - np.array([1.0, 0.0])
    array([0.00000000e+00, 4.24835426e-18])
    >>> cross_entropy_grad(z, 0)
    array([-4.24835426e-18,  4.24835426e-18])
    """
    _, grad, dtype = _cross_entropy(logits, targets, reduction, with_grad=True, label_smoothing=label_smoothing)
    return _validate.result(grad, dtype)


def cross_entropy_and_grad(logits, targets, reduction="mean", label_smoothing=0.0):
    r""":func:`cross_entropy` and :func:`cross_entropy_grad` together, from one ``exp`` pass.

    Implements :eq:`eq-cross-entropy-def` and :eq:`eq-cross-entropy-grad` of
    :ref:`ch-cross-entropy`: what a training step needs, for about the cost of one softmax
    (called one after the other, the two functions cost two).

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    label_smoothing : float in [0, 1], default 0.0
        :math:`\varepsilon`, as PyTorch's keyword: the targets become
        :math:`(1 - \varepsilon)\, y + \varepsilon / K` (:eq:`eq-loss-smoothing` of :ref:`ch-loss`).

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

    See Also
    --------
    cross_entropy, cross_entropy_grad

    Examples
    --------
    >>> import numpy as np
    >>> from softmaxbook import cross_entropy_and_grad
    >>> loss, grad = cross_entropy_and_grad(np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), np.array([0, 2]))
    >>> loss
    np.float64(0.7531091265562451)
    >>> grad
    array([[-0.16737952,  0.12236424,  0.04501529],
           [ 0.16666667,  0.16666667, -0.33333333]])
    """
    per, grad, dtype = _cross_entropy(logits, targets, reduction, with_grad=True, label_smoothing=label_smoothing)
    return _validate.reduce(per, reduction, dtype), _validate.result(grad, dtype)


def _cross_entropy(logits, targets, reduction, with_grad, label_smoothing=0.0):
    """Validate; return the per-example losses, the gradient (or None) and the dtype to return."""
    _validate.reduction(reduction)
    z, dtype = _validate.float_input(logits, "logits")
    _validate.class_axis(z, -1, "logits")
    kind, t = _validate.split_targets(targets, z)
    eps = float(label_smoothing)
    if not 0 <= eps <= 1:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing!r}")
    if eps:  # the smoothed target is a probability vector (a one-hot matrix is built for labels)
        n = z.shape[-1]
        t, kind = (1 - eps) * (np.eye(n)[t] if kind == "labels" else t) + eps / n, "probs"
    batch = z[..., 0].size if reduction == "mean" else 1
    if kind == "labels":
        per, grad = _ce_rows.label_loss(z, t, with_grad, batch)
    else:
        per, grad = _ce_rows.soft_loss_and_grad(z, t, batch)
    return per, grad, dtype
