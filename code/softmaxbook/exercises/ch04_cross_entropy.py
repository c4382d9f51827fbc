"""The checkable exercises of the chapter on cross-entropy and its gradient (``ch-cross-entropy``)."""

import numpy as np
import sympy as sp

from ..gradcheck import numerical_gradient
from ..logsoftmax import log_softmax
from ..symbolic import K, k, s, y
from ._registry import Exercise, register

eps = sp.Symbol("eps", positive=True)


def _weighted_gradient(logits, weights):
    """Central finite differences of the summed loss -sum_n sum_k w_nk log s_nk."""
    return numerical_gradient(lambda v: float(-(weights * log_softmax(v)).sum()), logits)


def _weighted_inputs(seed=7):
    # Counts, weights that sum to less than one, a row of zeros, and probability rows as a special case.
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, size=(5, 3)).astype(float)
    counts[2] = 0.0
    probabilities = rng.dirichlet(np.ones(4), size=3)
    return [(np.array([2.0, 3.0, 4.0]), np.array([1.0, 2.0, 1.0])),
            (rng.normal(scale=3.0, size=(5, 3)), counts),
            (rng.normal(size=(3, 4)), 0.3 * probabilities),
            (rng.normal(size=(3, 4)), probabilities)]


register(Exercise(
    "ex-cross-entropy-label-smoothing", "formula", sp.log((1 - eps + eps / K) / (eps / K)),
    ask="the gap z_c - z_k where the smoothed gradient vanishes, as a formula in eps and K",
    hint="the gradient s - y^eps is zero where s = y^eps, and by the ratio of two softmax entries "
         "z_c - z_k = log(s_c / s_k)",
    names={"eps": eps, "K": K}))

register(Exercise(
    "ex-cross-entropy-null-space", "formula", K - 1,
    ask="the rank of H for K classes, as a formula in K",
    hint="entry i of H v is s_i (v_i - s^T v); which vectors v does H send to zero?",
    names={"K": K}))

register(Exercise(
    "ex-cross-entropy-counts", "formula", 4 * s[k] - y[k],
    ask="entry k of the gradient for the counts y = (1, 2, 1), as a formula in s[k] and y[k]",
    hint="the counts do not sum to one, so use the general gradient (sum of y) s - y",
    names={"s": s, "y": y, "k": k}))

register(Exercise(
    "ex-cross-entropy-weighted-grad-numpy", "function", _weighted_gradient,
    ask="a NumPy function grad(z, w) returning the gradient of -sum(w * log_softmax(z)) for weights w "
        "(counts, say) that need not sum to one, for one row or a batch of rows",
    hint="each row's gradient is (the sum of that row's weights) times its softmax, minus the weights",
    rtol=1e-6, atol=1e-8, inputs=_weighted_inputs))
