"""Ship only the icons the site shows: Font Awesome's solid font cut down to the glyphs it uses.

The theme's icon font holds about 1,400 glyphs (156 kB) and every page loads it for the dozen icons
of its header and navigation. After the build, this extension collects every code point the site
can show: the ``fa-*`` icon classes that appear in a page, mapped to code points by the theme's
stylesheet, and every code point that any other stylesheet rule puts in ``content`` or in a
``--pst-icon-*`` variable (admonition and link icons, whatever their page). The font is then
subset to exactly those glyphs (fontTools, WOFF2). ``tests/site/test_icons.py`` checks that every
icon on every page is still in the font.
"""

from __future__ import annotations

import re
from pathlib import Path

import pydata_sphinx_theme
from fontTools import subset
from fontTools.ttLib import TTFont

FONT = "vendor/fontawesome/webfonts/fa-solid-900.woff2"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CODEPOINT = re.compile(r'"\\(f[0-9a-f]{3,4})"')
ICON_SELECTOR = re.compile(r"^\.(fa-[\w-]+):(?:before|after)$")
ICON_CLASS = re.compile(r"\bfa-[\w-]+")


def setup(app):
    app.connect("build-finished", _subset, priority=900)  # after sitebuild has pruned the static files
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def icon_codepoints(outdir: Path) -> set[int]:
    """Every code point of the icon font that a page of ``outdir`` can show."""
    by_class, always = {}, set()
    for css in (outdir / "_static").rglob("*.css"):
        for selectors, body in RULE.findall(css.read_text(encoding="utf-8", errors="replace")):
            points = {int(cp, 16) for cp in CODEPOINT.findall(body)}
            if not points:
                continue
            names = [ICON_SELECTOR.match(s.strip()) for s in selectors.split(",")]
            if all(names):
                for name in names:
                    by_class.setdefault(name.group(1), set()).update(points)
            else:
                always |= points
    used = set(always)
    for page in outdir.rglob("*.html"):
        if "_static" in page.parts:
            continue
        for name in set(ICON_CLASS.findall(page.read_text(encoding="utf-8"))):
            used |= by_class.get(name, set())
    return used


def _subset(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    font = outdir / "_static" / FONT
    # Always from the theme's full font, so an incremental build that adds an icon gets its glyph.
    original = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / FONT
    if not font.is_file():
        return
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    cutter = subset.Subsetter(options)
    full = TTFont(str(original))
    cutter.populate(unicodes=icon_codepoints(outdir))
    cutter.subset(full)
    full.flavor = "woff2"
    full.save(str(font))
