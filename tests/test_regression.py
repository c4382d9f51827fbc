"""Tests of softmax regression's loss, gradient and Hessian, and the parameter layout ({ref}`ch-regression`).

Oracles: the loss written out with NumPy, and central finite differences of it and of the gradient.
"""

import numpy as np
import pytest

from softmaxbook import (
    flatten_params,
    numerical_gradient,
    softmax_regression_hessian,
    softmax_regression_loss_and_grad,
    unflatten_params,
)

from .helpers import call_untouched

# Central differences with h ~ 6e-6: truncation h^2/6 |L'''| (|L'''| <= |x|^3 <= 30 here) and
# round-off eps |L| / h, both below 2e-10; 1e-8 leaves a margin of 50.
FD_TOL = 1e-8


def problem(rng, m=12, d=3, K=4):
    X = rng.normal(size=(m, d))
    y = rng.integers(0, K, size=m)
    return rng.normal(size=(d, K)), rng.normal(size=K), X, y


def flat_gradient(theta, X, y, l2, d, K):
    """The gradient as one vector over theta = flatten_params(W, b), the Hessian's order."""
    _, dW, db = softmax_regression_loss_and_grad(*unflatten_params(theta, d, K), X, y, l2)
    return flatten_params(dW, db)


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
    theta = flatten_params(W, b)
    numeric = numerical_gradient(lambda t: softmax_regression_loss_and_grad(*unflatten_params(t, d, K), X, y, l2)[0], theta)
    np.testing.assert_allclose(flat_gradient(theta, X, y, l2, d, K), numeric, atol=FD_TOL)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_regression_hessian_matches_finite_differences_of_the_gradient(l2, rng):
    W, b, X, y = problem(rng)
    d, K = W.shape
    theta = flatten_params(W, b)
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


def test_regression_inputs_untouched(rng):
    W, b, X, y = problem(rng)
    call_untouched(softmax_regression_loss_and_grad, W, b, X, y, 0.1)
    call_untouched(softmax_regression_hessian, W, b, X, y, 0.1)


BAD_SHAPES = [
    ((3, 4), (4,), (12, 2), (12,), r"shape mismatch: X \(12, 2\), W \(3, 4\), b \(4,\), y \(12,\) \(need X \(m, d\), W \(d, K\), b \(K,\), y \(m,\)\)"),
    ((3, 4), (4, 1), (12, 3), (12,), r"expected W \(d, K\), b \(K,\), X \(m, d\), y \(m,\), got \(3, 4\), \(4, 1\)"),
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


def test_regression_flatten_params_is_w_row_major_then_b_and_unflatten_inverts_it():
    W, b = np.arange(6.0).reshape(2, 3), np.array([10.0, 11.0, 12.0])
    theta = flatten_params(W, b)
    np.testing.assert_array_equal(theta, [0, 1, 2, 3, 4, 5, 10, 11, 12])  # entry (j, k) at j K + k
    W2, b2 = unflatten_params(theta, 2, 3)
    np.testing.assert_array_equal(W2, W)
    np.testing.assert_array_equal(b2, b)
    assert np.shares_memory(W2, theta) and np.shares_memory(b2, theta)
    with pytest.raises(ValueError, match=r"theta must have shape \(9,\) for d = 2, K = 3, got \(8,\)"):
        unflatten_params(theta[:-1], 2, 3)


def test_regression_defaults_have_no_penalty(rng):
    """l2 defaults to 0: the loss is the plain mean cross-entropy, the Hessian has no lambda I."""
    W, b, X, y = problem(rng)
    logits = X @ W + b
    expected = np.mean(np.log(np.exp(logits).sum(axis=1)) - logits[np.arange(len(y)), y])
    assert softmax_regression_loss_and_grad(W, b, X, y)[0] == pytest.approx(expected, rel=1e-13)
    np.testing.assert_array_equal(softmax_regression_hessian(W, b, X, y), softmax_regression_hessian(W, b, X, y, 0.0))


@pytest.mark.parametrize("name", ["W", "b", "X"])
def test_regression_names_a_non_real_input(name, rng):
    W, b, X, y = problem(rng)
    inputs = {"W": W, "b": b, "X": X}
    inputs[name] = inputs[name].astype(complex)
    for function in (softmax_regression_loss_and_grad, softmax_regression_hessian):
        with pytest.raises(ValueError, match=f"^{name} must be real numbers, got dtype complex128"):
            function(inputs["W"], inputs["b"], inputs["X"], y)
