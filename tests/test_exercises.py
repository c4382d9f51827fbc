"""The exercise checker readers call: it accepts every reference answer and rejects wrong ones.

Every test runs over the whole registry, so an exercise registered for a new chapter is tested
without a line added here; ``test_every_kind_has_exercises`` keeps each parametrization non-empty.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from softmaxbook.exercises import EXERCISES, Exercise, check, register

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("formula", "number", "function")
FORMULAS = sorted(label for label, e in EXERCISES.items() if e.kind == "formula")
NUMBERS = sorted(label for label, e in EXERCISES.items() if e.kind == "number")
FUNCTIONS = sorted(label for label, e in EXERCISES.items() if e.kind == "function")
CHECK_CALL = re.compile(r"""assert\s+check\(\s*["']([\w-]+)["']""")


def _chapter_cells():
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            yield cell["cell_type"], cell.get("metadata", {}).get("tags", []), "".join(cell["source"])


def _wrong_answer(exercise):
    """An answer that is wrong for ``exercise`` whatever its reference answer is."""
    if exercise.kind == "formula":
        return exercise.answer + sp.Rational(1, 7)
    if exercise.kind == "number":
        return float(exercise.answer) * (1 + 100 * exercise.rtol) + 100 * exercise.atol + 1e-3
    return lambda *args: 1.01 * np.asarray(exercise.answer(*args)) + 1e-3


def test_every_kind_has_exercises():
    # An empty kind would make its parametrized tests below skip instead of test.
    assert FORMULAS and NUMBERS and FUNCTIONS, {k: [l for l, e in EXERCISES.items() if e.kind == k] for k in KINDS}


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_reference_answer_is_accepted(label):
    assert check(label, EXERCISES[label].answer, quiet=True)


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_wrong_answer_is_rejected_with_the_hint(label, capsys):
    exercise = EXERCISES[label]
    assert not check(label, _wrong_answer(exercise))
    assert capsys.readouterr().out.strip() == f"{label}: not right yet. Hint: {exercise.hint}"


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_unanswered_says_so_and_what_to_give(label, capsys):
    assert not check(label)
    assert capsys.readouterr().out.strip() == f"{label}: not yet answered. Give {EXERCISES[label].ask}."


@pytest.mark.parametrize("label", sorted(EXERCISES))
def test_ask_and_hint_are_one_line_each(label):
    exercise = EXERCISES[label]
    assert exercise.ask.strip() and "\n" not in exercise.ask
    assert exercise.hint.strip() and "\n" not in exercise.hint


@pytest.mark.parametrize("label", FORMULAS)
def test_formula_written_differently_is_accepted_and_a_changed_one_rejected(label):
    reference = EXERCISES[label].answer
    assert check(label, sp.expand(reference) + 0, quiet=True)
    assert not check(label, reference + sp.Rational(1, 7), quiet=True)
    assert not check(label, 2 * reference + 1, quiet=True)


@pytest.mark.parametrize("label", FORMULAS)
def test_formula_can_be_typed_as_a_string_in_the_exercise_symbols(label):
    exercise = EXERCISES[label]
    # Every symbol of the answer (s[j] included) is one a reader can type, with the assumptions of the
    # reference; the bare name of an indexed family is not a symbol a reader uses on its own.
    labels = {base.label for base in exercise.answer.atoms(sp.IndexedBase)}
    for symbol in exercise.answer.free_symbols - labels:
        typed = sp.sympify(str(symbol), locals=exercise.names)
        assert typed == symbol, f"{label}: typing {symbol} gives {typed!r}, not the exercise's symbol"
    assert check(label, str(exercise.answer), quiet=True)
    assert not check(label, f"{exercise.answer} + 1", quiet=True)
    assert not check(label, "1 +", quiet=True)  # a syntax error is a wrong answer, not a crash


@pytest.mark.parametrize("label", FORMULAS)
def test_hint_does_not_state_the_answer(label):
    exercise = EXERCISES[label]
    assert str(exercise.answer).replace(" ", "") not in exercise.hint.replace(" ", "")


@pytest.mark.parametrize("label", NUMBERS)
def test_number_off_by_more_than_the_tolerance_is_rejected(label):
    exercise = EXERCISES[label]
    assert not check(label, float(exercise.answer) * (1 + 100 * exercise.rtol) + 100 * exercise.atol + 1e-3, quiet=True)
    assert not check(label, -float(exercise.answer) - 1, quiet=True)
    assert not check(label, "a number, soon", quiet=True)


@pytest.mark.parametrize("label", FUNCTIONS)
def test_function_that_is_wrong_or_fails_is_rejected_not_a_crash(label):
    reference = EXERCISES[label].answer
    assert not check(label, lambda *args: 1.01 * np.asarray(reference(*args)) + 1e-3, quiet=True)
    assert not check(label, lambda *args: np.append(np.ravel(reference(*args)), 0.0), quiet=True)  # wrong shape

    def broken(*args):
        raise RuntimeError("a reader's bug")

    assert not check(label, broken, quiet=True)
    assert not check(label, "not a function", quiet=True)


@pytest.mark.parametrize("label", FUNCTIONS)
def test_function_is_tested_on_seeded_inputs_it_cannot_change(label):
    exercise = EXERCISES[label]
    first, second = exercise.inputs(), exercise.inputs()
    assert len(first) >= 2
    for a, b in zip(first, second):
        assert all(np.array_equal(x, y) for x, y in zip(a, b))

    def scribbles(*args):
        result = exercise.answer(*args)
        for arg in args:
            np.asarray(arg)[...] = 0  # a reader's function that modifies its arguments
        return result

    assert check(label, scribbles, quiet=True)  # it gets copies, so the next input is intact
    assert all(np.array_equal(x, y) for a, b in zip(exercise.inputs(), first) for x, y in zip(a, b))


def test_unknown_label_and_bad_registration_raise():
    with pytest.raises(ValueError, match="no checkable exercise"):
        check("ex-nothing", 1)
    with pytest.raises(ValueError, match="kind"):
        register(Exercise("ex-x", "essay", 0, ask="", hint=""))
    with pytest.raises(ValueError, match="twice"):
        register(EXERCISES[sorted(EXERCISES)[0]])


def test_every_registered_label_is_an_exercise_of_a_chapter():
    text = "".join(source for kind, _, source in _chapter_cells() if kind == "markdown")
    missing = [label for label in EXERCISES if f":label: {label}" not in text]
    assert not missing, f"registered exercises that no chapter states: {missing}"


def test_every_registered_checker_is_asserted_by_a_solution_cell():
    # The chapters' hidden solution cells call check() with the reference answer, so running the
    # chapters tests every checker the readers use.
    asserted = {label for kind, tags, source in _chapter_cells()
                if kind == "code" and "hide-cell" in tags for label in CHECK_CALL.findall(source)}
    assert not set(EXERCISES) - asserted, f"no solution cell asserts check() for {sorted(set(EXERCISES) - asserted)}"
    assert not asserted - set(EXERCISES), f"solution cells check unregistered exercises {sorted(asserted - set(EXERCISES))}"


def test_every_chapter_with_checkable_exercises_has_a_numpy_one():
    chapters = {}
    for label, exercise in EXERCISES.items():
        chapters.setdefault(label.split("-")[1], set()).add(exercise.kind)
    without = sorted(slug for slug, kinds in chapters.items() if "function" not in kinds)
    assert not without, f"chapters whose checkable exercises include no NumPy function: {without}"
