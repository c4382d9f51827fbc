"""Math on the first screen, fast, and formulas that are not keyboard tab stops.

MathJax runs with ui/lazy (`_config.yml`): it typesets the formulas on (and 200 px around) the screen
first and the rest as the reader scrolls. Typesetting all 150-350 formulas of a chapter before showing
any took 4-7.5 s on the 2-core machine.

The time measured is from the start of navigation (performance.timeOrigin) to the moment every
formula that intersects the first 1280x900 screen is typeset (its <mjx-container> holds no
<mjx-lazy> marker). Each chapter is loaded twice in fresh contexts and the faster load counts:
the machine is shared by several processes, and the slower load mostly measures them. Bounds: the
median chapter within 2 s (the target), every chapter within 4 s (twice the target, room for a busy
machine before the check fails). The figures are written to _build/reports/math-speed.json.

The bounds hold for a machine with at most one runnable process per core, as in CI. When the load
average is higher (developers' machines run several builds at once: 15 on 2 cores was seen), the
bounds are multiplied by load / cores, and the report and any failure say so.
"""

import os
import statistics

import pytest

from sitecheck import CHAPTERS, Opened, save_figures, typeset_everything

pytestmark = pytest.mark.site

MEDIAN_BOUND_MS, MAX_BOUND_MS = 2000, 4000

FIRST_SCREEN_DONE = """() => {
  if (!(window.MathJax && MathJax.startup && MathJax.startup.document && MathJax.startup.document.lazyList)) return false;
  const math = [...document.querySelectorAll('.math')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  });
  if (!math.every(el => el.querySelector('mjx-container') && !el.querySelector('mjx-lazy'))) return false;
  return {ms: performance.now(), onScreen: math.length};
}"""


@pytest.fixture(scope="module")
def timings(site, browser):
    results = {}
    for chapter in CHAPTERS:
        loads = []
        for _ in range(2):
            o = Opened(browser, 1280, 900)
            try:
                o.page.goto((site / f"{chapter}.html").as_uri(), wait_until="commit")
                state = o.page.wait_for_function(FIRST_SCREEN_DONE, timeout=30_000, polling=20).json_value()
                lazy_left = o.page.evaluate("() => document.querySelectorAll('mjx-lazy').length")
            finally:
                o.close()
            loads.append({"ms": round(state["ms"]), "on_screen": state["onScreen"], "left_for_later": lazy_left})
        results[chapter] = {"loads_ms": [l["ms"] for l in loads], "ms": min(l["ms"] for l in loads),
                            "formulas_on_first_screen": loads[0]["on_screen"],
                            "formulas_left_for_later": loads[0]["left_for_later"]}
    load = os.getloadavg()[0]
    factor = max(1.0, load / (os.cpu_count() or 1))
    results["_machine"] = {"load_average_1min": round(load, 2), "cores": os.cpu_count(), "bound_factor": round(factor, 2)}
    save_figures("math-speed", results)
    return results


def _bound(timings, ms):
    return ms * timings["_machine"]["bound_factor"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_first_screen_math_is_typeset_within_4_s(timings, chapter):
    t = timings[chapter]
    # (A chapter whose first screen is all words is timed too: until MathJax has started and found that.)
    # Lazy typesetting is on: formulas further down are still waiting for the reader.
    assert t["formulas_left_for_later"] > 0, f"{chapter}: everything was typeset up front (is ui/lazy loaded?)"
    assert t["ms"] <= _bound(timings, MAX_BOUND_MS), \
        f"{chapter}: first screen typeset after {t['loads_ms']} ms ({timings['_machine']})"


def test_median_chapter_first_screen_is_typeset_within_2_s(timings):
    chapters = {c: t for c, t in timings.items() if c in CHAPTERS}
    median = statistics.median(t["ms"] for t in chapters.values())
    assert median <= _bound(timings, MEDIAN_BOUND_MS), \
        f"median {median} ms: {({c: t['loads_ms'] for c, t in chapters.items()})} ({timings['_machine']})"


# Tab stops inside formulas: MathJax's inTabOrder is off, so none. The only focusable formulas are
# displayed ones wider than their column, which book/_static/math-scroll.js marks as scroll regions
# (data-scroll-region) so the keyboard can scroll them (WCAG 2.1.1); they are counted and reported apart.
TAB_STOPS = """() => {
  const focusable = [...document.querySelectorAll('mjx-container, mjx-container *')].filter(e => e.tabIndex >= 0);
  return {formulas: focusable.filter(e => !e.hasAttribute('data-scroll-region')).length,
          scroll_regions: focusable.filter(e => e.hasAttribute('data-scroll-region')).length,
          total_formulas: document.querySelectorAll('mjx-container').length};
}"""
_tab_figures = {}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_formulas_are_not_tab_stops(site, open_page, chapter):
    o = open_page(1280, 900)
    o.page.goto((site / f"{chapter}.html").as_uri())
    typeset_everything(o.page)
    counts = o.page.evaluate(TAB_STOPS)
    menu = o.page.evaluate("() => !!(MathJax.startup.document.menu && MathJax.startup.document.menu.menu)")
    _tab_figures[chapter] = counts
    save_figures("math-tab-stops", _tab_figures)
    assert counts["total_formulas"] > 0
    assert counts["formulas"] == 0, f"{chapter}: {counts['formulas']} formulas are keyboard tab stops"
    assert menu, f"{chapter}: MathJax's menu (speech, explorer) is not available"
