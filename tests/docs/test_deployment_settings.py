"""docs/deployment.md documents exactly the settings the product reads (``pophealth.settings.Settings``)."""

from __future__ import annotations

import re
from pathlib import Path

from pophealth.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def documented() -> set[str]:
    return set(re.findall(r"\bPOPHEALTH_[A-Z0-9_]*[A-Z0-9]\b", DOC.read_text(encoding="utf-8")))


def test_every_documented_variable_is_a_setting_and_every_setting_is_documented():
    names = Settings.env_names()
    assert sorted(documented() - names) == [], "documented but not read by the product"
    assert sorted(names - documented()) == [], "read by the product but not documented"
