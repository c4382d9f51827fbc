"""The checkable exercises of the chapter on sigmoid and softmax as one model (``ch-equivalence``)."""

import numpy as np
import sympy as sp

from ..gradcheck import numerical_gradient
from ..losses import cross_entropy
from ..symbolic import SIGMOID, sigma, sigmoid
from ._registry import Exercise, register

z = sp.Symbol("z", real=True)
y = sp.Symbol("y", nonnegative=True)
lam = sp.Symbol("lam", positive=True)
# A reader may write sigma(...), the book's sigma of softmaxbook.symbolic; the comparison substitutes
# its definition (eq-sigmoid-def).
_NAMES = {"z": z, "y": y, "sigma": sigma}


def _two_class_gradient(logits, y_first):
    """Central finite differences of the mean cross-entropy of (m, 2) logits with target rows (y, 1 - y)."""
    targets = np.stack([y_first, 1 - y_first], axis=-1)
    return numerical_gradient(lambda v: cross_entropy(v, targets), logits)


def _two_class_inputs(seed=5):
    # Hard and soft targets, one example and a batch, scores spread wide enough to saturate sigma.
    rng = np.random.default_rng(seed)
    return [(rng.normal(scale=4.0, size=(m, 2)), target)
            for m, target in [(1, np.array([1.0])), (4, rng.uniform(size=4)),
                              (20, (rng.uniform(size=20) < 0.5).astype(float))]]


register(Exercise(
    "ex-equivalence-bce-logits", "formula", sp.log(1 + sp.exp(-z)) + (1 - y) * z,
    ask="binary cross-entropy as a formula in z and y with no logarithm of a probability",
    hint="log sigma(z) = -log(1 + e^-z), log(1 - sigma(z)) = -log(1 + e^z), and 1 + e^z = e^z (1 + e^-z)",
    names=_NAMES, given=(SIGMOID,)))

register(Exercise(
    "ex-equivalence-jacobian-chain", "formula", 2 * sigmoid(z) * (1 - sigmoid(z)),
    ask="the nonzero eigenvalue of the 2 x 2 Jacobian, as a formula in z = a - b (you may write sigma(z))",
    hint="J = sigma'(z) u u^T with u = (1, -1), and a matrix c u u^T has the eigenvalue c u^T u on u",
    names=_NAMES, given=(SIGMOID,)))

register(Exercise(
    "ex-equivalence-l2", "formula", lam / 2,
    ask="the penalty strength of logistic regression that gives the same classifier, as a formula in lam "
        "(the softmax penalty)",
    hint="at the optimum w0 = -w1 = -w/2; put that into the penalty on W and compare it with a penalty on w",
    names={"lam": lam}))

register(Exercise(
    "ex-equivalence-two-class-grad-numpy", "function", _two_class_gradient,
    ask="a NumPy function grad(logits, y) returning the gradient of the mean cross-entropy of the (m, 2) "
        "logits for the targets (y, 1 - y), computed with sigmoid only",
    hint="each row's gradient is (sigma(a - b) - y) times (1, -1), divided by the number of rows m",
    rtol=1e-6, atol=1e-9, inputs=_two_class_inputs))
