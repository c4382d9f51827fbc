"""Settings and fixtures for the library tests (helpers they import live in ``helpers.py``).

Hypothesis runs derandomized (a fixed sequence of examples, no example database), so every run of
the suite tests the same inputs. A run that deselects the site checks (``-m "not site"``) does not
import them either: they need a built site (and a browser), which a library run does not have.
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
    """Skip a folder of tests named after their marker (``site``, ``standalone``) when the marker
    expression deselects that marker, so that a library run does not even import them."""
    if collection_path.parent != Path(__file__).parent or collection_path.name not in ("site", "standalone"):
        return None
    expression = config.getoption("markexpr")
    if not expression:
        return None
    try:
        from _pytest.mark.expression import Expression  # pytest's own parser of -m expressions
    except ImportError:
        return None

    def only(name, **kwargs):
        return name == collection_path.name and not kwargs

    return not Expression.compile(expression).evaluate(only) or None
