"""Tests for softmaxbook.family: chapter 7, one exponential family ({ref}`ch-family`)."""

import numpy as np
import pytest
import scipy.special
import scipy.stats
from sklearn.datasets import load_iris
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

import softmaxbook as sb
from softmaxbook import (
    distillation_grad,
    distillation_loss,
    gaussian_class_fit,
    glm_nll_and_grad,
    lda_posterior_params,
    numerical_gradient,
    policy_score,
)

RNG = np.random.default_rng(7)
M_EX, D = 40, 3
X = RNG.normal(size=(M_EX, D))
TARGETS = {
    "gaussian": RNG.normal(size=M_EX),
    "bernoulli": RNG.uniform(size=M_EX),
    "poisson": RNG.poisson(2.0, size=M_EX).astype(float),
    "categorical": RNG.integers(0, 4, size=M_EX),
}
WEIGHTS = {name: 0.3 * RNG.normal(size=(D, 4) if name == "categorical" else D) for name in TARGETS}


def closed_form_nll(family, w, y):
    """The negative log-likelihood from each distribution's textbook density, minus its w-free terms."""
    theta = X @ w
    if family == "gaussian":  # -log N(y | theta, 1) = (y - theta)^2 / 2 + log(2 pi) / 2
        return np.sum(0.5 * (y - theta) ** 2) - np.sum(0.5 * y**2)
    if family == "bernoulli":  # -y log sigma(theta) - (1 - y) log(1 - sigma(theta))
        p = scipy.special.expit(theta)
        return -np.sum(y * np.log(p) + (1 - y) * np.log1p(-p))
    if family == "poisson":  # scipy's log pmf includes -log y!, which does not depend on w
        return -np.sum(scipy.stats.poisson.logpmf(y, np.exp(theta))) - np.sum(scipy.special.gammaln(y + 1))
    log_p = scipy.special.log_softmax(theta, axis=1)
    return -np.sum(log_p[np.arange(len(y)), y])


@pytest.mark.parametrize("family", list(TARGETS))
def test_family_glm_grad_matches_finite_differences(family):
    w, y = WEIGHTS[family], TARGETS[family]
    _, grad = glm_nll_and_grad(family, w, X, y)
    numeric = numerical_gradient(lambda v: glm_nll_and_grad(family, v, X, y)[0], w)
    # Central differences with h ~ 6e-6 |w|: error ~ eps^(2/3) times the loss scale (~100 here).
    assert np.abs(grad - numeric).max() < 1e-6 * max(1.0, np.abs(grad).max())


@pytest.mark.parametrize("family", list(TARGETS))
def test_family_glm_nll_matches_the_textbook_densities(family):
    w, y = WEIGHTS[family], TARGETS[family]
    nll, _ = glm_nll_and_grad(family, w, X, y)
    # Sums of 40 terms of size <= 10: a few hundred ulp of the total at most.
    assert abs(nll - closed_form_nll(family, w, y)) < 1e-11 * max(1.0, abs(nll))


@pytest.mark.parametrize("family", list(TARGETS))
def test_family_glm_grad_is_xt_mean_minus_y(family):
    w, y = WEIGHTS[family], TARGETS[family]
    theta = X @ w
    means = {"gaussian": lambda t: t, "bernoulli": scipy.special.expit, "poisson": np.exp,
             "categorical": lambda t: scipy.special.softmax(t, axis=1)}
    mean = means[family](theta)
    target = np.eye(4)[y] if family == "categorical" else y
    # Same products in another order: a few ulp of |X^T| |mu - y| ~ 40 * 10.
    assert np.abs(glm_nll_and_grad(family, w, X, y)[1] - X.T @ (mean - target)).max() < 1e-12


def test_family_glm_categorical_agrees_with_the_softmax_regression_gradient():
    w, y = WEIGHTS["categorical"], TARGETS["categorical"]
    loss, dW, _ = sb.softmax_regression_loss_and_grad(w, np.zeros(4), X, y)
    nll, grad = glm_nll_and_grad("categorical", w, X, y)
    # eq-cross-entropy-regression-grad is the mean; the GLM sums over the M_EX examples.
    assert abs(nll - M_EX * loss) < 1e-12 * nll and np.abs(grad - M_EX * dW).max() < 1e-12


def test_family_glm_rejects_bad_input():
    with pytest.raises(ValueError, match="family"):
        glm_nll_and_grad("gamma", WEIGHTS["gaussian"], X, TARGETS["gaussian"])
    with pytest.raises(ValueError, match=r"w must have shape \(3, K\)"):
        glm_nll_and_grad("categorical", WEIGHTS["gaussian"], X, TARGETS["categorical"])
    with pytest.raises(ValueError, match="y must have shape"):
        glm_nll_and_grad("gaussian", WEIGHTS["gaussian"], X, TARGETS["gaussian"][:5])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        glm_nll_and_grad("bernoulli", WEIGHTS["bernoulli"], X, TARGETS["bernoulli"] + 1)
    with pytest.raises(ValueError, match=">= 0"):
        glm_nll_and_grad("poisson", WEIGHTS["poisson"], X, -TARGETS["poisson"] - 1)


def test_family_glm_poisson_overflow_is_inf_without_a_warning():
    nll, grad = glm_nll_and_grad("poisson", np.array([800.0, 0, 0]), np.eye(3), np.ones(3))
    assert nll == np.inf and grad[0] == np.inf


def test_family_categorical_probabilities_are_exp_of_eta_minus_log_partition():
    z = RNG.normal(scale=3, size=(5, 6))
    family = np.exp(z - scipy.special.logsumexp(z, axis=1, keepdims=True))
    assert np.abs(sb.softmax(z) - family).max() < 1e-15  # two roundings of numbers <= 1


def test_family_mean_of_the_one_hot_is_the_gradient_of_log_sum_exp():
    z = np.array([0.5, -1.0, 2.0, 0.1])
    mean = sum(p * t for p, t in zip(scipy.special.softmax(z), np.eye(4)))  # E[T] by enumeration
    assert np.abs(numerical_gradient(scipy.special.logsumexp, z) - mean).max() < 1e-9  # eps^(2/3)
    assert np.abs(sb.softmax(z) - mean).max() < 1e-15  # one rounding of each side


def test_family_covariance_of_the_one_hot_is_the_hessian_of_log_sum_exp():
    z = np.array([0.5, -1.0, 2.0, 0.1])
    s = scipy.special.softmax(z)
    one_hot = np.eye(4)
    covariance = sum(s[k] * np.outer(one_hot[k] - s, one_hot[k] - s) for k in range(4))
    # The gradient of log-sum-exp is s, and the derivative of s is the covariance: central
    # differences are accurate to eps^(2/3) ~ 4e-11 on these O(1) functions.
    assert np.abs(numerical_gradient(scipy.special.logsumexp, z) - s).max() < 1e-9
    assert np.abs(numerical_gradient(scipy.special.softmax, z) - covariance).max() < 1e-9
    assert np.abs(sb.softmax_jacobian(z) - covariance).max() < 1e-15
    assert np.linalg.eigvalsh(covariance).min() > -1e-16


IRIS = load_iris()


def test_family_lda_gaussian_class_fit_matches_sklearn():
    lda = LinearDiscriminantAnalysis(solver="lsqr", store_covariance=True).fit(IRIS.data, IRIS.target)
    means, cov, priors = gaussian_class_fit(IRIS.data, IRIS.target)
    assert np.abs(means - lda.means_).max() < 1e-14
    assert np.abs(priors - lda.priors_).max() < 1e-15
    assert np.abs(cov - lda.covariance_).max() < 1e-14  # entries <= 0.3; sums of 150 products


def test_family_lda_posterior_matches_sklearn_predict_proba():
    lda = LinearDiscriminantAnalysis(solver="lsqr", store_covariance=True).fit(IRIS.data, IRIS.target)
    W, b = lda_posterior_params(*gaussian_class_fit(IRIS.data, IRIS.target))
    ours = sb.softmax(IRIS.data @ W + b)
    # Scores of size up to ~1e2 computed by two solvers agree to ~1e-12 (condition of Sigma ~ 1e2);
    # the softmax passes that error on scaled by p(1 - p) <= 1/4.
    assert np.abs(ours - lda.predict_proba(IRIS.data)).max() < 1e-10


def test_family_lda_posterior_is_bayes_rule_on_the_gaussian_densities():
    means, cov, priors = gaussian_class_fit(IRIS.data, IRIS.target)
    W, b = lda_posterior_params(means, cov, priors)
    x = IRIS.data[::10]
    joint = np.stack([priors[k] * scipy.stats.multivariate_normal(means[k], cov).pdf(x) for k in range(3)], axis=1)
    bayes = joint / joint.sum(axis=1, keepdims=True)
    assert np.abs(sb.softmax(x @ W + b) - bayes).max() < 1e-10


def test_family_lda_rejects_bad_input():
    means, cov, priors = gaussian_class_fit(IRIS.data, IRIS.target)
    with pytest.raises(ValueError, match="positive definite"):
        lda_posterior_params(means, -cov, priors)
    with pytest.raises(ValueError, match="symmetric"):
        lda_posterior_params(means, cov + np.triu(np.ones((4, 4)), 1), priors)
    with pytest.raises(ValueError, match="sum to 1"):
        lda_posterior_params(means, cov, 2 * priors)
    with pytest.raises(ValueError, match="class 1 has none"):
        gaussian_class_fit(IRIS.data[:5], np.array([0, 0, 2, 2, 2]))


FEATURES = RNG.normal(size=(6, 5, 3))  # 6 states, 5 actions, 3 features
THETA = RNG.normal(size=3)
ACTIONS = RNG.integers(0, 5, size=6)


def test_family_policy_score_matches_finite_differences():
    for phi, a in zip(FEATURES, ACTIONS):
        numeric = numerical_gradient(lambda th: scipy.special.log_softmax(phi @ th)[a], THETA)
        assert np.abs(policy_score(THETA, phi, a) - numeric).max() < 1e-9  # eps^(2/3) times O(1)


def test_family_policy_score_batch_equals_each_state_and_has_zero_mean():
    batch = policy_score(THETA, FEATURES, ACTIONS)
    assert batch.shape == (6, 3)
    for n in range(6):
        assert np.array_equal(batch[n], policy_score(THETA, FEATURES[n], ACTIONS[n]))
        pi = scipy.special.softmax(FEATURES[n] @ THETA)
        mean = sum(pi[a] * policy_score(THETA, FEATURES[n], a) for a in range(5))
        assert np.abs(mean).max() < 1e-15 * 10  # sum of 5 terms of size <= 3


def test_family_policy_score_rejects_bad_input():
    with pytest.raises(ValueError, match="out of range"):
        policy_score(THETA, FEATURES[0], 5)
    with pytest.raises(ValueError, match=r"features \(\.\.\., K, M\)"):
        policy_score(THETA, FEATURES[0][:, :2], 0)


Z_S = RNG.normal(size=(4, 5))
Z_T = 3 * RNG.normal(size=(4, 5))


def test_family_distillation_loss_is_t_squared_cross_entropy():
    for T in (0.5, 1.0, 4.0):
        p = scipy.special.softmax(Z_T / T, axis=1)
        expected = -T**2 * np.sum(p * scipy.special.log_softmax(Z_S / T, axis=1), axis=1)
        assert np.abs(distillation_loss(Z_S, Z_T, T, reduction="none") - expected).max() < 1e-13 * T**2
        assert abs(distillation_loss(Z_S, Z_T, T) - expected.mean()) < 1e-13 * T**2


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_family_distillation_grad_matches_finite_differences(reduction):
    for T in (0.5, 2.0, 10.0):
        def loss(z):
            return np.sum(distillation_loss(z, Z_T, T, reduction=reduction))

        numeric = numerical_gradient(loss, Z_S)
        # eps^(2/3) ~ 4e-11 times the loss scale, which grows like T^2 ... at most T here since the
        # gradient T (q - p) is O(T): 1e-8 T is ample.
        assert np.abs(distillation_grad(Z_S, Z_T, T, reduction=reduction) - numeric).max() < 1e-8 * T


def test_family_distillation_grad_is_q_minus_p_over_t_times_t_squared():
    T = 3.0
    q, p = scipy.special.softmax(Z_S / T, axis=1), scipy.special.softmax(Z_T / T, axis=1)
    assert np.abs(distillation_grad(Z_S, Z_T, T, reduction="sum") - T**2 * (q - p) / T).max() < 1e-14


def test_family_logit_matching_is_the_high_temperature_limit():
    z, t = Z_S - Z_S.mean(axis=1, keepdims=True), Z_T - Z_T.mean(axis=1, keepdims=True)
    target = (z - t) / z.shape[1]
    errors = [np.abs(distillation_grad(z, t, T, reduction="sum") - target).max() for T in (10, 100, 1000)]
    # The next term of the expansion is O(1/T): each tenfold T cuts the error about tenfold.
    assert errors[1] < errors[0] / 8 and errors[2] < errors[1] / 8 and errors[2] < 1e-2


def test_family_distillation_rejects_bad_input_and_leaves_inputs_alone():
    z, t = Z_S.copy(), Z_T.copy()
    distillation_grad(z, t, 2.0)
    distillation_loss(z, t, 2.0)
    assert np.array_equal(z, Z_S) and np.array_equal(t, Z_T)
    with pytest.raises(ValueError, match="temperature"):
        distillation_loss(z, t, 0.0)
    with pytest.raises(ValueError, match="too small"):
        distillation_grad(np.array([1e300, 0.0]), np.zeros(2), 1e-300)
    with pytest.raises(ValueError, match="same shape"):
        distillation_loss(z, t[:, :3], 1.0)
    with pytest.raises(ValueError, match="reduction"):
        distillation_loss(z, t, 1.0, reduction="max")


def test_family_distillation_has_no_warning_for_huge_logits():
    z = np.array([[1e300, -1e300, 0.0]])
    assert np.isfinite(distillation_grad(z, -z, 1.0)).all()
    assert np.isfinite(distillation_loss(z, z, 1.0))
