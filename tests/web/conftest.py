"""Fixtures for the web tests."""

from tests.care_support import care_records, care_warehouse  # noqa: F401
