"""The checkable exercises of the chapter on the exponential family (``ch-family``)."""

import numpy as np
import sympy as sp

from ..family import lda_posterior_params
from ..gradcheck import numerical_gradient
from ..logsoftmax import log_softmax
from ._registry import Exercise, register

theta = sp.Symbol("theta", real=True)


def _two_class_lda(means, covariance, priors):
    """w = w_1 - w_0 and b = b_1 - b_0 from the K-class posterior, as one array (w, b)."""
    W, b = lda_posterior_params(means, covariance, priors)
    return np.append(W[:, 1] - W[:, 0], b[1] - b[0])


def _lda_inputs(seed=9):
    rng = np.random.default_rng(seed)
    cases = []
    for d in (1, 2, 4):
        root = rng.normal(size=(d, d))
        prior = rng.uniform(0.2, 0.8)
        cases.append((rng.normal(size=(2, d)), root @ root.T + d * np.eye(d), np.array([prior, 1 - prior])))
    return cases


def _policy_scores(theta_values, features, actions):
    """Row n: central finite differences of theta -> log pi(a_n | s_n), the log-softmax of phi_n theta."""
    return np.stack([numerical_gradient(lambda th: float(log_softmax(phi @ th)[a]), theta_values)
                     for phi, a in zip(features, actions)])


def _policy_inputs(seed=10):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=M), rng.normal(size=(n, K, M)), rng.integers(0, K, size=n))
            for n, K, M in [(1, 2, 3), (4, 3, 2), (6, 5, 4)]]


register(Exercise(
    "ex-family-bernoulli", "formula", sp.log(1 + sp.exp(theta)),
    ask="the log-partition function A(theta) of the Bernoulli distribution, as a formula in theta",
    hint="write sigma(theta) = e^theta / (1 + e^theta) and 1 - sigma(theta) = 1 / (1 + e^theta) as exp(theta y - A)",
    names={"theta": theta}))

register(Exercise(
    "ex-family-two-class-lda", "function", _two_class_lda,
    ask="a NumPy function two_class_lda(means, covariance, priors) returning np.append(w, b) for two classes",
    hint="a two-class softmax is the sigmoid of the difference of the two scores: subtract class 0's weights "
         "and bias from class 1's",
    rtol=1e-10, atol=1e-12, inputs=_lda_inputs))

register(Exercise(
    "ex-family-policy-score-numpy", "function", _policy_scores,
    ask="a NumPy function score(theta, features, actions) for features of shape (n, K, M) and actions of "
        "shape (n,), returning the n score functions as an (n, M) array",
    hint="row n is phi(s_n, a_n) minus the average of the K feature rows of state n under pi(. | s_n); "
         "np.take_along_axis or fancy indexing picks the taken rows",
    rtol=1e-6, atol=1e-8, inputs=_policy_inputs))
