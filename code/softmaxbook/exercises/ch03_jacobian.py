"""The checkable exercises of the chapter on the softmax Jacobian (``ch-jacobian``)."""

import numpy as np
import sympy as sp

from ..gradcheck import numerical_gradient
from ..softmax import softmax
from ..symbolic import i, j, s, score_symbols, sigmoid
from ._registry import Exercise, register

z1, z2 = score_symbols(2)
T = sp.Symbol("T", positive=True)
_u = sp.Dummy("u")
SIGMA = sp.Lambda(_u, sigmoid(_u))  # a reader may write sigma(...)
# The chapter writes probabilities as s[1], s[2], ...; a reader may also type s1, s2, s3.
_S_NAMES = {"s": s, "s1": s[1], "s2": s[2], "s3": s[3]}


def _vjp(z, v):
    """J^T v by finite differences of z -> v . softmax(z), the oracle the reader's code must meet."""
    return numerical_gradient(lambda x: float(v @ softmax(x)), z)


def _inputs(seed=3):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=n), rng.normal(size=n)) for n in (2, 3, 5, 8)]


register(Exercise(
    "ex-jacobian-two-class", "formula", sigmoid(z1 - z2) * (1 - sigmoid(z1 - z2)),
    ask="the factor s1 s2 that multiplies [[1, -1], [-1, 1]], as a formula in the scores z1 and z2",
    hint="with s2 = 1 - s1 every entry of J is plus or minus s1 s2, and s1 = e^z1 / (e^z1 + e^z2) is a sigmoid",
    names={"z1": z1, "z2": z2, "sigma": SIGMA}))

register(Exercise(
    "ex-jacobian-temperature", "formula", 1 / (2 * T),
    ask="the upper bound on the eigenvalues of the Jacobian of softmax(z / T), as a formula in T",
    hint="the chain rule through z / T multiplies J by 1/T, and so every eigenvalue",
    names={"T": T}))

register(Exercise(
    "ex-jacobian-log-softmax", "formula", sp.KroneckerDelta(i, j) - s[j],
    ask="the entry d log s_i / d z_j as a formula in i, j and s (write s[j] and KroneckerDelta(i, j))",
    hint="d log s_i / d z_j = (1 / s_i) d s_i / d z_j, and d s_i / d z_j is the entry of the Jacobian",
    names={"i": i, "j": j, "s": s}))

register(Exercise(
    "ex-jacobian-trace", "formula", 1 - s[1]**2 - s[2]**2 - s[3]**2,
    ask="the trace of J for K = 3 as a formula in s1, s2, s3 (a string such as \"s1 + ...\")",
    hint="the trace is the sum of the diagonal entries s_i(1 - s_i); use s1 + s2 + s3 = 1",
    names=_S_NAMES, given=(sp.Eq(s[1] + s[2] + s[3], 1),)))

register(Exercise(
    "ex-jacobian-vjp-numpy", "function", _vjp,
    ask="a NumPy function vjp(z, v) returning J^T v without forming J",
    hint="J^T v = sum_i v_i (row i of J); write each row with eq-jacobian-entry and collect the terms in s",
    rtol=1e-6, atol=1e-8, inputs=_inputs))
