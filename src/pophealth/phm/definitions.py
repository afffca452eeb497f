"""The versioned PHM definitions shipped in the package (conditions, registers, cohorts) as plain data."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def _load(name: str) -> dict[str, Any]:
    with (resources.files("pophealth.phm") / "data" / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def definitions() -> dict[str, Any]:
    """Conditions, registers and CMS notes (``definitions.yaml``)."""
    return _load("definitions.yaml")


def cohort_definitions() -> dict[str, Any]:
    """Core20, PLUS groups and Core20PLUS5 areas (``cohorts.yaml``)."""
    return _load("cohorts.yaml")


def definitions_version() -> str:
    """One label for the rule set of a run: the definitions and cohort versions together."""
    return f"defs-{definitions()['version']}+cohorts-{cohort_definitions()['version']}"


def conditions() -> dict[str, dict[str, Any]]:
    return definitions()["conditions"]


def as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
