"""The checkable exercises of the chapter on the logistic sigmoid (``ch-sigmoid``)."""

import numpy as np
import sympy as sp

from ..gradcheck import numerical_gradient
from ..binary_losses import binary_cross_entropy
from ..sigmoid import log_sigmoid
from ._registry import Exercise, register

z, t = sp.symbols("z t", real=True)
_u = sp.Dummy("u")
# A reader may write sigma(...); it is replaced by its definition, so that any formula equal to the
# reference is proved equal to it.
SIGMA = sp.Lambda(_u, 1 / (1 + sp.exp(-_u)))
_NAMES = {"z": z, "sigma": SIGMA}


def _log_one_minus_inputs(seed=2):
    # Around zero, where the naive formula is fine, and out to +-1000, where 1 - sigma(z) rounds to 0
    # or loses its digits to cancellation.
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=5),), (np.array([-1000.0, -30.0, 30.0, 40.0, 1000.0]),),
            (np.linspace(-50.0, 50.0, 21),), (20 * rng.normal(size=(2, 6)),)]


def _fruit_gradient(theta, x, y):
    """Central finite differences of theta = (w, b) -> mean binary cross-entropy of w x + b."""
    return numerical_gradient(lambda p: binary_cross_entropy(p[0] * x + p[1], y), theta)


def _fruit_inputs(seed=4):
    rng = np.random.default_rng(seed)
    cases = []
    for m in (1, 5, 40):
        x = rng.normal(0.0, 2.0, size=m)
        y = rng.integers(0, 2, size=m).astype(float)
        cases.append((rng.normal(size=2), x, y))
    return cases


S = SIGMA(z)

register(Exercise(
    "ex-sigmoid-second-derivative", "formula", S * (1 - S) * (1 - 2 * S),
    ask="the second derivative sigma''(z) as a formula in z (you may write sigma(z))",
    hint="differentiate sigma' = sigma (1 - sigma) with the product rule, then use sigma' = sigma (1 - sigma) again",
    names=_NAMES))

register(Exercise(
    "ex-sigmoid-tanh", "formula", S,
    ask="sigma(z) written with tanh, as a formula in z (a string such as \"... tanh(...) ...\")",
    hint="first show tanh(z) = 2 sigma(2z) - 1, then put z/2 in place of z and solve for sigma",
    names={"z": z}))

register(Exercise(
    "ex-sigmoid-pm-labels", "formula", sp.log(1 + sp.exp(-t * z)),
    ask="the loss l as a formula in the label t (-1 or +1) and the score z",
    hint="write y = (1 + t)/2 in log(1 + e^z) - y z and try t = 1 and t = -1 separately",
    names={"z": z, "t": t, "sigma": SIGMA}))

register(Exercise(
    "ex-sigmoid-log-one-minus", "function", lambda v: log_sigmoid(-v),
    ask="a NumPy function log_one_minus_sigmoid(z), accurate for z = -1000 and z = 1000",
    hint="1 - sigma(z) = sigma(-z), and log sigma has a stable formula (or softmaxbook.log_sigmoid)",
    rtol=1e-12, atol=0.0, inputs=_log_one_minus_inputs))

register(Exercise(
    "ex-sigmoid-fruit-gradient-numpy", "function", _fruit_gradient,
    ask="a NumPy function grad(theta, x, y) returning the gradient of the mean binary cross-entropy of "
        "the scores w x + b with respect to theta = (w, b), as an array of two numbers",
    hint="each fruit contributes (sigma(z_n) - y_n)/m to dL/dz_n; the chain rule through z = w x + b "
         "multiplies it by x_n for w and by 1 for b",
    rtol=1e-6, atol=1e-9, inputs=_fruit_inputs))
