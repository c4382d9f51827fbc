"""Tests of softmax_jacobian, softmax_jvp and softmax_vjp ({ref}`ch-jacobian`).

Oracles: central finite differences of scipy.special.softmax, SymPy's symbolic Jacobian of the
softmax (lambdified), and the linear-algebra properties the chapter proves.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.special
import sympy as sp

from softmaxbook import numerical_gradient, sigmoid_grad, softmax_jacobian, softmax_jvp, softmax_vjp, symbolic

from .helpers import FLOAT_DTYPES, call_untouched

SIZES = (1, 2, 3, 5, 8)


def sympy_jacobian(n):
    """SymPy's Jacobian of the n-class softmax, as a NumPy function of one vector."""
    s, z = symbolic.softmax_explicit(n, start=0)
    return sp.lambdify([z], s.jacobian(z), "numpy")


@pytest.mark.parametrize("n", SIZES)
def test_jacobian_entry_matches_sympy(n, rng):
    """{eq}`eq-jacobian-entry` at random points, against SymPy's own differentiation."""
    jacobian = sympy_jacobian(n)
    for _ in range(5):
        z = rng.normal(size=n) * 2
        # Entries are at most 1/4; both sides are a few roundings of exp-ratios of |z| <= 10.
        np.testing.assert_allclose(softmax_jacobian(z), np.array(jacobian(z), float), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n", SIZES)
def test_jacobian_matrix_matches_finite_differences(n, rng):
    # Central differences of SciPy's softmax with h = eps^(1/3) max(1, |z|) ~ 6e-6 |z|: truncation
    # h^2/6 |s'''| with |s'''| <= 1 and round-off eps/h, each below 1e-10 for |z| <= 10; 1e-9 tolerance.
    z = rng.normal(size=n) * 3
    numeric = numerical_gradient(scipy.special.softmax, z)
    np.testing.assert_allclose(softmax_jacobian(z), numeric, rtol=0, atol=1e-9)


def test_equivalence_jacobian_two_classes_is_sigmoid_derivative(rng):
    """{eq}`eq-equivalence-jacobian`: the 2-class Jacobian is sigma'(z0 - z1) [[1, -1], [-1, 1]]."""
    for z in rng.normal(size=(10, 2)) * 5:
        d = sigmoid_grad(z[0] - z[1])
        np.testing.assert_allclose(softmax_jacobian(z), d * np.array([[1, -1], [-1, 1]]), rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("n", SIZES)
def test_jacobian_matrix_symmetric_rows_sum_to_zero_psd_rank(n, rng):
    z = rng.normal(size=(4, n))
    J = softmax_jacobian(z)
    assert J.shape == (4, n, n)
    np.testing.assert_array_equal(J, np.swapaxes(J, -1, -2))  # s_i s_j = s_j s_i exactly
    # Row i sums s_i (1 - s_i) - s_i (1 - s_i) up to rounding of entries <= 1/4.
    np.testing.assert_allclose(J.sum(axis=-1), 0, atol=4 * n * np.finfo(float).eps)
    eigenvalues = np.linalg.eigvalsh(J)
    assert np.all(eigenvalues >= -n * np.finfo(float).eps)
    # Rank n - 1: only 1 spans the null space; for |z| ~ 1 the other eigenvalues exceed 1e-3.
    assert all(np.linalg.matrix_rank(Jb, tol=1e-8) == n - 1 for Jb in J)


def test_jacobian_axis_moves_classes_last(rng):
    z = rng.normal(size=(3, 5))
    J = softmax_jacobian(z, axis=0)
    assert J.shape == (5, 3, 3)
    for column in range(5):
        np.testing.assert_allclose(J[column], softmax_jacobian(z[:, column]), rtol=1e-15)


@pytest.mark.parametrize("n", SIZES)
def test_jacobian_vjp_and_jvp_equal_the_matrix_products(n, rng):
    """{eq}`eq-jacobian-vjp`: v^T J and J v computed in O(n) equal the explicit products."""
    z, v = rng.normal(size=(6, n)) * 3, rng.normal(size=(6, n))
    J = softmax_jacobian(z)
    # Products of n terms of size <= 1/4 |v|: a few n eps in absolute terms.
    tol = 8 * n * np.finfo(float).eps
    np.testing.assert_allclose(softmax_vjp(z, v), np.einsum("bi,bij->bj", v, J), rtol=0, atol=tol)
    np.testing.assert_allclose(softmax_jvp(z, v), np.einsum("bij,bj->bi", J, v), rtol=0, atol=tol)


def test_jacobian_vjp_along_another_axis(rng):
    z, v = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 3, 2))
    expected = np.einsum("bci,bcij->bcj", np.moveaxis(v, 1, -1), softmax_jacobian(z, axis=1))
    np.testing.assert_allclose(softmax_vjp(z, v, axis=1), np.moveaxis(expected, -1, 1), atol=1e-15)


def test_jacobian_vjp_matches_finite_differences_of_a_loss(rng):
    """The VJP is the gradient of w . softmax(z): checked against central differences."""
    z, w = rng.normal(size=7), rng.normal(size=7)
    numeric = numerical_gradient(lambda x: w @ scipy.special.softmax(x), z)
    np.testing.assert_allclose(softmax_vjp(z, w), numeric, atol=1e-9)


def test_jacobian_vjp_memory_is_linear_in_n(rng):
    """softmax_vjp for n = 4000 never holds an n x n matrix (128 MB): its peak is a few n floats."""
    n = 4000
    z, v = rng.normal(size=n), rng.normal(size=n)
    tracemalloc.start()
    try:
        softmax_vjp(z, v)
        softmax_jvp(z, v)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * n * 8


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_jacobian_keeps_dtype_and_leaves_inputs_untouched(dtype, rng):
    z, v = rng.normal(size=(2, 4)).astype(dtype), rng.normal(size=(2, 4)).astype(dtype)
    assert call_untouched(softmax_jacobian, z).dtype == dtype
    assert call_untouched(softmax_vjp, z, v).dtype == dtype
    assert call_untouched(softmax_jvp, z, v).dtype == dtype


@pytest.mark.parametrize("product", [softmax_vjp, softmax_jvp])
def test_jacobian_products_name_a_bad_v(product):
    with pytest.raises(ValueError, match=r"z and v must have the same shape, got \(2, 3\) and \(2, 4\)"):
        product(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="v must be real numbers, got dtype complex128"):
        product(np.zeros(3), np.zeros(3, dtype=complex))


def test_jacobian_bad_shapes_raise():
    with pytest.raises(ValueError, match=r"z and v must have the same shape, got \(2, 3\) and \(2, 4\)"):
        softmax_vjp(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="empty class axis"):
        softmax_jacobian(np.zeros((2, 0)))
