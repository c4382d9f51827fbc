"""Every boxed result of the book is tied to the code: its label is cited by a docstring or a test.

A boxed result is an equation labelled ``$$ ... $$ (eq-...)`` in a chapter's markdown. It counts
as cited when a docstring in ``softmaxbook`` names it with the ``:eq:`` role (which the API page
turns into a link to the equation) or a test's name contains it (``eq-jacobian-matrix`` ->
``test_jacobian_matrix_...``). A citation of a label that no chapter defines fails too.
"""

import ast
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest

import softmaxbook

ROOT = Path(__file__).resolve().parent.parent
LABEL = re.compile(r"\$\$\s*\((eq-[a-z0-9-]+)\)")
CITATION = re.compile(r"(?::eq:|:math:numref:|\{eq\}|\{numref\})`(eq-[a-z0-9-]+)`")
# Rendered by the API page through autodoc: MyST roles would show as raw text there.
MYST_ROLE = re.compile(r"\{(?:eq|ref|numref|doc)\}`")
# The lead's derivation machinery documents itself elsewhere and is not on the API page.
NOT_ON_API_PAGE = {"softmaxbook.derivation", "softmaxbook._equality", "softmaxbook._written", "softmaxbook.audit"}


def chapter_labels():
    labels = {}
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                for label in LABEL.findall("".join(cell["source"])):
                    labels[label] = notebook.name
    return labels


def package_docstrings():
    """``{qualified name: docstring}`` for every module, class, function and method of the package."""
    docs = {}
    for info in pkgutil.iter_modules(softmaxbook.__path__, "softmaxbook."):
        module = importlib.import_module(info.name)
        docs[info.name] = module.__doc__ or ""
        for name, obj in vars(module).items():
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == info.name:
                docs[f"{info.name}.{name}"] = obj.__doc__ or ""
                for attr, member in vars(obj).items() if inspect.isclass(obj) else ():
                    if inspect.isfunction(member):
                        docs[f"{info.name}.{name}.{attr}"] = member.__doc__ or ""
    return docs


def all_test_names():
    names = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text())
        names += [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    return names


def test_labels_every_boxed_equation_is_cited_by_a_docstring_or_a_test():
    labels = chapter_labels()
    assert len(labels) >= 20, "the chapters' boxed equations were not found"
    cited = {label for doc in package_docstrings().values() for label in CITATION.findall(doc)}
    names = all_test_names()
    orphans = [
        f"{label} ({notebook})"
        for label, notebook in labels.items()
        if label not in cited and not any(label.removeprefix("eq-").replace("-", "_") in name for name in names)
    ]
    assert not orphans, "boxed equations cited by no docstring and no test name: " + ", ".join(orphans)


def test_labels_every_citation_exists():
    labels = chapter_labels()
    wrong = [
        f"{where} cites {label}"
        for where, doc in package_docstrings().items()
        for label in CITATION.findall(doc)
        if label not in labels
    ]
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        wrong += [f"{path.name} cites {label}" for label in CITATION.findall(path.read_text()) if label not in labels]
    assert not wrong, "; ".join(wrong)


@pytest.mark.parametrize("name", sorted(n for n in package_docstrings() if n.rsplit(".", 1)[0] not in NOT_ON_API_PAGE and n not in NOT_ON_API_PAGE))
def test_labels_docstrings_use_sphinx_roles(name):
    """Docstrings are reStructuredText on the API page: ``:eq:`` and ``:ref:``, not MyST's ``{eq}``."""
    assert not MYST_ROLE.search(package_docstrings()[name])
