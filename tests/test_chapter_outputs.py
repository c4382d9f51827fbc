"""The chapters' stored outputs, read as a reader's browser and a LaTeX run will read them.

Inside ``\\text{...}`` MathJax prints ``_`` and ``^`` literally and LaTeX stops with "Missing $
inserted": maths in words belongs in ``$...$``. nbval proves the stored outputs are what the code
prints today, so scanning them covers every derivation that is shown.
"""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
TEXT_COMMAND = re.compile(r"\\text\{([^{}]*)\}")
MIME_TYPES = ("text/latex", "text/markdown", "text/html")


def _outputs(notebook):
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            for mime in MIME_TYPES:
                if mime in output.get("data", {}):
                    yield "".join(output["data"][mime])


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_no_raw_subscript_or_superscript_inside_text_in_any_output(notebook):
    bad = [m.group(0) for text in _outputs(notebook) for m in TEXT_COMMAND.finditer(text)
           if "_" in m.group(1) or "^" in m.group(1)]
    assert not bad, f"{notebook.name}: \\text{{}} holding _ or ^ (write the maths as $...$): {bad[:5]}"


def test_the_chapters_are_found():
    assert len(CHAPTERS) >= 6


def _markdown(notebook):
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            yield "".join(cell["source"])


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_inline_maths_never_breaks_at_a_line_that_markdown_reads_as_a_list(notebook):
    # "$a\n- b$": Markdown makes "- b$" a bullet and the maths is shown as raw TeX (site and PDF).
    found = []
    for text in _markdown(notebook):
        open_math = False
        for line in re.sub(r"\$\$.*?\$\$", "", text, flags=re.S).splitlines():
            if open_math and re.match(r"^\s*([-+*]|\d+[.)])\s", line):
                found.append(line[:60])
            open_math = (open_math + line.count("$")) % 2 == 1
    assert not found, f"{notebook.name}: inline maths continues on a line Markdown reads as a list item: {found}"
