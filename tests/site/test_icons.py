"""The icon font, cut down by book/_ext/iconfont.py, still holds every icon the site shows (marker ``site``)."""

import importlib.util
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from sitecheck import HTML

# The extension is a file of the book, not an installed module: load it from there.
_spec = importlib.util.spec_from_file_location(
    "iconfont", Path(__file__).resolve().parents[2] / "book" / "_ext" / "iconfont.py")
iconfont = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(iconfont)

pytestmark = pytest.mark.site


def test_every_icon_a_page_can_show_is_in_the_font_and_nothing_else_is_shipped():
    font = HTML / "_static" / iconfont.FONT
    cmap = set(TTFont(str(font)).getBestCmap())
    needed = iconfont.icon_codepoints(HTML)
    assert len(needed) >= 10, f"only {len(needed)} icons found: the class map was not read"
    assert needed <= cmap, f"icons missing from the font: {sorted(hex(c) for c in needed - cmap)}"
    assert font.stat().st_size < 30_000, f"the icon font is {font.stat().st_size} bytes: it was not cut down"
