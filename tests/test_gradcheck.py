"""Tests of the central-difference checker (numerical_gradient, check_gradient).

Oracles: functions whose derivatives are known in closed form.
"""

import numpy as np
import pytest

from softmaxbook import check_gradient, numerical_gradient

from .helpers import call_untouched


def f(x):
    return np.sum(np.sin(x) * x)


def grad_f(x):
    return np.cos(x) * x + np.sin(x)


def test_numerical_gradient_matches_a_known_gradient(rng):
    # h = eps^(1/3) max(1, |x|) ~ 6e-6 |x|: truncation h^2/6 |f'''| with |f'''| <= 3 + |x| <= 10
    # gives 6e-11 |x|^2; round-off eps |f| / h with |f| <= 50 gives 2e-9. 1e-8 absolute covers both.
    x = rng.uniform(-7, 7, size=(3, 4))
    numeric = call_untouched(numerical_gradient, f, x)
    assert numeric.shape == x.shape
    np.testing.assert_allclose(numeric, grad_f(x), rtol=0, atol=1e-8)


def test_numerical_gradient_of_array_valued_function_is_the_jacobian(rng):
    A = rng.normal(size=(2, 3))
    x = rng.normal(size=3)
    J = numerical_gradient(lambda v: A @ v + v[0] ** 2, x)
    expected = A + np.outer(np.ones(2), [2 * x[0], 0, 0])
    assert J.shape == (2, 3)
    # A quadratic has f''' = 0: only round-off eps |f| / h ~ 1e-10 remains.
    np.testing.assert_allclose(J, expected, atol=1e-9)


def test_numerical_gradient_with_a_given_step():
    # For x^3 the central difference is 3 x^2 + h^2 exactly: h = 1e-3 leaves an error of 1e-6.
    assert numerical_gradient(lambda v: v**3, np.array(2.0), eps=1e-3) == pytest.approx(12 + 1e-6, abs=1e-9)


def test_check_gradient_small_for_right_and_order_one_for_wrong(rng):
    x = rng.uniform(-3, 3, size=6)
    assert check_gradient(f, grad_f, x) < 1e-8
    assert check_gradient(f, lambda v: -grad_f(v), x) == pytest.approx(2, rel=1e-6)  # sign flip
    assert check_gradient(f, lambda v: np.cos(v) * v, x) > 1e-2  # a dropped term


def test_check_gradient_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"grad_f returned shape \(2,\), but the gradient has shape \(3,\)"):
        check_gradient(f, lambda v: v[:2], np.zeros(3))


def test_check_gradient_calls_grad_f_with_float64_and_compares_in_float64():
    """grad_f sees a float64 copy of integer x (v ** -1 refuses integer arrays), and its result is
    cast to float64 before the norms: a float16 gradient of 300s would overflow the norm (inf)."""
    x = np.array([1, 2, 4])
    assert check_gradient(lambda v: np.sum(np.log(v)), lambda v: v**-1, x) < 1e-9
    wrong_half = lambda v: np.full(v.shape, 300.0, dtype=np.float16)  # noqa: E731 (the true gradient is 600)
    assert check_gradient(lambda v: 600 * np.sum(v), wrong_half, np.zeros(3)) == pytest.approx(0.5, rel=1e-6)


def test_check_gradient_passes_the_step_and_scales_by_the_larger_norm():
    # x^3 at 2 with h = 1e-3: the central difference is 12 + 1e-6, a relative error of 1e-6 / 12.
    assert check_gradient(lambda v: np.sum(v**3), lambda v: 3 * v**2, np.array([2.0]), eps=1e-3) == pytest.approx(
        1e-6 / (12 + 1e-6), rel=1e-4
    )
    # A constant f has a zero numeric gradient: the error is relative to the claimed one, 1.
    assert check_gradient(lambda v: 5.0, lambda v: np.ones_like(v), np.zeros(2)) == 1.0
    # Tiny gradients are compared relative to their own size, not to 1.
    assert check_gradient(lambda v: 1e-10 * np.sum(v), lambda v: np.full_like(v, 2e-10), np.zeros(1)) == pytest.approx(
        0.5, rel=1e-5
    )


def test_numerical_gradient_of_integer_x_large_x_and_empty_x():
    # integer x is perturbed as float64 (an integer array could not hold x + h)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), np.array([1, 2])), [2, 4], rtol=1e-9)
    # h grows with |x|: at x = 1e4 a quadratic's central difference is exact up to eps |f| / h ~ 1e-7
    assert numerical_gradient(lambda v: np.sum(v**2), np.array([1e4]))[0] == pytest.approx(2e4, rel=1e-10)
    assert numerical_gradient(lambda v: 0.0, np.zeros(0)).shape == (0,)


def test_numerical_gradient_step_below_one_is_the_cube_root_of_eps():
    """For x^3 the central difference is 3 x^2 + h^2 exactly: at |x| <= 1, h = eps^(1/3)."""
    h = np.finfo(np.float64).eps ** (1 / 3)
    error = numerical_gradient(lambda v: np.sum(v**3), np.array([0.5]))[0] - 0.75
    assert error == pytest.approx(h**2, rel=0.3)  # round-off eps |f| / h is 10% of h^2 here


def test_check_gradient_is_zero_when_both_gradients_vanish():
    assert check_gradient(lambda v: 1.0, lambda v: np.zeros_like(v), np.ones(3)) == 0.0
