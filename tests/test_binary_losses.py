"""Tests of binary_cross_entropy and binary_cross_entropy_grad ({ref}`ch-sigmoid`, {ref}`ch-equivalence`).

Oracles: scipy.special (expit, log_expit), central finite differences, SymPy's derivative of the
loss written with the sigmoid's definition, and the equivalence with the two-class cross-entropy.
"""

import math

import numpy as np
import pytest
import scipy.special
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from softmaxbook import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    numerical_gradient,
    symbolic,
)

from .helpers import FLOAT_DTYPES, NO_FP_WARNINGS, call_untouched, logit_arrays

REDUCTIONS = ("mean", "sum", "none")
# Central differences with h = eps^(1/3) max(1, |x|) ~ 6e-6: truncation h^2/6 |L'''| with
# |L'''| <= 1 per example, round-off eps |L| / h with |L| <= 20 here; both below 1e-9.
FD_TOL = 1e-8


def test_equivalence_bce_equals_two_class_cross_entropy(rng):
    """{eq}`eq-equivalence-bce`: BCE(x, y) = CE([x, 0], [y, 1 - y])."""
    x, y = rng.normal(size=20) * 5, rng.uniform(size=20)
    logits2 = np.stack([x, np.zeros_like(x)], axis=-1)
    targets2 = np.stack([y, 1 - y], axis=-1)
    np.testing.assert_allclose(
        binary_cross_entropy(x, y, reduction="none"), cross_entropy(logits2, targets2, reduction="none"), rtol=1e-13
    )
    hard = rng.integers(0, 2, size=20)
    np.testing.assert_allclose(
        binary_cross_entropy(x, hard.astype(float)), cross_entropy(logits2, 1 - hard), rtol=1e-13
    )


def test_equivalence_grad_two_class_cross_entropy_grad_is_bce_grad_times_plus_minus_one(rng):
    """{eq}`eq-equivalence-grad`: the gradient of CE([x, 0], [y, 1 - y]) is (sigma(x) - y) [1, -1]."""
    x, y = rng.normal(size=20) * 5, rng.uniform(size=20)
    logits2 = np.stack([x, np.zeros_like(x)], axis=-1)
    targets2 = np.stack([y, 1 - y], axis=-1)
    expected = np.outer(binary_cross_entropy_grad(x, y, reduction="sum"), [1.0, -1.0])
    # entries of size <= 1 from two routes of a few roundings each
    np.testing.assert_allclose(cross_entropy_grad(logits2, targets2, reduction="sum"), expected, rtol=1e-13, atol=1e-16)


@given(logit_arrays(max_dims=2, max_side=8), st.integers(0, 2**32 - 1))
def test_sigmoid_bce_matches_scipy_log_expit(case, seed):
    x, scale = case
    y = np.random.default_rng(seed).uniform(size=x.shape).astype(x.dtype)
    with np.errstate(**NO_FP_WARNINGS):
        per = binary_cross_entropy(x, y, reduction="none")
    xf, yf = x.astype(float), y.astype(float)
    expected = -(yf * scipy.special.log_expit(xf) + (1 - yf) * scipy.special.log_expit(-xf))
    # Both sides add two non-negative terms, each a few roundings from the truth, so they agree
    # to a few units roundoff of the dtype whatever the scale (y is rounded to it before both).
    eps = float(np.finfo(x.dtype).eps)
    np.testing.assert_allclose(per.astype(float), expected, rtol=4 * eps, atol=float(np.finfo(x.dtype).smallest_subnormal))


def test_sigmoid_bce_exact_at_large_logits():
    assert binary_cross_entropy(1000.0 * np.ones(1), np.ones(1)) == 0
    assert binary_cross_entropy(-1000.0 * np.ones(1), np.ones(1)) == 1000
    assert binary_cross_entropy(1e300 * np.ones(1), np.ones(1)) == 0
    # log1p(e^-40), not log(1 + e^-40) = 0
    assert binary_cross_entropy(np.array([40.0]), np.array([1.0])) == pytest.approx(math.exp(-40), rel=4e-16, abs=0)
    # sigma(40) - 1 = -sigma(-40), not the 0 that the subtraction gives
    assert binary_cross_entropy_grad(np.array([40.0]), np.array([1.0]))[0] == pytest.approx(
        -math.exp(-40) / (1 + math.exp(-40)), rel=4e-16, abs=0
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_bce_grad_matches_finite_differences(reduction, rng):
    x, y = rng.normal(size=(3, 4)) * 4, rng.uniform(size=(3, 4))
    summed = "sum" if reduction == "none" else reduction
    numeric = numerical_gradient(lambda v: binary_cross_entropy(v, y, reduction=summed), x)
    np.testing.assert_allclose(binary_cross_entropy_grad(x, y, reduction=reduction), numeric, atol=FD_TOL)


def test_sigmoid_bce_grad_matches_sympy(rng):
    """{eq}`eq-sigmoid-bce-grad` against SymPy's derivative of -y log sigma(t) - (1 - y) log sigma(-t)."""
    t, y = sp.symbols("t y", real=True)
    loss = symbolic.binary_cross_entropy(t, y).subs(symbolic.SIGMOID)
    derivative = sp.lambdify([t, y], sp.diff(loss, t), "numpy")
    x, targets = rng.uniform(-15, 15, size=30), rng.uniform(size=30)
    np.testing.assert_allclose(binary_cross_entropy_grad(x, targets, reduction="sum"), derivative(x, targets), atol=1e-13)


def test_sigmoid_bce_bad_targets_raise():
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\], got 1.5"):
        binary_cross_entropy(np.zeros(2), np.array([0.0, 1.5]))
    with pytest.raises(ValueError, match=r"logits and targets must have the same shape, got \(2,\) and \(3,\)"):
        binary_cross_entropy_grad(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("function", [binary_cross_entropy, binary_cross_entropy_grad])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_sigmoid_bce_keeps_dtype_and_leaves_inputs_untouched(function, dtype, rng):
    x, y = (rng.normal(size=(2, 3)) * 3).astype(dtype), rng.uniform(size=(2, 3)).astype(dtype)
    assert call_untouched(function, x, y).dtype == dtype


def test_sigmoid_bce_reductions_are_consistent(rng):
    """'mean' divides by the number of elements; 'none' is per element, its gradient that of 'sum'."""
    x, y = rng.normal(size=(4, 3)) * 3, rng.uniform(size=(4, 3))
    per = binary_cross_entropy(x, y, reduction="none")
    assert per.shape == (4, 3)
    assert binary_cross_entropy(x, y, reduction="sum") == pytest.approx(per.sum(), rel=1e-15)
    assert binary_cross_entropy(x, y) == pytest.approx(per.mean(), rel=1e-15)
    summed = binary_cross_entropy_grad(x, y, reduction="sum")
    np.testing.assert_array_equal(binary_cross_entropy_grad(x, y, reduction="none"), summed)
    np.testing.assert_allclose(binary_cross_entropy_grad(x, y), summed / 12, rtol=1e-15)


def test_sigmoid_bce_of_empty_arrays():
    """No elements: the sum is 0 and the mean gradient is the empty array (no division by zero)."""
    assert binary_cross_entropy(np.zeros(0), np.zeros(0), reduction="sum") == 0
    with np.errstate(all="raise"):
        assert binary_cross_entropy_grad(np.zeros(0), np.zeros(0)).shape == (0,)


def test_sigmoid_bce_names_non_real_logits():
    for function in (binary_cross_entropy, binary_cross_entropy_grad):
        with pytest.raises(ValueError, match="^logits must be real numbers, got dtype complex128"):
            function(np.zeros(2, dtype=complex), np.zeros(2))
