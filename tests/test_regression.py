"""Tests of softmax regression: loss, gradient, Hessian and fitting ({ref}`ch-regression`).

Oracles: central finite differences, scikit-learn's multinomial LogisticRegression on iris, and
the agreement of two different optimisers (gradient descent and Newton's method).
"""

import numpy as np
import pytest
from conftest import call_untouched
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from softmaxbook import (
    cross_entropy,
    fit_softmax_regression,
    numerical_gradient,
    softmax_regression_hessian,
    softmax_regression_loss_and_grad,
)

# Central differences with h ~ 6e-6: truncation h^2/6 |L'''| (|L'''| <= |x|^3 <= 30 here) and
# round-off eps |L| / h, both below 2e-10; 1e-8 leaves a margin of 50.
FD_TOL = 1e-8


def problem(rng, m=12, d=3, K=4):
    X = rng.normal(size=(m, d))
    y = rng.integers(0, K, size=m)
    return rng.normal(size=(d, K)), rng.normal(size=K), X, y


def unpack(theta, d, K):
    return theta[: d * K].reshape(d, K), theta[d * K :]


def flat_gradient(theta, X, y, l2, d, K):
    """The gradient as one vector over theta = concatenate([W.ravel(), b]), the Hessian's order."""
    _, dW, db = softmax_regression_loss_and_grad(*unpack(theta, d, K), X, y, l2)
    return np.concatenate([dW.ravel(), db])


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_regression_loss_is_mean_cross_entropy_plus_half_l2(l2, rng):
    """{eq}`eq-regression-loss`: the stated convention, mean over examples, bias not penalised."""
    W, b, X, y = problem(rng)
    loss, _, _ = softmax_regression_loss_and_grad(W, b, X, y, l2)
    logits = X @ W + b
    expected = -np.mean(logits[np.arange(len(y)), y] - np.log(np.exp(logits).sum(axis=1))) + l2 / 2 * np.sum(W**2)
    assert loss == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_regression_gradient_matches_finite_differences(l2, rng):
    """{eq}`eq-cross-entropy-regression-grad`: X^T (P - Y) / m + l2 W and (P - Y)^T 1 / m."""
    W, b, X, y = problem(rng)
    d, K = W.shape
    theta = np.concatenate([W.ravel(), b])
    numeric = numerical_gradient(lambda t: softmax_regression_loss_and_grad(*unpack(t, d, K), X, y, l2)[0], theta)
    np.testing.assert_allclose(flat_gradient(theta, X, y, l2, d, K), numeric, atol=FD_TOL)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_regression_hessian_matches_finite_differences_of_the_gradient(l2, rng):
    W, b, X, y = problem(rng)
    d, K = W.shape
    theta = np.concatenate([W.ravel(), b])
    H = softmax_regression_hessian(W, b, X, y, l2)
    assert H.shape == ((d + 1) * K, (d + 1) * K)
    numeric = numerical_gradient(lambda t: flat_gradient(t, X, y, l2, d, K), theta)
    np.testing.assert_allclose(H, numeric, atol=FD_TOL)


def test_regression_hessian_symmetric_psd_and_singular_along_bias_shift(rng):
    W, b, X, y = problem(rng)
    d, K = W.shape
    H = softmax_regression_hessian(W, b, X, y, l2=0.5)
    np.testing.assert_allclose(H, H.T, atol=1e-15)
    assert np.linalg.eigvalsh(H).min() >= -1e-14
    shift = np.concatenate([np.zeros(d * K), np.ones(K)])  # b -> b + c 1 leaves the loss unchanged
    np.testing.assert_allclose(H @ shift, 0, atol=1e-14)


def test_regression_gd_and_newton_reach_the_same_minimum(rng):
    X = rng.normal(size=(60, 3))
    y = (X @ rng.normal(size=(3, 3)) + rng.normal(size=(60, 3)) * 2).argmax(axis=1)
    gd = fit_softmax_regression(X, y, method="gd", l2=0.1, lr=None, max_iter=5000)
    newton = fit_softmax_regression(X, y, method="newton", l2=0.1)
    assert np.all(np.diff(gd.history) <= 1e-15)  # 1/L steps never raise the loss
    assert len(newton.history) < 15
    # Both stop at a gradient of at most 1e-10; with curvature >= l2 = 0.1 in W, the parameters
    # are then within 1e-9 of the minimiser, and the loss within 1e-19.
    assert gd.history[-1] == pytest.approx(newton.history[-1], abs=1e-14)
    np.testing.assert_allclose(gd.W, newton.W, atol=1e-8)
    # b is determined up to a shift b + c 1; both start at 0, which keeps sum(b) = 0.
    np.testing.assert_allclose(gd.b, newton.b, atol=1e-8)


def test_regression_matches_sklearn_on_iris():
    """scikit-learn minimises (1/2)||W||^2 + C sum_i CE_i, which for C = 1 / (m l2) is
    (1 / l2) [(l2 / 2)||W||^2 + (1/m) sum_i CE_i]: our loss times a constant, so the same minimiser.
    Its lbfgs stops at tol = 1e-12 on the gradient, far inside the 1e-6 asked of the loss.
    """
    X, y = load_iris(return_X_y=True)
    m, l2 = len(y), 0.01
    sk = LogisticRegression(C=1 / (m * l2), tol=1e-12, max_iter=10_000).fit(X, y)
    ours = fit_softmax_regression(X, y, method="newton", l2=l2)
    sk_loss, _, _ = softmax_regression_loss_and_grad(sk.coef_.T, sk.intercept_, X, y, l2)
    assert ours.history[-1] == pytest.approx(sk_loss, abs=1e-6)
    assert ours.history[-1] <= sk_loss + 1e-12  # Newton's minimum is at least as low
    np.testing.assert_array_equal((X @ ours.W + ours.b).argmax(axis=1), sk.predict(X))
    # The fitted model's own loss, recomputed through cross_entropy, is the reported one.
    assert cross_entropy(X @ ours.W + ours.b, y) + l2 / 2 * np.sum(ours.W**2) == pytest.approx(ours.history[-1], rel=1e-13)


def test_regression_fit_returns_named_parameters_and_history(rng):
    X = rng.normal(size=(20, 2))
    y = rng.integers(0, 3, size=20)
    W, b, history = fit_softmax_regression(X, y, max_iter=5)
    assert W.shape == (2, 3) and b.shape == (3,) and history.shape == (6,)
    assert fit_softmax_regression(X, y, n_classes=5, max_iter=1).W.shape == (2, 5)


def test_regression_inputs_untouched(rng):
    W, b, X, y = problem(rng)
    call_untouched(softmax_regression_loss_and_grad, W, b, X, y, 0.1)
    call_untouched(softmax_regression_hessian, W, b, X, y, 0.1)
    call_untouched(fit_softmax_regression, X, y, "newton", 0.1)


BAD_SHAPES = [
    ((3, 4), (4,), (12, 2), (12,), r"shape mismatch: X \(12, 2\), W \(3, 4\), b \(4,\), y \(12,\)"),
    ((3, 4), (5,), (12, 3), (12,), r"shape mismatch: X \(12, 3\), W \(3, 4\), b \(5,\), y \(12,\)"),
    ((3, 4), (4,), (12, 3), (11,), r"shape mismatch: X \(12, 3\), W \(3, 4\), b \(4,\), y \(11,\)"),
    ((3, 4), (4,), (12,), (12,), r"expected W \(d, K\), b \(K,\), X \(m, d\), y \(m,\), got \(3, 4\), \(4,\), \(12,\), \(12,\)"),
]


@pytest.mark.parametrize(("W", "b", "X", "y", "message"), BAD_SHAPES)
def test_regression_bad_shapes_raise(W, b, X, y, message):
    with pytest.raises(ValueError, match=message):
        softmax_regression_loss_and_grad(np.zeros(W), np.zeros(b), np.zeros(X), np.zeros(y, dtype=int))


def test_regression_bad_labels_l2_and_method_raise():
    W, b, X = np.zeros((2, 3)), np.zeros(3), np.zeros((4, 2))
    with pytest.raises(ValueError, match="label out of range: got 3, but there are only 3 classes"):
        softmax_regression_loss_and_grad(W, b, X, np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="l2 must be >= 0, got -1"):
        softmax_regression_hessian(W, b, X, np.array([0, 1, 2, 0]), l2=-1)
    with pytest.raises(ValueError, match="method must be 'gd' or 'newton', got 'adam'"):
        fit_softmax_regression(X, np.array([0, 1, 2, 0]), method="adam")
