"""Checks of the built site in ``_build/html`` (marker ``site``; ``make test`` runs them after the build).

Static checks read the HTML with BeautifulSoup; the browser checks load each page of the table of
contents in Debian's headless Chromium, driven by playwright-python, with every non-``file:`` request
aborted, and prove that the page needs no network and that MathJax (served from the site) typeset its math.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from sitecheck import shared_browser

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
TOC = ROOT / "book" / "_toc.yml"

# Attributes through which a page loads something (a script, a style, a font, an image, a frame).
LOADING_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
                      "video": "src", "audio": "src", "embed": "src", "object": "data"}
# <link rel=...> values that are navigation, not loading.
NAVIGATION_RELS = {"index", "search", "next", "prev", "canonical", "author", "license", "help"}
EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)
CSS_EXTERNAL_URL = re.compile(r"(url\(\s*['\"]?|@import\s+['\"])(https?:)?//", re.IGNORECASE)
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND"]


def _toc_files():
    toc = yaml.safe_load(TOC.read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part["chapters"]]
    return files


TOC_FILES = _toc_files()
CHAPTERS = [f for f in TOC_FILES if f.startswith("chapters/")]


@pytest.fixture(scope="session")
def site():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site at {HTML}: run `make book` (or `make test`) first")
    return HTML


def _pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


@pytest.fixture(scope="session")
def soups(site):
    return {page: BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser") for page in _pages(site)}


@pytest.mark.parametrize("source", TOC_FILES)
def test_every_toc_entry_produced_a_page(site, source):
    assert (site / f"{source}.html").is_file(), f"{source} is in book/_toc.yml but {source}.html was not built"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_offers_its_notebook_for_download(site, chapter):
    soup = BeautifulSoup((site / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
    targets = [a.get("href", "") for a in soup.find_all("a")]
    wanted = f"_sources/{chapter}.ipynb"
    assert any(t.endswith(wanted) for t in targets), f"{chapter}.html has no download link to {wanted}"
    assert (site / wanted).is_file()


def test_search_page_and_index_exist(site):
    assert (site / "search.html").is_file() and (site / "searchindex.js").is_file()


def test_no_page_shows_a_traceback_or_error_output(soups):
    problems = []
    for page, soup in soups.items():
        for node in soup.select(".output.traceback, .output.error, .output.stderr, .system-message, .problematic"):
            problems.append(f"{page.relative_to(HTML)}: {' '.join(node.get('class', []))}: {node.get_text()[:120]!r}")
        if "Traceback (most recent call last)" in soup.get_text():
            problems.append(f"{page.relative_to(HTML)}: shows a Python traceback")
    assert not problems, "\n".join(problems)


def test_every_internal_link_and_anchor_resolves(soups):
    ids = {page: {tag["id"] for tag in soup.find_all(id=True)} | {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
           for page, soup in soups.items()}
    broken = []
    for page, soup in soups.items():
        for a in soup.find_all("a", href=True):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # external links are allowed as links; they load nothing
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(HTML)}: {href} -> missing file")
            elif parts.fragment and target.suffix == ".html":
                known = ids.get(target)
                if known is None:
                    known = {t["id"] for t in BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").find_all(id=True)}
                if unquote(parts.fragment) not in known:
                    broken.append(f"{page.relative_to(HTML)}: {href} -> no anchor #{parts.fragment}")
    assert not broken, "\n".join(broken)


def test_no_page_loads_anything_from_another_host(soups):
    offenders = []
    for page, soup in soups.items():
        for tag, attribute in LOADING_ATTRIBUTES.items():
            for node in soup.find_all(tag):
                value = node.get(attribute, "")
                if tag == "link" and NAVIGATION_RELS.intersection(node.get("rel", [])):
                    continue
                if EXTERNAL.match(value):
                    offenders.append(f"{page.relative_to(HTML)}: <{tag} {attribute}={value}>")
        for style in soup.find_all("style"):
            if CSS_EXTERNAL_URL.search(style.get_text()):
                offenders.append(f"{page.relative_to(HTML)}: inline <style> loads a remote URL")
    assert not offenders, "\n".join(offenders)


def test_no_stylesheet_loads_fonts_or_styles_from_another_host(site):
    offenders = [str(css.relative_to(HTML)) for css in (site / "_static").rglob("*.css")
                 if CSS_EXTERNAL_URL.search(css.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, f"stylesheets with remote url()/@import: {offenders}"


def test_mathjax_is_served_from_the_site(soups, site):
    sources = {node["src"].split("?")[0] for soup in soups.values() for node in soup.find_all("script", src=True)
               if "mathjax" in node["src"].lower()}
    assert sources, "no page includes MathJax"
    for src in sources:
        assert not EXTERNAL.match(src), src
        assert src.endswith("_static/mathjax/tex-chtml.js"), src
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()


# -- in a real browser --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    # One Chromium for every module (sitecheck.shared_browser): playwright's sync API allows one instance.
    return shared_browser()


# Run in the page once MathJax has finished: what is left untypeset, outside code. A formula that
# ui/lazy has not typeset yet is an <mjx-container> holding only an <mjx-lazy> marker: untypeset.
UNTYPESET = """() => {
  const math = [...document.querySelectorAll('.math')];
  const done = el => el.querySelector('mjx-container') && !el.querySelector('mjx-lazy');
  const raw = math.filter(el => !done(el)).map(el => el.textContent.slice(0, 80));
  const body = document.querySelector('main') || document.body;
  const copy = body.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(el => el.remove());
  const text = copy.textContent;
  const leftovers = ['\\\\(', '\\\\[', '$$', '\\\\begin{', '\\\\frac'].filter(s => text.includes(s));
  const typeset = [...document.querySelectorAll('mjx-container')].filter(c => !c.querySelector('mjx-lazy'));
  return {math: math.length, typeset: typeset.length,
          errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length, raw, leftovers};
}"""


@pytest.mark.parametrize("source", TOC_FILES)
def test_page_renders_offline_in_chromium(site, browser, source):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked, console_errors = [], []

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    try:
        page.goto((site / f"{source}.html").as_uri(), wait_until="load")
        # Sphinx includes MathJax only on pages that have math.
        if page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')"):
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
            page.evaluate("() => MathJax.startup.promise")
            # The site typesets lazily (ui/lazy: the formulas on screen first, the rest on scrolling).
            # Typeset the rest now, as MathJax does before printing, so every formula is checked here.
            page.evaluate("() => MathJax.startup.document.lazyTypesetAll()")
        state = page.evaluate(UNTYPESET)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{source.replace('/', '_')}.png"), full_page=True)
    finally:
        context.close()

    assert not blocked, f"{source}: the page tried to reach the network: {blocked}"
    assert not console_errors, f"{source}: console errors: {console_errors}"
    assert state["errors"] == 0, f"{source}: {state['errors']} MathJax errors (red TeX) on the page"
    assert not state["raw"], f"{source}: math left untypeset: {state['raw'][:5]}"
    assert not state["leftovers"], f"{source}: raw TeX visible in the text: {state['leftovers']}"
    if source in CHAPTERS:
        assert state["math"] > 0 and state["typeset"] >= state["math"], f"{source}: {state}"
