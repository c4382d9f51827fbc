"""Tests of sigmoid, log_sigmoid and sigmoid_grad ({ref}`ch-sigmoid`).

Oracles: scipy.special.expit and log_expit in every float dtype, mpmath at 60 digits, central
finite differences and SymPy's symbolic derivative.
"""

import math

import numpy as np
import pytest
import scipy.special
import sympy as sp
from hypothesis import given

from softmaxbook import log_sigmoid, numerical_gradient, sigmoid, sigmoid_grad, symbolic

from .helpers import FLOAT_DTYPES, NO_FP_WARNINGS, call_untouched, logit_arrays, ulps

FUNCTIONS = (sigmoid, log_sigmoid, sigmoid_grad)


def scipy_in(dtype, f, x):
    """SciPy's value for ``x`` of ``dtype``: expit has no float16 loop, so float16 goes through float32."""
    work = np.float32 if dtype == np.float16 else dtype
    return f(x.astype(work)).astype(np.float64)


@given(logit_arrays(max_dims=2, max_side=8))
def test_sigmoid_def_matches_scipy_expit(case):
    x, _ = case
    eps = float(np.finfo(x.dtype).eps)
    tiny = float(np.finfo(x.dtype).smallest_subnormal)
    with np.errstate(**NO_FP_WARNINGS):
        s, log_s = sigmoid(x), log_sigmoid(x)
    assert s.dtype == log_s.dtype == x.dtype
    # Each side is within a few ULP of the truth (see the mpmath sweep): 4 eps relative.
    np.testing.assert_allclose(s.astype(float), scipy_in(x.dtype, scipy.special.expit, x), rtol=4 * eps, atol=4 * tiny)
    np.testing.assert_allclose(
        log_s.astype(float), scipy_in(x.dtype, scipy.special.log_expit, x), rtol=4 * eps, atol=4 * tiny
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_within_few_ulps_of_mpmath(dtype):
    """Sweep of |x| from 1e-4 to 700: at most 3 ULP (0.5 in float16, rounded once from float32).

    No intermediate rounding precedes the exp (-|x| is exact), so the error is that of exp, one
    addition, one division (or a log1p): measured maxima 1.5 ULP (sigmoid), 1.7 (log_sigmoid),
    2.8 (sigmoid_grad, two more roundings for the square).
    """
    bound = 0.51 if dtype == np.float16 else 3.0
    limit = min(700.0, math.log(float(np.finfo(dtype).max)))
    grid = np.concatenate([-np.geomspace(1e-4, limit, 60), [0.0], np.geomspace(1e-4, limit, 60)]).astype(dtype)
    exact = {
        sigmoid: symbolic.sigmoid_reference(grid),
        log_sigmoid: symbolic.log_sigmoid_reference(grid),
        sigmoid_grad: symbolic.sigmoid_grad_reference(grid),
    }
    worst = max(ulps(f(x), value, dtype) for f, values in exact.items() for x, value in zip(grid, values))
    assert worst <= bound


def test_sigmoid_log_sigmoid_exact_at_large_arguments():
    assert log_sigmoid(-1000.0) == -1000.0
    assert log_sigmoid(1000.0) == 0.0
    # -log1p(e^-40) = -4.248e-18; log(1 + e^-40) would give 0 (log1p is needed).
    assert log_sigmoid(40.0) == pytest.approx(-math.exp(-40.0), rel=4e-16, abs=0)
    assert sigmoid(-40.0) == pytest.approx(math.exp(-40.0) / (1 + math.exp(-40.0)), rel=4e-16, abs=0)
    # sigma(1 - sigma) would cancel to 0 here; e / (1 + e)^2 keeps every digit.
    assert sigmoid_grad(40.0) == pytest.approx(math.exp(-40.0), rel=4e-16, abs=0)
    assert sigmoid_grad(-40.0) == sigmoid_grad(40.0)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_sigmoid_stable_for_extreme_arguments_without_warnings(dtype):
    big = np.finfo(dtype).max
    x = np.array([-big, -1000 if dtype != np.float16 else -60000, 0, 1000 if dtype != np.float16 else 60000, big])
    x = x.astype(dtype)
    with np.errstate(**NO_FP_WARNINGS):
        s, log_s, grad = sigmoid(x), log_sigmoid(x), sigmoid_grad(x)
    np.testing.assert_array_equal(s, [0, 0, 0.5, 1, 1])
    np.testing.assert_array_equal(log_s[[0, 1]], x[[0, 1]])
    np.testing.assert_array_equal(log_s[[3, 4]], [0, 0])
    np.testing.assert_array_equal(grad, [0, 0, 0.25, 0, 0])


def test_sigmoid_special_values():
    x = np.array([-np.inf, np.inf, np.nan])
    with np.errstate(all="raise"):
        s, log_s = sigmoid(x), log_sigmoid(x)
    np.testing.assert_array_equal(s, [0, 1, np.nan])
    np.testing.assert_array_equal(log_s, [-np.inf, 0, np.nan])
    assert np.isnan(sigmoid_grad(np.nan))


def test_sigmoid_logit_is_its_inverse(rng):
    """{eq}`eq-sigmoid-logit`: sigmoid(logit(p)) = p, with SciPy's logit as the oracle."""
    p = rng.uniform(0.01, 0.99, size=50)
    np.testing.assert_allclose(sigmoid(scipy.special.logit(p)), p, rtol=1e-14)


def test_sigmoid_derivative_matches_finite_differences(rng):
    # Central differences with h = eps^(1/3) max(1, |x|): error h^2/6 |sigma'''| + eps/h, both
    # about 4e-11 for |sigma'''| <= 1/8 and |x| <= 8; 1e-9 leaves a factor 25.
    x = rng.uniform(-8, 8, size=12)
    numeric = np.diag(numerical_gradient(sigmoid, x))
    np.testing.assert_allclose(sigmoid_grad(x), numeric, rtol=0, atol=1e-9)


def test_sigmoid_derivative_matches_sympy(rng):
    """{eq}`eq-sigmoid-derivative` against SymPy's derivative of 1 / (1 + e^-x), lambdified."""
    t = sp.Symbol("t", real=True)
    derivative = sp.lambdify(t, sp.diff(symbolic.sigmoid(t), t), "numpy")
    x = rng.uniform(-30, 30, size=40)
    # The lambdified e^-t / (1 + e^-t)^2 is itself accurate to a few ULP for |t| <= 30.
    np.testing.assert_allclose(sigmoid_grad(x), derivative(x), rtol=1e-14)


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_sigmoid_keeps_dtype_and_leaves_input_untouched(function, dtype, rng):
    x = (rng.normal(size=(3, 4)) * 10).astype(dtype)
    assert call_untouched(function, x).dtype == dtype
    assert np.asarray(function(np.array([1, 2]))).dtype == np.float64
    assert np.ndim(function(0.5)) == 0


def test_sigmoid_rejects_non_real_input():
    with pytest.raises(ValueError, match="x must be real numbers, got dtype complex128"):
        sigmoid(np.array([1j]))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_sigmoid_family_names_a_non_real_input(function):
    with pytest.raises(ValueError, match="^x must be real numbers, got dtype complex128"):
        function(np.array([1j]))
