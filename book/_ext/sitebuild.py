"""Sphinx extension for the book's site (loaded through ``sphinx: local_extensions`` in ``_config.yml``).

Three jobs, each small enough to read in one sitting:

1. **Provenance.** Every page's footer states the commit the site was built from, the build date
   and which checks passed before the build. ``make test`` builds the site (stage 3) only after the
   library tests and nbval have passed, and passes their JUnit reports through the environment variable
   ``BOOK_CHECK_REPORTS``; the footer counts what passed in those reports. A build without that
   variable (``make book``) says "built without tests". The values go into ``html_context``, whose
   change makes Sphinx rewrite every page, so no page keeps an older footer.
2. **Author–year citations.** A pybtex label style that labels the bibliography entries
   "Bishop, 2006", the same text that ``bibtex_reference_style: author_year`` puts in the chapters,
   and a formatting style ``authoryear`` (pybtex's ``unsrt`` with that label, sorted by author and
   year). Each bibliography entry also lists the pages that cite it (sphinxcontrib-bibtex links back
   only within one page).
3. **Only the MathJax the site uses.** sphinx-mathjax-offline would copy all of MathJax 3 (24 MB of
   bundles no page loads). We copy from that package only what the pages load: the ``tex-chtml``
   bundle, its fonts, ``ui/lazy`` (first-screen typesetting)
   and what its menu loads on demand (the accessibility explorer, speech rules for English and
   Nemeth braille). Source maps, unused translations and TrueType copies of the icon font that the
   theme copies are removed after the build: no page loads them.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import os
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitleSorting

# -- 1. provenance ------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _passed(report: Path) -> tuple[int, int] | None:
    """(passed, skipped) of a JUnit report with no failure or error, else None."""
    if not report.is_file():
        return None
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    total = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
    if total["failures"] or total["errors"] or not total["tests"]:
        return None
    return total["tests"] - total["skipped"], total["skipped"]


def checks_line(reports: str | None) -> str:
    """What the footer says about tests, from the reports of the `make test` run building this site."""
    if not reports:
        return "Built without tests (make book)."
    library = _passed(Path(reports) / "library.xml")
    notebooks = _passed(Path(reports) / "notebooks.xml")
    if library is None or notebooks is None:
        return "Built without tests: the reports of this make test run are missing or show failures."
    parts = [f"{library[0]} library tests", f"{notebooks[0]} notebook cells re-executed and compared (nbval)"]
    skipped = library[1] + notebooks[1]
    line = "Checks passed before this build, in the same make test run: " + " and ".join(parts)
    return line + (f" ({skipped} skipped)." if skipped else ".")


def provenance(root: Path) -> dict[str, str]:
    commit = _git(root, "rev-parse", "--short=10", "HEAD") or "unknown"
    # Tracked files changed since that commit: the site is not exactly that commit.
    dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
    return {
        "book_commit": commit,
        "book_commit_dirty": dirty,
        "book_build_date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d"),
        "book_checks": checks_line(os.environ.get("BOOK_CHECK_REPORTS")),
    }


def _config_inited(app, config):
    config.html_context = {**config.html_context, **provenance(Path(app.confdir))}


# -- 2. author-year citations -------------------------------------------------------------------


def _plain(text: str) -> str:
    """LaTeX in a bib field (M{\\"a}chler) as plain text (Mächler)."""
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec; pybtex depends on it)

    text = codecs.decode(text, "ulatex")
    return text.replace("{", "").replace("}", "")


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels "Bishop, 2006", "Nocedal and Wright, 2006", "Goodfellow et al., 2016", with a, b, ... on clashes."""

    def format_labels(self, sorted_entries):
        labels = [self.format_label(entry) for entry in sorted_entries]
        counts = {label: labels.count(label) for label in labels}
        seen: dict[str, int] = {}
        for label in labels:
            if counts[label] > 1:
                seen[label] = seen.get(label, 0) + 1
                label = label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            yield label

    @staticmethod
    def format_label(entry):
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_plain(" ".join(p.prelast_names + p.last_names)) for p in persons]
        if len(names) >= 3 or (names and names[-1] == "others"):
            who = f"{names[0]} et al."
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        elif names:
            who = names[0]
        else:
            who = _plain(entry.fields.get("title", entry.key))[:20]
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearSortingStyle(AuthorYearTitleSorting):
    """pybtex's author-year-title order, with accents folded (Mächler sorts as Machler, before Meurer)."""

    def sorting_key(self, entry):
        return tuple(_fold(part) for part in super().sorting_key(entry))


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", _plain(text)) if not unicodedata.combining(c)).lower()


class AuthorYearStyle(UnsrtStyle):
    default_label_style = "authoryear"
    default_sorting_style = "authoryear"


register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
register_plugin("pybtex.style.sorting", "authoryear", AuthorYearSortingStyle)
register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def _cited_on(app, doctree, docname):
    """Under each bibliography entry, links to the pages that cite it."""
    domain = app.env.get_domain("cite")
    citing: dict[str, list[str]] = {}
    for ref in getattr(domain, "citation_refs", []):
        for target in ref.targets:
            if ref.docname not in citing.setdefault(target.key, []):
                citing[target.key].append(ref.docname)
    if not citing:
        return
    keys_by_id = {c.citation_id: c.key for c in getattr(domain, "citations", [])}
    for citation in doctree.findall(nodes.citation):
        key = next((keys_by_id[i] for i in citation["ids"] if i in keys_by_id), None)
        if key is None or key not in citing:
            continue
        para = nodes.paragraph(classes=["cited-on"])
        para += nodes.Text("Cited in: ")
        for n, target in enumerate(sorted(citing[key])):
            if n:
                para += nodes.Text(", ")
            ref = nodes.reference("", "", internal=True, refuri=app.builder.get_relative_uri(docname, target))
            ref += nodes.Text(_title(app, target))
            para += ref
        para += nodes.Text(".")
        citation += para


def _title(app, docname):
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


# -- 3. only the MathJax the pages use ----------------------------------------------------------

MATHJAX_FILES = [
    "tex-chtml.js",  # TeX input, CommonHTML output, menu and assistive MathML in one bundle
    "output/chtml/fonts/woff-v2",  # its fonts (the browser fetches only the ones a page uses)
    # No TeX extension file: every macro the book uses is in the bundle (measured: no page requests
    # input/tex/extensions/*). A chapter that uses an autoloaded one (\cancel, \color, ...) makes the
    # offline render check fail with MathJax's load error; add "input/tex/extensions/<name>.js" here then.
    "ui/lazy.js",  # typeset only what is (nearly) on screen
    "a11y",  # explorer, speech and complexity, loaded when chosen in MathJax's menu
    "input/mml.js",  # which those need to read back the enriched MathML
    "input/mml/entities.js",
    "sre/mathmaps/base.json",  # speech rules for those: base, English, Nemeth braille
    "sre/mathmaps/en.json",
    "sre/mathmaps/nemeth.json",
]

# Font Awesome's brand icons: no page shows one (checked in tests/site/test_weight.py).
PRUNE_GLOBS = ["**/*.map", "locales", "vendor/fontawesome/webfonts/*.ttf", "vendor/fontawesome/webfonts/fa-brands-*",
               "scripts/fontawesome.js*"]


def _mathjax_source() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("sphinx-mathjax-offline is not installed: it provides the MathJax files the site serves")
    return Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"


# Two fixes to the HTML that extensions write, where no template reaches (WCAG; axe-core checks them):
HTML_FIXES = [
    # myst-nb's hide-cell toggle is labelled "Toggle hidden content" while it shows "Show code cell
    # content": a name that leaves out the visible text (label in name, WCAG 2.5.3).
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    # The bibliography is a role="list" whose entries have the deprecated role doc-biblioentry, so
    # the list has no list items (ARIA required children).
    ('role="doc-biblioentry"', 'role="listitem"'),
]


def _fix_html(outdir: Path):
    for page in outdir.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        fixed = text
        for old, new in HTML_FIXES:
            fixed = fixed.replace(old, new)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _build_finished(app, exc):
    if exc is not None or app.builder.format != "html":
        return
    _fix_html(Path(app.outdir))
    static = Path(app.outdir) / "_static"
    source, target = _mathjax_source(), static / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    for name in MATHJAX_FILES:
        src, dst = source / name, target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    for pattern in PRUNE_GLOBS:
        for path in static.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def _drop_unused_design_assets(app, pagename, templatename, context, doctree):
    """sphinx-design's stylesheet and tab script (62 kB) only on pages that use one of its components.

    The book uses only its plain {div} directive, which needs neither; a page whose body has an
    ``sd-`` class keeps both."""
    if "sd-" in context.get("body", ""):
        return

    def name(asset):
        return str(getattr(asset, "filename", asset) or "")

    context["css_files"] = [c for c in context.get("css_files", []) if not name(c).startswith("_static/sphinx-design")]
    context["script_files"] = [s for s in context.get("script_files", []) if not name(s).endswith("design-tabs.js")]


def setup(app):
    app.connect("html-page-context", _drop_unused_design_assets)
    app.connect("config-inited", _config_inited)
    app.connect("doctree-resolved", lambda app, doctree, docname: _cited_on(app, doctree, docname)
                if any(True for _ in doctree.findall(nodes.citation)) else None)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
