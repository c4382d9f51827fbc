"""Sphinx extension for the book's PDF (loaded through ``sphinx: local_extensions`` in ``_config.yml``).

``make pdf`` runs Jupyter Book's ``latex`` builder and then ``latexmk -xelatex`` itself, so that a LaTeX
error stops the build (see the Makefile). Everything here acts only when the builder is ``latex``; the
HTML build is untouched. What it does:

1. **Structure.** The intro page becomes an unnumbered chapter "Introduction" (Sphinx would otherwise
   turn each of its sections into a chapter). The pages of the TOC's numbered part are chapters numbered
   from 1 as on the site; the other parts (notation; API reference, bibliography) are unnumbered.
2. **Print, not screen.** Cells tagged ``hide-cell`` (the exercise checks) are left out and cells
   tagged ``hide-input``/``hide-output`` lose that part, as they are collapsed on the site; a cell
   that draws a figure shows the figure without its plotting code. Derivation lines are set flush
   left, their "=" aligned and their reasons beneath; a step (line and reason) never splits across
   pages. No display runs into the margin: one wider than the column is scaled to it and reported in
   the log (``printbuild: scaled``), which ``make pdf`` prints. Proofs are set as in a book ("Proof."
   in italics, a square at the end), not as a box with an empty title.
3. **Provenance.** The title page states the commit and the date the PDF was built from (the same
   values as the site's footer, from ``sitebuild.provenance``).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import texescape

# XeLaTeX: the book's text has Unicode (σ, –, ≤, ·) that pdflatex would need a declaration for, one
# character at a time; with XeLaTeX, FreeSerif/FreeMono (Debian's fonts-freefont-otf, Sphinx's default)
# cover them. A missing glyph is a log line "Missing character", which tests/pdf treats as a failure.
PREAMBLE = r"""
% -- derivations. Each line is set flush left at a fixed indent, so the "=" of every continuation
% line (written as \phantom{lhs} =) sits under the "=" of the first; its reason follows in small
% type, indented further. A line that does not fit beside the indent loses the indent; one wider than
% the column is scaled down to the column, and the log says so ("printbuild: scaled").
% One step (its line and its reason) never splits across pages.
\newlength{\pbindent}\setlength{\pbindent}{2em}
\newlength{\pbavail}
\newsavebox{\pbfitbox}
\newenvironment{sphinxclassderivation}{\par\smallskip}{\par\smallskip}
\newenvironment{sphinxclassderivation-step}
  {\par\noindent\begin{minipage}{\linewidth}\setlength{\parskip}{1pt}}
  {\end{minipage}\par\smallskip}
\newcommand{\pbline}[1]{%
  \par\sbox{\pbfitbox}{$\displaystyle #1$}%
  \setlength{\pbavail}{\linewidth}\addtolength{\pbavail}{-\pbindent}%
  \noindent
  \ifdim\wd\pbfitbox>\linewidth
    \typeout{printbuild: scaled a derivation line on page \thepage:
      \the\wd\pbfitbox\space to \the\linewidth}%
    \resizebox{\linewidth}{!}{\usebox{\pbfitbox}}%
  \else\ifdim\wd\pbfitbox>\pbavail
    \usebox{\pbfitbox}%
  \else
    \hspace*{\pbindent}\usebox{\pbfitbox}%
  \fi\fi
  \par\small\setlength{\leftskip}{\dimexpr\pbindent+1.5em\relax}}
% -- any other one-line display: centred as usual, scaled to the column only if wider.
\newcommand{\pbfit}[1]{%
  \sbox{\pbfitbox}{$\displaystyle #1$}%
  \ifdim\wd\pbfitbox>\linewidth
    \typeout{printbuild: scaled a display on page \thepage:
      \the\wd\pbfitbox\space to \the\linewidth}%
    \resizebox{\linewidth}{!}{\usebox{\pbfitbox}}%
  \else
    \usebox{\pbfitbox}%
  \fi}
% Sphinx names the table of contents after the first toctree's caption ("Front matter").
\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}
% The bibliography page (book/bibliography) is the chapter: Sphinx's list of references, which it
% places at the very end, follows it without a second "Bibliography" heading or contents entry.
\makeatletter
\renewenvironment{sphinxthebibliography}[1]
  {\let\chapter\@gobbletwo\begin{thebibliography}{#1}}
  {\end{thebibliography}}
\makeatother
% -- numbering: front and back matter unnumbered, the chapters numbered from 1 as on the site
\newcommand{\pbunnumbered}{\setcounter{secnumdepth}{-1}}
\newcommand{\pbnumbered}{\setcounter{secnumdepth}{\pbsecnumdepth}\setcounter{chapter}{0}}
\AtBeginDocument{\edef\pbsecnumdepth{\arabic{secnumdepth}}}
"""



def _provenance(root: Path) -> dict[str, str]:
    try:
        from sitebuild import provenance  # book/_ext, on the path through local_extensions
    except ImportError:  # pragma: no cover - the book always loads sitebuild
        return {"book_commit": "unknown", "book_commit_dirty": False, "book_build_date": "unknown"}
    return provenance(root)


def _config_inited(app, config):
    info = _provenance(Path(app.confdir))
    commit = rf"\texttt{{{info['book_commit']}}}"
    if info["book_commit_dirty"]:
        commit += " with uncommitted changes"
    elements = dict(config.latex_elements or {})
    elements.setdefault("papersize", "a4paper")
    elements.setdefault("pointsize", "11pt")
    # Read on screen or printed at home: no blank pages to start chapters on the right.
    elements.setdefault("extraclassoptions", "openany,oneside")
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE
    # The title page: title, authors, and where this PDF came from.
    # (Sphinx sets \date from the `today` setting, so the title page's date is given here instead.)
    elements["maketitle"] = (rf"\date{{Built on {info['book_build_date']} from commit {commit}}}"
                             r"\sphinxmaketitle")
    # One index-free book: no empty "Index" chapter at the end.
    elements["printindex"] = ""
    elements["makeindex"] = ""
    config.latex_elements = elements
    config.latex_domain_indices = False


def _is_latex(app) -> bool:
    return getattr(app.builder, "format", "") == "latex"


class PrintCells(SphinxPostTransform):
    """Leave out what the site collapses (hide-cell, hide-input, hide-output) and plotting code."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs):
        for cell in list(self.document.findall(nodes.container)):
            classes = cell.get("classes", [])
            if "cell" not in classes:
                continue
            if "tag_hide-cell" in classes:
                cell.parent.remove(cell)
                continue
            for tag, part in (("tag_hide-input", "cell_input"), ("tag_hide-output", "cell_output")):
                if tag in classes:
                    for child in [c for c in cell.children if part in c.get("classes", [])]:
                        cell.remove(child)
            # A figure's plotting code (axes, colours, labels) is infrastructure on paper: the figure and
            # its caption stay, the code is in the chapter's notebook.
            if any(True for _ in cell.findall(nodes.figure)):
                for child in [c for c in cell.children if "cell_input" in c.get("classes", [])]:
                    cell.remove(child)


class PrintDerivations(SphinxPostTransform):
    """Display maths that cannot run into the margin.

    A derivation's line goes through \\pbline (flush left; scaled to the column if wider). Any other
    one-line display (a result, an API docstring's formula) goes through \\pbfit inside the equation
    Sphinx would write, with its label and number, and is scaled to the column only if wider.
    Multi-line displays (aligned, several equations) are left to Sphinx.
    """

    default_priority = 410
    formats = ("latex",)

    def run(self, **kwargs):
        for block in list(self.document.findall(nodes.math_block)):
            tex = block.astext().strip()
            if block.get("nowrap"):
                continue
            if _inside_class(block, "derivation-step") and not block.get("label"):
                latex = "\\pbline{%s}\n" % tex  # one SymPy line (a matrix in it is fine in a box)
            elif _multiline(tex):
                continue
            elif block.get("label"):
                label = "equation:%s:%s" % (block["docname"], block["label"])
                latex = "\\begin{equation}\\label{%s}\\pbfit{%s}\\end{equation}\n" % (label, tex)
            else:
                latex = "\\begin{equation*}\\pbfit{%s}\\end{equation*}\n" % tex
            block.replace_self(nodes.raw("", latex, format="latex"))


MATRICES = re.compile(r"\\begin\{(\w*matrix|array|cases)\}.*?\\end\{\1\}", re.DOTALL)


def _multiline(tex: str) -> bool:
    """Several lines or equations (\\\\ or & outside a matrix, or a blank line): Sphinx's split/align."""
    flat = MATRICES.sub("", tex)
    return "\\\\" in flat or "&" in flat or "\n\n" in tex


def _inside_class(node, cls) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and cls in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


class PrintExerciseReferences(SphinxPostTransform):
    """A {numref} to an exercise links to the label sphinx-exercise writes (``exercise:<label>``).

    Sphinx's LaTeX writer would emit ``\\ref{<docname>:<label>}``, a label that sphinx-exercise never
    defines: an undefined reference in the PDF. The text Sphinx resolved ("Exercise 5.3") is kept.
    """

    default_priority = 900
    formats = ("latex",)

    def run(self, **kwargs):
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for ref in list(self.document.findall(addnodes.number_reference)):
            target = ref.get("refid") or ref.get("refuri", "").partition("#")[2]
            if target not in registry:
                continue
            text = texescape.escape(ref.astext())
            ref.replace_self(nodes.raw("", "\\hyperref[exercise:%s]{%s}" % (target, text), format="latex"))


class PrintProofs(SphinxPostTransform):
    """A {prf:proof} is set as a book sets one: "Proof." in italics, the text, a square at the end.

    sphinx-proof writes it as an admonition without a title, which Sphinx's LaTeX turns into an
    empty title bar above the text.
    """

    default_priority = 900
    formats = ("latex",)

    def run(self, **kwargs):
        for box in list(self.document.findall(nodes.admonition)):
            if "proof" not in box.get("classes", []) or any(isinstance(c, nodes.title) for c in box.children):
                continue
            paragraphs = [c for c in box.children if isinstance(c, nodes.paragraph)]
            if paragraphs and isinstance(paragraphs[0].children[0], nodes.Text):
                first = paragraphs[0].children[0]
                head, dot, rest = first.astext().partition(". ")
                if dot and head == "Proof":
                    paragraphs[0].replace(first, nodes.Text(rest))
                    paragraphs[0].insert(0, nodes.emphasis("", "Proof."))
                    paragraphs[0].insert(1, nodes.Text(" "))
            if paragraphs and paragraphs[-1] is box.children[-1]:
                paragraphs[-1] += nodes.raw("", "\\nobreak\\hfill\\ensuremath{\\square}", format="latex")
            box.replace_self(box.children)


class PrintStructure(SphinxPostTransform):
    """The intro as an unnumbered chapter; front and back matter unnumbered; the chapters numbered from 1."""

    default_priority = 900
    formats = ("latex",)

    def run(self, **kwargs):
        # Only the assembled book (the root page with every chapter inlined) has start_of_file nodes.
        if not any(True for _ in self.document.findall(addnodes.start_of_file)):
            return
        top = next(iter(self.document.findall(nodes.section)), None)
        if top is None:
            return
        # The root's own title is the book's title (Sphinx skips it); its content becomes a chapter.
        # It keeps the root's ids, so that {ref}`intro` lands on it (Sphinx writes no label for the
        # title it skips).
        intro = nodes.section(ids=list(top["ids"]), names=["pdf-introduction"])
        intro += nodes.title("", "Introduction")
        for child in list(top.children)[1:]:
            if isinstance(child, nodes.compound) and "toctree-wrapper" in child.get("classes", []):
                continue
            top.remove(child)
            intro += child
        top.insert(1, intro)
        top.insert(1, nodes.raw("", "\\pbunnumbered\n", format="latex"))
        numbered = _numbered_pages(self.config)
        previous = False
        for start in self.document.findall(addnodes.start_of_file):
            now = start.get("docname") in numbered
            if now != previous:
                command = "\\pbnumbered\n" if now else "\\pbunnumbered\n"
                start.insert(0, nodes.raw("", command, format="latex"))
            previous = now


def _numbered_pages(config) -> set[str]:
    """The pages of the TOC's numbered parts (the chapters); the other parts are front and back matter."""
    site_map = getattr(config, "external_site_map", None)
    if site_map is None:
        return set()
    return {item for tree in site_map.root.subtrees if tree.numbered for item in tree.items
            if isinstance(item, str)}


def setup(app):
    # After Jupyter Book's own config-inited handlers, so these latex settings win.
    app.connect("config-inited", _config_inited, priority=900)
    app.add_post_transform(PrintCells)
    app.add_post_transform(PrintDerivations)
    app.add_post_transform(PrintExerciseReferences)
    app.add_post_transform(PrintProofs)
    app.add_post_transform(PrintStructure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
