"""Step-checked derivations: the helper behind every derivation in the book.

A :class:`Derivation` starts at a SymPy expression; each :meth:`Derivation.step` appends the next
line with the reason it holds. The new line is compared with the previous one at once, and a
:class:`DerivationError` is raised when SymPy cannot prove them equal, so a wrong step stops the
notebook that states it (and therefore nbval, the book build and CI). Lines are numbered from 0
(the start), so the first call of ``step`` is "step 1".

How a step is decided (the rules are in ``softmaxbook._equality``):

1. **symbolic**: the difference of the two lines, with the stated assumptions applied, simplifies
   to zero;
2. **cases**: it does after splitting on Kronecker deltas into i = j and i != j;
3. **numeric**, only when the step says ``numeric=True``: SymPy found no proof and the difference
   vanishes at 50 digits at every point of a sound set of points (every sum length from 1 up past
   every concrete index, every index one past every sum, every sign pattern). The page then says
   "checked numerically at N points" beside the step. Without the opt-in such a step raises.

The first line is checked too: when ``lhs`` is a SymPy expression, the start must equal it, so an
opening such as "the chain rule" is proved like any step. A string ``lhs`` is only a name for the
start, and then the first line's reason must say it is a definition or notation.

Assumptions are never silent: a step that needs :math:`\\sum_k y_k = 1` passes
``given=[Eq(y1 + y2 + y3, 1)]``; the equation is solved for one of its symbols and substituted into
both sides. ``x > 0`` (also ``>=``, ``<``, ``<=``) replaces the symbol by one with that sign;
``Ne(i, j)`` sets ``KroneckerDelta(i, j)`` to 0; any other relation (``j <= K``) is handed to
``sympy.refine`` and restricts the numeric points; a dict is a substitution. :func:`named` gives a
long assumption a short name for the page.

How a derivation is shown: each line as display maths, its reason beside it (under it on narrow
screens and in print). Reasons are words with inline ``$...$`` maths, and may cite equations with
{eq}`...`. An expression built under ``with sympy.evaluate(False):`` is printed in the order
and grouping it was written in; evaluated expressions print in SymPy's order.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass, field

import sympy as sp

from ._equality import NUMERIC_DIGITS, DerivationError, check_equal
from ._written import latex

__all__ = ["Derivation", "DerivationError", "named"]

DEFINITIONS = ("definition", "notation")  # what a first line named by a string may say it is
_LONG_GIVEN = 70  # characters of LaTeX beyond which assumptions move to a "where" line
_SERIAL = itertools.count(1)  # tells derivations apart in the audit file


@dataclass(frozen=True)
class Named:
    """An assumption shown on the page by a short name (see :func:`named`)."""

    given: object
    name: str


def named(given, name):
    """Give an assumption (an ``Eq``, a relation or a dict) a short name for the page.

    The check uses ``given``; the page shows ``name`` (words with inline ``$...$`` maths), for
    example ``named({s[i]: exp(z[i]) / Z}, "the definition of $s_i$")``.
    """
    _check_words(name)
    return Named(given, name)


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the expression, why it follows, and how it was decided."""

    expr: sp.Basic
    why: str
    given: tuple = ()
    method: str = "start"  # "start", "definition", "symbolic", "cases" or "numeric:<points>"


@dataclass
class Derivation:
    """A chain of expressions, each proved equal to the one before it.

    Parameters
    ----------
    start : sympy expression or Matrix
        The first line of the derivation.
    lhs : sympy expression, Matrix, (expression, str) or str, optional
        What is derived, shown left of the first ``=``. A SymPy expression is checked: ``start``
        must equal it under ``given`` (a pair also gives the LaTeX to show for it). A string is
        LaTeX naming the start, and ``why`` must then begin with "definition" or "notation".
    why : str
        The reason for the first line.
    given, numeric :
        As for :meth:`step`, for the check of ``start`` against ``lhs``.

    Examples
    --------
    >>> x = sp.symbols("x")
    >>> d = Derivation(x**2 + 2*x + 1, lhs=(x + 1)**2, why="expand the square")
    >>> d.step(x*(x + 2) + 1, "factor $x$ out of two terms").result
    x*(x + 2) + 1
    """

    start: sp.Basic
    lhs: object = None
    why: str = "definition"
    given: tuple = ()
    numeric: bool = False
    steps: list = field(default_factory=list, init=False)

    def __post_init__(self):
        self.start = _sympify(self.start)
        _check_words(self.why)
        given = _as_tuple(self.given)
        target, self._name = _split_lhs(self.lhs)
        if target is not None:
            method = check_equal(target, self.start, _unwrap(given), 0, self.why, self.numeric)
        elif self._name is not None:
            if not self.why.lower().startswith(DEFINITIONS):
                raise DerivationError(
                    f"line 0 ({self.why}) is not checked: with a string lhs the first line must be a "
                    f"definition or notation; give lhs as a SymPy expression so the opening is proved")
            method = "definition"
        else:
            method = "start"
        self.steps = [Step(self.start, self.why, given, method)]
        self._serial = next(_SERIAL)
        _record(self, 0)

    @property
    def result(self):
        """The last expression of the chain."""
        return self.steps[-1].expr

    def step(self, expr, why, given=(), numeric=False):
        """Append ``expr`` as the next line, justified by ``why``; raise if it is not proved equal.

        Parameters
        ----------
        expr : sympy expression or Matrix
            The next line.
        why : str
            The reason, in words with inline ``$...$`` maths ("quotient rule", "factor out $s_i$").
        given : sympy.Eq, dict, relation, :func:`named`, or a sequence of them
            Assumptions the step relies on, shown beside it (see the module docstring).
        numeric : bool
            Accept the step on the numeric check when SymPy finds no proof. The page says so.

        Returns
        -------
        Derivation
            ``self``, so steps can be chained.

        Raises
        ------
        DerivationError
            When ``expr`` is not proved equal to the previous line under the stated assumptions, or
            when it prints exactly like the previous line (a step that shows nothing).
        """
        expr = _sympify(expr)
        given = _as_tuple(given)
        number = len(self.steps)
        _check_words(why)
        previous = self.steps[-1].expr
        if latex(expr) == latex(previous):
            raise DerivationError(f"step {number} ({why}) prints exactly like the line before it")
        method = check_equal(previous, expr, _unwrap(given), number, why, numeric)
        self.steps.append(Step(expr, why, given, method))
        _record(self, number)
        return self

    # -- display -------------------------------------------------------------------------------
    def _lhs_latex(self):
        if self._name is not None:
            return self._name
        target, _ = _split_lhs(self.lhs)
        return latex(target) if target is not None else ""

    def markdown(self):
        """The chain as MyST: one row per line, the maths and then its reason."""
        lhs = self._lhs_latex()
        rows = []
        for k, step in enumerate(self.steps):
            if k == 0:
                math = f"{lhs} = {latex(step.expr)}" if lhs else latex(step.expr)
            else:
                math = (rf"\phantom{{{lhs}}} = " if lhs else "= ") + latex(step.expr)
            reason, where = _reason(step)
            row = [":::{div} derivation-step", "$$", math, "$$", "", reason]
            if where:
                row += ["", where]
            rows.append("\n".join(row + [":::"]))
        return "::::{div} derivation\n" + "\n\n".join(rows) + "\n::::\n"

    def _repr_markdown_(self):
        return self.markdown()

    def __repr__(self):
        lhs = str(self.lhs if self._name is None else self._name) if self.lhs is not None else ""
        rows = []
        for k, step in enumerate(self.steps):
            head = f"{lhs} = " if k == 0 and lhs else "  = "
            rows.append(f"{head}{step.expr}    [{step.method}] {step.why}")
        return "\n".join(rows)


# -- helpers -------------------------------------------------------------------------------------
def _sympify(expr):
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr)
    return sp.sympify(expr)


def _split_lhs(lhs):
    """(expression to check the start against or None, LaTeX name or None)."""
    if lhs is None:
        return None, None
    if isinstance(lhs, str):
        return None, lhs
    if isinstance(lhs, tuple):
        expr, name = lhs
        return _sympify(expr), name
    return _sympify(lhs), None


def _as_tuple(given):
    if isinstance(given, (dict, sp.Basic, Named)):
        return (given,)
    return tuple(given)


def _unwrap(given):
    return tuple(g.given if isinstance(g, Named) else g for g in given)


# Text outside $...$ may hold words, digits and punctuation, and MyST roles citing equations.
_ROLE = re.compile(r"\{(eq|ref|numref|prf:ref)\}`[^`]+`")
_MATH = re.compile(r"\$[^$]+\$")


def _check_words(text):
    """A reason is words with inline $...$ maths; TeX outside the dollars is an error."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a reason must be a non-empty string, got {text!r}")
    outside = _MATH.sub("", _ROLE.sub("", text))
    bad = sorted({c for c in outside if c in "$\\{}_^`"})
    if bad:
        raise ValueError(f"a reason is words with inline $...$ maths; {''.join(bad)!r} outside the "
                         f"dollars in {text!r}: write the maths as $...$")
    return text


def _given_markdown(given):
    if isinstance(given, Named):
        return given.name
    if isinstance(given, dict):
        return ", ".join(f"${latex(k)} = {latex(v)}$" for k, v in given.items())
    return f"${latex(given)}$"


def _reason(step):
    """The reason shown beside a line, and a separate "where" line for long assumptions."""
    text, where = step.why, ""
    if step.given:
        shown = [_given_markdown(g) for g in step.given]
        if sum(len(s) for s in shown) > _LONG_GIVEN:
            where = "where " + "; ".join(shown)
            text += " (assumptions below)"
        else:
            text += "; using " + ", ".join(shown)
    if step.method.startswith("numeric"):
        count = step.method.split(":")[1]
        text += f" (checked numerically at {count} points, {NUMERIC_DIGITS} digits)"
    return text, where


def _record(derivation, number):
    """Append one line to the audit file named by $SOFTMAXBOOK_AUDIT (see softmaxbook.audit)."""
    path = os.environ.get("SOFTMAXBOOK_AUDIT")
    if not path:
        return
    step = derivation.steps[number]
    entry = {"notebook": os.environ.get("SOFTMAXBOOK_AUDIT_NOTEBOOK", "?"), "derivation": derivation._serial,
             "lhs": derivation._lhs_latex(), "line": number, "why": step.why, "method": step.method}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
