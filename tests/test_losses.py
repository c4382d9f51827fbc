"""Tests of cross_entropy, cross_entropy_grad and cross_entropy_and_grad ({ref}`ch-cross-entropy`).

Oracles: scipy.special (log_softmax, softmax, expit), central finite differences, SymPy's symbolic
gradient (lambdified), the softmax VJP, and the equivalence of the 2-class softmax with the sigmoid.
"""

import math
import tracemalloc

import numpy as np
import pytest
import scipy.special
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from softmaxbook import (
    _ce_rows,
    cross_entropy,
    cross_entropy_and_grad,
    cross_entropy_grad,
    numerical_gradient,
    softmax,
    softmax_vjp,
    symbolic,
)

from .helpers import FLOAT_DTYPES, NO_FP_WARNINGS, call_untouched, logit_arrays, roundoff_tolerance

REDUCTIONS = ("mean", "sum", "none")
# Central differences with h = eps^(1/3) max(1, |z|) ~ 6e-6: truncation h^2/6 |L'''| with
# |L'''| <= 1 per example, round-off eps |L| / h with |L| <= 20 here; both below 1e-9.
FD_TOL = 1e-8


def random_problem(rng, batch=(5,), k=4, scale=3.0):
    z = rng.normal(size=batch + (k,)) * scale
    labels = rng.integers(0, k, size=batch)
    probs = rng.dirichlet(np.ones(k), size=batch)
    return z, labels, probs


def scipy_cross_entropy(z, targets):
    log_s = scipy.special.log_softmax(z, axis=-1)
    if targets.shape == z.shape:
        return -(targets * log_s).sum(axis=-1)
    return -np.take_along_axis(log_s, targets[..., None], axis=-1)[..., 0]


@given(logit_arrays(max_dims=3, max_side=5), st.integers(0, 2**32 - 1), st.sampled_from(REDUCTIONS))
def test_cross_entropy_def_matches_scipy_log_softmax(case, seed, reduction):
    z, scale = case
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, z.shape[-1], size=z.shape[:-1])
    probs = rng.dirichlet(np.ones(z.shape[-1]), size=z.shape[:-1]).astype(z.dtype)
    for targets in (labels, probs):
        with np.errstate(**NO_FP_WARNINGS):
            loss = cross_entropy(z, targets, reduction=reduction)
        per = scipy_cross_entropy(z.astype(float), targets.astype(float) if targets is probs else targets)
        expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
        assert np.asarray(loss).dtype == z.dtype
        # A sum of K log-probabilities, each within the softmax round-off tolerance; the
        # probabilities are rounded to the dtype before both computations, so they agree exactly.
        tol = z.shape[-1] * roundoff_tolerance(z.dtype, scale)
        np.testing.assert_allclose(np.asarray(loss, float), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_grad_matches_finite_differences(reduction, rng):
    z, labels, probs = random_problem(rng, batch=(3, 2))
    for targets in (labels, probs):
        summed = "sum" if reduction == "none" else reduction  # 'none' stacks per-example gradients
        numeric = numerical_gradient(lambda x: cross_entropy(x, targets, reduction=summed), z)
        np.testing.assert_allclose(cross_entropy_grad(z, targets, reduction=reduction), numeric, atol=FD_TOL)


@pytest.mark.parametrize("n", (1, 2, 3, 5))
def test_cross_entropy_grad_matches_sympy(n, rng):
    """{eq}`eq-cross-entropy-grad` against SymPy's gradient of -sum_k y_k log softmax_k(z)."""
    probs, z_sym = symbolic.softmax_explicit(n, start=0)
    y_sym = symbolic.score_symbols(n, "y", start=0)
    loss = symbolic.cross_entropy(y_sym, probs)
    gradient = sp.lambdify([z_sym, y_sym], [sp.diff(loss, t) for t in z_sym], "numpy")
    for _ in range(4):
        z = rng.normal(size=n) * 3
        label = rng.integers(0, n)
        probs = rng.dirichlet(np.ones(n))
        for targets, y in ((label, np.eye(n)[label]), (probs, probs)):
            # Entries s_k - y_k of size <= 1, each a few roundings of exp ratios: 1e-14 absolute.
            np.testing.assert_allclose(cross_entropy_grad(z, targets), gradient(z, y), rtol=0, atol=1e-14)


def test_cross_entropy_grad_is_vjp_of_the_loss(rng):
    """s - y is the VJP of dL/ds = -y / s through the softmax Jacobian ({ref}`ch-jacobian`)."""
    z, labels, probs = random_problem(rng, batch=(6,), scale=2.0)
    s = scipy.special.softmax(z, axis=-1)
    onehot = np.eye(z.shape[-1])[labels]  # only here, as the test's independent oracle
    for targets, y in ((labels, onehot), (probs, probs)):
        np.testing.assert_allclose(
            cross_entropy_grad(z, targets, reduction="sum"), softmax_vjp(z, -y / s), rtol=0, atol=1e-14
        )


def test_cross_entropy_grad_general_for_unnormalised_targets(rng):
    """{eq}`eq-cross-entropy-grad-general`: (sum y) s - y for counts, through the private helper.

    The public functions refuse targets that are not distributions (next test); the general formula
    is the private ``_ce_rows.soft_loss_and_grad``, checked here against finite differences of the loss
    -sum_k y_k log s_k computed with SciPy.
    """
    z = rng.normal(size=(3, 4)) * 2
    counts = rng.integers(0, 5, size=(3, 4)).astype(float)
    numeric = numerical_gradient(lambda x: -(counts * scipy.special.log_softmax(x, axis=-1)).sum(), z)
    np.testing.assert_allclose(_ce_rows.soft_loss_and_grad(z, counts, 1)[1], numeric, atol=FD_TOL)


def test_cross_entropy_refuses_targets_that_do_not_sum_to_one():
    z = np.zeros((2, 3))
    for function in (cross_entropy, cross_entropy_grad):
        with pytest.raises(ValueError, match=r"targets must sum to 1 along axis -1 \(tolerance 1.5e-08\), got a sum of 0.75"):
            function(z, np.array([[0.25, 0.25, 0.25], [0.2, 0.3, 0.5]]))
        with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\], got 2.0"):
            function(z[0], np.array([1.0, 2.0, 1.0]))
    # Within the documented tolerance (sqrt(eps) of the targets' dtype) targets are accepted.
    cross_entropy(z[0], np.array([0.5, 0.5 - 1e-9, 0.0]))
    cross_entropy(z[0].astype(np.float32), np.array([0.5, 0.5 - 1e-4, 0.0], dtype=np.float32))


def test_cross_entropy_accurate_for_a_confident_prediction():
    """-log s_0 = log1p(e^-40) = 4.248e-18 and s_0 - 1 = -4.248e-18: no log(sum) or 1 - s cancellation."""
    z = np.array([0.0, -40.0])
    small = math.log1p(math.exp(-40.0))
    assert cross_entropy(z, 0) == pytest.approx(small, rel=4e-16, abs=0)
    np.testing.assert_allclose(cross_entropy_grad(z, 0), [-small, small], rtol=4e-16)
    # The same from the other side: the label has the tiny probability.
    assert cross_entropy(z, 1) == pytest.approx(40.0 + small, rel=4e-16, abs=0)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_cross_entropy_stable_for_extreme_logits_without_warnings(dtype):
    big = float(np.finfo(dtype).max)
    z = np.array([[big, -big, 0.0], [1e4 if dtype != np.float16 else 6e4, 0.0, -1.0]]).astype(dtype)
    probs = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]], dtype=dtype)
    with np.errstate(**NO_FP_WARNINGS):
        for targets in (np.array([0, 0]), probs):
            loss = cross_entropy(z, targets, reduction="none")
            grad = cross_entropy_grad(z, targets)
            assert np.all(np.isfinite(loss)) or dtype == np.float16  # float16 losses may round to inf
            assert np.all(np.isfinite(grad))
    assert cross_entropy(np.array([1e300, -1e300]), 0) == 0
    assert cross_entropy(np.array([1e300, -1e300]), 1) == 2e300


def test_cross_entropy_masked_classes():
    z = np.array([[1.0, -np.inf, 0.0], [-np.inf, -np.inf, -np.inf]])
    with np.errstate(all="raise"):
        per = cross_entropy(z, np.array([0, 0]), reduction="none")
        masked_label = cross_entropy(z[0], 1)
        soft = cross_entropy(z[0], np.array([0.5, 0.0, 0.5]))
        grad = cross_entropy_grad(z[0], np.array([0.5, 0.0, 0.5]))
    assert per[0] == pytest.approx(-scipy.special.log_softmax([1.0, 0.0])[0], rel=1e-15)
    assert np.isnan(per[1])  # every class masked: no distribution
    assert masked_label == np.inf
    assert soft == pytest.approx(-0.5 * scipy.special.log_softmax([1.0, 0.0]).sum(), rel=1e-15)
    assert grad[1] == 0 and np.all(np.isfinite(grad))


def test_cross_entropy_nan_propagates():
    z = np.array([[np.nan, 0.0], [1.0, 0.0]])
    per = cross_entropy(z, np.array([1, 0]), reduction="none")
    assert np.isnan(per[0]) and np.isfinite(per[1])
    assert np.all(np.isnan(cross_entropy_grad(z, np.array([1, 0]))[0]))


def test_cross_entropy_labels_build_no_one_hot_matrix(rng):
    """A one-hot (m, K) matrix would cost m K bytes even as booleans (8 MB here); the loss works in
    one block of about 2 MB and stays far below."""
    z = rng.normal(size=(2000, 4000)).astype(np.float32)
    labels = rng.integers(0, 4000, size=2000)
    tracemalloc.start()
    try:
        cross_entropy(z, labels)
        loss_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        cross_entropy_grad(z, labels)
        grad_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    onehot_bool = z.size  # bytes of the smallest one-hot matrix
    assert loss_peak < onehot_bool / 2
    assert grad_peak < z.nbytes + onehot_bool / 2  # the gradient itself, and little else


def test_equivalence_two_class_softmax_is_sigmoid_of_difference(rng):
    """{eq}`eq-equivalence-two-class`: softmax([a, b])_0 = sigma(a - b), with SciPy's expit as oracle."""
    z = rng.normal(size=(50, 2)) * 10
    # Both are a few roundings away from the truth; the difference a - b is rounded once (2 eps).
    np.testing.assert_allclose(softmax(z)[:, 0], scipy.special.expit(z[:, 0] - z[:, 1]), rtol=1e-14)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_cross_entropy_keeps_dtype_and_leaves_inputs_untouched(dtype, rng):
    z, labels, probs = random_problem(rng, batch=(2, 3))
    z, probs = z.astype(dtype), probs.astype(dtype)
    for targets in (labels, probs):
        assert call_untouched(cross_entropy, z, targets).dtype == dtype
        assert call_untouched(cross_entropy_grad, z, targets).dtype == dtype
        loss, grad = call_untouched(cross_entropy_and_grad, z, targets)
        assert loss.dtype == grad.dtype == dtype


def test_cross_entropy_reductions_are_consistent(rng):
    z, labels, _ = random_problem(rng, batch=(4, 3))
    per = cross_entropy(z, labels, reduction="none")
    assert per.shape == (4, 3)
    assert cross_entropy(z, labels, reduction="sum") == pytest.approx(per.sum(), rel=1e-15)
    assert cross_entropy(z, labels) == pytest.approx(per.mean(), rel=1e-15)
    np.testing.assert_allclose(cross_entropy_grad(z, labels), cross_entropy_grad(z, labels, reduction="sum") / 12)


BAD_TARGETS = [
    (np.array([0, 3]), r"label out of range: got 3, but there are only 3 classes"),
    (np.array([0, -1]), r"negative label: got -1"),
    (np.array([0.0, 1.5]), r"non-integer labels: got 1.5"),
    (np.array([0, 1, 2]), r"targets of shape \(3,\) match neither labels of shape \(2,\) nor probabilities of shape \(2, 3\)"),
    (np.array([[0.5, 0.7, -0.2], [1.0, 0.0, 0.0]]), r"targets must lie in \[0, 1\], got -0.2"),
    (np.array([[0.5, 0.6, 0.0], [1.0, 0.0, 0.0]]), r"targets must sum to 1 along axis -1 .*got a sum of 1.1"),
]


@pytest.mark.parametrize("function", [cross_entropy, cross_entropy_grad, cross_entropy_and_grad])
@pytest.mark.parametrize(("targets", "message"), BAD_TARGETS)
def test_cross_entropy_bad_targets_raise(function, targets, message):
    with pytest.raises(ValueError, match=message):
        function(np.zeros((2, 3)), targets)


@pytest.mark.parametrize("function", [cross_entropy, cross_entropy_grad, cross_entropy_and_grad])
def test_cross_entropy_bad_logits_and_reduction_raise(function):
    with pytest.raises(ValueError, match=r"empty class axis: logits has shape \(2, 0\)"):
        function(np.zeros((2, 0)), np.array([0, 0]))
    with pytest.raises(ValueError, match=r"needs a class axis, got a scalar"):
        function(1.0, 0)
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"):
        function(np.zeros((2, 3)), np.array([0, 0]), reduction="avg")
    with pytest.raises(ValueError, match="logits must be real numbers, got dtype complex128"):
        function(np.zeros((2, 3), dtype=complex), np.array([0, 0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_cross_entropy_and_grad_equal_the_separate_functions(reduction, dtype, rng):
    """{eq}`eq-cross-entropy-def` and {eq}`eq-cross-entropy-grad` from one pass, as the two functions give them.

    Labels take the same arithmetic in all three (equal to the bit); probability targets go
    through one exp pass in both, so they agree to a few roundings of each entry as well.
    """
    z, labels, probs = random_problem(rng, batch=(3, 2), scale=5.0)
    z, probs = z.astype(dtype), probs.astype(dtype)
    eps = float(np.finfo(dtype).eps)
    for targets in (labels, probs):
        loss, grad = cross_entropy_and_grad(z, targets, reduction=reduction)
        assert np.shape(loss) == np.shape(cross_entropy(z, targets, reduction=reduction))
        np.testing.assert_allclose(loss, cross_entropy(z, targets, reduction=reduction), rtol=4 * eps, atol=4 * eps)
        np.testing.assert_allclose(grad, cross_entropy_grad(z, targets, reduction=reduction), rtol=4 * eps, atol=4 * eps)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_and_grad_matches_scipy_and_finite_differences(reduction, rng):
    z, labels, probs = random_problem(rng, batch=(4,))
    for targets in (labels, probs):
        loss, grad = cross_entropy_and_grad(z, targets, reduction=reduction)
        per = scipy_cross_entropy(z, targets)
        expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
        # a sum of K log-probabilities of |z| <= 10, each a few roundings from SciPy's
        np.testing.assert_allclose(loss, expected, rtol=1e-14, atol=1e-14)
        summed = "sum" if reduction == "none" else reduction
        numeric = numerical_gradient(lambda x: scipy_cross_entropy(x, targets).sum() / (4 if summed == "mean" else 1), z)
        np.testing.assert_allclose(grad, numeric, atol=FD_TOL)


def test_cross_entropy_and_grad_soft_targets_accurate_for_a_confident_prediction():
    """A one-hot probability vector gives the label's accuracy: log1p(e^-40), not log(1 + e^-40) = 0."""
    z = np.array([[0.0, -40.0], [-40.0, 0.0]])
    onehot = np.array([[1.0, 0.0], [0.0, 1.0]])
    small = math.log1p(math.exp(-40.0))
    loss, grad = cross_entropy_and_grad(z, onehot, reduction="none")
    np.testing.assert_allclose(loss, [small, small], rtol=4e-16)
    np.testing.assert_allclose(grad, [[-small, small], [small, -small]], rtol=4e-16)
    # the largest logit anywhere in the row, not first: the shift picks it per row
    loss, grad = cross_entropy_and_grad(np.array([1.0, 3.0, 2.0]), np.array([0.25, 0.5, 0.25]))
    expected = -(np.array([0.25, 0.5, 0.25]) * scipy.special.log_softmax([1.0, 3.0, 2.0])).sum()
    assert loss == pytest.approx(expected, rel=1e-15)
    np.testing.assert_allclose(grad, scipy.special.softmax([1.0, 3.0, 2.0]) - [0.25, 0.5, 0.25], atol=1e-16)


def test_cross_entropy_and_grad_special_rows():
    """Masked classes, an all -inf row (NaN, no warning) and NaN, as for the separate functions."""
    z = np.array([[1.0, -np.inf, 0.0], [-np.inf, -np.inf, -np.inf], [np.nan, 0.0, 1.0]])
    soft = np.array([[0.5, 0.0, 0.5], [0.5, 0.0, 0.5], [0.5, 0.0, 0.5]])
    with np.errstate(all="raise"):
        for targets in (np.array([0, 0, 0]), soft):
            loss, grad = cross_entropy_and_grad(z, targets, reduction="none")
            assert np.isfinite(loss[0]) and np.all(np.isfinite(grad[0])) and grad[0, 1] == 0
            assert np.isnan(loss[1]) and np.all(np.isnan(grad[1]))
            assert np.isnan(loss[2]) and np.all(np.isnan(grad[2]))
    # a masked class as the target: an infinite loss
    assert cross_entropy_and_grad(z[0], np.array([0.0, 1.0, 0.0]))[0] == np.inf
    assert cross_entropy_and_grad(z[0], 1)[0] == np.inf


def test_cross_entropy_and_grad_scalar_loss_and_batch_shapes(rng):
    z, labels, probs = random_problem(rng, batch=(2, 3))
    for targets in (labels, probs):
        loss, grad = cross_entropy_and_grad(z, targets)
        assert np.ndim(loss) == 0 and grad.shape == z.shape
        loss, grad = cross_entropy_and_grad(z, targets, reduction="none")
        assert loss.shape == (2, 3) and grad.shape == z.shape


def test_cross_entropy_targets_edge_cases():
    z = np.zeros((2, 3))
    # integer one-hot rows are probability targets (tolerance of float64)
    assert cross_entropy(z, np.array([[1, 0, 0], [0, 1, 0]])) == pytest.approx(np.log(3), rel=1e-15)
    # a sum off by exactly the tolerance 2^-26 = sqrt(eps) is accepted
    cross_entropy(z[0], np.array([0.5 + 2.0**-26, 0.5, 0.0]))
    with pytest.raises(ValueError, match="labels must be integers, got dtype complex128"):
        cross_entropy(z, np.array([1j, 0j]))
    with pytest.raises(ValueError, match="targets must be real numbers, got dtype complex128"):
        cross_entropy(z, np.ones((2, 3), dtype=complex) / 3)
    with pytest.raises(ValueError, match=r"match neither labels of shape \(2, 2\) nor probabilities of shape \(2, 2, 3\)"):
        cross_entropy(np.zeros((2, 2, 3)), np.zeros(5, dtype=int))


def test_cross_entropy_accepts_unsigned_labels():
    z = np.array([[2.0, 0.0], [0.0, 2.0]])
    unsigned = cross_entropy(z, np.array([0, 1], dtype=np.uint8))
    assert unsigned == pytest.approx(-scipy.special.log_softmax([2.0, 0.0])[0], rel=1e-15)
