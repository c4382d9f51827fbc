"""The chapters as notebooks that read well outside this book: plain downloads and a student edition.

The chapter notebooks are written in MyST: ``{eq}`eq-jacobian-entry```, ``:::{prf:theorem}``,
``(ch-jacobian)=``. Jupyter Book turns that into numbers, titles and boxes; plain JupyterLab or
VS Code shows it as raw text. After an HTML build, this extension writes each chapter twice:

* ``_build/html/notebooks/<chapter>.ipynb``, offered in every chapter's download menu as
  "plain .ipynb": equation references become their numbers, section and figure references their
  titles and numbers, citations "Author (year)", directives plain Markdown with bold headings,
  labels removed, figure captions kept under their figures, and every solution (its text and the
  cell that checks it) moved to a "Solutions" section at the end;
* ``_build/student/<chapter>.ipynb`` (``make student``): the same, with every solution removed and
  an empty answer cell after each exercise, for a teacher to hand out.

Numbers and titles come from the same Sphinx environment that numbers the site, so the plain
notebook says "(3.4)" exactly where the site does.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from docutils.nodes import make_id
from pybtex.database import parse_file

PLAIN = "notebooks"  # folder of the plain downloads inside the HTML output
ROLE = re.compile(r"\{(eq|ref|numref|cite:p|cite:t|prf:ref)\}`([^`]+)`")
LABEL_LINE = re.compile(r"^\([\w-]+\)=\s*$")
FENCE_OPEN = re.compile(r"^(:{3,}|`{3,})\{([\w:-]+)\}\s*(.*)$")  # ::: or ``` fences
OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
LABELLED_MATH = re.compile(r"\$\$\s*\(([\w-]+)\)\s*$")
ANSWER = "# Your answer here: write it, run the cell, and compare with the text above.\n"
CHECKED_ANSWER = """# Your answer here: replace None, run the cell, and the book checks it.
from softmaxbook.exercises import check

answer = None  # {ask}
check("{label}", answer)
"""


def setup(app):
    app.connect("build-finished", write_editions)
    app.connect("html-page-context", add_download_button, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# -- Sphinx hooks --------------------------------------------------------------------------------
def add_download_button(app, pagename, templatename, context, doctree):
    if not pagename.startswith("chapters/") or app.builder.format != "html":
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            stem = pagename.split("/")[-1]
            group["buttons"].insert(1, {
                "type": "link", "url": f"{context['pathto'](PLAIN, 1)}/{stem}.ipynb",
                "text": "plain .ipynb", "icon": "fas fa-book-open",
                "tooltip": "Download the notebook for plain Jupyter (references as numbers, solutions at the end)",
                "label": "download-plain-notebook-button"})


def write_editions(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    resolver = Resolver(app)
    out = Path(app.outdir) / PLAIN
    student = Path(app.outdir).parent / "student"
    out.mkdir(parents=True, exist_ok=True)
    student.mkdir(parents=True, exist_ok=True)
    for docname in sorted(d for d in app.env.found_docs if d.startswith("chapters/")):
        source = Path(app.srcdir, docname + ".ipynb")
        if not source.is_file():
            continue
        notebook = json.loads(source.read_text(encoding="utf-8"))
        name = Path(docname).name + ".ipynb"
        chapter = ".".join(map(str, app.env.toc_secnumbers.get(docname, {}).get("", ()))) or None
        _dump(convert(notebook, resolver, chapter, student=False), out / name)
        _dump(convert(notebook, resolver, chapter, student=True), student / name)
    (student / "README.md").write_text(STUDENT_README, encoding="utf-8")


def _dump(notebook, path):
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


STUDENT_README = """# Softmax, Step by Step: student edition

One notebook per chapter, with every solution removed and an empty answer cell after each exercise.
Install the book's package first (see the book's introduction), then open a notebook in Jupyter.
The worked derivations and checks are all there; only the answers are left for you.
"""


# -- references ----------------------------------------------------------------------------------
class Resolver:
    """Turns the book's cross-references into the text the site shows for them."""

    def __init__(self, app):
        env = app.env
        self.env = env
        self.math = env.get_domain("math").equations
        self.labels = env.get_domain("std").labels
        self.anonlabels = env.get_domain("std").anonlabels
        self.titles = {}  # prf/exercise labels -> their heading, filled while converting
        bib = [Path(app.srcdir, f) for f in app.config.bibtex_bibfiles]
        self.entries = {k: v for path in bib for k, v in parse_file(str(path)).entries.items()}

    def equation(self, label):
        docname, number = self.math.get(label, (None, None))
        if docname is None:
            return f"({label})"
        numbers = self.env.toc_fignumbers.get(docname, {}).get("displaymath", {}).get(
            make_id(f"equation-{label}"), ())
        return "(" + (".".join(map(str, numbers)) or str(number)) + ")"

    def section(self, label):
        if label in self.labels:
            docname, labelid, title = self.labels[label]
            numbers = self.env.toc_secnumbers.get(docname, {})
            number = numbers.get(f"#{labelid}") or (numbers.get("") if label.startswith("ch-") else None)
            prefix = ".".join(map(str, number)) + " " if number else ""
            return f"“{prefix}{title}”" if title else self.figure(label)
        return self.titles.get(label, label)

    def figure(self, label):
        docname, labelid = self.anonlabels.get(label, (None, None))
        for kind, name in (("figure", "Figure"), ("table", "Table"), ("code-block", "Listing")):
            numbers = self.env.toc_fignumbers.get(docname, {}).get(kind, {}).get(labelid)
            if numbers:
                return f"{name} {'.'.join(map(str, numbers))}"
        return self.titles.get(label, label)

    def citation(self, keys, textual):
        parts = []
        for key in (k.strip() for k in keys.split(",")):
            entry = self.entries.get(key)
            if entry is None:
                parts.append(key)
                continue
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [" ".join(p.last_names) for p in people]
            who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
                   else f"{names[0]} et al." if names else entry.fields.get("title", key))
            year = entry.fields.get("year", "n.d.")
            parts.append(f"{who} ({year})" if textual else f"{who}, {year}")
        return "; ".join(parts) if textual else "(" + "; ".join(parts) + ")"

    def role(self, match):
        kind, target = match.group(1), match.group(2)
        text = re.match(r"^(.*?)\s*<([^>]+)>$", target)  # {ref}`text <label>`
        if text and kind != "eq":
            return text.group(1)
        if kind == "eq":
            return self.equation(target)
        if kind == "ref":
            return self.section(target)
        if kind == "numref":
            return self.figure(target)
        if kind == "prf:ref":
            return self.titles.get(target, target)
        return self.citation(target, textual=kind == "cite:t")


# -- conversion ----------------------------------------------------------------------------------
def convert(notebook, resolver, chapter=None, student=False):
    """A plain (or student) copy of one chapter notebook; ``chapter`` is its number, as "3"."""
    notebook = copy.deepcopy(notebook)
    _collect_titles(notebook, resolver, chapter)
    cells, solutions = [], []
    for n, cell in enumerate(notebook["cells"]):
        previous = notebook["cells"][n - 1] if n else None
        if cell["cell_type"] == "code" and _is_solution_check(cell, previous):
            if not student:
                solutions.append(_plain_code(cell, resolver))
            continue
        if cell["cell_type"] == "markdown":
            text, found = _markdown(_source(cell), resolver)
            if text.strip():
                cells.append(_markdown_cell(text))
            for solution in found:
                if not student:
                    solutions.append(_markdown_cell(solution))
            for label in (_exercises(_source(cell)) if student else []):
                cells.append(_code_cell(_answer_cell(label)))
            continue
        cells.append(_plain_code(cell, resolver))
        caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
        if caption.get("caption"):
            number = resolver.figure(caption.get("name", "")) if caption.get("name") else "Figure"
            cells.append(_markdown_cell(f"*{number}: {_inline(caption['caption'], resolver)}*"))
    if solutions:
        cells.append(_markdown_cell("## Solutions"))
        cells += solutions
    notebook["cells"] = cells
    return notebook


def _directives(text):
    """(name, title, label) of every directive opened in ``text``; label "" when it has none."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        opened = FENCE_OPEN.match(line)
        if opened:
            options = [OPTION.match(o) for o in lines[n + 1:n + 4]]
            label = next((o.group(2).strip() for o in options if o and o.group(1) == "label"), "")
            yield opened.group(2), opened.group(3).strip(), label


def _collect_titles(notebook, resolver, chapter):
    """Exercises numbered in order ("Exercise 3.2"), theorems by their titles."""
    count = 0
    for cell in notebook["cells"]:
        for name, title, label in _directives(_source(cell)):
            if not label or name not in ("prf:theorem", "prf:lemma", "exercise", "prf:definition"):
                continue
            if name == "exercise":
                count += 1
                heading = f"Exercise {chapter + '.' if chapter else ''}{count}"
            else:
                heading = "Theorem"
            resolver.titles[label] = f"{heading} “{title}”" if title else heading


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _exercises(text):
    """The labels of the exercises opened in ``text`` ("" for an exercise without a label)."""
    return [label for name, _, label in _directives(text) if name == "exercise"]


def _answer_cell(label):
    """An empty answer cell; for an exercise the package can check, one that calls its checker."""
    try:
        from softmaxbook.exercises import EXERCISES
    except ImportError:
        EXERCISES = {}
    if label in EXERCISES:
        return CHECKED_ANSWER.format(label=label, ask=EXERCISES[label].ask)
    return ANSWER


def _is_solution_check(cell, previous):
    tags = cell.get("metadata", {}).get("tags", [])
    return "hide-cell" in tags and previous is not None and previous["cell_type"] == "markdown" \
        and any(name == "solution" for name, _, _ in _directives(_source(previous)))


def _inline(text, resolver):
    return ROLE.sub(resolver.role, text)


def _markdown(text, resolver):
    """(plain Markdown, the solution blocks taken out of it)."""
    out, solutions, stack = [], [], []  # stack of (colons, name, lines collected or None)
    lines = text.splitlines()
    n = 0
    while n < len(lines):
        line = lines[n]
        opened = FENCE_OPEN.match(line)
        if opened:
            colons, name, title = opened.groups()
            n += 1
            options = {}
            while n < len(lines) and OPTION.match(lines[n]):
                key, value = OPTION.match(lines[n]).groups()
                options[key] = value
                n += 1
            target = [] if name == "solution" else None
            stack.append((colons, name, target))
            heading = _heading(name, title, options, resolver)
            if target is not None:
                target.append(f"**Solution to {resolver.titles.get(title.strip(), 'the exercise')}.**\n")
            elif heading:
                out.append(heading)
            continue
        if stack and line.strip() == stack[-1][0]:
            colons, name, target = stack.pop()
            if target is not None:
                solutions.append("\n".join(target))
            elif name == "prf:proof":
                out.append("∎")
            n += 1
            continue
        if LABEL_LINE.match(line):
            n += 1
            continue
        labelled = LABELLED_MATH.match(line)
        if labelled:
            line = f"\\tag*{{{resolver.equation(labelled.group(1))}}}\n$$"
        line = _inline(line, resolver)
        collecting = next((t for _, _, t in reversed(stack) if t is not None), None)
        (collecting if collecting is not None else out).append(line)
        n += 1
    return "\n".join(out), solutions


def _heading(name, title, options, resolver):
    title = _inline(title, resolver).strip()
    if name in ("div",):
        return ""
    if name == "admonition":
        return f"**{title}**\n" if title else ""
    if name == "prf:proof":
        return "*Proof.*"
    if name == "exercise":
        label = options.get("label", "")
        return f"**{resolver.titles.get(label, 'Exercise')}.**\n"
    kind = name.split(":")[-1].capitalize()
    return f"**{kind}{' (' + title + ')' if title else ''}.**\n"


def _plain_code(cell, resolver):
    cell = copy.deepcopy(cell)
    cell.get("metadata", {}).pop("mystnb", None)
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "text/markdown" in data:
            text, _ = _markdown(_source({"source": data["text/markdown"]}), resolver)
            data["text/markdown"] = text
    return cell


def _markdown_cell(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code_cell(text):
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}
