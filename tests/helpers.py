"""Helpers shared by the library tests: dtypes, tolerances, Hypothesis strategies, an input guard,
ULP distances and the softmax family's exact values with their condition numbers.

Imported by the test modules as ``from .helpers import ...`` (``tests`` is a package).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from softmaxbook import symbolic

FLOAT_DTYPES = (np.float16, np.float32, np.float64)

# Raise on every floating-point event that finite input must not cause. Underflow stays allowed:
# exp(-1000) = 0 is the correctly rounded answer, not an error.
NO_FP_WARNINGS = dict(over="raise", invalid="raise", divide="raise", under="ignore")


def magnitudes(dtype):
    """Scales of logits to sweep: small, moderate, 1e4 and (where the dtype has it) 1e300.

    Capped at a quarter of the dtype's largest value so that differences of two logits (which
    scipy forms) stay finite.
    """
    cap = float(np.finfo(dtype).max) / 4
    return [float(np.dtype(dtype).type(m)) for m in (1e-3, 1.0, 30.0, 1e4, 1e300) if m <= cap] + [cap]


def roundoff_tolerance(dtype, scale):
    """How far two correct softmax-type computations may differ, relative to the output.

    Both ours and SciPy's round z_j - max(z) once, an error of one unit roundoff of |z_j - max z|
    that exp turns into a relative error; only terms with |z_j - max z| <= L, L = -log(smallest
    subnormal) (745 in float64, 104 in float32, 17 in float16), survive the exp, so the relative
    error of each output is a few units roundoff times 1 + 2 min(scale, L). SciPy's float16
    results are rounded at every step (sum, division), up to about 3 ULP measured; 8 units
    roundoff per unit of conditioning covers both implementations.
    """
    info = np.finfo(dtype)
    survive = -math.log(float(info.smallest_subnormal))
    return 8 * float(info.eps) * (1 + 2 * min(scale, survive))


@st.composite
def logit_arrays(draw, dtypes=FLOAT_DTYPES, max_dims=3, min_side=1, max_side=6):
    """``(z, scale)``: a float array of logits with entries in [-scale, scale], of any dtype given."""
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    scale = draw(st.sampled_from(magnitudes(dtype)))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=max_dims, min_side=min_side, max_side=max_side))
    elements = st.floats(-scale, scale, width=8 * dtype.itemsize, allow_nan=False, allow_infinity=False)
    return draw(hnp.arrays(dtype, shape, elements=elements)), scale


def call_untouched(f, *args, **kwargs):
    """Call ``f`` with its array arguments made read-only, then check that they still hold the same values.

    A write into an input raises at once (read-only), and the comparison with copies catches any
    other change.
    """
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
    for a in args:
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    try:
        result = f(*args, **kwargs)
    finally:
        for a in args:
            if isinstance(a, np.ndarray):
                a.flags.writeable = True
    for a, c in zip(args, copies):
        if c is not None:
            np.testing.assert_array_equal(a, c, err_msg=f"{f.__name__} modified its input")
    return result


def ulps(approx, exact, dtype):
    """|approx - exact| in units in the last place of ``exact`` rounded to ``dtype``."""
    rounded = np.abs(np.asarray(float(exact)).astype(dtype))
    unit = mpmath.mpf(float(np.spacing(rounded)))
    return float(abs(mpmath.mpf(float(approx)) - exact) / unit)


def softmax_with_conditions(z):
    """Exact softmax, log-softmax, log-sum-exp of one vector ``z`` and their condition numbers.

    Returns ``(s, log_s, lse, kappa_s, kappa_log_s, kappa_lse)``, the values from
    ``softmaxbook.symbolic`` (60 digits). The condition numbers are the relative ones,
    :math:`\\kappa_i = \\sum_j |z_j| |\\partial f_i / \\partial z_j| / |f_i|`, the factor by which a
    relative change of one unit roundoff in each input can change the output: for :math:`s_i` it
    is :math:`\\sum_j |z_j| |\\delta_{ij} - s_j|`, for :math:`\\log s_i` that divided by
    :math:`|\\log s_i|`, for LSE :math:`\\sum_j |z_j| s_j / |\\mathrm{LSE}|`.
    """
    s = list(symbolic.softmax_reference(z))
    log_s = list(symbolic.log_softmax_reference(z))
    lse = symbolic.logsumexp_reference(z)
    with mpmath.workdps(symbolic.DIGITS):
        zs = [mpmath.mpf(float(v)) for v in z]
        n = len(zs)
        # 1 - s_i is the sum of the other probabilities: no cancellation.
        kappa_s = [
            mpmath.fsum(abs(zs[j]) * (mpmath.fsum(s[t] for t in range(n) if t != i) if i == j else s[j]) for j in range(n))
            for i in range(n)
        ]
        kappa_log_s = [kappa_s[i] / abs(log_s[i]) if log_s[i] != 0 else mpmath.mpf(0) for i in range(n)]
        kappa_lse = mpmath.fsum(abs(zs[j]) * s[j] for j in range(n)) / abs(lse) if lse != 0 else mpmath.mpf(0)
    return s, log_s, lse, kappa_s, kappa_log_s, kappa_lse
