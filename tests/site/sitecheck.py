"""Helpers shared by the browser checks in tests/site (fixtures are in conftest.py).

One Chromium for the whole session: playwright's sync API cannot run two instances in one thread, so
every ``browser`` fixture (conftest.py, test_site.py and the modules that import it) returns the
same ``shared_browser()``, closed when the session ends.
"""

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
REPORTS = ROOT / "_build" / "reports"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  # No name resolves, except the loopback address the search check serves the site on.
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def toc_files():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part["chapters"]]
    return files


TOC_FILES = toc_files()
CHAPTERS = [f for f in TOC_FILES if f.startswith("chapters/")]
# Every page a reader can reach: the TOC plus the pages Sphinx adds.
ALL_PAGES = TOC_FILES + ["search", "genindex"]


def required(what, message):
    """Skip a check whose tool is missing, except under CI, where that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{message}, and CI is set: the {what} must run in CI")
    pytest.skip(f"SKIPPED {message}")


_SHARED = {}


def shared_browser():
    if "browser" not in _SHARED:
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        if executable is None:
            required("browser checks", "browser checks: Debian's chromium is not installed (apt-get install chromium)")
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = _SHARED["playwright"].chromium.launch(executable_path=executable, headless=True,
                                                                   args=CHROMIUM_FLAGS)
    return _SHARED["browser"]


def close_shared_browser():
    if "browser" in _SHARED:
        _SHARED.pop("browser").close()
        _SHARED.pop("playwright").stop()


class Opened:
    """A page in its own context, with what it tried to fetch from elsewhere and its console errors."""

    def __init__(self, browser, width, height, dark=False, touch=False, allow=()):
        self.blocked, self.errors = [], []
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           has_touch=touch, is_mobile=touch)
        allowed = ("file:", *allow)

        def route(r):
            if r.request.url.startswith(allowed):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        if dark:
            self.context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self):
        self.context.close()


def typeset_everything(page):
    """Wait for MathJax's first pass, then typeset the formulas that ui/lazy left for later."""
    if page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise.then(() => MathJax.startup.document.lazyTypesetAll())")
        page.wait_for_timeout(200)  # math-scroll.js marks wide formulas 100 ms after the last change


def save_figures(name, data):
    """Measured figures for the README and the lead, in _build/reports (make test clears it first)."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(data, indent=1, sort_keys=True))
