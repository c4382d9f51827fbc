"""The library tests (a package, so that test modules import their helpers as ``from .helpers import``)."""
