"""Page weight: what a chapter page loads (at most 2.5 MB), and the whole site (at most 12 MB of pages and
assets; the downloadable notebooks, PDF and wheel are reported beside it).

A page's weight is the size on disk (uncompressed) of every file the browser requested while loading
it and typesetting all of its formulas (so every MathJax font it needs is counted).
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitecheck import CHAPTERS, HTML, save_figures, typeset_everything

pytestmark = pytest.mark.site

MB = 1_000_000
PAGE_BUDGET = 2.5 * MB
SITE_BUDGET = 12 * MB
_figures = {}


def _loaded(site, open_page, source):
    o = open_page(1280, 900)
    files = set()
    o.page.on("request", lambda r: files.add(Path(unquote(urlsplit(r.url).path))) if r.url.startswith("file:") else None)
    o.page.goto((site / f"{source}.html").as_uri())
    typeset_everything(o.page)
    o.page.wait_for_load_state("networkidle")
    return {f for f in files if f.is_file()}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_loads_at_most_2_5_mb(site, open_page, chapter):
    files = _loaded(site, open_page, chapter)
    sizes = {str(f.relative_to(site)): f.stat().st_size for f in files}
    total = sum(sizes.values())
    _figures[chapter] = {"files": len(sizes), "bytes": total,
                         "largest": sorted(sizes.items(), key=lambda kv: -kv[1])[:5]}
    save_figures("page-weight", _figures)
    assert total <= PAGE_BUDGET, f"{chapter} loads {total / MB:.2f} MB in {len(sizes)} files; largest: {_figures[chapter]['largest']}"


# Files offered for download (the notebooks, the PDF, the wheel) are not part of any page: counted and
# reported, but the 12 MB budget is for the pages and the assets they load.
DOWNLOADS = (".ipynb", ".pdf", ".whl")


def test_whole_site_is_at_most_12_mb(site):
    files = [f for f in site.rglob("*") if f.is_file()]
    downloads = sum(f.stat().st_size for f in files if f.suffix in DOWNLOADS)
    total = sum(f.stat().st_size for f in files)
    biggest = sorted(((f.stat().st_size, str(f.relative_to(site))) for f in files if f.suffix not in DOWNLOADS),
                     reverse=True)[:8]
    _figures["_build/html"] = {"bytes": total - downloads, "downloads_bytes": downloads, "with_downloads_bytes": total,
                               "largest": biggest}
    save_figures("page-weight", _figures)
    assert total - downloads <= SITE_BUDGET, (
        f"_build/html holds {(total - downloads) / MB:.2f} MB of pages and assets (plus {downloads / MB:.2f} MB of "
        f"downloads); largest files: {biggest}")


def test_no_asset_that_no_page_loads(site):
    # The 1.45 MB fontawesome.js (the theme's stylesheet has the same icons as a web font), source maps
    # and MathJax's unused bundles are removed by book/_ext/sitebuild.py after the build.
    unused = [str(p.relative_to(site)) for pattern in ("_static/scripts/fontawesome.js", "_static/**/*.map",
                                                       "_static/mathjax/tex-svg*.js", "_static/mathjax/mml-*.js",
                                                       "_static/mathjax/tex-mml-*.js", "_static/mathjax/tex-chtml-full*.js")
              for p in site.glob(pattern)]
    assert not unused, unused


def test_no_page_uses_a_pruned_brand_icon(site):
    # sitebuild.py removes Font Awesome's brand font, which no page uses; a page that starts to needs it back.
    users = [str(p.relative_to(site)) for p in site.rglob("*.html") if "fa-brands" in p.read_text(encoding="utf-8")
             or 'class="fab ' in p.read_text(encoding="utf-8")]
    assert not users, f"pages showing a brand icon, whose font is pruned: {users}"
