"""Fitting by gradient descent and Newton's method: :ref:`ch-regression` and :ref:`ch-equivalence`.

Both solvers start from zero parameters, stop when the largest gradient entry is at most ``tol``,
and record the loss before every step (and after the last) in ``history``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _validate
from .binary_losses import binary_cross_entropy, binary_cross_entropy_grad
from .regression import flatten_params, softmax_regression_hessian, softmax_regression_loss_and_grad, unflatten_params
from .sigmoid import sigmoid_grad


class SoftmaxRegressionFit(NamedTuple):
    """Result of :func:`fit_softmax_regression`: ``W, b, history = fit_softmax_regression(...)``."""

    W: np.ndarray
    b: np.ndarray
    history: np.ndarray


class LogisticRegressionFit(NamedTuple):
    """Result of :func:`fit_logistic_newton`: ``w, c, history = fit_logistic_newton(...)``."""

    w: np.ndarray
    c: float
    history: np.ndarray


def fit_softmax_regression(X, y, method="gd", l2=0.0, lr=0.5, max_iter=1000, tol=1e-10, n_classes=None):
    r"""Fit softmax regression by gradient descent or by Newton's method, from :math:`W = 0, b = 0`.

    Implements the training loop of :ref:`ch-regression`: gradient steps, or Newton steps
    :eq:`eq-regression-newton`.

    Parameters
    ----------
    X : array_like, shape (m, d)
    y : array_like of int, shape (m,)
    method : {'gd', 'newton'}
    l2 : float, default 0.0
        The L2 weight :math:`\lambda` of :func:`softmax_regression_loss_and_grad`.
    lr : float or None, default 0.5
        Gradient-descent step (ignored by Newton). ``None`` chooses :math:`1/L` with
        :math:`L = \lambda_{\max}(\tilde X^\top \tilde X)/(2m) + \lambda`, a bound on the Hessian's
        largest eigenvalue (the softmax Jacobian's are at most 1/2), so that every step decreases
        the loss; 0.5 suits standardised features, raw features may need ``None``.
    max_iter : int, default 1000
        At most this many steps.
    tol : float, default 1e-10
        Stop when the largest gradient entry is at most ``tol``.
    n_classes : int, optional
        :math:`K`; by default ``y.max() + 1``.

    Returns
    -------
    SoftmaxRegressionFit
        ``(W, b, history)``: ``W`` (d, K), ``b`` (K,), and ``history`` (steps + 1,), the loss
        before every step and after the last.

    Notes
    -----
    Newton's step solves :math:`H \delta = -\nabla L` in the least-squares sense (``H`` is singular
    along the shift of ``b``) and is halved until the loss does not increase (backtracking); the fit
    stops early when no step size helps any more (the loss is at its floating-point minimum).
    """
    X, _ = _validate.float_input(X, "X")
    if method not in ("gd", "newton"):
        raise ValueError(f"method must be 'gd' or 'newton', got {method!r}")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (m, d), got {X.shape}")
    y = _validate.labels(y, np.inf)
    d, K = X.shape[1], int(y.max()) + 1 if n_classes is None else int(n_classes)

    def loss_and_grad(theta):
        loss, dW, db = softmax_regression_loss_and_grad(*unflatten_params(theta, d, K), X, y, l2)
        return loss, flatten_params(dW, db)

    if method == "newton":
        def step(theta, loss, g):
            H = softmax_regression_hessian(*unflatten_params(theta, d, K), X, y, l2)
            return _damped(loss_and_grad, theta, np.linalg.lstsq(H, -g, rcond=None)[0], loss)
    else:
        step = _gd_step(X, l2, lr)
    theta, history = _minimise(loss_and_grad, step, np.zeros((d + 1) * K), max_iter, tol)
    return SoftmaxRegressionFit(*unflatten_params(theta, d, K), history)


def fit_logistic_newton(X, y, l2=0.0, max_iter=50, tol=1e-12):
    r"""Fit logistic regression by Newton's method, from :math:`w = 0, c = 0`.

    Implements the logistic model of :ref:`ch-equivalence` (:eq:`eq-equivalence-logistic`):
    :math:`P(y = 1 \mid x) = \sigma(w^\top x + c)`, fitted to the mean binary cross-entropy
    :eq:`eq-sigmoid-bce` plus :math:`\tfrac{\lambda}{2}\|w\|^2` (the bias not penalised).

    Parameters
    ----------
    X : array_like, shape (m, d)
    y : array_like, shape (m,)
        Targets in [0, 1] (0/1 labels, or probabilities of the positive class).
    l2 : float, default 0.0
        :math:`\lambda \ge 0`.
    max_iter : int, default 50
        At most this many Newton steps.
    tol : float, default 1e-12
        Stop when the largest gradient entry is at most ``tol`` (the rule of
        :func:`fit_softmax_regression`).

    Returns
    -------
    LogisticRegressionFit
        ``(w, c, history)``: ``w`` (d,), ``c`` a float, ``history`` the loss before every step
        and after the last.

    Notes
    -----
    With :math:`\tilde x_i = (x_i, 1)`, :math:`p_i = \sigma(w^\top x_i + c)` and
    :math:`\Lambda = \operatorname{diag}(\lambda, \dots, \lambda, 0)`:

    .. math::
        g = \frac{1}{m}\sum_i (p_i - y_i)\,\tilde x_i + \Lambda \theta, \qquad
        H = \frac{1}{m}\sum_i p_i (1 - p_i)\,\tilde x_i \tilde x_i^\top + \Lambda .

    Each step solves :math:`H\delta = -g` (least squares, in case :math:`H` is singular) and is
    halved until the loss does not increase. Softmax regression with two classes and penalty
    :math:`2\lambda` gives the same probabilities (:math:`w = w_1 - w_0`; :ref:`ch-equivalence`).
    """
    X, _ = _validate.float_input(X, "X")
    y = _validate.unit_interval(y)
    if X.ndim != 2 or y.shape != X.shape[:1]:
        raise ValueError(f"expected X (m, d) and y (m,), got {X.shape} and {y.shape}")
    if not l2 >= 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    X1 = np.hstack([X, np.ones((X.shape[0], 1))])
    penalty = np.r_[np.full(X.shape[1], float(l2)), 0.0]

    def loss_and_grad(theta):
        scores = X1 @ theta
        loss = binary_cross_entropy(scores, y) + 0.5 * np.sum(penalty * theta**2)
        return float(loss), X1.T @ binary_cross_entropy_grad(scores, y) + penalty * theta

    def step(theta, loss, g):
        H = X1.T @ (X1 * sigmoid_grad(X1 @ theta)[:, None]) / X1.shape[0] + np.diag(penalty)
        return _damped(loss_and_grad, theta, np.linalg.lstsq(H, -g, rcond=None)[0], loss)

    theta, history = _minimise(loss_and_grad, step, np.zeros(X1.shape[1]), max_iter, tol)
    return LogisticRegressionFit(theta[:-1], float(theta[-1]), history)


def _minimise(loss_and_grad, step, theta, max_iter, tol):
    """Take ``step``s from ``theta`` until the gradient is within ``tol``, no step helps, or ``max_iter``.

    Returns the last ``theta`` and the loss before every step and after the last.
    """
    history = []
    for _ in range(max_iter):
        loss, g = loss_and_grad(theta)
        history.append(loss)
        if np.abs(g).max() <= tol:
            break
        new = step(theta, loss, g)
        if new is None:
            break
        theta = new
    else:
        history.append(loss_and_grad(theta)[0])
    return theta, np.array(history)


def _gd_step(X, l2, lr):
    """A gradient-descent step function with step ``lr`` (default 1/L, see :func:`fit_softmax_regression`)."""
    if lr is None:
        X1 = np.hstack([X, np.ones((X.shape[0], 1))])
        lr = 1.0 / (np.linalg.eigvalsh(X1.T @ X1 / X.shape[0]).max() / 2 + l2)
    lr = _validate.positive(lr, "lr")

    def step(theta, loss, g):
        return theta - lr * g

    return step


def _damped(loss_and_grad, theta, delta, loss):
    """``theta + t delta`` for the largest t in 1, 1/2, 1/4, ... that does not raise the loss.

    None when no t down to 2^-59 does: the loss is at its minimum up to rounding.
    """
    t = 1.0
    for _ in range(60):
        candidate = theta + t * delta
        if loss_and_grad(candidate)[0] <= loss:
            return candidate
        t /= 2
    return None
