"""Tests of fit_softmax_regression ({ref}`ch-regression`) and fit_logistic_newton ({ref}`ch-equivalence`).

Oracles: scikit-learn's LogisticRegression (multinomial and binary) on iris, the agreement of two
optimisers (gradient descent and Newton's method), the two-class softmax's equivalence with the
logistic model, and central finite differences of losses written with SciPy.
"""

import numpy as np
import pytest
import scipy.special
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from softmaxbook import (
    cross_entropy,
    fit_logistic_newton,
    fit_softmax_regression,
    numerical_gradient,
    softmax_regression_loss_and_grad,
)
from softmaxbook import fitting

from .helpers import call_untouched


def logistic_loss(theta, X, y, l2):
    """Mean BCE + (l2/2) ||w||^2 for theta = (w, c), written with scipy.special.log_expit."""
    scores = X @ theta[:-1] + theta[-1]
    bce = -(y * scipy.special.log_expit(scores) + (1 - y) * scipy.special.log_expit(-scores))
    return bce.mean() + l2 / 2 * np.sum(theta[:-1] ** 2)


def two_iris_classes():
    """Versicolor (0) against virginica (1), the four features standardised: not separable."""
    X, y = load_iris(return_X_y=True)
    keep = y > 0
    X = X[keep]
    return (X - X.mean(axis=0)) / X.std(axis=0), (y[keep] - 1).astype(float)


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


def test_regression_fit_inputs_untouched_and_bad_method_raises(rng):
    X = rng.normal(size=(12, 3))
    y = rng.integers(0, 4, size=12)
    call_untouched(fit_softmax_regression, X, y, "newton", 0.1)
    with pytest.raises(ValueError, match="method must be 'gd' or 'newton', got 'adam'"):
        fit_softmax_regression(X, y, method="adam")
    with pytest.raises(ValueError, match=r"X must have shape \(m, d\), got \(12,\)"):
        fit_softmax_regression(X[:, 0], y)


def test_regression_fit_stops_at_the_first_gradient_within_tol(rng):
    """The gradient at the result is within tol, and one step earlier it was not."""
    X = rng.normal(size=(40, 2))
    y = rng.integers(0, 3, size=40)
    for method, tol in (("gd", 1e-3), ("newton", 1e-9)):
        fit = fit_softmax_regression(X, y, method=method, l2=0.1, tol=tol, max_iter=500)
        steps = len(fit.history) - 1
        assert 0 < steps < 500
        _, dW, db = softmax_regression_loss_and_grad(fit.W, fit.b, X, y, 0.1)
        assert max(np.abs(dW).max(), np.abs(db).max()) <= tol
        W, b, history = fit_softmax_regression(X, y, method=method, l2=0.1, tol=tol, max_iter=steps - 1)
        _, dW, db = softmax_regression_loss_and_grad(W, b, X, y, 0.1)
        assert max(np.abs(dW).max(), np.abs(db).max()) > tol
        np.testing.assert_array_equal(history, fit.history[:-1])


def test_regression_fit_gd_step_is_lr_times_the_gradient(rng):
    """One gradient step from zero moves the parameters by -lr times the gradient at zero."""
    X = rng.normal(size=(10, 2))
    y = rng.integers(0, 3, size=10)
    _, dW, db = softmax_regression_loss_and_grad(np.zeros((2, 3)), np.zeros(3), X, y, 0.0)
    W, b, history = fit_softmax_regression(X, y, lr=0.3, max_iter=1)
    np.testing.assert_allclose(W, -0.3 * dW, rtol=1e-15)
    np.testing.assert_allclose(b, -0.3 * db, rtol=1e-15, atol=1e-17)
    assert history.shape == (2,) and history[0] == pytest.approx(np.log(3), rel=1e-15)


def test_regression_fit_default_lr_is_one_over_the_curvature_bound(rng):
    """lr=None takes 1 / (lambda_max(X1^T X1 / m) / 2 + l2), computed here with NumPy."""
    X = rng.normal(size=(30, 3)) * 4
    y = rng.integers(0, 3, size=30)
    X1 = np.hstack([X, np.ones((30, 1))])
    lr = 1 / (np.linalg.eigvalsh(X1.T @ X1 / 30).max() / 2 + 0.2)
    W_auto, _, _ = fit_softmax_regression(X, y, l2=0.2, lr=None, max_iter=1)
    W_given, _, _ = fit_softmax_regression(X, y, l2=0.2, lr=lr, max_iter=1)
    np.testing.assert_allclose(W_auto, W_given, rtol=1e-12)
    with pytest.raises(ValueError, match="lr must be a positive finite number, got -1"):
        fit_softmax_regression(X, y, lr=-1)


def test_regression_fit_max_iter_zero_returns_the_start(rng):
    X = rng.normal(size=(6, 2))
    y = np.array([0, 1, 2, 0, 1, 2])
    W, b, history = fit_softmax_regression(X, y, method="newton", max_iter=0)
    assert not W.any() and not b.any() and history == pytest.approx([np.log(3)], rel=1e-15)


def test_fitting_minimise_ends_when_the_step_finds_no_lower_loss():
    def quadratic(theta):
        return float(theta @ theta), 2 * theta

    theta, history = fitting._minimise(quadratic, lambda theta, loss, g: None, np.array([1.0]), 10, 0.0)
    np.testing.assert_array_equal(theta, [1.0])
    np.testing.assert_array_equal(history, [1.0])


def test_fitting_damped_halves_the_step_until_the_loss_does_not_rise():
    def quadratic(theta):
        return float(theta @ theta), 2 * theta

    one = np.array([1.0])
    np.testing.assert_array_equal(fitting._damped(quadratic, one, np.array([-4.0]), 1.0), [-1.0])  # t = 1/2
    np.testing.assert_array_equal(fitting._damped(quadratic, one, np.array([-1.0]), 1.0), [0.0])  # t = 1
    assert fitting._damped(quadratic, one, np.array([1.0]), 0.5) is None  # every t raises it


def test_fitting_damped_tries_t_down_to_two_to_the_minus_59():
    def step_at(edge):
        def loss_and_grad(theta):
            return (0.0 if theta[0] <= edge else 1.0), np.zeros(1)

        return loss_and_grad

    zero, up = np.zeros(1), np.ones(1)
    np.testing.assert_array_equal(fitting._damped(step_at(2.0**-59), zero, up, 0.0), [2.0**-59])
    assert fitting._damped(step_at(2.0**-60), zero, up, 0.0) is None


def test_equivalence_logistic_newton_matches_sklearn_binary_on_iris():
    """{eq}`eq-equivalence-logistic`: scikit-learn minimises (1/2)||w||^2 + C sum_i BCE_i, our loss
    times m C for C = 1 / (m l2); lbfgs at tol 1e-12 agrees with Newton's minimum to 1e-8."""
    X, y = two_iris_classes()
    m, l2 = len(y), 0.05
    sk = LogisticRegression(C=1 / (m * l2), tol=1e-12, max_iter=10_000).fit(X, y)
    w, c, history = fit_logistic_newton(X, y, l2=l2)
    ours = np.r_[w, c]
    theirs = np.r_[sk.coef_[0], sk.intercept_]
    assert history[-1] == pytest.approx(logistic_loss(ours, X, y, l2), rel=1e-14)
    assert history[-1] <= logistic_loss(theirs, X, y, l2) + 1e-12
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    np.testing.assert_array_equal((X @ w + c > 0).astype(float), sk.predict(X))


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_equivalence_logistic_newton_gradient_vanishes_and_history_descends(l2):
    X, y = two_iris_classes()
    w, c, history = fit_logistic_newton(X, y, l2=l2)
    assert np.all(np.diff(history) <= 0) and len(history) < 15
    # Central differences of a loss of size 0.1-0.7 with |x| <= 3: error well below 1e-8.
    gradient = numerical_gradient(lambda t: logistic_loss(t, X, y, l2), np.r_[w, c])
    assert np.abs(gradient).max() < 1e-8


def test_equivalence_logistic_is_two_class_softmax_with_twice_the_penalty():
    """{ref}`ch-equivalence`: w = w_1 - w_0 and c = b_1 - b_0 when softmax's penalty is 2 lambda.

    At the softmax minimum w_0 = -w_1, so its penalty lambda (|w_0|^2 + |w_1|^2) / 2 is
    (lambda / 4) |w_1 - w_0|^2: the logistic penalty with lambda / 2."""
    X, y = two_iris_classes()
    W, b, _ = fit_softmax_regression(X, y.astype(int), method="newton", l2=0.2, n_classes=2, tol=1e-12)
    w, c, _ = fit_logistic_newton(X, y, l2=0.1)
    np.testing.assert_allclose(W[:, 1] - W[:, 0], w, atol=1e-9)
    assert b[1] - b[0] == pytest.approx(c, abs=1e-9)


def test_equivalence_logistic_newton_stops_at_tol_and_max_iter():
    X, y = two_iris_classes()
    loose = fit_logistic_newton(X, y, tol=1e-2)
    steps = len(loose.history) - 1
    gradient = numerical_gradient(lambda t: logistic_loss(t, X, y, 0.0), np.r_[loose.w, loose.c])
    assert np.abs(gradient).max() <= 1e-2
    earlier = fit_logistic_newton(X, y, tol=1e-2, max_iter=steps - 1)
    gradient = numerical_gradient(lambda t: logistic_loss(t, X, y, 0.0), np.r_[earlier.w, earlier.c])
    assert np.abs(gradient).max() > 1e-2
    assert len(earlier.history) == steps  # max_iter steps, then the loss after the last
    start = fit_logistic_newton(X, y, max_iter=0)
    assert not start.w.any() and start.c == 0 and start.history == pytest.approx([np.log(2)], rel=1e-15)


def test_equivalence_logistic_newton_soft_targets_and_unchanged_inputs(rng):
    """Targets may be probabilities: the fit's probabilities then match them where the model can."""
    X = rng.normal(size=(50, 2))
    p = scipy.special.expit(X @ np.array([1.5, -0.5]) + 0.25)
    w, c, _ = call_untouched(fit_logistic_newton, X, p)
    np.testing.assert_allclose(np.r_[w, c], [1.5, -0.5, 0.25], atol=1e-8)


def test_equivalence_logistic_newton_bad_input_raises():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\], got 2.0"):
        fit_logistic_newton(X, np.array([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match=r"expected X \(m, d\) and y \(m,\), got \(4, 2\) and \(3,\)"):
        fit_logistic_newton(X, np.zeros(3))
    with pytest.raises(ValueError, match=r"expected X \(m, d\) and y \(m,\), got \(4,\) and \(4,\)"):
        fit_logistic_newton(np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="l2 must be >= 0, got -0.5"):
        fit_logistic_newton(X, np.zeros(4), l2=-0.5)


def test_regression_fit_defaults_are_gd_no_penalty_lr_half_and_1000_steps(rng):
    X = rng.normal(size=(8, 2))
    y = rng.integers(0, 3, size=8)
    # three steps: the penalty's gradient l2 W is zero at the start, not after the first step
    default = fit_softmax_regression(X, y, max_iter=3)
    explicit = fit_softmax_regression(X, y, method="gd", l2=0.0, lr=0.5, max_iter=3)
    np.testing.assert_array_equal(default.W, explicit.W)
    assert len(fit_softmax_regression(X, y, tol=0.0).history) == 1001  # 1000 steps, then the last loss
    with pytest.raises(ValueError, match="^X must be real numbers, got dtype complex128"):
        fit_softmax_regression(X.astype(complex), y)


def test_equivalence_logistic_newton_defaults_are_no_penalty_and_50_steps(rng):
    X, y = two_iris_classes()
    assert len(fit_logistic_newton(X, y, tol=0.0).history) == 51
    np.testing.assert_array_equal(fit_logistic_newton(X, y, max_iter=2).w, fit_logistic_newton(X, y, l2=0.0, max_iter=2).w)
    with pytest.raises(ValueError, match="^X must be real numbers, got dtype complex128"):
        fit_logistic_newton(X.astype(complex), y)


def test_regression_fit_stops_before_any_step_when_the_gradient_is_exactly_zero():
    """tol = 0 is met by an exactly zero gradient: balanced labels and zero features at W = 0, b = 0."""
    fit = fit_softmax_regression(np.zeros((2, 1)), np.array([0, 1]), tol=0.0, max_iter=5)
    assert len(fit.history) == 1
