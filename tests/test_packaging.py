"""The package as readers install it: one version everywhere, and every import of the chapters declared.

A reader who downloads a chapter installs the wheel the introduction offers. So the version in
``code/pyproject.toml`` must be the one installed here, the one in the wheel's name on the
introduction page, and every third-party module a chapter imports must come with the package or its
``[book]`` extra.
"""

import ast
import importlib.metadata
import json
import re
import sys
import tomllib
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "code" / "pyproject.toml").read_text())["project"]
# Module name -> distribution name, where they differ.
DISTRIBUTION = {"sklearn": "scikit-learn", "softmaxbook": "softmaxbook"}
# Modules every Jupyter kernel brings with it.
JUPYTER = {"IPython", "ipykernel", "matplotlib_inline"}


def _requirement_names(requirements):
    return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def _chapter_imports():
    found = set()
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            with warnings.catch_warnings():  # an invalid escape in a string is not this test's concern
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found


def test_installed_version_is_the_version_in_pyproject():
    assert importlib.metadata.version("softmaxbook") == PROJECT["version"]


def test_introduction_offers_the_wheel_of_this_version():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    named = set(re.findall(r"softmaxbook-([\w.]+)-py3-none-any\.whl", intro))
    assert named == {PROJECT["version"]}, f"the introduction names wheels {named}, pyproject says {PROJECT['version']}"


def test_every_chapter_that_names_a_wheel_names_this_version():
    # A chapter's first cell tells a reader which wheel to install; it must be the one the site offers.
    wrong = {}
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        text = "".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])
        named = set(re.findall(r"softmaxbook-([\w.]+)-py3-none-any\.whl", text))
        if named - {PROJECT["version"]}:
            wrong[notebook.name] = sorted(named)
    assert not wrong, f"chapters naming wheels other than {PROJECT['version']}: {wrong}"


def test_every_module_the_chapters_import_is_declared_by_the_package():
    declared = _requirement_names(PROJECT["dependencies"]) | _requirement_names(
        PROJECT["optional-dependencies"]["book"]) | {"softmaxbook"}
    third_party = {m for m in _chapter_imports() if m not in sys.stdlib_module_names and m not in JUPYTER}
    missing = {m for m in third_party if DISTRIBUTION.get(m, m).lower() not in declared}
    assert not missing, f"chapters import {sorted(missing)}, which softmaxbook[book] does not install"


def test_make_lab_renders_myst_through_jupyterlab_myst():
    # `make lab` opens the source chapters, whose MyST (directives, roles, labels) plain JupyterLab
    # shows as raw text; the jupyterlab-myst extension installed from requirements.txt renders it.
    importlib.metadata.version("jupyterlab_myst")
    extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-myst" / "package.json"
    assert extension.is_file(), f"jupyterlab-myst is not installed as a JupyterLab extension in {sys.prefix}"
