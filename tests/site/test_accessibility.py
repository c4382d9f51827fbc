"""Accessibility of every page: axe-core in light and dark mode, visible keyboard focus, and nothing
cut off or covered on a phone.

axe-core (the npm package pinned in package-lock.json, installed by `npm ci`) is injected into each
page by playwright after MathJax has typeset every formula; a serious or critical violation fails.
"""

import pytest

from sitecheck import ALL_PAGES, SCREENSHOTS, save_figures, typeset_everything

pytestmark = pytest.mark.site

FAILING_IMPACTS = {"serious", "critical"}
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(' ').trim())}));
}"""
_figures = {}


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("source", ALL_PAGES)
def test_axe_finds_no_serious_violation(site, open_page, axe_source, source, mode):
    o = open_page(1280, 900, dark=(mode == "dark"))
    o.page.goto((site / f"{source}.html").as_uri())
    typeset_everything(o.page)
    assert o.page.evaluate("() => document.documentElement.dataset.theme") == mode
    o.page.add_script_tag(path=str(axe_source))
    violations = o.page.evaluate(AXE_RUN)
    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    _figures[f"{source} ({mode})"] = {"serious_or_critical_nodes": sum(len(v["nodes"]) for v in serious),
                                      "other": sorted({f"{v['id']} ({v['impact']})" for v in violations} - {
                                          f"{v['id']} ({v['impact']})" for v in serious})}
    save_figures("axe", _figures)
    report = [f"{v['impact']} {v['id']} ({v['help']}): {node}" for v in serious for node in v["nodes"][:5]]
    assert not serious, f"{source} in {mode} mode:\n" + "\n".join(report)


# Walk the page with Tab as a keyboard user does; each control that takes focus must show it.
FOCUS_STATE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  let opacity = 1;
  for (let n = e; n; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {what: e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
                + (e.textContent ? ' "' + e.textContent.trim().slice(0, 30) + '"' : ''),
          shown: (outline || shadow) && opacity > 0.5 && r.width > 0 && r.height > 0,
          key: e.outerHTML.slice(0, 200) + r.top + ',' + r.left};
}"""


@pytest.mark.parametrize("source,width,height", [("book/intro", 1280, 900), ("chapters/03_softmax_jacobian", 1280, 900),
                                                 ("chapters/01_softmax", 390, 844), ("book/bibliography", 1280, 900)])
def test_every_focusable_control_shows_a_focus_indicator(site, open_page, source, width, height):
    o = open_page(width, height)
    page = o.page
    page.goto((site / f"{source}.html").as_uri())
    typeset_everything(page)
    seen, hidden = set(), []
    for _ in range(600):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            continue
        if state["key"] in seen:
            break  # back at the start: every tab stop visited
        seen.add(state["key"])
        if not state["shown"]:
            hidden.append(state["what"])
    assert len(seen) > 5, f"{source}: only {len(seen)} tab stops found"
    assert not hidden, f"{source} at {width} px: focus not visible on {len(hidden)} of {len(seen)} tab stops: {hidden[:10]}"


# At 390 px: content wider than its box must scroll inside it, and nothing may float over the text.
PHONE_LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const cut = [];
  document.querySelectorAll('.bd-article table, .bd-article pre, .bd-article img').forEach(e => {
    const r = e.getBoundingClientRect();
    let box = e, scrolls = false;
    for (; box && box !== document.body; box = box.parentElement) {
      const s = getComputedStyle(box);
      if (['auto', 'scroll'].includes(s.overflowX) && box.getBoundingClientRect().right <= vw + 1) { scrolls = true; break; }
    }
    if (r.right > vw + 1 && !scrolls) cut.push(e.tagName + ' ' + (e.textContent || e.src || '').trim().slice(0, 40));
  });
  const page = document.documentElement.scrollWidth > vw + 1;
  const floating = [...document.querySelectorAll('body *')].filter(e => {
    const s = getComputedStyle(e);
    if (s.position !== 'fixed' || s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false;
    const r = e.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < vw;
    return onScreen && !e.closest('dialog');
  }).map(e => e.tagName + '#' + e.id + '.' + e.className);
  return {cut, page, floating};
}"""


@pytest.mark.parametrize("source", ALL_PAGES)
def test_nothing_is_cut_off_or_covered_on_a_phone(site, open_page, source):
    o = open_page(390, 844, touch=True)
    page = o.page
    page.goto((site / f"{source}.html").as_uri())
    typeset_everything(page)
    # Scroll down and back up a little: the theme's "Back to top" button appeared on scrolling up.
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(200)
    page.mouse.wheel(0, -600)
    page.wait_for_timeout(400)
    state = page.evaluate(PHONE_LAYOUT)
    if source == "book/notation":
        page.screenshot(path=str(SCREENSHOTS / "phone-390-notation.png"), full_page=True)
    assert not state["cut"], f"{source} at 390 px: cut off at the right edge: {state['cut']}"
    assert not state["page"], f"{source} at 390 px: the page itself scrolls sideways"
    assert not state["floating"], f"{source} at 390 px: elements float over the text: {state['floating']}"
