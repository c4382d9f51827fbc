"""nbval runs each chapter in its own kernel; tell the kernel which chapter it runs.

The kernel inherits the environment when nbval starts it (while setting up the notebook's first
cell), so ``SOFTMAXBOOK_AUDIT_NOTEBOOK`` names the notebook in every record the derivation audit
writes (see ``softmaxbook.audit``).
"""

import os

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    os.environ["SOFTMAXBOOK_AUDIT_NOTEBOOK"] = str(item.parent.name)
