"""The registry of checkable exercises and ``check``, the function readers call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from .._equality import DerivationError, check_equal


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to give, the reference answer and how an answer is decided.

    ``kind`` is "formula" (``answer`` a SymPy expression; ``names`` the symbols a string answer may
    use; ``given`` the assumptions the comparison may use), "number" (``answer`` a float,
    ``rtol`` its relative tolerance) or "function" (``answer`` the reference function; ``inputs``
    returns a list of argument tuples from a seeded generator; ``rtol``/``atol`` the agreement).
    """

    label: str
    kind: str
    answer: object
    ask: str
    hint: str
    names: dict = field(default_factory=dict)
    given: tuple = ()
    rtol: float = 1e-9
    atol: float = 0.0
    inputs: Callable | None = None


EXERCISES: dict[str, Exercise] = {}


def register(exercise):
    """Add ``exercise`` to the registry (a label may be registered once)."""
    if exercise.kind not in ("formula", "number", "function"):
        raise ValueError(f"an exercise's kind is 'formula', 'number' or 'function', got {exercise.kind!r}")
    if exercise.label in EXERCISES:
        raise ValueError(f"exercise {exercise.label!r} is registered twice")
    EXERCISES[exercise.label] = exercise
    return exercise


def check(label, answer=None, quiet=False):
    """Say whether ``answer`` is right for exercise ``label``; return True or False.

    Parameters
    ----------
    label : str
        The exercise's label, as printed under its heading ("ex-jacobian-trace").
    answer : SymPy expression, str, number or function, optional
        Your answer; ``None`` (the default) means not answered yet.
    quiet : bool
        Return the verdict without printing it.
    """
    if label not in EXERCISES:
        raise ValueError(f"no checkable exercise is labelled {label!r}; known: {', '.join(sorted(EXERCISES))}")
    exercise = EXERCISES[label]
    if answer is None:
        verdict, ok = f"{label}: not yet answered. Give {exercise.ask}.", False
    else:
        ok = _DECIDE[exercise.kind](exercise, answer)
        verdict = f"{label}: right." if ok else f"{label}: not right yet. Hint: {exercise.hint}"
    if not quiet:
        print(verdict)
    return ok


def _formula(exercise, answer):
    if isinstance(answer, str):
        try:
            answer = sp.sympify(answer, locals=dict(exercise.names))
        except (sp.SympifyError, SyntaxError, TypeError):
            return False
    try:
        answer = sp.sympify(answer)
    except (sp.SympifyError, TypeError):
        return False
    # SymPy does not always see through tanh and its relatives, so an answer written with them is
    # compared again with every such function written in exponentials.
    tried = [(exercise.answer, answer)]
    if any(expr.atoms(HyperbolicFunction, TrigonometricFunction) for expr in tried[0]):
        tried.append(tuple(expr.rewrite(sp.exp) for expr in tried[0]))
    for reference, given_answer in tried:
        try:
            check_equal(reference, given_answer, exercise.given, 1, exercise.label)
            return True
        except (DerivationError, TypeError, ValueError):
            continue
    return False


def _number(exercise, answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return False
    return bool(np.isclose(value, float(exercise.answer), rtol=exercise.rtol, atol=exercise.atol))


def _function(exercise, answer):
    if not callable(answer):
        return False
    for args in exercise.inputs():
        expected = exercise.answer(*args)
        try:
            # Overflow, 0/0 and log 0 are the failures a careful formula avoids, so they count as wrong;
            # a negligible term underflowing to zero is what the stable formulas do, so it does not.
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                got = np.asarray(answer(*[np.array(a, copy=True) for a in args]), dtype=float)
        except Exception:  # a reader's function may fail in any way; that is a wrong answer, not a crash
            return False
        if got.shape != np.shape(expected) or not np.allclose(got, expected, rtol=exercise.rtol, atol=exercise.atol):
            return False
    return True


_DECIDE = {"formula": _formula, "number": _number, "function": _function}
