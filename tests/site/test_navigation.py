"""Navigation on a phone, a tablet and a laptop: the visible ☰ and contents buttons open and close.

pydata-sphinx-theme 0.17 binds its sidebar handlers to the first `.primary-toggle` and
`.secondary-toggle` in the page (pydata-sphinx-theme #2451); with a top navbar it renders a second,
hidden pair first, and the visible buttons did nothing. `_config.yml` renders no top navbar items, so
the visible buttons are the only ones. These checks tap them as a reader would.
"""

import pytest

from sitecheck import SCREENSHOTS

pytestmark = pytest.mark.site

PAGE = "chapters/03_softmax_jacobian"
VIEWPORTS = [(390, 844), (768, 1024), (1280, 900)]
# Below this width the sidebars are modal drawers (the theme's breakpoints: 992 px primary, 1200 px contents).
PRIMARY_DRAWER_BELOW, SECONDARY_DRAWER_BELOW = 992, 1200

VISIBLE = """sel => { const e = document.querySelector(sel); if (!e) return false;
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
    && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight; }"""
# A link of the chapter list, and a link of the in-page contents, wherever the theme has moved them.
CHAPTER_LINK = 'nav.bd-docs-nav a[href$="bibliography.html"]'
CONTENTS_LINK = "nav.page-toc a, .bd-toc-nav a"


def _visible(page, selector):
    return page.evaluate(VISIBLE, selector)


def _press(page, selector, touch):
    (page.tap if touch else page.click)(selector)
    page.wait_for_timeout(400)  # the drawers slide in over 0.2 s


def _tap_outside(page, width, height, touch):
    # The drawer covers the left of the screen; its backdrop (the open <dialog>) closes it when tapped.
    x, y = width - 10, height // 2
    (page.touchscreen.tap if touch else page.mouse.click)(x, y)
    page.wait_for_timeout(400)


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_visible_menu_button_opens_and_closes_the_chapter_list(site, open_page, width, height):
    touch = width < PRIMARY_DRAWER_BELOW
    o = open_page(width, height, touch=touch)
    page = o.page
    page.goto((site / f"{PAGE}.html").as_uri())
    button = ".bd-header-article .primary-toggle"
    assert _visible(page, button), f"{width}x{height}: no visible ☰ button"
    if width < PRIMARY_DRAWER_BELOW:
        assert not _visible(page, CHAPTER_LINK), f"{width}x{height}: chapter list already showing"
        _press(page, button, touch)
        assert page.evaluate("() => document.querySelector('#pst-primary-sidebar-modal').open"), \
            f"{width}x{height}: tapping ☰ opened nothing"
        assert _visible(page, CHAPTER_LINK), f"{width}x{height}: the chapter list did not appear"
        page.screenshot(path=str(SCREENSHOTS / f"nav-{width}-chapters-open.png"))
        _tap_outside(page, width, height, touch)
        assert not page.evaluate("() => document.querySelector('#pst-primary-sidebar-modal').open")
        assert not _visible(page, CHAPTER_LINK), f"{width}x{height}: the chapter list did not close"
    else:
        assert _visible(page, CHAPTER_LINK), f"{width}x{height}: no chapter list beside the text"
        _press(page, button, touch)
        assert not _visible(page, CHAPTER_LINK), f"{width}x{height}: ☰ did not collapse the chapter list"
        page.screenshot(path=str(SCREENSHOTS / f"nav-{width}-chapters-collapsed.png"))
        _press(page, button, touch)
        assert _visible(page, CHAPTER_LINK), f"{width}x{height}: ☰ did not bring the chapter list back"
    assert not o.errors, o.errors


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_visible_contents_button_opens_and_closes_the_page_contents(site, open_page, width, height):
    touch = width < PRIMARY_DRAWER_BELOW
    o = open_page(width, height, touch=touch)
    page = o.page
    page.goto((site / f"{PAGE}.html").as_uri())
    button = ".bd-header-article .secondary-toggle"
    if width >= SECONDARY_DRAWER_BELOW:
        # Wide enough for the contents column: it is shown beside the text, and needs no button.
        assert _visible(page, CONTENTS_LINK), f"{width}x{height}: no page contents beside the text"
        return
    assert _visible(page, button), f"{width}x{height}: no visible contents button"
    assert not _visible(page, CONTENTS_LINK)
    _press(page, button, touch)
    assert page.evaluate("() => document.querySelector('#pst-secondary-sidebar-modal').open"), \
        f"{width}x{height}: tapping the contents button opened nothing"
    assert _visible(page, CONTENTS_LINK), f"{width}x{height}: the page contents did not appear"
    page.screenshot(path=str(SCREENSHOTS / f"nav-{width}-contents-open.png"))
    # Closing from the other side of the screen: the contents drawer is on the right.
    (page.touchscreen.tap if touch else page.mouse.click)(10, height // 2)
    page.wait_for_timeout(400)
    assert not page.evaluate("() => document.querySelector('#pst-secondary-sidebar-modal').open")
    assert not _visible(page, CONTENTS_LINK), f"{width}x{height}: the page contents did not close"
    assert not o.errors, o.errors
