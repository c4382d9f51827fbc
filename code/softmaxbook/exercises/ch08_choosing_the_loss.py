"""The checkable exercises of the chapter on choosing the loss (``ch-loss``)."""

import numpy as np
import sympy as sp

from ..gradcheck import numerical_gradient
from ..smoothing import label_smoothing_cross_entropy
from ._registry import Exercise, register

z = sp.Symbol("z", real=True)
y = sp.Symbol("y", nonnegative=True)


def _smoothing_gradient(logits, labels, eps):
    """Central finite differences of the mean label-smoothed cross-entropy in the logits."""
    return numerical_gradient(lambda v: label_smoothing_cross_entropy(v, labels, float(eps)), logits)


def _smoothing_inputs(seed=12):
    # One example, no smoothing (plain cross-entropy), and ten classes with scores spread wide.
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(m, K)) * scale, rng.integers(0, K, size=m), eps)
            for m, K, eps, scale in [(1, 2, 0.1, 1.0), (5, 3, 0.0, 2.0), (8, 10, 0.2, 4.0)]]


register(Exercise(
    "ex-loss-reverse-linear", "formula", (z - y)**2 / 2,
    ask="the loss C(z) whose derivative is z - y, with the constant chosen so that C = 0 at z = y, "
        "as a formula in z and y",
    hint="integrate z - y in z, then fix the constant of integration with C(y) = 0",
    names={"z": z, "y": y}))

register(Exercise(
    "ex-loss-smoothing-numbers", "number", 10 / 19,
    ask="the eps that makes the optimal gap exactly log 10 for K = 10, a number",
    hint="the gap is log(1 + K (1 - eps) / eps); set 1 + K (1 - eps) / eps = 10 and solve for eps",
    rtol=1e-3))  # three significant digits are enough

register(Exercise(
    "ex-loss-smoothing-grad-numpy", "function", _smoothing_gradient,
    ask="a NumPy function grad(z, labels, eps) returning the gradient of the mean label-smoothed "
        "cross-entropy in the (m, K) logits",
    hint="start from the chapter's gradient with label smoothing, s minus the smoothed target, and build the "
         "smoothed targets of the whole batch at once from np.eye(K)[labels]",
    rtol=1e-6, atol=1e-8, inputs=_smoothing_inputs))
