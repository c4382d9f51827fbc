"""Checks of the book's PDF, built by `make pdf` (`make test` builds it in its PDF stage, then runs these).

They read the PDF with poppler's tools (pdfinfo, pdftotext, pdfimages, pdffonts) and render a few pages
to PNG (pdftoppm) into _build/screenshots/ for a person to look at: the title page, the page where the
Jacobian's derivation starts, a figure page and the bibliography.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import texlog  # noqa: E402  (tests/pdf/texlog.py, also run by make pdf)

pytestmark = pytest.mark.pdf

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "softmax-step-by-step.pdf"
LATEX = ROOT / "_build" / "pdf" / "_build" / "latex"
SCREENSHOTS = ROOT / "_build" / "screenshots"
# About 200 pages measured with eight chapters (A4, 11 pt, 2026-12); far fewer means chapters are
# missing, far more that something (a table, a verbatim output) exploded.
PAGES = (120, 320)


def _toc_files():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part["chapters"]]
    return files


def _title(source):
    """The page's first '# ' heading (its title), from the notebook's or the Markdown file's text."""
    path = ROOT / source
    if path.with_suffix(".ipynb").exists():
        nb = json.loads(path.with_suffix(".ipynb").read_text())
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    else:
        text = path.with_suffix(".md").read_text()
    return re.search(r"^# (.+)$", text, re.MULTILINE).group(1).strip()


def _run(*args):
    tool = shutil.which(args[0])
    if tool is None:
        pytest.fail(f"{args[0]} is missing: apt-get install poppler-utils (.ci/run installs it)")
    return subprocess.run([tool, *args[1:]], capture_output=True, text=True, check=True).stdout


def _squash(text):
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="session")
def pdf():
    if not PDF.exists():
        pytest.fail(f"no PDF at {PDF}: run `make pdf` (or `make test`) first")
    return PDF


@pytest.fixture(scope="session")
def pages(pdf):
    """The text of every page (pdftotext; pages separated by form feeds)."""
    return _run("pdftotext", "-enc", "UTF-8", str(pdf), "-").split("\f")[:-1]


@pytest.fixture(scope="session")
def aux():
    return (LATEX / "softmax-step-by-step.aux").read_text(encoding="utf-8", errors="replace")


def test_latex_log_has_no_error_undefined_reference_missing_glyph_or_overfull_line():
    assert texlog.problems(texlog.read(LATEX / "softmax-step-by-step.log")) == []


def test_page_count_is_plausible(pdf, pages):
    count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))
    assert count == len(pages)
    assert PAGES[0] <= count <= PAGES[1], f"{count} pages"


def test_title_page_states_the_commit_and_date_it_was_built_from(pages):
    title = _squash(pages[0])
    assert "Softmax, Step by Step" in title
    match = re.search(r"Built on (\d{4}-\d\d-\d\d) from commit (\S+)", title)
    assert match, title
    head = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip() or "unknown"
    if match.group(2) == head or os.environ.get("CI"):
        assert match.group(2) == head
    else:
        # A shared working tree may gain a commit between the build and this check: the PDF's commit
        # must then still be one of HEAD's ancestors (make pdf deletes an older PDF before building).
        ancestor = subprocess.run(["git", "merge-base", "--is-ancestor", match.group(2), "HEAD"], cwd=ROOT)
        assert ancestor.returncode == 0, f"{match.group(2)} is not HEAD ({head}) or one of its ancestors"


def test_every_toc_page_is_a_chapter_in_toc_order(pages):
    text = _squash(" ".join(pages))
    contents = _squash(" ".join(pages[1:4]))
    titles = ["Introduction"] + [_title(f) for f in _toc_files()[1:]]
    positions = [contents.find(t) for t in titles]
    assert -1 not in positions, dict(zip(titles, positions))
    assert positions == sorted(positions), "the contents list the chapters out of order"
    # Chapter headings are set in capitals.
    assert [t for t in titles if t.upper() not in text] == [], "in the contents but not as a heading"


def test_no_unresolved_reference_is_printed(pages):
    bad = [n + 1 for n, page in enumerate(pages) if "??" in page]
    assert not bad, f'"??" on pages {bad}'


def test_every_labelled_equation_is_printed_with_its_number(aux, pages):
    text = _squash(" ".join(pages))
    numbers = re.findall(r"\\newlabel\{equation:chapters/[^}]*\}\{\{([\d.]+)\}", aux)
    assert len(numbers) >= 30, f"only {len(numbers)} labelled equations"
    assert len(set(numbers)) == len(numbers), "two equations share a number"
    assert [n for n in numbers if f"({n})" not in text] == []


@pytest.mark.parametrize("label", [
    "eq-softmax-def", "eq-softmax-stable", "eq-sigmoid-derivative", "eq-jacobian-entry",
    "eq-jacobian-matrix", "eq-cross-entropy-grad", "eq-equivalence-two-class", "eq-regression-newton",
])
def test_key_equations_are_in_the_book(aux, label):
    assert re.search(r"\\newlabel\{equation:chapters/[^:]*:" + re.escape(label) + r"\}\{\{[\d.]+\}", aux)


def test_every_figure_is_embedded(pdf, aux):
    printed = set(re.findall(r"\\newlabel\{chapters/[^:]*:(fig-[^}]*)\}\{\{[\d.]+\}", aux))
    expected = set()
    for source in _toc_files():
        path = (ROOT / source).with_suffix(".ipynb")
        if path.exists():
            nb = json.loads(path.read_text())
            expected |= {c["metadata"]["mystnb"]["figure"]["name"] for c in nb["cells"]
                         if c.get("metadata", {}).get("mystnb", {}).get("figure")}
    assert expected, "no figures found in the chapters"
    assert sorted(expected - printed) == [], "figures missing from the PDF (is the chapter executed?)"
    listing = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    images = [line for line in listing if line.split()[2] == "image"]
    assert len(images) >= len(expected), f"{len(images)} images embedded for {len(expected)} figures"


def test_every_font_is_embedded(pdf):
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    # Columns: name type encoding emb sub uni object ID; "emb" is the fourth field from the right.
    assert [r for r in rows if r.split()[-5] != "yes"] == []


def test_render_pages_for_a_person_to_look_at(pdf, pages):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("pdf-*.png"):
        old.unlink()
    jacobian = _title("chapters/03_softmax_jacobian")
    chosen = {
        "title": 1,
        # The Jacobian chapter's first derivation: two pages after its heading (set in capitals).
        "derivation": next(n for n, p in enumerate(pages, 1) if jacobian.upper() in p) + 2,
        "figure": next(n for n, p in enumerate(pages, 1) if re.search(r"Fig\. 6\.1[:.]", p)),
        "bibliography": max(n for n, p in enumerate(pages, 1) if "Alpaydin" in p),
    }
    for name, page in chosen.items():
        _run("pdftoppm", "-r", "80", "-f", str(page), "-l", str(page), "-png", "-singlefile",
             str(pdf), str(SCREENSHOTS / f"pdf-{name}-p{page}"))
        assert (SCREENSHOTS / f"pdf-{name}-p{page}.png").stat().st_size > 5000
