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


def documented_defaults() -> dict[str, str | None]:
    """Each variable of the settings table with the default it documents: the literal (``code``) value, or
    None where the default is a description ("none: prompted", "4 per core")."""
    out: dict[str, str | None] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`POPHEALTH_"):
            continue
        names = re.findall(r"`(POPHEALTH_[A-Z0-9_]+)`", cells[0])
        literals = re.findall(r"`([^`]+)`", cells[2])
        if "or" in cells[0].split():  # alternatives (a key or a key file): one default for both
            literals = literals * len(names)
        values = literals if len(literals) == len(names) and not re.match(r"^[a-z]", cells[2]) else [None] * len(names)
        out.update(zip(names, values))
    return out


def test_every_documented_default_is_the_models():
    """A default that drifts (say the disclosure rounding changed in the model only) fails here."""
    fields = {f"POPHEALTH_{name.upper()}": field.default for name, field in Settings.model_fields.items()}
    defaults = documented_defaults()
    assert len(defaults) >= 15
    for env, documented_value in defaults.items():
        model = fields[env]
        if documented_value is None:
            assert model in (None, False), (env, model)
        else:
            assert str(model) == documented_value, (env, model, documented_value)
