"""Reading the generator's parameter file (``params.yaml``), which names the source of every number."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMS_FILE = Path(__file__).with_name("params.yaml")
CODES_FILE = Path(__file__).with_name("codes.csv")
GENERATOR_VERSION = "synth-1"
EPOCH = dt.date(1970, 1, 1)


@lru_cache(maxsize=1)
def load_params() -> dict[str, Any]:
    with open(PARAMS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def load_codes() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(kind, key) -> [(code, system), ...] from the shipped ``codes.csv``."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    with open(CODES_FILE, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault((row["kind"], row["key"]), []).append((row["code"], row["system"]))
    return out


def day(value: str | dt.date) -> int:
    """A date as whole days since 1970-01-01 (the generator's internal date type)."""
    date = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return (date - EPOCH).days


def fingerprint() -> str:
    """Version of the generator and its inputs; a change forces the demo step to rebuild."""
    digest = hashlib.sha256(PARAMS_FILE.read_bytes() + CODES_FILE.read_bytes()).hexdigest()[:12]
    return f"{GENERATOR_VERSION}-{digest}"
