"""Tests of the chapters' shared toolkit, softmaxbook.symbolic.

Oracles: scipy.special evaluated at the same points as the lambdified SymPy formulas; SymPy's own
summation and differentiation; and, for the mpmath references, the naive formulas evaluated at
several times the precision (so any cancellation in them is far below the digits compared).
"""

import io

import mpmath
import numpy as np
import pytest
import scipy.special
import sympy as sp

from softmaxbook import symbolic as S


def test_symbolic_softmax_entry_sums_to_one_and_matches_scipy_for_three_classes(rng):
    """{eq}`eq-softmax-def` with K symbolic, written out for K = 3 by SymPy and evaluated."""
    entries = [S.softmax_entry(index, n=3).doit() for index in (1, 2, 3)]
    assert sp.simplify(sp.Add(*entries) - 1) == 0
    logits = rng.normal(size=3) * 3
    values = {S.z[t + 1]: logits[t] for t in range(3)}
    got = np.array([float(e.subs(values)) for e in entries])
    np.testing.assert_allclose(got, scipy.special.softmax(logits), rtol=1e-14)


def test_symbolic_log_sum_exp_is_the_log_of_the_normaliser(rng):
    """{eq}`eq-softmax-lse`: for K = 4, the value of scipy.special.logsumexp."""
    logits = rng.normal(size=4) * 3
    values = {S.z[t + 1]: logits[t] for t in range(4)}
    assert float(S.log_sum_exp(4).doit().subs(values)) == pytest.approx(scipy.special.logsumexp(logits), rel=1e-14)
    assert S.normaliser().limits == ((S.k, 1, S.K),)


@pytest.mark.parametrize("n", (1, 2, 4))
def test_symbolic_softmax_explicit_matches_scipy_and_its_jacobian_matrix(n, rng):
    """{eq}`eq-jacobian-matrix` holds for the explicit softmax; its values are scipy's."""
    probs, scores = S.softmax_explicit(n)
    assert [str(t) for t in scores] == [f"z{t}" for t in range(1, n + 1)] and all(t.is_real for t in scores)
    J = probs.jacobian(scores)
    assert sp.simplify(J - (sp.diag(*probs) - probs * probs.T)) == sp.zeros(n, n)
    logits = rng.normal(size=n)
    evaluate = sp.lambdify([scores], probs, "numpy")
    np.testing.assert_allclose(np.ravel(evaluate(logits)), scipy.special.softmax(logits), rtol=1e-14)


def test_symbolic_score_symbols_start_and_assumptions():
    assert [str(t) for t in S.score_symbols(3, "a", start=0)] == ["a0", "a1", "a2"]
    assert S.score_symbols(2, positive=True)[0].is_positive


def test_symbolic_softmax_rows_is_the_softmax_of_each_row(rng):
    Z = rng.normal(size=(2, 3))
    rows = S.softmax_rows(sp.Matrix(Z))
    assert rows.shape == (2, 3)
    np.testing.assert_allclose(np.array(rows.evalf(20), dtype=float), scipy.special.softmax(Z, axis=-1), rtol=1e-14)
    # a column vector is a one-class problem per row; softmax_of takes it as one vector
    assert S.softmax_rows(sp.Matrix([1, 2])) == sp.ones(2, 1)
    assert S.softmax_of(sp.Matrix([0, 0])) == sp.Matrix([sp.Rational(1, 2)] * 2)


def test_symbolic_cross_entropy_def_with_symbolic_and_explicit_classes(rng):
    """{eq}`eq-cross-entropy-def`: the Sum written out for K = 3 equals the explicit sum and scipy's value."""
    written_out = S.cross_entropy(n=3).doit()
    explicit = S.cross_entropy([S.y[1], S.y[2], S.y[3]], [S.s[1], S.s[2], S.s[3]])
    assert sp.expand(written_out - explicit) == 0
    logits, targets = rng.normal(size=3), rng.dirichlet(np.ones(3))
    values = {**{S.y[t + 1]: targets[t] for t in range(3)}}
    values.update({S.s[t + 1]: p for t, p in enumerate(scipy.special.softmax(logits))})
    expected = -(targets * scipy.special.log_softmax(logits)).sum()
    assert float(explicit.subs(values)) == pytest.approx(expected, rel=1e-14)
    with pytest.raises(ValueError, match="targets and probs must have the same length, got 2 and 3"):
        S.cross_entropy([1, 0], [S.s[1], S.s[2], S.s[3]])


def test_symbolic_sigmoid_def_as_expression_substitution_and_equation(rng):
    """{eq}`eq-sigmoid-def` in its three forms, against scipy.special.expit."""
    x = sp.Symbol("x", real=True)
    points = rng.normal(size=5) * 4
    as_expression = sp.lambdify(x, S.sigmoid(x), "numpy")
    as_substitution = sp.lambdify(x, S.sigma(x).subs(S.SIGMOID), "numpy")
    np.testing.assert_allclose(as_expression(points), scipy.special.expit(points), rtol=1e-14)
    np.testing.assert_allclose(as_substitution(points), scipy.special.expit(points), rtol=1e-14)
    assert S.sigma_definition(x) == sp.Eq(S.sigma(x), 1 / (1 + sp.exp(-x)))


def test_symbolic_sigmoid_derivative_rule_holds_for_the_definition():
    """{eq}`eq-sigmoid-derivative`: both sides of sigma_derivative agree once sigma is defined."""
    x, a, b = sp.symbols("x a b", real=True)
    rule = S.sigma_derivative(x)
    assert sp.simplify((rule.lhs - rule.rhs).subs(S.SIGMOID).doit()) == 0
    # through the substitution, the chain rule works for any argument
    chained = sp.diff(S.sigma(a - b), a).subs(S.SIGMOID).doit()
    assert sp.simplify(chained - rule.rhs.subs(x, a - b).subs(S.SIGMOID)) == 0


def test_symbolic_binary_cross_entropy_matches_scipy_log_expit(rng):
    """{eq}`eq-sigmoid-bce` with sigma defined, against -(y log_expit(x) + (1 - y) log_expit(-x))."""
    x, t = sp.symbols("x t", real=True)
    loss = sp.lambdify([x, t], S.binary_cross_entropy(x, t).subs(S.SIGMOID), "numpy")
    xs, ts = rng.normal(size=6) * 3, rng.uniform(size=6)
    expected = -(ts * scipy.special.log_expit(xs) + (1 - ts) * scipy.special.log_expit(-xs))
    np.testing.assert_allclose(loss(xs, ts), expected, rtol=1e-13)


def test_symbolic_say_writes_once_per_call(monkeypatch):
    writes = []

    class Recorder(io.StringIO):
        def write(self, text):
            writes.append(text)
            return len(text)

    monkeypatch.setattr("sys.stdout", Recorder())
    S.say("first", 2, np.float64(0.5))
    S.say()
    assert writes == ["first\n2\n0.5\n", "\n"]


def _naive(values, digits, formula):
    """``formula`` (a function of a list of mpf) evaluated at ``digits`` digits, as written."""
    with mpmath.workdps(digits):
        return formula([mpmath.mpf(float(v)) for v in values])


def _close(reference, oracle, digits=55):
    """Relative agreement to ``digits`` digits (the references carry 60 by default)."""
    with mpmath.workdps(digits + 20):
        return all(abs(r - o) <= abs(o) * mpmath.mpf(10) ** -digits for r, o in zip(reference, oracle))


@pytest.mark.parametrize("logits", [[0.0, 1.0, 2.0], [1000.0, -1000.0, 3.0], [-745.0, -746.0], [5.0]])
def test_symbolic_softmax_references_match_the_naive_formulas_at_high_precision(logits):
    """exp(z_i) / sum exp(z_j), z_i - log sum exp(z_j) and log sum exp(z_j) at 3000 digits.

    mpmath has no overflow, and 3000 digits hold 1 + e^-2000 without loss, so the naive formulas
    are exact to far beyond the 55 digits compared.
    """
    def exps(v):
        return [mpmath.exp(t) for t in v]

    s_oracle = _naive(logits, 3000, lambda v: [e / mpmath.fsum(exps(v)) for e in exps(v)])
    lse_oracle = _naive(logits, 3000, lambda v: mpmath.log(mpmath.fsum(exps(v))))
    log_s_oracle = _naive(logits, 3000, lambda v: [t - mpmath.log(mpmath.fsum(exps(v))) for t in v])
    assert _close(S.softmax_reference(logits), s_oracle)
    assert _close(S.log_softmax_reference(logits), log_s_oracle)
    assert _close([S.logsumexp_reference(logits)], [lse_oracle])


def test_symbolic_softmax_reference_axis_shape_temperature_and_digits(rng):
    z = rng.normal(size=(2, 3, 4))
    ref = S.softmax_reference(z, axis=1)
    assert ref.shape == z.shape and ref.dtype == object
    np.testing.assert_allclose(ref.astype(float), scipy.special.softmax(z, axis=1), rtol=1e-15)
    np.testing.assert_allclose(S.log_softmax_reference(z, axis=0).astype(float), scipy.special.log_softmax(z, axis=0), rtol=1e-14)
    lse = S.logsumexp_reference(z, axis=-1)
    assert lse.shape == (2, 3)
    np.testing.assert_allclose(lse.astype(float), scipy.special.logsumexp(z, axis=-1), rtol=1e-15)
    cold = S.softmax_reference([1.0, 0.0], temperature=0.25).astype(float)
    np.testing.assert_allclose(cold, scipy.special.softmax([4.0, 0.0]), rtol=1e-15)
    # 60 digits by default; digits=100 carries 100.
    oracle = _naive([0.0, 1.0], 200, lambda v: [1 / (1 + mpmath.exp(v[1]))])
    assert _close(S.softmax_reference([0.0, 1.0], digits=100)[:1], oracle, digits=95)
    assert not _close(S.softmax_reference([0.0, 1.0])[:1], oracle, digits=95)


@pytest.mark.parametrize("x", [-1000.0, -40.0, -1.5, 0.0, 1e-8, 2.0, 40.0, 700.0])
def test_symbolic_sigmoid_references_match_the_naive_formulas_at_high_precision(x):
    """1 / (1 + e^-x), -log(1 + e^-x) and sigma(x) sigma(-x) at 1000 digits, which hold 1 + e^-1000."""
    sigmoid_oracle = _naive([x], 1000, lambda v: 1 / (1 + mpmath.exp(-v[0])))
    log_oracle = _naive([x], 1000, lambda v: -mpmath.log(1 + mpmath.exp(-v[0])))
    grad_oracle = _naive([x], 1000, lambda v: 1 / (1 + mpmath.exp(-v[0])) / (1 + mpmath.exp(v[0])))
    assert _close([S.sigmoid_reference(x)], [sigmoid_oracle])
    assert _close([S.log_sigmoid_reference(x)], [log_oracle])
    assert _close([S.sigmoid_grad_reference(x)], [grad_oracle])


def test_symbolic_sigmoid_references_keep_the_shape():
    x = np.array([[-1.0, 0.0], [1.0, 2.0]], dtype=np.float32)
    for f, oracle in [
        (S.sigmoid_reference, scipy.special.expit),
        (S.log_sigmoid_reference, scipy.special.log_expit),
    ]:
        out = f(x)
        assert out.shape == x.shape and out.dtype == object
        np.testing.assert_allclose(out.astype(float), oracle(x.astype(float)), rtol=1e-15)
    assert isinstance(S.sigmoid_reference(0.0), mpmath.mpf) and S.sigmoid_reference(0.0) == 0.5
