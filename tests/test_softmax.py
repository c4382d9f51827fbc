"""Tests of softmax, log_softmax and logsumexp ({ref}`ch-softmax`).

Oracles: scipy.special (softmax, log_softmax, logsumexp) on random and extreme inputs in every
float dtype, and mpmath at 60 digits for the accuracy sweep.
"""

import math

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st

from softmaxbook import log_softmax, logsumexp, softmax

from .helpers import (
    FLOAT_DTYPES,
    NO_FP_WARNINGS,
    call_untouched,
    logit_arrays,
    roundoff_tolerance,
    softmax_with_conditions,
    ulps,
)

FUNCTIONS = (softmax, log_softmax, logsumexp)


SCIPY = {
    "softmax": (softmax, scipy.special.softmax),
    "log_softmax": (log_softmax, scipy.special.log_softmax),
    "logsumexp": (logsumexp, scipy.special.logsumexp),
}


@pytest.mark.parametrize("name", SCIPY)
@given(case=logit_arrays(), axis=st.integers(-3, 2), keepdims=st.booleans())
def test_softmax_def_matches_scipy(name, case, axis, keepdims):
    """{eq}`eq-softmax-def`, {eq}`eq-softmax-log-softmax` and {eq}`eq-softmax-lse` against scipy.special.

    Relative tolerance: ``roundoff_tolerance``. Absolute: a few subnormal units for softmax (entries
    that underflow); for the logarithms the same as the relative one, since SciPy's log_softmax
    takes log(sum), whose absolute error is eps (1 + |z - max z|), and is far from ours in
    relative terms near 0 (where ours is the more accurate).
    """
    ours, theirs = SCIPY[name]
    z, scale = case
    axis = axis % z.ndim
    options = {"keepdims": keepdims} if name == "logsumexp" else {}
    with np.errstate(**NO_FP_WARNINGS):
        out = np.asarray(ours(z, axis=axis, **options))
        expected = np.asarray(theirs(z, axis=axis, **options))
    assert out.shape == expected.shape and out.dtype == z.dtype
    tol = roundoff_tolerance(z.dtype, scale)
    atol = 16 * float(np.finfo(z.dtype).smallest_subnormal) if name == "softmax" else tol
    np.testing.assert_allclose(out.astype(float), expected.astype(float), rtol=tol, atol=atol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_stable_within_few_ulps_of_mpmath(dtype):
    """Accuracy sweep over |z| from 1e-3 to 1e30: error <= 4 + 2 kappa ULP for every output.

    kappa is the output's condition number (see ``softmax_with_conditions``). The budget: the
    roundings after z - max(z) (exp <= 1 ULP, a pairwise sum of n <= 8 positive terms <= 1.5 ULP,
    the division 0.5) give at most 3 ULP; rounding z_j - max(z) itself perturbs
    each input by at most one unit roundoff of |z_j| + |max z|, which the condition number turns
    into at most 2 kappa ULP. The measured errors are stated in the docstring of
    ``softmaxbook.softmax`` (the module).
    """
    rng = np.random.default_rng(7)
    excess = []  # error - (4 + 2 kappa), in ULP: must stay <= 0
    for scale in (1e-3, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e30):
        for n in (1, 2, 3, 5, 8):
            z = (rng.normal(size=n) * scale).astype(dtype)
            s_ref, log_ref, lse_ref, k_s, k_log, k_lse = softmax_with_conditions(z)
            s, log_s, lse = softmax(z), log_softmax(z), logsumexp(z)
            for i in range(n):
                excess.append(ulps(s[i], s_ref[i], dtype) - 4 - 2 * float(k_s[i]))
                excess.append(ulps(log_s[i], log_ref[i], dtype) - 4 - 2 * float(k_log[i]))
            excess.append(ulps(lse, lse_ref, dtype) - 4 - 2 * float(k_lse))
    assert max(excess) <= 0, max(excess)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_def_within_4_ulps_where_no_shift_is_needed(dtype):
    """Where every exp(z_j) and row sum is a normal float, softmax is exp(z) / sum, with no rounding
    of z - max(z): the budget of 3.5 ULP (exp 1, pairwise sum of n <= 16 terms 2, division 0.5)
    holds whatever the condition number. SciPy's error grows like kappa there (250 ULP at |z| ~ 100).
    """
    rng = np.random.default_rng(9)
    limit = -math.log(float(np.finfo(dtype).tiny))
    worst = 0.0
    for scale in (1e-3, 1.0, 10.0, limit / 8):
        for n in (2, 3, 5, 8, 16):
            z = np.clip(rng.normal(size=n) * scale, -limit + 1, limit - 1 - math.log(n)).astype(dtype)
            s_ref = softmax_with_conditions(z)[0]
            s = softmax(z)
            worst = max(worst, max(ulps(s[i], s_ref[i], dtype) for i in range(n)))
    assert worst <= 4, worst


def test_softmax_near_the_no_shift_limits_without_warnings():
    """Rows just inside and just outside the range where exp(z) needs no shift."""
    for dtype, limit in ((np.float64, 708.0), (np.float32, 87.0)):
        for value in (limit - 8.0, limit - 6.0, limit, -limit, -limit - 2.0):
            z = np.full((2, 1000), value, dtype=dtype)
            with np.errstate(**NO_FP_WARNINGS):
                s = softmax(z)
            np.testing.assert_allclose(s, 1e-3, rtol=4 * float(np.finfo(dtype).eps))


def test_softmax_rows_with_subnormal_terms_and_a_small_sum_are_shifted():
    """exp(-730) is subnormal (13 significant bits) and the row sum e^-23 is small, so exp(z) / S
    would be off by about 1e9 ULP in s_1 = e^-707; the shift makes it exact to a few ULP."""
    for z in (np.array([-23.0, -730.0]), np.array([[-23.0, -730.0], [1.0, 2.0]])):
        s = softmax(z).reshape(-1, 2)[0]
        s_ref = softmax_with_conditions(np.array([-23.0, -730.0]))[0]
        assert max(ulps(s[i], s_ref[i], np.float64) for i in range(2)) <= 4


def test_softmax_float16_is_correctly_rounded_from_float32():
    """float16 is computed in float32 and rounded once: within 0.5 float16 ULP (+ float32 error)."""
    rng = np.random.default_rng(8)
    for scale in (0.1, 1.0, 10.0, 1e3):
        z = (rng.normal(size=6) * scale).astype(np.float16)
        s_ref, log_ref, lse_ref, *_ = softmax_with_conditions(z)
        s, log_s, lse = softmax(z), log_softmax(z), logsumexp(z)
        # float32 carries 13 more bits than float16, so its few-ULP error is < 0.01 float16 ULP.
        assert max(ulps(s[i], s_ref[i], np.float16) for i in range(6)) <= 0.51
        assert max(ulps(log_s[i], log_ref[i], np.float16) for i in range(6)) <= 0.51
        assert ulps(lse, lse_ref, np.float16) <= 0.51


def test_softmax_log_softmax_exact_for_a_confident_prediction():
    """log s_max = -log1p(e^-40) = -4.248e-18, not the 0 that log(sum) gives (log1p is needed)."""
    z = np.array([0.0, -40.0])
    expected = -math.log1p(math.exp(-40.0))
    assert log_softmax(z)[0] == pytest.approx(expected, rel=4e-16, abs=0)
    assert logsumexp(z) == pytest.approx(-expected, rel=4e-16, abs=0)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_softmax_stable_for_extreme_logits_without_warnings(dtype):
    big = float(np.finfo(dtype).max)
    rows = np.array([[big, -big, 0.0], [big, big, -big], [-big, -big, -big], [1e4, -1e4, 0.0]])
    z = rows.astype(dtype) if dtype != np.float16 else np.clip(rows, -big, big).astype(dtype)
    with np.errstate(**NO_FP_WARNINGS):
        s, log_s, lse = softmax(z), log_softmax(z), logsumexp(z)
    assert np.all(np.isfinite(s)) and np.allclose(s.sum(axis=-1), 1, rtol=4 * float(np.finfo(dtype).eps))
    np.testing.assert_array_equal(s[0], [1, 0, 0])
    np.testing.assert_allclose(s[1], [0.5, 0.5, 0])
    np.testing.assert_allclose(s[2], [1 / 3, 1 / 3, 1 / 3], rtol=float(np.finfo(dtype).eps))
    assert not np.any(np.isnan(log_s)) and np.all(np.isfinite(lse))


def test_softmax_log_softmax_of_1e300():
    with np.errstate(**NO_FP_WARNINGS):
        out = log_softmax(np.array([1e300, 1e300, -1e300]))
        lse = logsumexp(np.array([1e300, 1e300, -1e300]))
    assert out[0] == out[1] == pytest.approx(-math.log(2), rel=1e-15)
    assert out[2] == -2e300
    assert lse == 1e300  # 1e300 + log 2 rounds to 1e300


def test_softmax_log_softmax_never_takes_log_of_softmax():
    """s_2 = e^-800 underflows to 0, but its log is -800, not -inf."""
    with np.errstate(**NO_FP_WARNINGS):
        out = log_softmax(np.array([0.0, -800.0]))
    np.testing.assert_array_equal(out, [0.0, -800.0])


def test_softmax_masked_classes_get_zero_probability():
    z = np.array([[1.0, -np.inf, 2.0, -np.inf], [0.5, 0.25, -np.inf, 3.0]])
    with np.errstate(**NO_FP_WARNINGS):
        s, log_s, lse = softmax(z), log_softmax(z), logsumexp(z)
    for row in range(2):
        keep = np.isfinite(z[row])
        np.testing.assert_allclose(s[row, keep], scipy.special.softmax(z[row, keep]), rtol=1e-15)
        assert np.all(s[row, ~keep] == 0) and np.all(log_s[row, ~keep] == -np.inf)
        np.testing.assert_allclose(lse[row], scipy.special.logsumexp(z[row, keep]), rtol=1e-15)


def test_softmax_all_masked_row_is_nan_and_lse_is_minus_inf():
    """Documented: no class is left, so there is no distribution (NaN); log of an empty sum is -inf."""
    z = np.array([[-np.inf, -np.inf, -np.inf], [0.0, 1.0, 2.0]])
    with np.errstate(all="raise"):  # and no warning for the masked row
        s, log_s, lse = softmax(z), log_softmax(z), logsumexp(z)
    assert np.all(np.isnan(s[0])) and np.all(np.isnan(log_s[0])) and lse[0] == -np.inf
    np.testing.assert_allclose(s[1], scipy.special.softmax(z[1]), rtol=1e-15)


def test_softmax_nan_propagates_to_its_row_only():
    z = np.array([[0.0, np.nan, 1.0], [0.0, 1.0, 2.0]])
    s, log_s, lse = softmax(z), log_softmax(z), logsumexp(z)
    assert np.all(np.isnan(s[0])) and np.all(np.isnan(log_s[0])) and np.isnan(lse[0])
    assert not np.any(np.isnan(s[1])) and not np.any(np.isnan(log_s[1])) and not np.isnan(lse[1])


def test_softmax_plus_inf_entry():
    z = np.array([np.inf, 1.0])
    with np.errstate(all="raise"):
        s, lse = softmax(z), logsumexp(z)
    assert np.isnan(s[0]) and s[1] == 0 and lse == np.inf


@pytest.mark.parametrize("temperature", [0.01, 0.5, 1.0, 2.0, 3.0, 1e6])
def test_softmax_temperature_matches_scipy_of_scaled_logits(temperature, rng):
    z = rng.normal(size=(4, 5)) * 3
    expected = scipy.special.softmax(z / temperature, axis=-1)
    np.testing.assert_allclose(softmax(z, temperature=temperature), expected, rtol=1e-12, atol=1e-300)


def test_softmax_tiny_temperature_without_warnings():
    with np.errstate(**NO_FP_WARNINGS):
        s = softmax(np.array([1.0, 0.0, -1e300]), temperature=1e-300)
    np.testing.assert_array_equal(s, [1.0, 0.0, 0.0])


def test_softmax_shift_invariance(rng):
    """{eq}`eq-softmax-shift`: adding a constant changes nothing, up to rounding of z + c."""
    z = rng.normal(size=(3, 7))
    np.testing.assert_allclose(softmax(z + 1000.0), scipy.special.softmax(z, axis=-1), rtol=1e-11)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_softmax_integer_input_gives_float64(function):
    out = function(np.array([[1, 2, 3], [0, 0, 0]]))
    assert np.asarray(out).dtype == np.float64


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_softmax_inputs_untouched(function, dtype, rng):
    z = (rng.normal(size=(3, 4)) * 5).astype(dtype)
    z_t = np.asfortranarray(z)
    call_untouched(function, z)
    call_untouched(function, z_t, axis=0)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_softmax_empty_class_axis_raises(function):
    with pytest.raises(ValueError, match=r"empty class axis: z has shape \(3, 0\), axis 1 has length 0"):
        function(np.zeros((3, 0)))
    with pytest.raises(ValueError, match=r"needs a class axis, got a scalar"):
        function(1.0)


def test_softmax_bad_temperature_and_dtype_raise():
    for bad in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="temperature must be a positive finite number"):
            softmax(np.zeros(3), temperature=bad)
    with pytest.raises(ValueError, match="z must be real numbers, got dtype complex128"):
        softmax(np.zeros(3, dtype=complex))


def test_softmax_ratio_is_the_exponential_of_the_gap(rng):
    """{eq}`eq-softmax-ratio`: s_i / s_k = exp(z_i - z_k), and log s_i - log s_k = z_i - z_k."""
    z = rng.normal(size=(4, 5)) * 3
    s, log_s = softmax(z), log_softmax(z)
    gaps = z[:, :, None] - z[:, None, :]
    # each side a few roundings of order-one values and exp of |gap| <= 20: 1e-13 relative
    np.testing.assert_allclose(s[:, :, None] / s[:, None, :], np.exp(gaps), rtol=1e-13)
    np.testing.assert_allclose(log_s[:, :, None] - log_s[:, None, :], gaps, rtol=0, atol=1e-13)


def test_equivalence_log_odds_against_class_zero_give_back_the_softmax(rng):
    """{eq}`eq-equivalence-log-odds`: eta_k = log(s_k / s_0) = z_k - z_0, and softmax([0, eta]) = s."""
    z = rng.normal(size=(5, 4)) * 3
    log_s = log_softmax(z)
    eta = log_s[:, 1:] - log_s[:, :1]
    np.testing.assert_allclose(eta, z[:, 1:] - z[:, :1], rtol=0, atol=1e-13)
    s0 = 1 / (1 + np.exp(eta).sum(axis=-1))
    np.testing.assert_allclose(softmax(z)[:, 0], s0, rtol=1e-13)
    np.testing.assert_allclose(softmax(np.hstack([np.zeros((5, 1)), eta])), softmax(z), rtol=1e-13)


def test_softmax_batches_larger_than_one_block(rng):
    """100 000 rows of 3 classes span two 2 MiB blocks of rows: every row is computed."""
    z = rng.normal(size=(100_000, 3)) * 3
    np.testing.assert_allclose(softmax(z), scipy.special.softmax(z, axis=-1), rtol=1e-13)
    np.testing.assert_allclose(log_softmax(z)[-5:], scipy.special.log_softmax(z[-5:], axis=-1), rtol=1e-13)


def test_softmax_finite_rows_keep_their_shift_beside_a_masked_row():
    """A row of only -inf must not change how the other rows of its block are shifted."""
    z = np.array([[-np.inf, -np.inf], [1000.0, 999.0]])
    with np.errstate(all="raise"):
        s, lse = softmax(z), logsumexp(z)
    np.testing.assert_allclose(s[1], scipy.special.softmax(z[1]), rtol=1e-15)
    assert lse[1] == pytest.approx(scipy.special.logsumexp(z[1]), rel=1e-15)


def test_softmax_boolean_input_gives_float64():
    np.testing.assert_allclose(softmax(np.array([True, False])), scipy.special.softmax([1.0, 0.0]), rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.bool_])
def test_softmax_unsigned_signed_and_boolean_integers_become_float64(dtype):
    z = np.array([1, 0, 1], dtype=dtype)
    out = softmax(z)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, scipy.special.softmax(z.astype(float)), rtol=1e-15)
