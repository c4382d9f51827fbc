"""Derivations a reader can read: measured in headless Chromium on every chapter (marker ``site``).

At 1280x900 no display-math block may be wider than the text column, and at 1280x900 and at 390x844
every reason of every derivation row must lie fully inside the text column (on a phone it moves under
its line; the line's maths may scroll inside its own box there, the reason never). Reasons are text
with real maths: no raw ``_`` or ``^`` is left in them. One derivation per chapter, the one with the
most rows, is photographed at both widths into ``_build/screenshots/``, and the figures of every
chapter go to ``_build/reports/derivations-layout.json`` for the README.
"""

import json

import pytest
from test_site import CHAPTERS, ROOT, SCREENSHOTS, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.site

HTML = ROOT / "_build" / "html"
REPORT = ROOT / "_build" / "reports" / "derivations-layout.json"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

# Measured in the page after every formula is typeset. A display block overflows when its typeset
# maths is wider than its box and the box reaches the column's edge (it then scrolls or is cut off).
MEASURE = """() => {
  const column = document.querySelector('article.bd-article') || document.querySelector('main');
  const edge = column.getBoundingClientRect();
  const blocks = [...document.querySelectorAll('div.math')];
  const overflowing = blocks.filter(b => {
    const c = b.querySelector('mjx-container');
    const r = b.getBoundingClientRect();
    return (c && c.scrollWidth > c.clientWidth + 1) || r.right > edge.right + 1;
  }).map(b => b.textContent.slice(0, 60));
  const reasons = [...document.querySelectorAll('div.derivation-step > p')];
  const hidden = reasons.filter(p => {
    const r = p.getBoundingClientRect();
    return r.width === 0 || r.left < edge.left - 1 || r.right > edge.right + 1;
  }).map(p => p.textContent.slice(0, 60));
  const raw = reasons.filter(p => {
    const copy = p.cloneNode(true);
    copy.querySelectorAll('mjx-container, .math, a').forEach(el => el.remove());
    return /[_^\\\\]/.test(copy.textContent);
  }).map(p => p.textContent.slice(0, 60));
  const derivations = document.querySelectorAll('div.derivation').length;
  return {column: Math.round(edge.width), blocks: blocks.length, overflowing, reasons: reasons.length,
          hidden, raw, derivations};
}"""

LONGEST = """() => {
  const all = [...document.querySelectorAll('div.derivation')];
  all.forEach((d, n) => d.setAttribute('data-index', n));
  const best = all.reduce((a, b) => (b.querySelectorAll('div.derivation-step').length >
                                     a.querySelectorAll('div.derivation-step').length ? b : a), all[0]);
  return best ? best.getAttribute('data-index') : null;
}"""


def _measure(browser, chapter, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page = context.new_page()
    try:
        page.goto((HTML / f"{chapter}.html").as_uri(), wait_until="load")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.document.lazyTypesetAll()")
        state = page.evaluate(MEASURE)
        index = page.evaluate(LONGEST)
        if index is not None:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            target = page.locator(f"div.derivation[data-index='{index}']")
            target.scroll_into_view_if_needed()
            name = f"derivation-{chapter.split('/')[-1]}-{width}.png"
            target.screenshot(path=str(SCREENSHOTS / name))
    finally:
        context.close()
    return state


@pytest.fixture(scope="module")
def layout(browser):  # noqa: F811  (the fixture imported above)
    results = {}
    for chapter in CHAPTERS:
        results[chapter] = {name: _measure(browser, chapter, *size) for name, size in WIDTHS.items()}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=1))
    return results


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_display_math_is_wider_than_the_column_at_1280(layout, chapter):
    state = layout[chapter]["desktop"]
    assert state["blocks"] > 0
    assert not state["overflowing"], (
        f"{chapter}: {len(state['overflowing'])} of {state['blocks']} display-math blocks are wider than "
        f"the {state['column']} px column at 1280 px: {state['overflowing'][:4]}")


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_reason_is_fully_visible(layout, chapter, width):
    state = layout[chapter][width]
    assert state["derivations"] > 0 and state["reasons"] > 0, f"{chapter}: no derivation found"
    assert not state["hidden"], (
        f"{chapter} at {WIDTHS[width][0]} px: {len(state['hidden'])} of {state['reasons']} reasons are "
        f"not fully inside the {state['column']} px column: {state['hidden'][:4]}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_reasons_show_no_raw_tex(layout, chapter):
    raw = layout[chapter]["desktop"]["raw"]
    assert not raw, f"{chapter}: reasons with raw _, ^ or \\ outside maths: {raw[:4]}"
