"""Tests of softmaxbook.choice ({ref}`ch-loss`): squared error on softmax, the multiclass hinge,
label smoothing, its logit gap, one-vs-rest probabilities.

Oracles: central finite differences, SymPy (lambdified symbolic gradients), quadrature
(scipy.integrate), PyTorch's
label-smoothing formula written out with scipy.special.log_softmax, explicit loops over classes,
scipy.special.expit, and scikit-learn's OneVsRestClassifier.
"""

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.special
import sympy as sp

from softmaxbook import (
    binary_cross_entropy,
    cross_entropy,
    cross_entropy_and_grad,
    cross_entropy_grad,
    label_smoothing_cross_entropy,
    label_smoothing_cross_entropy_grad,
    label_smoothing_gap,
    mse_on_softmax,
    mse_on_softmax_grad,
    multiclass_hinge,
    multiclass_hinge_grad,
    numerical_gradient,
    ovr_probabilities,
    smoothed_targets,
    softmax,
    softmax_jacobian,
)

from .helpers import NO_FP_WARNINGS, call_untouched

# Central differences with h ~ 6e-6 on losses whose third derivatives are O(1) here: truncation
# h^2/6 ~ 6e-12, round-off eps |L| / h ~ 1e-10 with |L| <= 20; 1e-8 leaves a wide margin.
FD_TOL = 1e-8


def problem(seed, batch=6, k=5, scale=2.0):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(batch, k)) * scale
    return z, rng.integers(0, k, size=batch), rng.dirichlet(np.ones(k), size=batch)


# -- squared error on softmax: eq-loss-mse-grad ---------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("soft", [False, True])
def test_loss_mse_grad_matches_finite_differences(reduction, soft):
    z, labels, probs = problem(0)
    t = probs if soft else labels
    fd = numerical_gradient(lambda v: mse_on_softmax(v, t, reduction), z)
    assert np.abs(mse_on_softmax_grad(z, t, reduction) - fd).max() < FD_TOL


def test_loss_mse_grad_is_jacobian_times_residual_from_sympy():
    zs = sp.symbols("z1:4", real=True)
    ys = sp.symbols("y1:4", real=True)
    exps = [sp.exp(v) for v in zs]
    s = [e / sum(exps) for e in exps]
    loss = sum((a - b) ** 2 for a, b in zip(s, ys)) / 2
    grad = sp.lambdify([zs, ys], [sp.diff(loss, v) for v in zs])
    z, y = np.array([0.3, -1.2, 2.0]), np.array([0.2, 0.5, 0.3])
    # SymPy's float64 evaluation and ours each round O(10) operations on numbers below 1.
    assert np.abs(mse_on_softmax_grad(z, y, "sum") - np.array(grad(z, y))).max() < 1e-15
    jacobian_form = softmax_jacobian(z) @ (softmax(z) - y)
    assert np.abs(mse_on_softmax_grad(z, y, "sum") - jacobian_form).max() < 1e-15


def test_loss_mse_grad_vanishes_when_confidently_wrong():
    # True class 0, class 1 ahead by t: the gradient is O(e^-t) (thm-loss-mse-vanishes), while the
    # cross-entropy gradient tends to e_1 - e_0, of norm sqrt 2.
    for t in (10.0, 20.0, 40.0):
        z = np.array([0.0, t, 0.0])
        g = np.linalg.norm(mse_on_softmax_grad(z, 0, "sum"))
        assert g < 4 * math.exp(-t)


def test_loss_mse_grad_loss_reductions_and_labels_equal_one_hot():
    z, labels, _ = problem(1)
    one_hot = np.eye(z.shape[-1])[labels]
    per = mse_on_softmax(z, labels, "none")
    assert per.shape == labels.shape
    assert np.allclose(per, 0.5 * ((softmax(z) - one_hot) ** 2).sum(-1), rtol=0, atol=1e-15)
    assert math.isclose(mse_on_softmax(z, labels), per.mean(), rel_tol=1e-15)
    assert math.isclose(mse_on_softmax(z, one_hot, "sum"), per.sum(), rel_tol=1e-14)


# -- the multiclass hinge: eq-loss-hinge, eq-loss-hinge-grad ----------------------------------------
def hinge_by_loops(z, label, margin):
    """The loss and subgradient of one example, term by term."""
    loss, grad = 0.0, np.zeros_like(z)
    for j in range(len(z)):
        if j != label and z[j] - z[label] + margin > 0:
            loss += z[j] - z[label] + margin
            grad[j] += 1
            grad[label] -= 1
    return loss, grad


@pytest.mark.parametrize("margin", [0.5, 1.0, 3.0])
def test_loss_hinge_grad_and_loss_match_loops(margin):
    z, labels, _ = problem(2, batch=20)
    per = multiclass_hinge(z, labels, margin, "none")
    grads = multiclass_hinge_grad(z, labels, margin, "sum")
    for row, label, loss, grad in zip(z, labels, per, grads):
        want_loss, want_grad = hinge_by_loops(row, label, margin)
        assert math.isclose(loss, want_loss, rel_tol=1e-15, abs_tol=1e-15)
        assert np.array_equal(grad, want_grad)
    assert math.isclose(multiclass_hinge(z, labels, margin), per.mean(), rel_tol=1e-15)
    assert np.array_equal(multiclass_hinge_grad(z, labels, margin), grads / len(z))


def test_loss_hinge_grad_matches_finite_differences_away_from_kinks():
    z, labels, _ = problem(3, batch=8)
    gaps = z - np.take_along_axis(z, labels[:, None], axis=-1) + 1.0
    assert np.abs(gaps).min() > 1e-3  # no kink within h ~ 6e-6 of the point: the loss is linear there
    fd = numerical_gradient(lambda v: multiclass_hinge(v, labels, reduction="sum"), z)
    assert np.abs(multiclass_hinge_grad(z, labels, reduction="sum") - fd).max() < 1e-6


def test_loss_hinge_grad_is_zero_when_every_margin_holds_but_cross_entropy_grad_is_not():
    z, label = np.array([4.0, 1.0, -2.0]), 0
    assert multiclass_hinge(z, label) == 0.0
    assert not np.any(multiclass_hinge_grad(z, label))
    assert np.all(np.abs(softmax(z) - np.eye(3)[label]) > 1e-3)


def test_loss_hinge_margin_only_sets_the_scale():
    z, labels, _ = problem(4)
    assert np.allclose(multiclass_hinge(z, labels, 2.5, "none"),
                       2.5 * multiclass_hinge(z / 2.5, labels, 1.0, "none"), rtol=1e-14, atol=1e-14)


def test_loss_hinge_huge_logits_give_infinite_loss_without_warning():
    with np.errstate(**NO_FP_WARNINGS):
        assert multiclass_hinge(np.array([-1e308, 1e308]), 0) == np.inf
        assert np.array_equal(multiclass_hinge_grad(np.array([-1e308, 1e308]), 0), [-1.0, 1.0])


# -- label smoothing: eq-loss-smoothing, eq-loss-smoothing-gap --------------------------------------
def torch_formula(z, labels, eps):
    """PyTorch's documented loss: (1 - eps) CE(y) + eps mean_k(-log s_k), per example."""
    log_s = scipy.special.log_softmax(z, axis=-1)
    nll = -np.take_along_axis(log_s, labels[:, None], axis=-1)[:, 0]
    return (1 - eps) * nll + eps * (-log_s).mean(axis=-1)


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.1, 0.5, 1.0])
def test_loss_smoothing_matches_pytorch_formula(eps):
    z, labels, _ = problem(5, batch=10, k=7)
    want = torch_formula(z, labels, eps)
    # Both sides sum K logs of size <= 15 in float64: a few units of 1e-15.
    assert np.allclose(label_smoothing_cross_entropy(z, labels, eps, "none"), want, rtol=1e-13, atol=1e-13)
    assert math.isclose(label_smoothing_cross_entropy(z, labels, eps), want.mean(), rel_tol=1e-13)


def test_loss_smoothing_at_zero_is_cross_entropy():
    z, labels, probs = problem(6)
    assert math.isclose(label_smoothing_cross_entropy(z, labels, 0.0), cross_entropy(z, labels), rel_tol=1e-14)
    assert math.isclose(label_smoothing_cross_entropy(z, probs, 0.0), cross_entropy(z, probs), rel_tol=1e-14)


@pytest.mark.parametrize("soft", [False, True])
def test_loss_smoothing_grad_matches_finite_differences_and_s_minus_smoothed_target(soft):
    z, labels, probs = problem(7)
    t, eps = (probs if soft else labels), 0.2
    fd = numerical_gradient(lambda v: label_smoothing_cross_entropy(v, t, eps, "sum"), z)
    grad = label_smoothing_cross_entropy_grad(z, t, eps, "sum")
    assert np.abs(grad - fd).max() < FD_TOL
    target = (1 - eps) * (probs if soft else np.eye(5)[labels]) + eps / 5
    assert np.abs(grad - (softmax(z) - target)).max() < 1e-15


def test_loss_smoothing_targets_sum_to_one_and_keep_the_label_on_top():
    y = smoothed_targets(np.array([0, 3, 2]), 4, 0.1)
    assert np.allclose(y.sum(-1), 1, rtol=0, atol=1e-15)
    assert np.allclose(y[1], [0.025, 0.025, 0.025, 0.925], rtol=0, atol=1e-15)


@pytest.mark.parametrize(("k", "eps"), [(2, 0.1), (3, 0.1), (10, 0.1), (1000, 0.01), (5, 1.0)])
def test_loss_smoothing_gap_zeroes_the_gradient(k, eps):
    gap = label_smoothing_gap(k, eps)
    assert math.isclose(gap, math.log((1 - eps + eps / k) / (eps / k)), rel_tol=1e-14, abs_tol=1e-15)
    z = np.zeros(k)
    z[1] = gap
    # At the claimed optimum s equals the smoothed target, up to rounding of exp and log1p.
    assert np.abs(label_smoothing_cross_entropy_grad(z, 1, eps)).max() < 1e-15


def test_loss_smoothing_gap_from_sympy():
    K, eps = sp.symbols("K varepsilon", positive=True)
    gap = sp.log((1 - eps + eps / K) / (eps / K))
    assert sp.simplify(sp.exp(gap) - (1 + K * (1 - eps) / eps)) == 0
    assert math.isclose(label_smoothing_gap(10, 0.1), float(gap.subs({K: 10, eps: sp.Rational(1, 10)})),
                        rel_tol=1e-15)


# -- PyTorch's keyword on cross_entropy: eq-loss-smoothing ---------------------------------------------
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.7])
def test_loss_smoothing_keyword_of_cross_entropy_matches_pytorch_formula(eps):
    z, labels, _ = problem(10, batch=8, k=6)
    want = torch_formula(z, labels, eps)
    assert np.allclose(cross_entropy(z, labels, "none", label_smoothing=eps), want, rtol=1e-13, atol=1e-13)
    grad = cross_entropy_grad(z, labels, "sum", label_smoothing=eps)
    fd = numerical_gradient(lambda v: cross_entropy(v, labels, "sum", label_smoothing=eps), z)
    assert np.abs(grad - fd).max() < FD_TOL
    loss, grad_mean = cross_entropy_and_grad(z, labels, label_smoothing=eps)
    assert math.isclose(loss, want.mean(), rel_tol=1e-13)
    assert np.allclose(grad_mean, grad / len(z), rtol=0, atol=1e-16)


def test_loss_smoothing_keyword_smooths_probability_targets_and_refuses_bad_eps():
    z, _, probs = problem(11)
    eps = 0.3
    smoothed = (1 - eps) * probs + eps / probs.shape[-1]
    assert np.allclose(cross_entropy(z, probs, "none", label_smoothing=eps), cross_entropy(z, smoothed, "none"),
                       rtol=1e-14, atol=1e-14)
    assert np.allclose(cross_entropy_grad(z, probs, label_smoothing=eps),
                       label_smoothing_cross_entropy_grad(z, probs, eps), rtol=0, atol=1e-16)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="label_smoothing"):
            cross_entropy(z, probs, label_smoothing=bad)


# -- one-vs-rest: eq-loss-ovr ---------------------------------------------------------------------
def test_loss_ovr_probabilities_are_sigmoids_and_normalise_like_sklearn():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    X, y = load_iris(return_X_y=True)
    ovr = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(X, y)
    scores = ovr.decision_function(X)
    raw = ovr_probabilities(scores)
    assert np.allclose(raw, scipy.special.expit(scores), rtol=1e-15, atol=0)
    assert np.abs(raw.sum(-1) - 1).max() > 0.01  # not a distribution
    assert np.allclose(ovr_probabilities(scores, normalize=True), ovr.predict_proba(X), rtol=0, atol=1e-14)


def test_loss_ovr_normalised_rows_sum_to_one_even_for_tiny_probabilities():
    with np.errstate(**NO_FP_WARNINGS):
        p = ovr_probabilities(np.array([[-800.0, -801.0, -900.0], [0.0, 1.0, 2.0]]), normalize=True)
    assert np.allclose(p.sum(-1), 1, rtol=0, atol=1e-15)
    # Far below zero sigma(z) ~ e^z, so the normalised row is the softmax.
    assert np.allclose(p[0], softmax(np.array([-800.0, -801.0, -900.0])), rtol=1e-12, atol=0)


# -- the reverse derivation: eq-loss-reverse-bce, eq-loss-reverse-ce -------------------------------
def test_loss_reverse_bce_is_the_integral_of_sigmoid_minus_target():
    # C(z) - C(0) = integral from 0 to z of (sigma(t) - y) dt, by quadrature.
    for target, logit in [(0.0, 3.0), (1.0, -4.0), (0.3, 2.5), (0.8, -1.5)]:
        integral, _ = scipy.integrate.quad(lambda t: scipy.special.expit(t) - target, 0.0, logit,
                                           epsabs=1e-13, epsrel=1e-13)
        change = binary_cross_entropy(logit, target) - binary_cross_entropy(0.0, target)
        assert math.isclose(change, integral, rel_tol=1e-11, abs_tol=1e-12)


def test_loss_reverse_ce_is_the_line_integral_of_s_minus_y():
    # Along the segment t z, t in [0, 1]: C(z) - C(0) = integral of <s(t z) - y, z> dt.
    rng = np.random.default_rng(9)
    for _ in range(5):
        z, y = rng.normal(size=4) * 2, rng.dirichlet(np.ones(4))
        integral, _ = scipy.integrate.quad(lambda t: (softmax(t * z) - y) @ z, 0.0, 1.0,
                                           epsabs=1e-13, epsrel=1e-13)
        change = cross_entropy(z, y) - cross_entropy(np.zeros(4), y)
        assert math.isclose(change, integral, rel_tol=1e-11, abs_tol=1e-12)


# -- inputs -------------------------------------------------------------------------------------
def test_inputs_are_not_modified():
    z, labels, probs = problem(8)
    for f, t in [(mse_on_softmax, labels), (mse_on_softmax_grad, probs), (multiclass_hinge, labels),
                 (multiclass_hinge_grad, labels)]:
        call_untouched(f, z, t)
    call_untouched(label_smoothing_cross_entropy_grad, z, probs, 0.1)
    call_untouched(ovr_probabilities, z, normalize=True)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mse_on_softmax(np.zeros(3), np.array([0.5, 0.6, 0.1])), "sum to 1"),
        (lambda: mse_on_softmax(np.zeros((2, 3)), np.array([0, 3])), "out of range"),
        (lambda: mse_on_softmax(np.zeros(3), 0, reduction="avg"), "reduction"),
        (lambda: multiclass_hinge(np.zeros((2, 3)), np.array([0, 1, 2])), r"shape \(3,\)"),
        (lambda: multiclass_hinge(np.zeros(3), 1, margin=0.0), "margin"),
        (lambda: multiclass_hinge(np.zeros(3), 1.5), "non-integer"),
        (lambda: label_smoothing_cross_entropy(np.zeros(3), 1, 1.5), "eps"),
        (lambda: label_smoothing_cross_entropy(np.zeros(3), np.zeros(2), 0.1), r"shape \(2,\)"),
        (lambda: label_smoothing_gap(1, 0.1), "n_classes"),
        (lambda: label_smoothing_gap(3, 0.0), "eps = 0"),
        (lambda: smoothed_targets(np.array([4]), 3, 0.1), "out of range"),
        (lambda: ovr_probabilities(np.float64(1.0)), "class axis"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()
