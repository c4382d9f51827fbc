"""The checkable exercises of the chapter on the softmax function (``ch-softmax``)."""

import numpy as np
import sympy as sp

from ..logsoftmax import log_softmax, logsumexp
from ._registry import Exercise, register

a, b = sp.symbols("a b", real=True)
r = sp.Symbol("r", integer=True, positive=True)


def _log_softmax_inputs(seed=1):
    # Small scores, scores near +1000 and -1000 (where exp overflows or underflows), a pair whose
    # second probability is below the smallest float64, and batches reduced along the last axis.
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=4),), (1000 + 3 * rng.normal(size=6),), (-1000 + 3 * rng.normal(size=5),),
            (np.array([0.0, -800.0]),), (40 * rng.normal(size=(3, 5)),), (rng.normal(size=(2, 3, 4)),)]


register(Exercise(
    "ex-softmax-two-class", "formula", 1 / (1 + sp.exp(-(a - b))),
    ask="the first softmax entry for the scores (a, b), as a formula in a and b (a string such as \"1/(...)\")",
    hint="divide the numerator and the denominator of e^a / (e^a + e^b) by e^a",
    names={"a": a, "b": b}))

register(Exercise(
    "ex-softmax-raise", "number", float(np.log(19) + logsumexp(np.array([-3.0, -1.0, 0.0])) - 2),
    ask="the rise of the dog's score, a number (four decimals are enough)",
    hint="probability 0.95 means odds of 19 against the other three classes together, "
         "and those odds are e^(z_2 - LSE(other scores))",
    rtol=0.0, atol=1e-4))  # a rise rounded to four decimals is within 5e-5

register(Exercise(
    "ex-softmax-ties", "formula", 1 / r,
    ask="the limit of each tied entry as T -> 0+ when r scores tie for the maximum, a formula in r",
    hint="divide by e^(M/T): each tied score contributes e^0 = 1 to the normaliser, every other term tends to 0",
    names={"r": r}))

register(Exercise(
    "ex-softmax-float16", "number", 9,
    ask="the smallest whole-number offset c at which the naive float16 softmax fails, a number",
    hint="the normaliser overflows first: find c with c + LSE(-3, 2, -1, 0) > log 65504",
    rtol=0.0, atol=0.0))

register(Exercise(
    "ex-softmax-log-softmax-numpy", "function", lambda z: log_softmax(z, axis=-1),
    ask="a NumPy function log_softmax(z) along the last axis that stays finite for scores near 1000 and -1000",
    hint="log s_i = (z_i - M) - log sum_j e^(z_j - M) with M the maximum of the row; keepdims=True keeps the "
         "rows lined up in a batch",
    rtol=1e-12, atol=1e-10, inputs=_log_softmax_inputs))
