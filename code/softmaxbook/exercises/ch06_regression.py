"""The checkable exercises of the chapter on softmax regression end to end (``ch-regression``)."""

import numpy as np
import sympy as sp

from ..gradcheck import numerical_gradient
from ..regression import flatten_params, softmax_regression_loss_and_grad, unflatten_params
from ._registry import Exercise, register

lam = sp.Symbol("lam", positive=True)
lmax = sp.Symbol("lmax", positive=True)
m = sp.Symbol("m", integer=True, positive=True)


def _regression_gradient(W, b, X, y, l2):
    """Central finite differences of the loss over theta = flatten_params(W, b)."""
    d, K = W.shape

    def loss(theta):
        return softmax_regression_loss_and_grad(*unflatten_params(theta, d, K), X, y, l2=l2)[0]

    return numerical_gradient(loss, flatten_params(W, b))


def _regression_inputs(seed=6):
    # One example, and batches where a class is missing from y (its column of Y is all zeros).
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, K, l2 in [(1, 2, 2, 0.0), (6, 3, 4, 0.1), (20, 5, 3, 1e-3)]:
        y = rng.integers(0, K - 1 if n == 6 else K, size=n)
        cases.append((rng.normal(size=(d, K)), rng.normal(size=K), rng.normal(size=(n, d)), y, l2))
    return cases


register(Exercise(
    "ex-regression-bias-sum", "number", 0.0,
    ask="the sum of the entries of the bias gradient, a number",
    hint="the bias gradient is the column sums of (P - Y)/m; what does each row of P - Y add up to?",
    rtol=0.0, atol=1e-12))  # a computed sum is zero up to rounding, about 1e-17 here

register(Exercise(
    "ex-regression-step-size", "formula", lmax / 2 + lam,
    ask="the bound Lambda as a formula in lmax (the largest eigenvalue of X~^T X~ / m) and lam",
    hint="bound each Kronecker term by (1/2) x~ x~^T (x) I, average over the examples, and add the penalty's part",
    names={"lmax": lmax, "lam": lam}))

register(Exercise(
    "ex-regression-c", "formula", lam / m,
    ask="the penalty of our loss that C = 1/lam minimises, as a formula in lam and m",
    hint="divide scikit-learn's objective (1/lam) sum_n l_n + |W|^2/2 by m/lam and read off the penalty",
    names={"lam": lam, "m": m}))

register(Exercise(
    "ex-regression-grad-numpy", "function", _regression_gradient,
    ask="a NumPy function grad(W, b, X, y, l2) returning the gradient over theta = flatten_params(W, b), "
        "that is concatenate([dW.ravel(), db])",
    hint="write the chapter's gradient eq-regression-grad in code: one-hot Y from y, P from the softmax of the "
         "scores, the penalty's l2 W, and W's gradient flattened row by row before the bias's",
    rtol=1e-6, atol=1e-8, inputs=_regression_inputs))
