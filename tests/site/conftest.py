"""Shared fixtures of the browser checks in tests/site (the site itself is built by `make test` stage 3).

``browser`` is Debian's headless Chromium driven by playwright-python. ``open_page`` gives a page in a
fresh context that aborts every request other than ``file:`` (and, for the search check, the local
http server), and collects console errors and blocked requests, as test_site.py does.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
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


@pytest.fixture(scope="session")
def site():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site at {HTML}: run `make book` (or `make test`) first")
    return HTML


def _required(what, message):
    if os.environ.get("CI"):
        pytest.fail(f"{message}, and CI is set: the {what} must run in CI")
    pytest.skip(f"SKIPPED {message}")


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _required("browser checks", "browser checks: Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.is_file():
        _required("accessibility checks", "accessibility checks: node_modules/axe-core is missing (`npm ci`, run by make)")
    return AXE


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


@pytest.fixture
def open_page(browser):
    opened = []

    def factory(*args, **kwargs):
        o = Opened(browser, *args, **kwargs)
        opened.append(o)
        return o

    yield factory
    for o in opened:
        o.close()


def typeset_everything(page):
    """Wait for MathJax's first pass, then typeset the formulas that ui/lazy left for later."""
    if page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise.then(() => MathJax.startup.document.lazyTypesetAll())")
        page.wait_for_timeout(200)  # math-scroll.js marks wide formulas 100 ms after the last change


@pytest.fixture(scope="session")
def http_site(site):
    """The site served by Python's http.server on 127.0.0.1 (what `make serve` runs), on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(site),
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def save_figures(name, data):
    """Measured figures for the README and the lead, in _build/reports (make test clears it first)."""
    import json

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(data, indent=1, sort_keys=True))
