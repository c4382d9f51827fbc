"""Step-checked derivations: the helper behind every derivation in the book.

A :class:`Derivation` starts at a SymPy expression; each :meth:`Derivation.step` appends the next
line of the derivation with the reason it holds. The new line is compared with the previous one at
once, and a :class:`DerivationError` is raised when they differ, so a wrong step stops the notebook
that states it (and therefore nbval, the book build and CI). Lines are numbered from 0 (the start),
so the first call of ``step`` is "step 1".

How a step is checked
---------------------
1. The difference ``previous - new`` is formed (elementwise for matrices), the step's stated
   assumptions are substituted into it, unevaluated derivatives and sums are evaluated (``doit``)
   and the result is simplified. If it simplifies to exactly zero the step is proved symbolically.
2. If it does not, and the difference contains a Kronecker delta of two free indices, the proof is
   split into the two cases i = j (every j replaced by i) and i != j (the delta replaced by 0), each
   simplified in turn (recursively, for up to ``MAX_CASE_SPLITS`` deltas). If every case
   simplifies to zero the step is still proved symbolically.
3. If SymPy cannot reduce the difference to zero, it is evaluated with 50 significant digits at
   at least ``NUMERIC_POINTS`` points: integer symbols that bound a sum are set to 6; every index
   (a symbol declared integer, or one used as the index of an ``Indexed`` or as an argument of a
   ``KroneckerDelta``, whatever its assumptions) runs through all assignments in {1, 2, 3} so that
   both i = j and i != j occur; positive symbols are drawn in (0.1, 2) and other symbols in
   (-2, 2), from a fixed seed. Stated assumptions that still hold a sum (such as
   :math:`\\sum_{k=1}^n y_k = 1`) are imposed again at each point once the sum is written out.
   The step is accepted only if every value is below ``NUMERIC_TOLERANCE`` in absolute value, and
   the rendered derivation says that this step was checked numerically. Any point where the
   difference is not small raises ``DerivationError``.
4. If the difference cannot even be evaluated to a number (an undefined function is left, say),
   the step is not accepted: ``DerivationError`` says the step could not be decided.

Assumptions are never silent: a step that needs, say, :math:`\\sum_k y_k = 1` passes it as
``given=[Eq(y1 + y2 + y3, 1)]``; the equation is turned into a substitution (solved for one of its
symbols), applied to both sides before the comparison, and printed beside the step. A sign
assumption is passed as a relation with zero, ``given=[x > 0]`` (also ``>=``, ``<``, ``<=``): the
symbol is replaced by one carrying that assumption, which both ``simplify`` and the numeric points
respect. ``Ne(i, j)`` states i != j: every ``KroneckerDelta(i, j)`` is set to 0 and numeric points
with i = j are skipped. Any other relation (``j <= K``) is handed to ``sympy.refine`` before and
after the simplification (it resolves, for instance, the condition j <= K SymPy attaches to the
derivative of a sum over k = 1..K). A dict is used as a substitution directly (``{y1: 0, y2: 1, y3: 0}`` for a one-hot y).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ._equality import NUMERIC_DIGITS, DerivationError, check_equal

__all__ = ["Derivation", "DerivationError"]


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
        _escape_text(self.why)
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
        given : sympy.Eq, dict, sign relation, or a sequence of them
            Assumptions the step relies on. Each ``Eq`` is turned into a substitution (solved for its
            last symbol in name order, or ``lhs -> rhs`` when the left side is a single symbol or
            cannot be solved for); a dict is used as a substitution directly; ``x > 0``,
            ``x >= 0``, ``x < 0`` or ``x <= 0`` replaces the symbol ``x`` by one with that sign;
            ``Ne(i, j)`` sets ``KroneckerDelta(i, j)`` to 0; any other relation is passed to
            ``sympy.refine``.

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
        _escape_text(why)
        previous = self.steps[-1].expr
        method = check_equal(previous, expr, given, number, why)
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
    if isinstance(given, (dict, sp.Basic)):
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
