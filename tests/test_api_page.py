"""The API page of the built site: every equation a docstring cites is a working link (marker ``site``).

``book/api.md`` renders the package's docstrings with Sphinx autodoc; each ``:eq:`eq-...``` in a
docstring must become a link, inside that function's entry, to the equation's anchor in its
chapter, and that anchor must exist there.
"""

import importlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "_build" / "html" / "book" / "api.html"
CITATION = re.compile(r":eq:`(eq-[a-z0-9-]+)`")


@pytest.fixture(scope="module")
def page():
    assert PAGE.exists(), f"{PAGE} was not built"
    return BeautifulSoup(PAGE.read_text(), "html.parser")


def documented(page):
    """``(qualified name, entry)`` for every function and class entry on the page."""
    for entry in page.select("dl.py.function, dl.py.class"):
        signature = entry.find("dt")
        if signature is not None and signature.get("id"):
            yield signature["id"], entry


def resolve(name):
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def test_api_page_documents_every_public_function(page):
    import softmaxbook

    names = {name for name, _ in documented(page)}
    public = {f"softmaxbook.{name}" for name in softmaxbook.__all__ if callable(getattr(softmaxbook, name))}
    missing = public - names - {"softmaxbook.Derivation", "softmaxbook.DerivationError"}
    assert not missing, f"not on the API page: {sorted(missing)}"


def test_api_page_every_cited_equation_is_a_link_to_its_anchor(page):
    checked = 0
    for name, entry in documented(page):
        labels = CITATION.findall(resolve(name).__doc__ or "")
        hrefs = [a["href"] for a in entry.find_all("a", href=True)]
        for label in labels:
            links = [h for h in hrefs if h.endswith(f"#equation-{label}")]
            assert links, f"{name}: {label} is not a link"
            target = urlsplit(links[0])
            html = (PAGE.parent / target.path).resolve().read_text()
            assert f'id="equation-{label}"' in html, f"{name}: {links[0]} has no such anchor"
            checked += 1
    assert checked >= 25


def test_api_page_shows_no_raw_roles(page):
    text = page.get_text()
    assert not re.search(r":eq:`|\{eq\}`|:ref:`|\{ref\}`|:func:`", text)
