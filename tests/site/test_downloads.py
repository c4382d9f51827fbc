"""What a reader downloads from the site (marker ``site``): the wheel and the plain chapter notebooks.

The plain notebooks must read well outside the book: none of the MyST markup that plain Jupyter shows
as raw text may be left in their Markdown or their Markdown outputs. The student edition, written by
the same build, has no solution left and an answer cell after each exercise.
"""

import json
import re

import pytest
from test_site import CHAPTERS, ROOT

pytestmark = pytest.mark.site

HTML = ROOT / "_build" / "html"
STUDENT = ROOT / "_build" / "student"
MYST = [re.compile(r"\{(eq|ref|numref|cite:[pt]|prf:ref)\}"), re.compile(r"^:::\{", re.M),
        re.compile(r"^\([\w-]+\)=$", re.M), re.compile(r"^```\{", re.M)]


def _texts(notebook):
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            yield source
        for output in cell.get("outputs", []):
            if "text/markdown" in output.get("data", {}):
                yield "".join(output["data"]["text/markdown"])


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_wheel_is_offered_on_the_introduction_page():
    wheels = list((HTML / "_downloads").rglob("softmaxbook-*-py3-none-any.whl"))
    assert len(wheels) == 1, f"expected one wheel in the site, found {wheels}"
    intro = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    assert wheels[0].relative_to(HTML).as_posix() in intro


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_plain_notebook_is_linked_and_has_no_myst_markup(chapter):
    stem = chapter.split("/")[-1]
    page = (HTML / f"{chapter}.html").read_text(encoding="utf-8")
    assert f"notebooks/{stem}.ipynb" in page, f"{chapter}.html does not offer the plain notebook"
    notebook = _load(HTML / "notebooks" / f"{stem}.ipynb")
    left = [m.group(0) for text in _texts(notebook) for pattern in MYST for m in pattern.finditer(text)]
    assert not left, f"{stem}: MyST markup left in the plain notebook: {left[:5]}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_plain_notebook_keeps_the_solutions_at_the_end(chapter):
    stem = chapter.split("/")[-1]
    cells = _load(HTML / "notebooks" / f"{stem}.ipynb")["cells"]
    headings = [n for n, c in enumerate(cells) if c["cell_type"] == "markdown" and c["source"] == "## Solutions"]
    exercises = sum("**Exercise " in t for t in _texts({"cells": cells}))
    assert exercises >= 3, f"{stem}: only {exercises} exercises found"
    assert len(headings) == 1
    solutions = [c for c in cells[headings[0]:] if c["cell_type"] == "markdown" and "**Solution to " in c["source"]]
    assert len(solutions) == exercises, f"{stem}: {exercises} exercises but {len(solutions)} solutions at the end"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_edition_has_answer_cells_and_no_solutions(chapter):
    stem = chapter.split("/")[-1]
    cells = _load(STUDENT / f"{stem}.ipynb")["cells"]
    texts = list(_texts({"cells": cells}))
    assert not any("**Solution to " in t or "## Solutions" in t for t in texts)
    exercise_cells = [n for n, c in enumerate(cells) if c["cell_type"] == "markdown" and "**Exercise " in c["source"]]
    assert exercise_cells
    for n in exercise_cells:
        following = cells[n + 1]
        assert following["cell_type"] == "code" and following["source"].startswith("# Your answer here")
    assert not any("hide-cell" in c.get("metadata", {}).get("tags", []) for c in cells)
