"""Tests of the step-checked derivation helper (softmaxbook.derivation), issue 4 part 1.

Each wrong step below is a slip readers actually make in the softmax derivations: a sign flip, a
dropped term, a swapped index, a diagonal that is wrong only when i = j, and the silent use of
sum(y) = 1. Each must raise DerivationError naming the step; each correct chain must pass.
"""

import pytest
import sympy as sp

from softmaxbook import Derivation, DerivationError

i, j = sp.symbols("i j", integer=True)
k, n = sp.symbols("k n", integer=True, positive=True)
s, y, z = sp.IndexedBase("s"), sp.IndexedBase("y"), sp.IndexedBase("z")
delta = sp.KroneckerDelta
z1, z2, z3 = sp.symbols("z1:4")
y1, y2, y3 = sp.symbols("y1:4")


def softmax3():
    den = sp.exp(z1) + sp.exp(z2) + sp.exp(z3)
    return [sp.exp(t) / den for t in (z1, z2, z3)], den


def jacobian_entry_chain():
    """The Kronecker-delta form of the Jacobian entry, written two equal ways."""
    return Derivation(s[i] * (delta(i, j) - s[j]), lhs=r"\frac{\partial s_i}{\partial z_j}", why="the entry")


# -- correct chains pass --------------------------------------------------------------------------
def test_correct_quotient_rule_chain_is_proved_symbolically():
    (s1, s2, _), den = softmax3()
    d = Derivation(sp.Derivative(s1, z1), lhs=r"\frac{\partial s_1}{\partial z_1}")
    d.step((sp.exp(z1) * den - sp.exp(z1) * sp.exp(z1)) / den**2, "quotient rule")
    d.step(sp.exp(z1) / den * (den - sp.exp(z1)) / den, "split the fraction")
    d.step(s1 * (1 - s1), "recognise s_1 twice")
    assert [st.method for st in d.steps] == ["start", "symbolic", "symbolic", "symbolic"]
    assert d.result == s1 * (1 - s1)


def test_correct_matrix_chain_jacobian_equals_diag_minus_outer():
    probs, _ = softmax3()
    S = sp.Matrix(probs)
    d = Derivation(S.jacobian([z1, z2, z3]), lhs="J")
    d.step(sp.diag(*probs) - S * S.T, "diagonal minus outer product")
    assert d.steps[-1].method == "symbolic"
    assert d.result.shape == (3, 3)


def test_matrix_chain_with_matrix_symbols_is_written_out():
    A, B = sp.MatrixSymbol("A", 2, 2), sp.MatrixSymbol("B", 2, 2)
    d = Derivation((A + B).T).step(A.T + B.T, "transpose of a sum")
    assert d.steps[-1].method == "symbolic"


def test_step_with_given_sum_to_one_is_accepted_and_printed():
    d = Derivation(y1 * s[1] + y2 * s[1] + y3 * s[1] - y1)
    d.step(s[1] - y1, "use y1 + y2 + y3 = 1", given=[sp.Eq(y1 + y2 + y3, 1)])
    assert d.steps[-1].method == "symbolic"
    assert r"y_{1} + y_{2} + y_{3} = 1" in d._repr_latex_()


def test_given_with_a_symbolic_sum_is_imposed_at_every_numeric_point():
    d = Derivation(sp.Sum(y[k] * s[i], (k, 1, n)))
    d.step(s[i], "use the sum of y is one", given=[sp.Eq(sp.Sum(y[k], (k, 1, n)), 1)])
    assert d.steps[-1].method.startswith("numeric")


def test_sign_assumption_is_used_by_the_check():
    x = sp.Symbol("x")
    d = Derivation(sp.sqrt(x**2)).step(x, "x is positive", given=[x > 0])
    assert d.steps[-1].method == "symbolic"
    with pytest.raises(DerivationError):
        Derivation(sp.sqrt(x**2)).step(x, "forgot that x may be negative")


def test_kronecker_delta_step_is_proved_by_cases():
    # delta_ij s_j = delta_ij s_i: simplify alone cannot see it; the split i = j / i != j can.
    d = Derivation(delta(i, j) * s[j]).step(delta(i, j) * s[i], "the delta lets j be replaced by i")
    assert d.steps[-1].method == "symbolic"


def test_step_sympy_cannot_simplify_is_accepted_numerically_and_announced():
    # d/dz_j sum_{k=1}^n exp(z_k) = exp(z_j), but SymPy leaves a Piecewise on 1 <= j <= n.
    d = Derivation(sp.Derivative(sp.Sum(sp.exp(z[k]), (k, 1, n)), z[j]), lhs=r"\frac{\partial Z}{\partial z_j}")
    d.step(sp.exp(z[j]), "only the term k = j depends on z_j")
    method = d.steps[-1].method
    assert method.startswith("numeric:") and int(method.split(":")[1]) >= 8
    assert "checked numerically at" in d._repr_latex_()
    assert "50 digits" in d._repr_latex_()


# -- wrong steps raise, naming the step -------------------------------------------------------------
def raises_naming_step(number, why):
    return pytest.raises(DerivationError, match=rf"step {number} \({why}\)")


def test_sign_flip_raises():
    (s1, s2, _), den = softmax3()
    d = Derivation(sp.Derivative(s1, z2))
    d.step(-sp.exp(z1) * sp.exp(z2) / den**2, "quotient rule")
    with raises_naming_step(2, "recognise s_1 and s_2"):
        d.step(s1 * s2, "recognise s_1 and s_2")


def test_dropped_term_raises():
    (s1, _, _), den = softmax3()
    d = Derivation(sp.Derivative(s1, z1))
    with raises_naming_step(1, "quotient rule"):
        d.step(sp.exp(z1) * den / den**2, "quotient rule")


def test_swapped_index_raises():
    with raises_naming_step(1, "factor out s_i"):
        jacobian_entry_chain().step(s[i] * (delta(i, j) - s[i]), "factor out s_i")


def test_step_wrong_only_when_i_equals_j_raises():
    # Equal to s_i(delta_ij - s_j) whenever i != j (both are -s_i s_j); wrong on the diagonal.
    wrong = delta(i, j) * s[i] * (1 + s[j]) - (1 - delta(i, j)) * s[i] * s[j]
    with raises_naming_step(1, "split the diagonal"):
        jacobian_entry_chain().step(wrong, "split the diagonal")
    right = delta(i, j) * s[i] * (1 - s[j]) - (1 - delta(i, j)) * s[i] * s[j]
    assert jacobian_entry_chain().step(right, "split the diagonal").steps[-1].method == "symbolic"


def test_step_wrong_only_when_i_equals_j_raises_even_with_undeclared_indices():
    # Indices not declared integer: they are still indices (they index s and enter a delta).
    a, b = sp.symbols("a b")
    d = Derivation(s[a] * (delta(a, b) - s[b]))
    with raises_naming_step(1, "drop the delta"):
        d.step(-s[a] * s[b], "drop the delta")


def test_silent_use_of_sum_to_one_raises():
    d = Derivation(y1 * s[1] + y2 * s[1] + y3 * s[1] - y1)
    with raises_naming_step(1, "collect"):
        d.step(s[1] - y1, "collect")


def test_silent_use_of_symbolic_sum_to_one_raises():
    d = Derivation(sp.Sum(y[k] * s[i], (k, 1, n)))
    with raises_naming_step(1, "pull s_i out"):
        d.step(s[i], "pull s_i out")


def test_error_shows_both_sides():
    with pytest.raises(DerivationError) as info:
        jacobian_entry_chain().step(-s[i] * s[j], "drop the delta")
    message = str(info.value)
    assert "previous:" in message and "this step:" in message and "s[i]*s[j]" in message


def test_derivation_error_is_a_value_error():
    assert issubclass(DerivationError, ValueError)


def test_failed_step_is_not_appended():
    d = jacobian_entry_chain()
    with pytest.raises(DerivationError):
        d.step(-s[i] * s[j], "drop the delta")
    assert len(d.steps) == 1


def test_shape_mismatch_raises():
    with raises_naming_step(1, "transpose"):
        Derivation(sp.Matrix([[z1, z2]])).step(sp.Matrix([z1, z2]), "transpose")


def test_undecidable_step_raises():
    f = sp.Function("f")
    with pytest.raises(DerivationError, match="could not be decided"):
        Derivation(f(z1)).step(f(z2), "rename")


def test_justification_with_latex_is_rejected_at_the_step():
    with pytest.raises(ValueError, match="plain text"):
        jacobian_entry_chain().step(s[i] * delta(i, j) - s[i] * s[j], r"expand \sum")


# -- rendering --------------------------------------------------------------------------------------
def test_rendering_contains_every_step_and_justification():
    d = jacobian_entry_chain()
    d.step(s[i] * delta(i, j) - s[i] * s[j], "expand the bracket")
    d.step(delta(i, j) * s[i] - s[i] * s[j], "the delta lets s_j become s_i", given=[])
    latex = d._repr_latex_()
    assert latex.startswith("$$") and latex.rstrip().endswith("$$")
    assert r"\begin{aligned}" in latex and latex.count(r"\\") == 2
    assert r"\frac{\partial s_i}{\partial z_j}" in latex
    for step in d.steps:
        assert sp.latex(step.expr) in latex
        assert rf"\text{{{step.why}" in latex
    assert "numerically" not in latex


def test_plain_repr_lists_every_step():
    d = jacobian_entry_chain().step(s[i] * delta(i, j) - s[i] * s[j], "expand the bracket")
    assert "expand the bracket" in repr(d) and len(repr(d).splitlines()) == 2


def test_unequal_indices_given_sets_the_delta_to_zero():
    # The off-diagonal case: d e^{z_i} / d z_j = 0 only because i != j, and the step says so.
    d = Derivation(sp.Derivative(sp.exp(z[i]), z[j])).step(0, "z_i does not depend on z_j", given=[sp.Ne(i, j)])
    assert d.steps[-1].method == "symbolic"
    assert r"i \neq j" in d._repr_latex_()
    with raises_naming_step(1, "z_i does not depend on z_j"):
        Derivation(sp.Derivative(sp.exp(z[i]), z[j])).step(0, "z_i does not depend on z_j")


def test_unequal_indices_are_respected_by_the_numeric_points():
    # Numeric (the Piecewise of the sum's derivative stays) and true only off the diagonal.
    d = Derivation(sp.Derivative(sp.exp(z[i]) * sp.Sum(sp.exp(z[k]), (k, 1, n)), z[j]))
    d.step(sp.exp(z[i]) * sp.exp(z[j]), "only the sum depends on z_j", given=[sp.Ne(i, j)])
    assert d.steps[-1].method.startswith("numeric")


def test_range_relation_is_handed_to_refine_and_proves_the_entry_symbolically():
    jj, K = sp.symbols("j K", integer=True, positive=True)
    Z = sp.Sum(sp.exp(z[k]), (k, 1, K))
    definitions = {s[i]: sp.exp(z[i]) / Z, s[jj]: sp.exp(z[jj]) / Z}
    d = Derivation(sp.Derivative(sp.exp(z[i]) / Z, z[jj]))
    d.step(s[i] * (delta(i, jj) - s[jj]), "quotient rule", given=[definitions, jj <= K])
    assert d.steps[-1].method == "symbolic"
    assert r"j \leq K" in d._repr_latex_()


def test_range_relation_also_resolves_a_piecewise_that_only_simplify_produces():
    # The diagonal quotient rule: doit leaves sum_k e^{z_k} delta_ik, simplify turns it into a
    # Piecewise on i <= K, and the stated i <= K resolves it.
    ii, K = sp.symbols("i K", integer=True, positive=True)
    Z = sp.Sum(sp.exp(z[k]), (k, 1, K))
    d = Derivation((sp.Derivative(sp.exp(z[ii]), z[ii]) * Z - sp.exp(z[ii]) * sp.Derivative(Z, z[ii])) / Z**2)
    d.step((sp.exp(z[ii]) * Z - sp.exp(z[ii]) ** 2) / Z**2, "differentiate", given=[ii <= K])
    assert d.steps[-1].method == "symbolic"


def test_explicit_matrix_against_an_unevaluated_matrix_product():
    col = sp.ImmutableMatrix([z1, z2])
    outer = sp.MatMul(col, col.T, evaluate=False)
    d = Derivation(sp.Matrix([[z1**2, z1 * z2], [z1 * z2, z2**2]])).step(outer, "an outer product")
    assert d.steps[-1].method == "symbolic"
    with raises_naming_step(1, "an outer product"):
        Derivation(sp.Matrix([[z1**2, z1 * z2], [z1 * z2, -z2**2]])).step(outer, "an outer product")
