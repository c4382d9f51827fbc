"""Softmax (multinomial logistic) regression: loss, gradient and Hessian: :ref:`ch-regression`.

Shapes: ``X`` (m, d) features, ``W`` (d, K) weights, ``b`` (K,) biases, ``y`` (m,) integer labels in
``[0, K)``. The model is :math:`P = \\operatorname{softmax}(XW + \\mathbf 1 b^\\top)` row by row
(:eq:`eq-regression-model`).

L2 convention: the loss is the *mean* cross-entropy plus :math:`\\tfrac{\\lambda}{2}\\|W\\|_F^2`, with
the bias not penalised (:eq:`eq-regression-loss`). For K >= 3 classes this is scikit-learn's
``LogisticRegression`` objective with ``C = 1 / (m * l2)``. For K = 2 scikit-learn fits one weight
vector :math:`w = w_1 - w_0`, and softmax regression with ``l2`` is logistic regression with
``l2 / 2`` (:ref:`ch-equivalence`), so the match is ``C = 2 / (m * l2)``
(``tests/test_sklearn_mapping.py``).
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .jacobian import softmax_jacobian
from .losses import cross_entropy_and_grad


def softmax_regression_loss_and_grad(W, b, X, y, l2=0.0):
    r"""Regularised mean cross-entropy of softmax regression and its gradient.

    Implements :eq:`eq-regression-loss` of :ref:`ch-regression` and its gradient
    :eq:`eq-regression-grad` (:eq:`eq-cross-entropy-regression-grad` of :ref:`ch-cross-entropy`
    plus the penalty's :math:`\lambda W`).

    Parameters
    ----------
    W : array_like, shape (d, K)
    b : array_like, shape (K,)
    X : array_like, shape (m, d)
    y : array_like of int, shape (m,), labels in ``[0, K)``
    l2 : float, default 0.0
        :math:`\lambda \ge 0`, the weight of :math:`\tfrac{1}{2}\|W\|_F^2` (the bias is not penalised).

    Returns
    -------
    loss : float
    dW : ndarray, shape (d, K)
    db : ndarray, shape (K,)

    Notes
    -----
    With :math:`Z = XW + \mathbf 1 b^\top`, :math:`P = \operatorname{softmax}(Z)` and :math:`Y` the
    one-hot labels (never formed):

    .. math::
        L = -\frac{1}{m}\sum_i \log P_{i y_i} + \frac{\lambda}{2}\|W\|_F^2, \qquad
        \nabla_W L = \frac{1}{m} X^\top (P - Y) + \lambda W, \qquad
        \nabla_b L = \frac{1}{m} (P - Y)^\top \mathbf 1 .
    """
    W, b, X, y, l2 = _regression_inputs(W, b, X, y, l2)
    data_loss, G = cross_entropy_and_grad(X @ W + b, y)  # G = (P - Y) / m
    loss = data_loss + 0.5 * l2 * np.sum(W * W)
    return float(loss), X.T @ G + l2 * W, G.sum(axis=0)


def softmax_regression_hessian(W, b, X, y, l2=0.0):
    r"""Hessian of :func:`softmax_regression_loss_and_grad`'s loss, for Newton's method on small problems.

    Implements the Hessian :eq:`eq-cross-entropy-hessian` of :ref:`ch-cross-entropy` summed over
    the data, as used by :eq:`eq-regression-newton` of :ref:`ch-regression`.

    Parameters
    ----------
    W, b, X, y, l2 : as in :func:`softmax_regression_loss_and_grad`

    Returns
    -------
    H : ndarray, shape ((d + 1) K, (d + 1) K)
        With respect to :math:`\theta` = ``flatten_params(W, b)``, i.e. ``W`` in row-major
        order (entry ``(j, k)`` at position ``j*K + k``) followed by ``b``.

    Notes
    -----
    With :math:`\tilde x_i = (x_i, 1)` and :math:`J_i = \operatorname{diag}(p_i) - p_i p_i^\top`:

    .. math::
        H = \frac{1}{m}\sum_i (\tilde x_i \tilde x_i^\top) \otimes J_i
            + \lambda \begin{pmatrix} I_{dK} & 0 \\ 0 & 0 \end{pmatrix}.

    :math:`O(m d^2 K^2)` time and :math:`O(m K^2 + m d K + d^2 K^2)` memory. It is singular along
    :math:`b \to b + c\mathbf 1` (and, for :math:`\lambda = 0`, along every shift shared by the classes).
    """
    W, b, X, y, l2 = _regression_inputs(W, b, X, y, l2)
    (m, d), K = X.shape, W.shape[1]
    X1 = np.hstack([X, np.ones((m, 1))])
    J = softmax_jacobian(X @ W + b)  # (m, K, K)
    # H[j, k, l, n] = sum_i X1[i, j] X1[i, l] J[i, k, n], one class k at a time: each is one
    # matrix product (BLAS) over an O(m d K) temporary, where a single einsum over all four
    # indices runs as unblocked loops.
    H = np.empty((d + 1, K, d + 1, K))  # float64, as X1 is
    for k in range(K):
        weighted = (X1[:, :, None] * J[:, k, None, :]).reshape(m, -1)  # X1[i, l] J[i, k, n]
        H[:, k] = (X1.T @ weighted).reshape(d + 1, d + 1, K)
    H = H.reshape((d + 1) * K, (d + 1) * K) / m
    H[np.arange(d * K), np.arange(d * K)] += l2
    return H


def flatten_params(W, b):
    """The parameter vector :math:`\theta` = ``np.concatenate([W.ravel(), b])``, the Hessian's order.

    Parameters
    ----------
    W : array_like, shape (d, K)
    b : array_like, shape (K,)

    Returns
    -------
    theta : ndarray, shape ((d + 1) K,)
        ``W`` in row-major order (entry ``(j, k)`` at position ``j*K + k``), then ``b``.

    See Also
    --------
    unflatten_params : the inverse.
    """
    return np.concatenate([np.ravel(W), np.ravel(b)])


def unflatten_params(theta, n_features, n_classes):
    """``(W, b)`` from :math:`\theta` = ``flatten_params(W, b)``: the inverse of :func:`flatten_params`.

    Parameters
    ----------
    theta : array_like, shape ((d + 1) K,)
    n_features, n_classes : int
        :math:`d` and :math:`K`.

    Returns
    -------
    W : ndarray, shape (d, K)
    b : ndarray, shape (K,)
        Views of ``theta`` when it is an ndarray.

    Raises
    ------
    ValueError
        If ``theta`` is not a vector of length :math:`(d + 1) K`.
    """
    theta = np.asarray(theta)
    d, K = int(n_features), int(n_classes)
    if theta.shape != ((d + 1) * K,):
        raise ValueError(f"theta must have shape ({(d + 1) * K},) for d = {d}, K = {K}, got {theta.shape}")
    return theta[: d * K].reshape(d, K), theta[d * K :]


def _regression_inputs(W, b, X, y, l2):
    """Float arrays ``W`` (d, K), ``b`` (K,), ``X`` (m, d), int labels ``y`` (m,) in [0, K), ``l2 >= 0``."""
    W, _ = _validate.float_input(W, "W")
    b, _ = _validate.float_input(b, "b")
    X, _ = _validate.float_input(X, "X")
    y = np.asarray(y)
    if W.ndim != 2 or X.ndim != 2 or b.ndim != 1 or y.ndim != 1:
        raise ValueError(f"expected W (d, K), b (K,), X (m, d), y (m,), got {W.shape}, {b.shape}, {X.shape}, {y.shape}")
    if X.shape[1] != W.shape[0] or b.shape[0] != W.shape[1] or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"shape mismatch: X {X.shape}, W {W.shape}, b {b.shape}, y {y.shape} "
            "(need X (m, d), W (d, K), b (K,), y (m,))"
        )
    if not l2 >= 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    return W, b, X, _validate.labels(y, W.shape[1]), float(l2)
