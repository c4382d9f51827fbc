"""Step-checked derivations: the helper behind every derivation in the book.

A :class:`Derivation` starts at a SymPy expression; each :meth:`Derivation.step` appends the next
line of the derivation with the reason it holds. The new line is compared with the previous one at
once, and a :class:`DerivationError` is raised when they differ, so a wrong step stops the notebook
that states it (and therefore nbval, the book build and CI).

How a step is checked
---------------------
1. The difference ``previous - new`` is formed (elementwise for matrices), the step's stated
   assumptions are substituted into it, unevaluated derivatives and sums are evaluated (``doit``)
   and the result is simplified. If it simplifies to exactly zero the step is proved symbolically.
2. If SymPy cannot reduce the difference to zero, it is evaluated with 50 significant digits at
   at least ``NUMERIC_POINTS`` points: integer symbols that bound a sum are set to 6, every other
   integer symbol (an index) runs through all assignments in {1, 2, 3} so that both i = j and
   i != j occur, positive symbols are drawn in (0.1, 2) and other symbols in (-2, 2), from a fixed
   seed. The step is accepted only if every value is below
   ``NUMERIC_TOLERANCE`` in absolute value, and the rendered derivation says that this step was
   checked numerically. Any point where the difference is not small raises ``DerivationError``.
3. If the difference cannot even be evaluated to a number (an undefined function is left, say),
   the step is not accepted: ``DerivationError`` says the step could not be decided.

Assumptions are never silent: a step that needs, say, :math:`\\sum_k y_k = 1` passes it as
``given=[Eq(y1 + y2 + y3, 1)]``; the equation is turned into a substitution (solved for one of its
symbols), applied to both sides before the comparison, and printed beside the step.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Derivation", "DerivationError"]

NUMERIC_POINTS = 8
NUMERIC_DIGITS = 50
# With 50 significant digits, round-off in a difference of O(1) quantities is about 1e-48; a wrong
# step differs by O(1) at almost every point. 1e-30 separates the two by many orders of magnitude.
NUMERIC_TOLERANCE = sp.Float("1e-30", NUMERIC_DIGITS)


class DerivationError(ValueError):
    """A step of a derivation is not equal to the step before it (or could not be checked)."""


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the expression, why it follows, and how it was checked."""

    expr: sp.Basic
    why: str
    given: tuple = ()
    method: str = "start"  # "start", "symbolic" or "numeric:<number of points>"


@dataclass
class Derivation:
    """A chain of expressions, each checked equal to the one before it.

    Parameters
    ----------
    start : sympy expression or Matrix
        The first line of the derivation.
    lhs : sympy expression, Matrix or str, optional
        What is being derived, shown on the left of the first ``=`` (a string is taken as LaTeX).
    why : str, optional
        The reason for the first line (for example, "definition").

    Examples
    --------
    >>> x = sp.symbols("x")
    >>> d = Derivation((x + 1)**2, lhs="f(x)").step(x**2 + 2*x + 1, "expand the square")
    >>> d.result
    x**2 + 2*x + 1
    """

    start: sp.Basic
    lhs: object = None
    why: str = "definition"
    steps: list = field(default_factory=list, init=False)

    def __post_init__(self):
        self.start = _sympify(self.start)
        self.steps = [Step(self.start, self.why)]

    @property
    def result(self):
        """The last expression of the chain."""
        return self.steps[-1].expr

    def step(self, expr, why, given=()):
        """Append ``expr`` as the next line, justified by ``why``; raise if it is not equal.

        Parameters
        ----------
        expr : sympy expression or Matrix
            The next line.
        why : str
            The justification shown beside the line ("quotient rule", "factor out s_i").
        given : sympy.Eq, dict, or a sequence of them
            Assumptions the step relies on. Each ``Eq`` is turned into a substitution (solved for its
            last symbol in name order, or ``lhs -> rhs`` when the left side is a single symbol or
            cannot be solved for); a dict is used as a substitution directly.

        Returns
        -------
        Derivation
            ``self``, so steps can be chained.

        Raises
        ------
        DerivationError
            When ``expr`` is not equal to the previous line under the stated assumptions, or when
            equality can be decided neither symbolically nor numerically.
        """
        expr = _sympify(expr)
        given = _as_tuple(given)
        number = len(self.steps)
        previous = self.steps[-1].expr
        method = _check_equal(previous, expr, _substitution(given), number, why)
        self.steps.append(Step(expr, why, given, method))
        return self

    # -- display -------------------------------------------------------------------------------
    def _lhs_latex(self):
        if self.lhs is None:
            return ""
        if isinstance(self.lhs, str):
            return self.lhs
        return sp.latex(self.lhs)

    def latex(self):
        """The whole chain as one ``aligned`` block, with the justification beside each line."""
        lines = []
        for k, step in enumerate(self.steps):
            left = self._lhs_latex() if k == 0 else ""
            note = _note(step)
            lines.append(rf"{left} &= {sp.latex(step.expr)} && \text{{{note}}}")
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def _repr_latex_(self):
        return "$$\n" + self.latex() + "\n$$"

    def __repr__(self):
        lhs = str(self.lhs) if self.lhs is not None else ""
        rows = [f"{lhs} = {step.expr}    [{_note(step)}]" if k == 0 else f"  = {step.expr}    [{_note(step)}]"
                for k, step in enumerate(self.steps)]
        return "\n".join(rows)


# -- helpers -----------------------------------------------------------------------------------
def _sympify(expr):
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr)
    return sp.sympify(expr)


def _as_tuple(given):
    if isinstance(given, (dict, sp.Equality)):
        return (given,)
    return tuple(given)


def _note(step):
    text = _escape_text(step.why)
    if step.given:
        text += r"; using } " + ", ".join(_given_latex(g) for g in step.given) + r"\text{"
    if step.method.startswith("numeric"):
        count = step.method.split(":")[1]
        text += f" (checked numerically at {count} points, {NUMERIC_DIGITS} digits)"
    return text


def _escape_text(text):
    # MathJax shows the inside of \text{...} literally; only braces would break the LaTeX.
    if any(c in text for c in "{}$\\"):
        raise ValueError(f"a justification is plain text without braces, dollars or backslashes: {text!r}")
    return text


def _given_latex(given):
    if isinstance(given, dict):
        return ", ".join(f"{sp.latex(k)} = {sp.latex(v)}" for k, v in given.items())
    return sp.latex(given)


def _substitution(given):
    """Turn the stated assumptions into one substitution dict."""
    subs = {}
    for g in given:
        if isinstance(g, dict):
            subs.update({sp.sympify(k): sp.sympify(v) for k, v in g.items()})
        elif isinstance(g, sp.Equality):
            subs.update(_solve_for_one(g))
        else:
            raise DerivationError(f"an assumption must be sympy.Eq or a dict, got {type(g).__name__}: {g!r}")
    return subs


def _solve_for_one(eq):
    if eq.lhs.is_Symbol or isinstance(eq.lhs, (sp.Indexed, sp.core.function.AppliedUndef)):
        return {eq.lhs: eq.rhs}
    candidates = sorted(eq.lhs.free_symbols - eq.rhs.free_symbols, key=sp.default_sort_key)
    candidates = [s for s in candidates if s.is_Symbol and not s.is_integer]
    if candidates:
        target = candidates[-1]
        solutions = sp.solve(eq, target, dict=False)
        if len(solutions) == 1:
            return {target: solutions[0]}
    return {eq.lhs: eq.rhs}


def _difference(a, b, subs, number, why):
    a_is_matrix, b_is_matrix = isinstance(a, sp.MatrixBase), isinstance(b, sp.MatrixBase)
    if a_is_matrix != b_is_matrix or (a_is_matrix and a.shape != b.shape):
        shape_a = a.shape if a_is_matrix else "scalar"
        shape_b = b.shape if b_is_matrix else "scalar"
        raise DerivationError(f"step {number} ({why}): shape {shape_b} does not match the previous line's {shape_a}")
    diff = a - b
    if subs:
        diff = diff.subs(subs)
    return diff.doit()


def _check_equal(previous, expr, subs, number, why):
    diff = _difference(previous, expr, subs, number, why)
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    if all(_simplifies_to_zero(e) for e in entries):
        return "symbolic"
    ok, where, count = _numerically_zero(entries, subs)
    if ok:
        return f"numeric:{count}"
    raise DerivationError(
        f"step {number} ({why}) does not follow from the previous line:\n"
        f"  previous: {previous}\n"
        f"  this step: {expr}\n"
        f"  {where}"
    )


def _simplifies_to_zero(expr):
    if expr == 0:
        return True
    for simplifier in (sp.expand, sp.cancel, sp.simplify):
        try:
            if simplifier(expr) == 0:
                return True
        except (TypeError, NotImplementedError, AttributeError):
            continue
    return False


def _numerically_zero(entries, subs):
    """Evaluate the difference at random points; return (ok, message, number of points)."""
    rng = random.Random(20261121)
    limits, indices = _integer_symbols(entries)
    # Every assignment of the index symbols in {1, 2, 3} is visited, so both i = j and i != j occur.
    combos = list(itertools.product((1, 2, 3), repeat=len(indices)))
    count = max(NUMERIC_POINTS, len(combos))
    for p in range(count):
        point = {x: sp.Integer(6) for x in limits}
        point.update({x: sp.Integer(v) for x, v in zip(indices, combos[p % len(combos)])})
        for entry in entries:
            concrete = entry.subs(point).doit()
            labels = {b.label for b in concrete.atoms(sp.IndexedBase)}
            atoms = (concrete.free_symbols - labels) | concrete.atoms(sp.Indexed)
            values = {a: _random_value(a, rng) for a in sorted(atoms, key=sp.default_sort_key)}
            point.update(values)
            value = concrete.subs(values).doit().evalf(NUMERIC_DIGITS)
            if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                return False, f"equality could not be decided symbolically nor evaluated numerically: {entry}", count
            if abs(value) > NUMERIC_TOLERANCE:
                shown = {str(k): sp.N(v, 6) for k, v in point.items()}
                return False, f"the two sides differ by {sp.N(value, 6)} at {shown}", count
    return True, "", count


def _integer_symbols(entries):
    """Integer symbols split into limits of sums (set to 6) and indices (set to 1, 2 or 3)."""
    limits, indices = set(), set()
    for entry in entries:
        for s in entry.atoms(sp.Sum, sp.Product):
            for _, low, high in s.limits:
                limits |= {x for x in (low, high) if x.is_Symbol}
        indices |= {s for s in entry.free_symbols if s.is_integer}
    key = sp.default_sort_key
    return sorted(limits, key=key), sorted(indices - limits, key=key)


def _random_value(atom, rng):
    if atom.is_integer:
        return sp.Integer(rng.randint(1, 5))
    if atom.is_positive or atom.is_nonnegative:
        return sp.Float(rng.uniform(0.1, 2.0), NUMERIC_DIGITS)
    return sp.Float(rng.uniform(-2.0, 2.0), NUMERIC_DIGITS)
