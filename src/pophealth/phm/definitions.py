"""The versioned PHM definitions shipped in the package (conditions, registers, cohorts).

Each file is checked against its typed model (model.py) when it is loaded, so a misspelt key or an
unknown rule fails here, naming the file and the key's path. ``definitions()`` and
``cohort_definitions()`` give the checked data as mappings; ``definition_model()`` and ``cohort_model()``
the frozen typed models.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pophealth.phm.model import Cohorts, Definitions, validate


@cache
def _load(name: str) -> dict[str, Any]:
    with (resources.files("pophealth.phm") / "data" / name).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    _typed(name, raw)
    return raw


_MODELS: dict[str, Any] = {}


def _typed(name: str, raw: Any) -> Any:
    _MODELS[name] = validate(name, raw)
    return _MODELS[name]


def definition_model() -> Definitions:
    _load("definitions.yaml")
    return _MODELS["definitions.yaml"]


def cohort_model() -> Cohorts:
    _load("cohorts.yaml")
    return _MODELS["cohorts.yaml"]


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
