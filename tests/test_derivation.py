"""Tests of the step-checked derivation helper (softmaxbook.derivation).

Each wrong step below is a slip readers actually make in the softmax derivations: a sign flip, a
dropped term, a swapped index, a diagonal that is wrong only when i = j, and the silent use of
sum(y) = 1. Each must raise DerivationError naming the step; each correct chain must pass.
"""

import re

import pytest
import sympy as sp

from softmaxbook import Derivation, DerivationError
from softmaxbook.derivation import named

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
    return Derivation(s[i] * (delta(i, j) - s[j]), lhs=r"\frac{\partial s_i}{\partial z_j}",
                      why="definition: the entry")


# -- correct chains pass --------------------------------------------------------------------------
def test_correct_quotient_rule_chain_is_proved_symbolically():
    (s1, s2, _), den = softmax3()
    d = Derivation(sp.Derivative(s1, z1), lhs=r"\frac{\partial s_1}{\partial z_1}")
    d.step((sp.exp(z1) * den - sp.exp(z1) * sp.exp(z1)) / den**2, "quotient rule")
    d.step(sp.exp(z1) / den * (den - sp.exp(z1)) / den, "split the fraction")
    d.step(s1 * (1 - s1), "recognise $s_1$ twice")
    assert [st.method for st in d.steps] == ["definition", "symbolic", "symbolic", "symbolic"]
    assert d.result == s1 * (1 - s1)


def test_correct_matrix_chain_jacobian_equals_diag_minus_outer():
    probs, _ = softmax3()
    S = sp.Matrix(probs)
    d = Derivation(S.jacobian([z1, z2, z3]), lhs="J")
    d.step(sp.MatAdd(sp.diag(*probs), -sp.MatMul(S, S.T, evaluate=False), evaluate=False),
           "diagonal minus outer product")
    assert d.steps[-1].method == "symbolic"
    assert d.result.shape == (3, 3)


def test_matrix_chain_with_matrix_symbols_is_written_out():
    A, B = sp.MatrixSymbol("A", 2, 2), sp.MatrixSymbol("B", 2, 2)
    d = Derivation(sp.Transpose(A * B)).step(B.T * A.T, "transpose of a product")
    assert d.steps[-1].method == "symbolic"


def test_step_with_given_sum_to_one_is_accepted_and_printed():
    d = Derivation(y1 * s[1] + y2 * s[1] + y3 * s[1] - y1)
    d.step(s[1] - y1, "the targets sum to one", given=[sp.Eq(y1 + y2 + y3, 1)])
    assert d.steps[-1].method == "symbolic"
    assert r"y_{1} + y_{2} + y_{3} = 1" in d.markdown()


def test_given_with_a_symbolic_sum_is_imposed_at_every_numeric_point():
    d = Derivation(sp.Sum(y[k] * s[i], (k, 1, n)))
    d.step(s[i], "the targets sum to one", given=[sp.Eq(sp.Sum(y[k], (k, 1, n)), 1)], numeric=True)
    assert d.steps[-1].method in ("symbolic", "cases") or d.steps[-1].method.startswith("numeric")
    with pytest.raises(DerivationError):
        Derivation(sp.Sum(y[k] * s[i], (k, 1, n))).step(s[i], "the targets sum to one", numeric=True)


def test_sign_assumption_is_used_by_the_check():
    x = sp.Symbol("x")
    d = Derivation(sp.sqrt(x**2)).step(x, "$x$ is positive", given=[x > 0])
    assert d.steps[-1].method == "symbolic"
    with pytest.raises(DerivationError):
        Derivation(sp.sqrt(x**2)).step(x, "forgot that $x$ may be negative")


def test_kronecker_delta_step_is_proved_by_cases():
    # delta_ij s_j = delta_ij s_i: simplify alone cannot see it; the split i = j / i != j can.
    d = Derivation(delta(i, j) * s[j]).step(delta(i, j) * s[i], "the delta lets $j$ be replaced by $i$")
    assert d.steps[-1].method == "cases"


def test_true_step_sympy_cannot_prove_raises_without_the_opt_in():
    # atan(x) + atan(1/x) = pi/2 for x > 0: true, but simplify does not find it.
    x = sp.Symbol("x", positive=True)
    with pytest.raises(DerivationError, match="numeric=True"):
        Derivation(sp.atan(x) + sp.atan(1 / x)).step(sp.pi / 2, "complementary angles")


def test_true_step_sympy_cannot_prove_is_accepted_numerically_when_opted_in_and_announced():
    x = sp.Symbol("x", positive=True)
    d = Derivation(sp.atan(x) + sp.atan(1 / x)).step(sp.pi / 2, "complementary angles", numeric=True)
    method = d.steps[-1].method
    assert method.startswith("numeric:") and int(method.split(":")[1]) >= 8
    assert "checked numerically at" in d.markdown() and "50 digits" in d.markdown()


def test_sum_identity_is_checked_at_several_lengths_when_opted_in():
    # sum_{k=1}^n min(k, 2) = 2n - 1 for every n >= 1 (SymPy finds no proof): several n are visited.
    m = sp.Symbol("m", integer=True, positive=True)
    d = Derivation(sp.Sum(sp.Min(k, 2), (k, 1, m))).step(2 * m - 1, "all terms but the first are 2",
                                                          numeric=True)
    assert d.steps[-1].method.startswith("numeric:")
    with pytest.raises(DerivationError, match="differ"):
        Derivation(sp.Sum(sp.Min(k, 2), (k, 1, m))).step(2 * m - 2, "off by one", numeric=True)


# -- wrong steps raise, naming the step -------------------------------------------------------------
def raises_naming_step(number, why):
    return pytest.raises(DerivationError, match=rf"step {number} \({re.escape(why)}\)")


def test_sign_flip_raises():
    (s1, s2, _), den = softmax3()
    d = Derivation(sp.Derivative(s1, z2))
    d.step(-sp.exp(z1) * sp.exp(z2) / den**2, "quotient rule")
    with raises_naming_step(2, "recognise $s_1$ and $s_2$"):
        d.step(s1 * s2, "recognise $s_1$ and $s_2$")


def test_dropped_term_raises():
    (s1, _, _), den = softmax3()
    d = Derivation(sp.Derivative(s1, z1))
    with raises_naming_step(1, "quotient rule"):
        d.step(sp.exp(z1) * den / den**2, "quotient rule")


def test_swapped_index_raises():
    with raises_naming_step(1, "factor out $s_i$"):
        jacobian_entry_chain().step(s[i] * (delta(i, j) - s[i]), "factor out $s_i$")


def test_step_wrong_only_when_i_equals_j_raises():
    # Equal to s_i(delta_ij - s_j) whenever i != j (both are -s_i s_j); wrong on the diagonal.
    wrong = delta(i, j) * s[i] * (1 + s[j]) - (1 - delta(i, j)) * s[i] * s[j]
    with raises_naming_step(1, "split the diagonal"):
        jacobian_entry_chain().step(wrong, "split the diagonal")
    right = delta(i, j) * s[i] * (1 - s[j]) - (1 - delta(i, j)) * s[i] * s[j]
    assert jacobian_entry_chain().step(right, "split the diagonal").steps[-1].method in ("symbolic", "cases")


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
    with raises_naming_step(1, "pull $s_i$ out"):
        d.step(s[i], "pull $s_i$ out")


# -- the checker cannot be fooled: each wrong step is rejected with and without numeric=True ---------
K = sp.Symbol("K", integer=True, positive=True)
jj = sp.Symbol("j", integer=True, positive=True)
x_real = sp.Symbol("x", real=True)
a_any, b_any = sp.symbols("a b")
A2, B2 = sp.MatrixSymbol("A", 2, 2), sp.MatrixSymbol("B", 2, 2)
n_int = sp.Symbol("n", integer=True)
Z_K = sp.Sum(sp.exp(z[k]), (k, 1, K))
s1_, s2_, s3_ = sp.symbols("s1:4", positive=True)
S3 = sp.Matrix([s1_, s2_, s3_])

WRONG_STEPS = {
    # a sum limit treated as a number: true only for K = 6
    "sum_limit_as_a_number": (sp.Sum(1, (k, 1, K)), 6, ()),
    # an index assumed but not stated: sum_k delta_kj = 1 needs j <= K
    "index_range_not_stated": (sp.Sum(delta(k, jj), (k, 1, K)), 1, ()),
    # the derivative of the normaliser without j <= K
    "normaliser_derivative_without_range": (sp.Derivative(Z_K, z[jj]), sp.exp(z[jj]), ()),
    # an identity that holds only on a few integers: n^2 = n (n = 0, 1)
    "identity_only_on_a_few_integers": (n_int**2, n_int, ()),
    # n(n - 1)(n - 2) = 0 holds for n = 0, 1, 2 only
    "identity_on_three_integers": (n_int * (n_int - 1) * (n_int - 2), 0, ()),
    # a concrete index: delta_{j4} = 0 is false at j = 4
    "concrete_index_never_reached": (delta(jj, 4), 0, ()),
    # sqrt(x^2) = x for real x
    "sqrt_of_square_without_sign": (sp.sqrt(x_real**2), x_real, ()),
    # log(ab) = log a + log b without positivity
    "log_of_product_without_positivity": (sp.log(a_any * b_any), sp.log(a_any) + sp.log(b_any), ()),
    # an off-by-one limit: sum_{k=1}^K k = K(K - 1)/2
    "off_by_one_limit": (sp.Sum(k, (k, 1, K)), K * (K - 1) / 2, ()),
    # an off-by-one in the range of the sum itself
    "off_by_one_range": (sp.Sum(z[k], (k, 1, K)), sp.Sum(z[k], (k, 1, K - 1)), ()),
    # a dropped Kronecker delta: s_i (delta_ij - s_j) = -s_i s_j
    "dropped_kronecker_delta": (s[i] * (delta(i, j) - s[j]), -s[i] * s[j], ()),
    # AB = BA for matrices
    "matrices_commute": (A2 * B2, B2 * A2, ()),
    # a dropped factor in a Hessian: diag(s) - s s^T written without the outer product's factor 2 (x2)
    "dropped_factor_in_hessian": (2 * (sp.diag(*S3) - S3 * S3.T), sp.diag(*S3) - S3 * S3.T, ()),
    # a given used outside its range: j <= K stated, but the step needs j <= K - 1
    "given_used_outside_its_range": (sp.Sum(delta(k, jj), (k, 1, K - 1)), 1, (jj <= K,)),
    # a sum of probabilities taken as one without stating it
    "sum_to_one_not_stated": (s1_ + s2_ + s3_, 1, ()),
    # a wrong transposition: (AB)^T = A^T B^T
    "transpose_of_product_not_reversed": (sp.Transpose(A2 * B2), A2.T * B2.T, ()),
    # a sign lost in the exponent: e^{-z} = 1 / e^{-z}
    "sign_lost_in_exponent": (sp.exp(-z1), 1 / sp.exp(-z1), ()),
}


@pytest.mark.parametrize("numeric", [False, True], ids=["symbolic_only", "numeric_opt_in"])
@pytest.mark.parametrize("name", sorted(WRONG_STEPS))
def test_wrong_step_is_rejected(name, numeric):
    start, claim, given = WRONG_STEPS[name]
    with pytest.raises(DerivationError, match="does not follow|differ"):
        Derivation(start).step(claim, "a tempting step", given=given, numeric=numeric)


def test_at_least_fifteen_kinds_of_wrong_step_are_tried():
    assert len(WRONG_STEPS) >= 15


def test_the_same_steps_with_their_assumptions_stated_are_accepted():
    assert Derivation(sp.Sum(delta(k, jj), (k, 1, K))).step(1, "one term", given=[jj <= K]).steps[-1].method \
        == "symbolic"
    assert Derivation(sp.sqrt(x_real**2)).step(x_real, "$x > 0$", given=[x_real > 0]).steps[-1].method == "symbolic"
    assert Derivation(sp.Sum(k, (k, 1, K))).step(K * (K + 1) / 2, "Gauss").steps[-1].method == "symbolic"
    assert Derivation(sp.Transpose(A2 * B2)).step(B2.T * A2.T, "reverse the order").steps[-1].method == "symbolic"


def test_matrix_symbols_of_symbolic_shape_are_proved_or_rejected_never_a_type_error():
    m = sp.Symbol("m", integer=True, positive=True)
    g, H = sp.MatrixSymbol("g", m, 1), sp.MatrixSymbol("H", m, m)
    newton = sp.MatAdd(g, sp.MatMul(H, -H.inv() * g, evaluate=False), evaluate=False)
    assert Derivation(newton).step(sp.ZeroMatrix(m, 1), "$H H^{-1} = I$").steps[-1].method == "symbolic"
    A, B = sp.MatrixSymbol("A", m, m), sp.MatrixSymbol("B", m, m)
    with pytest.raises(DerivationError):
        Derivation(A * B).step(B * A, "commute", numeric=True)


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


def test_undecidable_step_raises_even_when_opted_in():
    f = sp.Function("f")
    with pytest.raises(DerivationError, match="could not be evaluated"):
        Derivation(f(z1)).step(f(z2), "rename", numeric=True)


def test_step_that_prints_like_the_previous_line_raises():
    with pytest.raises(DerivationError, match="prints exactly like"):
        jacobian_entry_chain().step(s[i] * (delta(i, j) - s[j]), "nothing changes")


# -- the first line is checked too -----------------------------------------------------------------
def test_first_line_is_checked_against_a_sympy_lhs():
    Z = sp.Sum(sp.exp(z[k]), (k, 1, K))
    lhs = sp.Derivative(sp.log(Z), z[jj])
    d = Derivation(sp.exp(z[jj]) / Z, lhs=(lhs, r"\frac{\partial \log Z}{\partial z_j}"),
                   why="chain rule; only $k = j$ survives", given=[jj <= K])
    assert d.steps[0].method == "symbolic"
    with pytest.raises(DerivationError, match="step 0"):
        Derivation(sp.exp(z[jj]) / Z**2, lhs=lhs, why="chain rule", given=[jj <= K])


def test_first_line_named_by_a_string_must_be_a_definition():
    assert Derivation(s[i], lhs="p_i", why="definition").steps[0].method == "definition"
    with pytest.raises(DerivationError, match="not checked"):
        Derivation(s[i], lhs="p_i", why="chain rule, only $k = c$ survives")


def test_first_line_without_lhs_is_the_start():
    assert Derivation(s[i]).steps[0].method == "start"


# -- reasons are words with inline maths -------------------------------------------------------------
@pytest.mark.parametrize("why", [r"expand \sum", "recognise s_i", "s s^T", "a {b}", "unbalanced $x"])
def test_reason_with_tex_outside_dollars_is_rejected(why):
    with pytest.raises(ValueError, match="inline"):
        jacobian_entry_chain().step(s[i] * delta(i, j) - s[i] * s[j], why)


def test_reason_with_inline_maths_and_an_equation_reference_is_accepted():
    d = jacobian_entry_chain().step(s[i] * delta(i, j) - s[i] * s[j],
                                   r"expand; $s_i \delta_{ij}$ by {eq}`eq-jacobian-entry`")
    assert r"$s_i \delta_{ij}$" in d.markdown()


# -- rendering --------------------------------------------------------------------------------------
def test_rendering_contains_every_step_and_reason():
    d = jacobian_entry_chain()
    d.step(s[i] * delta(i, j) - s[i] * s[j], "expand the bracket")
    with sp.evaluate(False):
        d.step(-s[i] * s[j] + s[i] * delta(i, j), "reorder", given=[])
    md = d._repr_markdown_()
    assert md.startswith("::::{div} derivation") and md.count(":::{div} derivation-step") == 3
    assert r"\frac{\partial s_i}{\partial z_j}" in md
    for step in d.steps:
        assert step.why in md
    assert "numerically" not in md


def test_unevaluated_expression_is_shown_in_the_order_written():
    with sp.evaluate(False):
        written = s[i] * (delta(i, j) - s[j])
    md = Derivation(s[i] * delta(i, j) - s[i] * s[j]).step(written, "factor out $s_i$").markdown()
    assert r"{s}_{i} \left(\delta_{i j} - {s}_{j}\right)" in md


def test_long_assumptions_move_to_a_where_line_and_named_ones_show_their_name():
    Z = sp.Sum(sp.exp(z[k]), (k, 1, K))
    definition = {s[i]: sp.exp(z[i]) / Z, s[jj]: sp.exp(z[jj]) / Z}
    d = Derivation(sp.Derivative(sp.exp(z[i]) / Z, z[jj]))
    d.step(s[i] * (delta(i, jj) - s[jj]), "quotient rule", given=[definition, jj <= K])
    assert "\nwhere $" in d.markdown()
    e = Derivation(sp.Derivative(sp.exp(z[i]) / Z, z[jj]))
    e.step(s[i] * (delta(i, jj) - s[jj]), "quotient rule", given=[named(definition, "the definition of $s$"),
                                                                    jj <= K])
    assert "using the definition of $s$, $j \\leq K$" in e.markdown() and e.steps[-1].method == "symbolic"


def test_plain_repr_lists_every_step_with_its_method():
    d = jacobian_entry_chain().step(s[i] * delta(i, j) - s[i] * s[j], "expand the bracket")
    assert "expand the bracket" in repr(d) and "[symbolic]" in repr(d) and len(repr(d).splitlines()) == 2


def test_unequal_indices_given_sets_the_delta_to_zero():
    # The off-diagonal case: d e^{z_i} / d z_j = 0 only because i != j, and the step says so.
    d = Derivation(sp.Derivative(sp.exp(z[i]), z[j])).step(0, "$z_i$ does not depend on $z_j$",
                                                          given=[sp.Ne(i, j)])
    assert d.steps[-1].method == "symbolic"
    assert r"i \neq j" in d.markdown()
    with raises_naming_step(1, "$z_i$ does not depend on $z_j$"):
        Derivation(sp.Derivative(sp.exp(z[i]), z[j])).step(0, "$z_i$ does not depend on $z_j$")


def test_range_relation_is_handed_to_refine_and_proves_the_entry_symbolically():
    Z = sp.Sum(sp.exp(z[k]), (k, 1, K))
    definitions = {s[i]: sp.exp(z[i]) / Z, s[jj]: sp.exp(z[jj]) / Z}
    d = Derivation(sp.Derivative(sp.exp(z[i]) / Z, z[jj]))
    d.step(s[i] * (delta(i, jj) - s[jj]), "quotient rule", given=[definitions, jj <= K])
    assert d.steps[-1].method == "symbolic"
    assert r"j \leq K" in d.markdown()


def test_range_relation_also_resolves_a_piecewise_that_only_simplify_produces():
    # The diagonal quotient rule: doit leaves sum_k e^{z_k} delta_ik, simplify turns it into a
    # Piecewise on i <= K, and the stated i <= K resolves it.
    ii = sp.Symbol("i", integer=True, positive=True)
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


# -- the audit ---------------------------------------------------------------------------------------
def test_every_line_is_recorded_for_the_audit(tmp_path, monkeypatch):
    from softmaxbook import audit

    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("SOFTMAXBOOK_AUDIT", str(path))
    monkeypatch.setenv("SOFTMAXBOOK_AUDIT_NOTEBOOK", "chapters/99_test.ipynb")
    jacobian_entry_chain().step(s[i] * delta(i, j) - s[i] * s[j], "expand the bracket")
    x = sp.Symbol("x", positive=True)
    Derivation(sp.atan(x) + sp.atan(1 / x)).step(sp.pi / 2, "complementary angles", numeric=True)
    records = audit.read(path)
    assert [r["method"].split(":")[0] for r in records] == ["definition", "symbolic", "start", "numeric"]
    assert audit.main([str(path), "--quiet", "--max-numeric", "1"]) == 0
    assert audit.main([str(path), "--quiet", "--max-numeric", "0"]) == 1


def test_renaming_the_index_of_a_sum_is_proved():
    d = Derivation(sp.Sum(sp.exp(z[i]), (i, 1, n))).step(sp.Sum(sp.exp(z[k]), (k, 1, n)), "rename the index")
    assert d.steps[-1].method == "symbolic"


def test_a_reciprocal_built_unevaluated_prints_as_a_fraction():
    from softmaxbook._written import latex

    x = sp.Symbol("x")
    with sp.evaluate(False):
        line = sp.log(1 / sp.exp(-x))
    assert latex(line) == r"\log{\left(\frac{1}{e^{- x}} \right)}"


def test_nested_sums_over_examples_and_classes_collapse_with_the_range_stated():
    # The batch gradient: sum over n and i of E_ni dZ_ni/dW_jk, with Z_ni = sum_l X_nl W_li + b_i.
    m, d, K_ = sp.symbols("m d K", integer=True, positive=True)
    nn, ii, ll, jj_, kk = sp.symbols("n i l j k", integer=True, positive=True)
    X, W, b, P, Y = map(sp.IndexedBase, "XWbPY")
    Z = sp.Sum(X[nn, ll] * W[ll, ii], (ll, 1, d)) + b[ii]
    E = P[nn, ii] - Y[nn, ii]
    lhs = sp.Sum(E * sp.diff(Z, W[jj_, kk]), (ii, 1, K_), (nn, 1, m))
    start = sp.Sum(E * sp.KroneckerDelta(ii, kk) * X[nn, jj_], (ii, 1, K_), (nn, 1, m))
    assert Derivation(start, lhs=lhs, why="differentiate", given=[jj_ <= d]).steps[0].method == "symbolic"


def test_a_sum_inside_a_sum_keeps_its_own_index_when_indices_are_renamed():
    # Renaming both indices to one name would turn delta_ij into delta_ii = 1 and accept a false step.
    v = sp.IndexedBase("v", real=True)
    start = sp.Sum(v[i] * sp.Sum(s[i] * (delta(i, j) - s[j]) * v[j], (j, 1, K)), (i, 1, K))
    for wrong in (sp.Sum(s[i] * v[i]**2, (i, 1, K)), sp.Sum(s[i] * v[i]**2 - s[i]**2 * v[i]**2, (i, 1, K))):
        for numeric in (False, True):
            with pytest.raises(DerivationError, match="does not follow"):
                Derivation(start).step(wrong, "a collapsed double sum", given=[i <= K], numeric=numeric)


def test_matrix_symbols_of_symbolic_shape_are_expanded_before_comparing():
    m = sp.Symbol("m", integer=True, positive=True)
    A, B, C = (sp.MatrixSymbol(name, m, m) for name in "ABC")
    assert Derivation(A * (B + C)).step(A * B + A * C, "distribute").steps[-1].method == "symbolic"
    with pytest.raises(DerivationError):
        Derivation(A * (B + C)).step(B * A + C * A, "distribute on the wrong side")


def test_audit_counts_and_fails_a_first_line_accepted_another_way(tmp_path, capsys):
    import json

    from softmaxbook import audit

    path = tmp_path / "audit.jsonl"
    lines = [{"notebook": "c.ipynb", "derivation": 1, "lhs": "x", "line": 0, "why": "w", "method": "unchecked"},
             {"notebook": "c.ipynb", "derivation": 1, "lhs": "x", "line": 1, "why": "w", "method": "symbolic"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    assert audit.main([str(path), "--quiet"]) == 1
    assert "1 unchecked" in capsys.readouterr().out
