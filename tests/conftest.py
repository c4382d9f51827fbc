"""Settings and fixtures for the library tests (helpers they import live in ``helpers.py``).

Hypothesis runs derandomized (a fixed sequence of examples, no example database), so every run of
the suite tests the same inputs. A run that deselects the site checks (``-m "not site"``) does not
import them either: they need a built site and a browser, which a library run does not have.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis caches constants in <home>/.hypothesis; keep them in /tmp so a test run leaves the
# working tree as it found it (pytest.ini and _config.yml also ignore a .hypothesis folder).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "softmaxbook-hypothesis")
settings.register_profile(
    "softmaxbook",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("softmaxbook")


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


def pytest_ignore_collect(collection_path, config):
    """Skip the folder of site checks when the marker expression deselects them."""
    if collection_path.name == "site" and collection_path.parent == Path(__file__).parent:
        return "".join(config.getoption("markexpr").split()) == "notsite" or None
    return None
