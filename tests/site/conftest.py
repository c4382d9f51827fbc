"""Fixtures of the browser checks in tests/site (helpers in sitecheck.py); the site is built by
`make test` stage 3 before these run."""

import socket
import subprocess
import sys
import time

import pytest
from sitecheck import AXE, HTML, Opened, close_shared_browser, required, shared_browser


def pytest_sessionfinish(session, exitstatus):
    close_shared_browser()


@pytest.fixture(scope="session")
def site():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site at {HTML}: run `make book` (or `make test`) first")
    return HTML


@pytest.fixture(scope="session")
def browser():
    return shared_browser()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.is_file():
        required("accessibility checks", "accessibility checks: node_modules/axe-core is missing (`npm ci`, run by make)")
    return AXE


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
