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
