"""Answers readers can check, decided by the same checker as the book's derivations.

Every exercise whose answer is a formula, a number or a function is registered here under its label.
In a chapter notebook, ``check("ex-jacobian-trace", "1 - s1**2 - s2**2 - s3**2")`` prints whether the
answer is right, and a hint when it is not:

* a **formula** (a SymPy expression, or a string in the exercise's symbols) is right when the
  derivation checker proves it equal to the reference, so an equal formula written differently
  counts as right;
* a **number** is right within the relative tolerance the exercise states;
* a **function** (for the exercises that ask for a NumPy implementation) is right when it agrees
  with the reference, or with central finite differences, on seeded random inputs.

``check(label)`` with no answer (or ``None``) says "not yet answered", so the student edition, whose
answer cells start empty, runs to the end. The book's own solution cells call ``check`` with the
reference answer and assert it, so every registered checker is itself tested when the chapters run.
"""

from __future__ import annotations

from ._registry import EXERCISES, Exercise, check, register

# Registering the chapters' exercises: one module per chapter.
from . import (ch01_softmax, ch02_sigmoid, ch03_jacobian, ch04_cross_entropy,  # noqa: E402,F401
               ch05_equivalence, ch06_regression, ch07_family,
               ch08_choosing_the_loss)  # they register on import

__all__ = ["EXERCISES", "Exercise", "check", "register"]
