r"""Cross-entropy with label smoothing, and the logit gap it implies: :ref:`ch-loss`.

The target is mixed with the uniform distribution, :math:`(1 - \varepsilon)\, y + \varepsilon / K`,
and the loss and gradient are those of :func:`softmaxbook.cross_entropy` with that target: the same
as its keyword ``label_smoothing=eps`` (PyTorch's), as functions of their own. Conventions of
``softmaxbook.losses``.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate
from .losses import cross_entropy, cross_entropy_grad


def smoothed_targets(labels, n_classes, eps):
    r"""Label-smoothed targets :math:`(1 - \varepsilon)\, e_y + \varepsilon / K` of integer labels.

    Implements the target of :eq:`eq-loss-smoothing` of :ref:`ch-loss`.

    Parameters
    ----------
    labels : array_like of int, shape (...)
        Classes in ``[0, n_classes)``.
    n_classes : int
        :math:`K \ge 2`.
    eps : float in [0, 1]

    Returns
    -------
    ndarray, shape (..., K), float64: probability vectors.
    """
    n, eps = _class_count(n_classes), _smoothing(eps)
    return (1 - eps) * np.eye(n)[_validate.labels(labels, n)] + eps / n


def label_smoothing_cross_entropy(logits, targets, eps, reduction="mean"):
    r"""Cross-entropy with label smoothing, as PyTorch's ``cross_entropy(..., label_smoothing=eps)``.

    Implements :eq:`eq-loss-smoothing` of :ref:`ch-loss`.

    Parameters
    ----------
    logits : array_like, shape (..., K)
    targets : array_like, shape (...) of integer labels, or (..., K) of probabilities
    eps : float in [0, 1]
        0 gives :func:`~softmaxbook.cross_entropy`.
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    loss : scalar for ``'mean'`` and ``'sum'``; ndarray of shape (...) for ``'none'``.

    See Also
    --------
    label_smoothing_cross_entropy_grad, smoothed_targets, label_smoothing_gap

    Notes
    -----
    .. math::
        L = -\sum_k \tilde y_k \log s_k
          = (1 - \varepsilon)\,\ell(z, y) + \varepsilon \cdot \frac1K \sum_{k=1}^{K} (-\log s_k),
        \qquad \tilde y = (1 - \varepsilon)\,y + \varepsilon / K .
    """
    return cross_entropy(logits, _smoothed_for(logits, targets, eps), reduction)


def label_smoothing_cross_entropy_grad(logits, targets, eps, reduction="mean"):
    r"""Gradient of :func:`label_smoothing_cross_entropy`: :math:`s - \tilde y`.

    Implements the gradient in :eq:`eq-loss-smoothing` of :ref:`ch-loss`.

    Parameters
    ----------
    logits, targets, eps, reduction : as for :func:`label_smoothing_cross_entropy`

    Returns
    -------
    grad : ndarray, shape (..., K); divided by the batch size for ``'mean'``.
    """
    return cross_entropy_grad(logits, _smoothed_for(logits, targets, eps), reduction)


def label_smoothing_gap(n_classes, eps):
    r"""The logit gap :math:`z_y - z_k` at the minimum of the label-smoothed loss.

    Implements :eq:`eq-loss-smoothing-gap` of :ref:`ch-loss`.

    Parameters
    ----------
    n_classes : int, :math:`K \ge 2`
    eps : float in (0, 1]
        At 0 the gap is unbounded (plain cross-entropy has no minimiser), so 0 raises.

    Returns
    -------
    float

    Notes
    -----
    .. math::
        z_y - z_k = \log \frac{1 - \varepsilon + \varepsilon / K}{\varepsilon / K}
                  = \log\Bigl(1 + \frac{K (1 - \varepsilon)}{\varepsilon}\Bigr).
    """
    n, eps = _class_count(n_classes), _smoothing(eps)
    if eps == 0:
        raise ValueError("eps = 0 has no finite gap: plain cross-entropy is minimised only at infinity")
    return math.log1p(n * (1 - eps) / eps)


def _smoothed_for(logits, targets, eps):
    z = np.asarray(logits)
    if z.ndim == 0:
        raise ValueError("logits need a class axis, got a scalar (shape ())")
    t = np.asarray(targets)
    if t.shape not in (z.shape, z.shape[:-1]):
        raise ValueError(f"targets of shape {t.shape} match neither labels of shape {z.shape[:-1]} nor "
                         f"probabilities of shape {z.shape}")
    if t.shape == z.shape:
        return (1 - _smoothing(eps)) * _validate.probabilities(t) + _smoothing(eps) / z.shape[-1]
    return smoothed_targets(t, z.shape[-1], eps)


def _class_count(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n_classes must be an integer >= 2, got {n!r}")
    return int(n)


def _smoothing(eps):
    e = float(eps)
    if not 0 <= e <= 1:
        raise ValueError(f"eps must lie in [0, 1], got {eps!r}")
    return e
