"""How a step of a :class:`~softmaxbook.derivation.Derivation` is decided.

``check_equal`` is the entry point. It returns how the step was decided, or raises
:class:`DerivationError`:

``"symbolic"``
    The difference of the two lines, with the stated assumptions substituted, derivatives and sums
    evaluated (``doit``) and stated relations handed to ``sympy.refine``, simplifies to exactly zero.
``"cases"``
    It does not, but splitting on a Kronecker delta of free indices into the cases i = j (every j
    replaced by i) and i != j (the delta replaced by 0), recursively for up to ``MAX_CASE_SPLITS``
    deltas, makes every case simplify to zero. This is a proof too.
``"numeric:N"``
    Only when the author opted in with ``numeric=True``: SymPy could not prove the step, and the
    difference is zero (below ``NUMERIC_TOLERANCE``, at ``NUMERIC_DIGITS`` digits) at all N points
    chosen by the rules below. A step that cannot be proved and was not opted in raises, and its
    message says whether the points found it false.

The numeric points
------------------
The points are chosen so that the usual ways a step can be true "by accident" are visited:

* **Limits.** Every symbol that bounds a sum or product (in either line, as written or after
  ``doit``) takes each of the values 1, 2, 3, 5, c + 1 and c + 3, where c is the largest concrete
  integer that appears as an index, a Kronecker-delta argument or a bound (0 if none), so that no
  sum is checked at one length only and every concrete index is exceeded.
* **Indices.** A symbol that indexes an ``Indexed``, enters a ``KroneckerDelta`` or is declared
  integer and bounded by nothing is an index. For each choice of the limits, every index runs
  through 1, ..., L + 1, with L the largest limit chosen (or max(3, c + 1) without limits), so an
  index one past every sum is visited: a step that needs "j <= K" fails unless that relation is
  stated. Assignments that a stated relation (``j <= K``, ``Ne(i, j)``, ``i >= 2``) rules out are
  skipped. Every remaining assignment is used while there are at most ``MAX_INDEX_POINTS`` of
  them; beyond that the assignments where all indices are equal, all differ, and a seeded sample
  are used. Over ``MAX_POINTS`` points in all, every choice of the limits keeps one point and a
  seeded sample fills the rest.
* **Other integers** (integer symbols that are neither limits nor indices, such as an exponent) take
  values from -3 to 7 that respect their sign assumptions.
* **Real and complex symbols** take random values at 50 digits from a fixed seed: positive ones in
  (0.1, 2), others in (-2, 2) with every sign pattern of the first symbols visited in turn.
* A stated equation that still holds a sum (such as :math:`\\sum_{k=1}^K y_k = 1`) is imposed again
  at each point once its sums are written out.

A point where either side cannot be evaluated to a finite number (an undefined function is left,
or a division by zero) is a failure, never a pass.
"""

from __future__ import annotations

import itertools
import random

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

MAX_CASE_SPLITS = 3  # at most 2**3 = 8 cases, each simplified separately
MAX_INDEX_POINTS = 64
MAX_POINTS = 256  # each point costs a 50-digit evaluation
NUMERIC_DIGITS = 50
# With 50 significant digits, round-off in a difference of O(1) quantities is about 1e-48; a wrong
# step differs by O(1) at almost every point. 1e-30 separates the two by many orders of magnitude.
NUMERIC_TOLERANCE = sp.Float("1e-30", NUMERIC_DIGITS)
_SEED = 20261121


class DerivationError(ValueError):
    """A step of a derivation is not equal to the step before it (or could not be checked)."""


DerivationError.__module__ = "softmaxbook.derivation"  # where readers import it from


_SIGNS = {sp.StrictGreaterThan: "positive", sp.GreaterThan: "nonnegative",
          sp.StrictLessThan: "negative", sp.LessThan: "nonpositive"}
_PREDICATES = {sp.StrictGreaterThan: sp.Q.gt, sp.GreaterThan: sp.Q.ge,
               sp.StrictLessThan: sp.Q.lt, sp.LessThan: sp.Q.le}


# -- entry point ---------------------------------------------------------------------------------
def check_equal(previous, expr, given, number, why, numeric=False):
    """Decide ``previous == expr`` under ``given``; return "symbolic", "cases" or "numeric:N"."""
    try:
        # The author may build a line under sympy.evaluate(False); the check itself must evaluate.
        with sp.evaluate(True):
            return _check(previous, expr, given, number, why, numeric)
    except DerivationError:
        raise
    except (TypeError, ValueError, AttributeError, NotImplementedError, RuntimeError, sp.ShapeError) as error:
        raise DerivationError(
            f"step {number} ({why}) could not be checked: SymPy failed with "
            f"{type(error).__name__}: {error}\n  previous: {previous}\n  this step: {expr}") from error


def _check(previous, expr, given, number, why, numeric):
    predicates = _predicates(given)
    # First as written; then with the bound indices of every sum renamed canonically, which proves a
    # renamed index but can hide what simplify needs (the assumptions of the index), so it comes second.
    subs = _substitution(given)
    for canonical in (False, True):
        diff = _difference(previous, expr, subs, number, why, predicates, canonical)
        entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
        if all(_simplifies_to_zero(e, predicates) for e in entries):
            return "symbolic"
        if all(_simplifies_to_zero(e, predicates) or _zero_by_cases(e, MAX_CASE_SPLITS, predicates)
               for e in entries):
            return "cases"
        if not any(e.has(sp.Sum, sp.Product) for e in entries):
            break
    # Sums are looked for in the lines as written too: doit may have turned a sum into a Piecewise.
    written = [e for line in (previous, expr) for e in (line if isinstance(line, sp.MatrixBase) else [line])]
    ok, where, count = _numerically_zero(entries, given, written)
    if ok and numeric:
        return f"numeric:{count}"
    if ok:
        raise DerivationError(
            f"step {number} ({why}) could not be proved symbolically; it holds at the {count} numeric "
            f"points, so if it is true, say why no proof was found and pass numeric=True\n"
            f"  previous: {previous}\n  this step: {expr}")
    raise DerivationError(
        f"step {number} ({why}) does not follow from the previous line:\n"
        f"  previous: {previous}\n"
        f"  this step: {expr}\n"
        f"  {where}")


# -- assumptions ---------------------------------------------------------------------------------
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


def _is_sign(rel):
    rel = rel.canonical
    return rel.lhs.is_Symbol and rel.rhs == 0 and type(rel) in _SIGNS


def _relations(given):
    """Stated relations other than a sign assumption: Ne, <, <=, >, >=."""
    return [g for g in given if isinstance(g, sp.core.relational.Relational)
            and not isinstance(g, sp.Equality) and not (type(g) in _SIGNS and _is_sign(g))]


def _predicates(given):
    """Relations other than a sign or Ne, as one proposition for ``sympy.refine`` (or None)."""
    found = [_PREDICATES[type(g)](g.lhs, g.rhs) for g in _relations(given) if type(g) in _PREDICATES]
    return sp.And(*found) if found else None


def _sign_assumption(rel):
    """``x > 0`` -> {x: x'} where x' is a symbol of the same name that is positive (and so on)."""
    rel = rel.canonical
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


# -- the symbolic proof --------------------------------------------------------------------------
def _difference(a, b, subs, number, why, predicates=None, canonical=False):
    a_is_matrix, b_is_matrix = bool(getattr(a, "is_Matrix", False)), bool(getattr(b, "is_Matrix", False))
    if a_is_matrix != b_is_matrix or (a_is_matrix and a.shape != b.shape):
        shape_a = a.shape if a_is_matrix else "scalar"
        shape_b = b.shape if b_is_matrix else "scalar"
        raise DerivationError(f"step {number} ({why}): shape {shape_b} does not match the previous line's {shape_a}")
    if a_is_matrix:
        # Written out entry by entry whenever the shape is concrete, so that MatrixSymbol algebra
        # (which SymPy keeps noncommutative) is compared entry by entry like explicit matrices.
        a, b = (x.as_explicit() if not isinstance(x, sp.MatrixBase) and _concrete(x.shape) else x for x in (a, b))
    diff = a - b
    if subs:
        # Before doit, so that a substituted definition is differentiated; after, so that an
        # assumption also reaches what doit produced (a Kronecker delta out of a derivative, say).
        diff = diff.subs(subs).doit().subs(subs)
    diff = diff.doit()
    if canonical:
        # A sum over i and the same sum over j are one sum: bound indices get canonical names.
        diff = diff.applyfunc(_canonical_indices) if isinstance(diff, sp.MatrixBase) else _canonical_indices(diff)
    if predicates is not None:
        diff = diff.applyfunc(lambda e: sp.refine(e, predicates)) if isinstance(diff, sp.MatrixBase) \
            else sp.refine(diff, predicates)
    if isinstance(diff, sp.MatrixExpr) and not isinstance(diff, sp.MatrixBase):
        # A matrix expression of symbolic shape: only a symbolic proof can accept it.
        for simplified in (sp.simplify(diff), sp.expand(diff), sp.simplify(sp.expand(diff))):
            if simplified.is_ZeroMatrix or simplified == 0:
                return sp.Integer(0)
        return simplified
    return diff


_BOUND = {}  # nesting depth -> the Dummy (an integer) that every sum at that depth binds


def _canonical_indices(expr, depth=0):
    """Rename the index of every sum or product by its nesting depth.

    Two sums that differ only in the name of their index become identical, while a sum inside
    another sum gets a different index from the outer one, so no index is captured.
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum, sp.Product):
        return expr
    if isinstance(expr, (sp.Sum, sp.Product)):
        body, limits = expr.function, []
        for n, (var, low, high) in enumerate(expr.limits):
            new = _BOUND.setdefault(depth + n, sp.Dummy(f"i{depth + n}", integer=True))
            body = body.xreplace({var: new})
            limits.append((new, low, high))
        return expr.func(_canonical_indices(body, depth + len(limits)), *limits)
    return expr.func(*[_canonical_indices(a, depth) for a in expr.args])


def _concrete(shape):
    return all(sp.sympify(d).is_Integer for d in shape)


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
        except (TypeError, NotImplementedError, AttributeError, RuntimeError):
            # RuntimeError: a SymPy simplifier can leak "generator raised StopIteration".
            continue
    return False


def _zero_by_cases(expr, depth, predicates=None):
    """Prove ``expr == 0`` by splitting on a Kronecker delta of free indices: i = j, then i != j."""
    if depth <= 0 or isinstance(expr, sp.MatrixExpr):
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


# -- the numeric check ---------------------------------------------------------------------------
def _numerically_zero(entries, given, written=()):
    """Evaluate the difference at the points of the module docstring: (ok, message, count)."""
    if any(isinstance(e, sp.MatrixExpr) and not isinstance(e, sp.MatrixBase) for e in entries):
        return False, "a matrix expression of symbolic shape cannot be evaluated at points", 0
    equations = [g for g in given if isinstance(g, sp.Equality)]
    relations = _relations(given)
    pool = list(entries) + equations + relations
    limits, indices, others = _integer_symbols(pool, list(written))
    top_concrete = _largest_concrete_integer(pool + list(written))
    limit_values = sorted({1, 2, 3, 5, top_concrete + 1, top_concrete + 3})
    rng = random.Random(_SEED)
    points = []
    for chosen in itertools.product(limit_values, repeat=len(limits)):
        base = dict(zip(limits, map(sp.Integer, chosen)))
        top = max(chosen) if chosen else max(3, top_concrete + 1)
        for assignment in _index_assignments(indices, top + 1, base, relations, rng):
            points.append({**base, **assignment})
    if not points:
        return False, f"the stated relations {relations} rule out every assignment of the indices", 0
    if len(points) > MAX_POINTS:
        # Keep the first point of every choice of the limits, then a seeded sample of the rest.
        firsts = list({tuple(p[x] for x in limits): p for p in reversed(points)}.values())
        rest = [p for p in points if p not in firsts]
        points = firsts + rng.sample(rest, max(0, MAX_POINTS - len(firsts)))
    other_values = [_integer_values(x) for x in others]
    reals = sorted({a for e in entries for a in _value_atoms(e)} - set(limits) - set(indices) - set(others),
                   key=sp.default_sort_key)
    count = max(len(points), 2 ** min(len([r for r in reals if not r.is_nonnegative]), 4), 8)
    for p in range(count):
        point = dict(points[p % len(points)])
        point.update({x: sp.Integer(v[p % len(v)]) for x, v in zip(others, other_values)})
        imposed = _concrete_assumptions(equations, point)
        for entry in entries:
            concrete = entry.subs(point).doit()
            if imposed:
                concrete = concrete.subs(imposed).doit()
            atoms = sorted(_value_atoms(concrete), key=sp.default_sort_key)
            values = {a: _random_value(a, rng, p, n) for n, a in enumerate(atoms)}
            point.update(values)
            value = sp.N(concrete.subs(values).doit(), NUMERIC_DIGITS)
            if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                shown = _show(point)
                return False, f"the difference could not be evaluated to a number at {shown}: {value}", p + 1
            if abs(value) > NUMERIC_TOLERANCE:
                return False, f"the two sides differ by {sp.N(value, 6)} at {_show(point)}", p + 1
    return True, "", count


def _show(point):
    return {str(k): (v if v.is_Integer else sp.N(v, 6)) for k, v in point.items()}


def _index_assignments(indices, top, base, relations, rng):
    """Every assignment of ``indices`` in 1..top allowed by ``relations`` (or a fixed sample)."""
    if not indices:
        return [{}] if _allowed({}, base, relations) else []
    total = top ** len(indices)
    if total <= 4 * MAX_INDEX_POINTS:
        candidates = itertools.product(range(1, top + 1), repeat=len(indices))
    else:
        equal = [(v,) * len(indices) for v in range(1, top + 1)]
        distinct = [tuple(range(1, len(indices) + 1)), tuple(range(top, top - len(indices), -1))]
        sample = [tuple(rng.randint(1, top) for _ in indices) for _ in range(2 * MAX_INDEX_POINTS)]
        candidates = equal + distinct + sample
    found = []
    for combo in candidates:
        assignment = dict(zip(indices, map(sp.Integer, combo)))
        if assignment not in found and _allowed(assignment, base, relations):
            found.append(assignment)
    if len(found) > MAX_INDEX_POINTS:
        keep = found[:1] + found[-1:]
        keep += rng.sample(found[1:-1], MAX_INDEX_POINTS - 2)
        found = keep
    return found


def _allowed(assignment, base, relations):
    point = {**base, **assignment}
    for rel in relations:
        value = rel.subs(point)
        if value is sp.false:
            return False
    return True


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
    """Integer symbols split into limits of sums, indices, and other integers.

    Limits are looked for in ``entries`` and in the lines as ``written`` (before doit). An index is
    a symbol that indexes an ``Indexed`` or is an argument of a ``KroneckerDelta`` (s[i] and
    delta(i, j) mean i is a whole number even if it was not declared), or an integer symbol that
    appears in a stated relation or is compared with a limit.
    """
    limits, indices, integers = set(), set(), set()
    for entry in list(entries) + list(written):
        for s in entry.atoms(sp.Sum, sp.Product):
            for _, low, high in s.limits:
                limits |= {x for x in (low, high) if x.is_Symbol}
    for entry in entries:
        free = entry.free_symbols
        integers |= {s for s in free if s.is_integer}
        for atom in entry.atoms(sp.Indexed):
            indices |= {x for idx in atom.indices for x in idx.free_symbols} & free
        for atom in entry.atoms(sp.KroneckerDelta):
            indices |= atom.free_symbols & free
        for atom in entry.atoms(sp.Piecewise):
            # doit turns d/dz_j sum_k into a Piecewise on 1 <= j <= K: j is an index.
            indices |= {x for x in atom.free_symbols if x.is_integer} & free
        if isinstance(entry, sp.core.relational.Relational):
            indices |= {x for x in entry.free_symbols if x.is_integer}
    key = sp.default_sort_key
    indices -= limits
    others = integers - limits - indices
    return sorted(limits, key=key), sorted(indices, key=key), sorted(others, key=key)


def _largest_concrete_integer(exprs):
    found = [0]
    for e in exprs:
        for atom in e.atoms(sp.Indexed):
            found += [int(x) for x in atom.indices if x.is_Integer]
        for atom in e.atoms(sp.KroneckerDelta):
            found += [int(x) for x in atom.args if x.is_Integer]
        for s in e.atoms(sp.Sum, sp.Product):
            found += [int(x) for _, low, high in s.limits for x in (low, high) if x.is_Integer]
    return max(found)


def _integer_values(x):
    values = [1, 2, -1, 3, 0, 5, -3, 7]
    if x.is_positive:
        values = [v for v in values if v > 0]
    elif x.is_nonnegative:
        values = [v for v in values if v >= 0]
    elif x.is_negative:
        values = [-v for v in values if v > 0]
    elif x.is_nonpositive:
        values = [-v for v in values if v >= 0]
    return values


def _value_atoms(expr):
    labels = {b.label for b in expr.atoms(sp.IndexedBase)}
    atoms = (expr.free_symbols - labels) | expr.atoms(sp.Indexed) | expr.atoms(MatrixElement)
    # An Indexed or MatrixElement is valued as a whole; its label and its parent are not values.
    parents = {m.parent for m in expr.atoms(MatrixElement)}
    return {a for a in atoms if a not in parents}


def _random_value(atom, rng, point, position):
    if atom.is_integer:
        return sp.Integer(rng.randint(1, 5))
    magnitude = rng.uniform(0.1, 2.0)
    if atom.is_positive or atom.is_nonnegative:
        return sp.Float(magnitude, NUMERIC_DIGITS)
    if atom.is_negative or atom.is_nonpositive:
        return sp.Float(-magnitude, NUMERIC_DIGITS)
    # Real or unrestricted: the first four such symbols see every sign pattern over 16 points.
    negative = (point >> position) & 1 if position < 4 else rng.random() < 0.5
    return sp.Float(-magnitude if negative else magnitude, NUMERIC_DIGITS)
