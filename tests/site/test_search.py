"""Search: over http (`make serve`) each result shows an excerpt; over file:// the page lists the
results and says plainly that excerpts need `make serve` (the browser refuses the fetches)."""

from urllib.parse import urlsplit

import pytest

from sitecheck import SCREENSHOTS

pytestmark = pytest.mark.site

RESULTS = """() => [...document.querySelectorAll('#search-results li')].map(li => ({
  href: (li.querySelector('a') || {}).href || '', excerpt: ((li.querySelector('.context') || {}).textContent || '').trim()}))"""


def _search(page, url):
    page.goto(url + "?q=Jacobian")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0", timeout=30_000)
    return page


def test_search_over_http_shows_the_jacobian_chapter_with_an_excerpt(http_site, open_page):
    o = open_page(1280, 900, allow=(http_site,))
    page = _search(o.page, f"{http_site}/search.html")
    page.wait_for_function("""() => [...document.querySelectorAll('#search-results li')].some(li =>
        li.querySelector('a') && li.querySelector('a').href.includes('03_softmax_jacobian') && li.querySelector('.context'))""",
                           timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "search-http-jacobian.png"))
    results = page.evaluate(RESULTS)
    jacobian = [r for r in results if urlsplit(r["href"]).path.endswith("chapters/03_softmax_jacobian.html")]
    assert jacobian, f"no result for the Jacobian chapter: {[r['href'] for r in results]}"
    # An excerpt of the text (not only the title): the match with words around it.
    assert "jacobian" in jacobian[0]["excerpt"].lower() and len(jacobian[0]["excerpt"]) > 80, jacobian[0]
    assert not o.blocked and not o.errors, (o.blocked, o.errors)


def test_search_over_file_lists_results_and_points_to_make_serve(site, open_page):
    o = open_page(1280, 900)
    page = _search(o.page, (site / "search.html").as_uri())
    page.wait_for_timeout(500)
    results = page.evaluate(RESULTS)
    assert any("03_softmax_jacobian" in r["href"] for r in results), results
    note = page.evaluate("() => (document.querySelector('.search-offline-note') || {}).textContent || ''")
    assert "make serve" in note, "the file:// search page does not say how to get excerpts"
    assert not o.errors, f"console errors over file://: {o.errors}"
