"""How a step of a :class:`~softmaxbook.derivation.Derivation` is decided: symbolically, by cases on
Kronecker deltas, or at 50 digits at several points (see the module docstring of
``softmaxbook.derivation`` for the rules). ``check_equal`` is the entry point."""

from __future__ import annotations

import itertools
import random

import sympy as sp

NUMERIC_POINTS = 8
MAX_CASE_SPLITS = 3  # at most 2**3 = 8 cases, each simplified separately
NUMERIC_DIGITS = 50
# With 50 significant digits, round-off in a difference of O(1) quantities is about 1e-48; a wrong
# step differs by O(1) at almost every point. 1e-30 separates the two by many orders of magnitude.
NUMERIC_TOLERANCE = sp.Float("1e-30", NUMERIC_DIGITS)


class DerivationError(ValueError):
    """A step of a derivation is not equal to the step before it (or could not be checked)."""


DerivationError.__module__ = "softmaxbook.derivation"  # where readers import it from


_SIGNS = {sp.StrictGreaterThan: "positive", sp.GreaterThan: "nonnegative",
          sp.StrictLessThan: "negative", sp.LessThan: "nonpositive"}


def _substitution(given):
    """Turn the stated assumptions into one substitution dict."""
    subs = {}
    for g in given:
        if isinstance(g, dict):
            subs.update({sp.sympify(k): sp.sympify(v) for k, v in g.items()})
        elif isinstance(g, sp.Equality):
            subs.update(_solve_for_one(g))
        elif isinstance(g, sp.Unequality):
            subs[sp.KroneckerDelta(*g.args)] = sp.Integer(0)
        elif isinstance(g, sp.core.relational.Relational):
            if _is_sign(g):
                subs.update(_sign_assumption(g))
        else:
            raise DerivationError(
                f"an assumption must be sympy.Eq, sympy.Ne, a relation (x > 0, j <= K) or a dict; "
                f"got {type(g).__name__}: {g!r} (an Eq that SymPy evaluates to True or False states nothing)")
    return subs


_PREDICATES = {sp.StrictGreaterThan: sp.Q.gt, sp.GreaterThan: sp.Q.ge,
               sp.StrictLessThan: sp.Q.lt, sp.LessThan: sp.Q.le}


def _is_sign(rel):
    rel = rel.canonical
    return rel.lhs.is_Symbol and rel.rhs == 0 and type(rel) in _SIGNS


def _predicates(given):
    """Relations other than a sign or Ne, as one proposition for ``sympy.refine`` (or None)."""
    found = [_PREDICATES[type(g)](g.lhs, g.rhs) for g in given
             if isinstance(g, sp.core.relational.Relational) and type(g) in _PREDICATES and not _is_sign(g)]
    return sp.And(*found) if found else None


def _sign_assumption(rel):
    """``x > 0`` -> {x: x'} where x' is a symbol of the same name that is positive (and so on)."""
    rel = rel.canonical
    if not (rel.lhs.is_Symbol and rel.rhs == 0 and type(rel) in _SIGNS):
        raise DerivationError(f"a relation used as an assumption must compare one symbol with 0, got {rel}")
    x = rel.lhs
    keep = {k: v for k, v in x.assumptions0.items() if k in ("integer", "rational", "real")}
    return {x: sp.Symbol(x.name, **keep, **{_SIGNS[type(rel)]: True})}


def _solve_for_one(eq):
    if eq.lhs.is_Symbol or isinstance(eq.lhs, (sp.Indexed, sp.core.function.AppliedUndef)):
        return {eq.lhs: eq.rhs}
    labels = {b.label for b in eq.atoms(sp.IndexedBase)}
    unknowns = (eq.lhs.free_symbols - eq.rhs.free_symbols - labels) | (eq.lhs.atoms(sp.Indexed) - eq.rhs.atoms(sp.Indexed))
    candidates = sorted((s for s in unknowns if not s.is_integer), key=sp.default_sort_key)
    if candidates:
        target = candidates[-1]
        try:
            solutions = sp.solve(eq, target, dict=False)
        except NotImplementedError:
            solutions = []
        if len(solutions) == 1:
            return {target: solutions[0]}
    return {eq.lhs: eq.rhs}


def _difference(a, b, subs, number, why, predicates=None):
    a_is_matrix, b_is_matrix = bool(getattr(a, "is_Matrix", False)), bool(getattr(b, "is_Matrix", False))
    if a_is_matrix != b_is_matrix or (a_is_matrix and a.shape != b.shape):
        shape_a = a.shape if a_is_matrix else "scalar"
        shape_b = b.shape if b_is_matrix else "scalar"
        raise DerivationError(f"step {number} ({why}): shape {shape_b} does not match the previous line's {shape_a}")
    if a_is_matrix and isinstance(a, sp.MatrixBase) != isinstance(b, sp.MatrixBase):
        # An explicit matrix against a matrix expression: compare entry by entry.
        a, b = (x.as_explicit() if not isinstance(x, sp.MatrixBase) and _concrete(x.shape) else x for x in (a, b))
    diff = a - b
    if subs:
        # Before doit, so that a substituted definition is differentiated; after, so that an
        # assumption also reaches what doit produced (a Kronecker delta out of a derivative, say).
        diff = diff.subs(subs).doit().subs(subs)
    diff = diff.doit()
    if predicates is not None:
        diff = diff.applyfunc(lambda e: sp.refine(e, predicates)) if isinstance(diff, sp.MatrixBase) \
            else sp.refine(diff, predicates)
    if isinstance(diff, sp.MatrixExpr) and not isinstance(diff, sp.MatrixBase):
        # A matrix expression (MatrixSymbol algebra): written out entry by entry when its shape is
        # concrete, otherwise kept whole (then only a symbolic proof can accept it).
        if sp.simplify(diff).is_ZeroMatrix:
            return sp.ZeroMatrix(*diff.shape).as_explicit() if _concrete(diff.shape) else sp.Integer(0)
        if _concrete(diff.shape):
            return diff.as_explicit()
    return diff


def _concrete(shape):
    return all(sp.sympify(d).is_Integer for d in shape)


def check_equal(previous, expr, given, number, why):
    predicates = _predicates(given)
    diff = _difference(previous, expr, _substitution(given), number, why, predicates)
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    if all(_simplifies_to_zero(e, predicates) or _zero_by_cases(e, MAX_CASE_SPLITS, predicates) for e in entries):
        return "symbolic"
    unequal = [g.args for g in given if isinstance(g, sp.Unequality)]
    # Sums are looked for in the lines as written too: doit may have turned a sum into a Piecewise.
    written = [e for line in (previous, expr) for e in (line if isinstance(line, sp.MatrixBase) else [line])]
    ok, where, count = _numerically_zero(entries, [g for g in given if isinstance(g, sp.Equality)], unequal, written)
    if ok:
        return f"numeric:{count}"
    raise DerivationError(
        f"step {number} ({why}) does not follow from the previous line:\n"
        f"  previous: {previous}\n"
        f"  this step: {expr}\n"
        f"  {where}"
    )


def _simplifies_to_zero(expr, predicates=None):
    if expr == 0:
        return True
    for simplifier in (sp.expand, sp.cancel, sp.simplify):
        try:
            simplified = simplifier(expr)
            if simplified == 0:
                return True
            # simplify may only now write a sum of deltas as a Piecewise the stated relations resolve.
            if predicates is not None and sp.simplify(sp.refine(simplified, predicates)) == 0:
                return True
        except (TypeError, NotImplementedError, AttributeError):
            continue
    return False


def _zero_by_cases(expr, depth, predicates=None):
    """Prove ``expr == 0`` by splitting on a Kronecker delta of free indices: i = j, then i != j."""
    if depth <= 0:
        return False
    free = expr.free_symbols
    deltas = sorted((d for d in expr.atoms(sp.KroneckerDelta)
                     if d.free_symbols <= free and any(a.is_Symbol for a in d.args)),
                    key=sp.default_sort_key)
    if not deltas:
        return False
    delta = deltas[0]
    a, b = delta.args
    old, new = (b, a) if b.is_Symbol else (a, b)
    equal_case = expr.subs(old, new).doit()
    unequal_case = expr.subs(delta, 0).doit()
    return all(_simplifies_to_zero(e, predicates) or _zero_by_cases(e, depth - 1, predicates)
               for e in (equal_case, unequal_case))


def _numerically_zero(entries, equations, unequal=(), written=()):
    """Evaluate the difference at random points; return (ok, message, number of points)."""
    rng = random.Random(20261121)
    limits, indices = _integer_symbols(entries + list(equations) + [sp.KroneckerDelta(*u) for u in unequal],
                                       list(written))
    # Every assignment of the index symbols in {1, 2, 3} is visited, so both i = j and i != j occur
    # (except the assignments an assumption Ne(i, j) rules out).
    combos = [c for c in itertools.product((1, 2, 3), repeat=len(indices))
              if not any(sp.Eq(*(sp.sympify(a).subs(dict(zip(indices, c))) for a in u)) is sp.true for u in unequal)]
    if not combos:
        return False, f"the assumptions {list(unequal)} rule out every assignment of the indices", 0
    count = max(NUMERIC_POINTS, len(combos))
    for p in range(count):
        point = {x: sp.Integer(6) for x in limits}
        point.update({x: sp.Integer(v) for x, v in zip(indices, combos[p % len(combos)])})
        imposed = _concrete_assumptions(equations, point)
        for entry in entries:
            concrete = entry.subs(point).doit()
            if imposed:
                concrete = concrete.subs(imposed).doit()
            labels = {b.label for b in concrete.atoms(sp.IndexedBase)}
            atoms = (concrete.free_symbols - labels) | concrete.atoms(sp.Indexed)
            values = {a: _random_value(a, rng) for a in sorted(atoms, key=sp.default_sort_key)}
            point.update(values)
            value = concrete.subs(values).doit().evalf(NUMERIC_DIGITS)
            if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                return False, f"equality could not be decided symbolically nor evaluated numerically: {entry}", count
            if abs(value) > NUMERIC_TOLERANCE:
                shown = {str(k): (v if v.is_Integer else sp.N(v, 6)) for k, v in point.items()}
                return False, f"the two sides differ by {sp.N(value, 6)} at {shown}", count
    return True, "", count


def _concrete_assumptions(equations, point):
    """The stated equations with the sums written out at this point, as one substitution."""
    imposed = {}
    for eq in equations:
        concrete = eq.subs(point).doit()
        if isinstance(concrete, sp.Equality):
            target = _solve_for_one(concrete)
            if not any(isinstance(k, (sp.Sum, sp.Product)) for k in target):
                imposed.update(target)
    return imposed


def _integer_symbols(entries, written=()):
    """Integer symbols split into limits of sums (set to 6) and indices (set to 1, 2 or 3).

    Limits are looked for in ``entries`` and in the lines as ``written`` (before doit).

    An index is a free symbol declared integer, or one that indexes an ``Indexed`` or is an argument
    of a ``KroneckerDelta``: s[i] and delta(i, j) mean i is a whole number even if it was not declared.
    """
    limits, indices = set(), set()
    for entry in list(entries) + list(written):
        for s in entry.atoms(sp.Sum, sp.Product):
            for _, low, high in s.limits:
                limits |= {x for x in (low, high) if x.is_Symbol}
    for entry in entries:
        free = entry.free_symbols
        indices |= {s for s in free if s.is_integer}
        for atom in entry.atoms(sp.Indexed):
            indices |= {x for idx in atom.indices for x in idx.free_symbols} & free
        for atom in entry.atoms(sp.KroneckerDelta):
            indices |= atom.free_symbols & free
    key = sp.default_sort_key
    return sorted(limits, key=key), sorted(indices - limits, key=key)


def _random_value(atom, rng):
    if atom.is_integer:
        return sp.Integer(rng.randint(1, 5))
    if atom.is_positive or atom.is_nonnegative:
        return sp.Float(rng.uniform(0.1, 2.0), NUMERIC_DIGITS)
    return sp.Float(rng.uniform(-2.0, 2.0), NUMERIC_DIGITS)
