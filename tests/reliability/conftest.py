"""Fixtures of the reliability suite: the URL matrix's library-A objects (every kind of object a URL names)."""

from tests.test_url_matrix import objects  # noqa: F401 - re-exported as a fixture for this folder
