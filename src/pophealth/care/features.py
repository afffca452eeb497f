"""Per-person clinical facts derived from an extract, vectorised over everyone in it.

Definitions follow the PHM reference (PHM.md): active long-term conditions (§0, §2.1), the
electronic Frailty Index (§1.1: code-based deficits plus polypharmacy, score = deficits / 36, for
people aged 65 and over), the palliative care register (§6) and Core20PLUS flags (§4.1).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pophealth.care.codelists import load_codelists
from pophealth.care.extract import Extract

EFI_DEFICITS = 36
POLYPHARMACY_MEDICINES = 5
CANCER_YEARS = 5
EFI_CATEGORIES = ((0.12, "fit"), (0.24, "mild"), (0.36, "moderate"), (1.0, "severe"))
PLUS_FLAGS = {"learning_disability": "Learning disability", "severe_mental_illness": "Severe mental illness",
              "homeless": "Experiencing homelessness", "ethnic_minority": "Ethnic minority community"}


def efi_category(score: float) -> str:
    """Clegg 2016 bands: fit <= 0.12 < mild <= 0.24 < moderate <= 0.36 < severe."""
    return next(name for upper, name in EFI_CATEGORIES if score <= upper + 1e-12)


class Facts:
    """Lookups over an extract, each a Series indexed by ``person_id``."""

    def __init__(self, extract: Extract) -> None:
        self.extract = extract
        self.as_of = pd.Timestamp(extract.as_of)
        self.people = extract.people.set_index("person_id")
        self.index = self.people.index
        ev = extract.events
        self._last = ev.pivot_table(index="person_id", columns="key", values="last_date", aggfunc="max")
        self._first = ev.pivot_table(index="person_id", columns="key", values="first_date", aggfunc="min")
        self._value = ev.pivot_table(index="person_id", columns="key", values="last_value", aggfunc="last")

    def _column(self, table: pd.DataFrame, key: str) -> pd.Series:
        if key in table.columns:
            return table[key].reindex(self.index)
        return pd.Series(pd.NaT if table is not self._value else float("nan"), index=self.index)

    def last_date(self, *keys: str) -> pd.Series:
        """Latest record of any of ``keys`` (NaT when none)."""
        cols = [pd.to_datetime(self._column(self._last, k)) for k in keys]
        return pd.concat(cols, axis=1).max(axis=1) if len(cols) > 1 else cols[0]

    def first_date(self, key: str) -> pd.Series:
        return pd.to_datetime(self._column(self._first, key))

    def last_value(self, key: str) -> pd.Series:
        return pd.to_numeric(self._column(self._value, key), errors="coerce")

    def has(self, *keys: str) -> pd.Series:
        return self.last_date(*keys).notna()

    def within(self, months: float, *keys: str) -> pd.Series:
        """A record of any key in the ``months`` up to the index date."""
        start = self.as_of - pd.DateOffset(months=int(months), days=int(round((months % 1) * 30.4)))
        return self.last_date(*keys) > start

    @property
    def age(self) -> pd.Series:
        return self.people["age"]

    @property
    def female(self) -> pd.Series:
        return self.people["sex"] == "F"


def active_conditions(facts: Facts) -> dict[str, pd.Series]:
    """Each LTC's presence: ever diagnosed, later than any resolved code; cancer within 5 years."""
    lists = load_codelists()
    out: dict[str, pd.Series] = {}
    for condition in lists.ltc_labels:
        dx = facts.last_date(f"ltc:{condition}")
        resolved = facts.last_date(f"ltcres:{condition}")
        present = dx.notna() & (resolved.isna() | (dx > resolved))
        if condition == "cancer":
            present &= dx > facts.as_of - pd.DateOffset(years=CANCER_YEARS)
        out[condition] = present
    return out


def distinct_medicines_12m(facts: Facts) -> pd.Series:
    drugs = facts.extract.drugs
    issued = drugs[drugs["issues_12m"] > 0].groupby("person_id")["code"].nunique()
    return issued.reindex(facts.index).fillna(0).astype(int)


def efi(facts: Facts) -> tuple[pd.Series, pd.Series]:
    """(deficit lists, score) for everyone; the score is reported only for ages 65 and over."""
    lists = load_codelists()
    present = {d: facts.has(f"efi:{d}") for d in lists.efi_labels}
    present["polypharmacy"] = distinct_medicines_12m(facts) >= POLYPHARMACY_MEDICINES
    frame = pd.DataFrame(present)
    deficits = frame.apply(lambda row: [d for d, on in row.items() if on], axis=1)
    score = frame.sum(axis=1) / EFI_DEFICITS
    return deficits, score.where(facts.age >= 65)


def on_palliative_register(facts: Facts) -> pd.Series:
    """A palliative care code not followed by a 'no longer indicated' code (QOF PC001)."""
    on = facts.last_date("cohort:palliative_care")
    off = facts.last_date("cohort:palliative_care_not_indicated")
    return on.notna() & (off.isna() | (on > off))


def ethnic_group(facts: Facts) -> pd.Series:
    """The latest recorded 6-group ethnicity (None when not recorded)."""
    keys = [k for k in facts._last.columns if k.startswith("ethnicity:")]
    if not keys:
        return pd.Series(None, index=facts.index, dtype=object)
    latest = facts._last[keys].reindex(facts.index)
    has = latest.notna().any(axis=1)
    return latest.fillna(pd.Timestamp.min).idxmax(axis=1).str.removeprefix("ethnicity:").where(has)


def plus_flags(facts: Facts, conditions: dict[str, pd.Series]) -> pd.Series:
    """Which PLUS groups (PHM.md §4.1) apply; asylum seekers have no code list yet (a known gap)."""
    group = ethnic_group(facts)
    flags = pd.DataFrame({
        "learning_disability": conditions.get("learning_disability", False) | facts.has("cohort:learning_disability"),
        "severe_mental_illness": conditions.get("severe_mental_illness", False) | facts.has("cohort:severe_mental_illness"),
        "homeless": facts.has("cohort:homeless"),
        "ethnic_minority": group.notna() & ~group.fillna("").str.startswith("White"),
    }, index=facts.index)
    return flags.apply(lambda row: [k for k, on in row.items() if on], axis=1)


def season_start(as_of: dt.date) -> pd.Timestamp:
    """The current vaccination season starts on 1 September."""
    year = as_of.year if as_of.month >= 9 else as_of.year - 1
    return pd.Timestamp(year, 9, 1)
