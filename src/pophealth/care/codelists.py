"""The PHM code lists the care views match on, read from the reference folder as one keyed table.

Each code gets a key such as ``ltc:copd``, ``ltcres:copd`` (the QOF "resolved" cluster), ``efi:falls``,
``cohort:flu_vaccination`` or ``ethnicity:<group6 label>``; one code can carry several keys. A missing
file or column is an error naming the file, never an empty list (an empty list would hide gaps).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pophealth.config import reference_dir
from pophealth.errors import InputError, Problem

FILES = {
    "ltc_conditions.csv": ("code", "condition", "role"),
    "ltc_condition_catalogue.csv": ("condition", "label", "count_in_ltc_default"),
    "efi_deficits.csv": ("code", "deficit", "deficit_label"),
    "cohorts_care_gaps.csv": ("code", "cohort"),
    "ethnicity.csv": ("code", "group6_label"),
}


@dataclass(frozen=True)
class CodeLists:
    keyed: pd.DataFrame          # columns: code, key
    ltc_labels: dict[str, str]   # condition -> label
    ltc_counted: frozenset[str]  # conditions in the default LTC count
    efi_labels: dict[str, str]   # deficit -> Clegg's label


def codelist_dir() -> Path:
    return reference_dir() / "phm" / "codelists"


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / name
    if not path.is_file():
        raise InputError(f"Code list {path} is missing", hint="set POPHEALTH_REFERENCE to the reference folder")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in FILES[name] if c not in frame.columns]
    if missing:
        raise InputError(f"Code list {path} is not valid", hint=str(Problem(
            str(path), f"expected columns {', '.join(FILES[name])}", row=1, column=missing[0])))
    return frame


@lru_cache(maxsize=4)
def load_codelists(folder: Path | None = None) -> CodeLists:
    """All code lists as one (code, key) table plus labels; cached per folder."""
    folder = folder or codelist_dir()
    ltc = _read(folder, "ltc_conditions.csv")
    catalogue = _read(folder, "ltc_condition_catalogue.csv")
    efi = _read(folder, "efi_deficits.csv")
    cohorts = _read(folder, "cohorts_care_gaps.csv")
    ethnicity = _read(folder, "ethnicity.csv")
    prefix = ltc["role"].map(lambda r: "ltcres:" if r == "resolved" else "ltc:")
    parts = [
        pd.DataFrame({"code": ltc["code"], "key": prefix + ltc["condition"]}),
        pd.DataFrame({"code": efi["code"], "key": "efi:" + efi["deficit"]}),
        pd.DataFrame({"code": cohorts["code"], "key": "cohort:" + cohorts["cohort"]}),
        pd.DataFrame({"code": ethnicity["code"], "key": "ethnicity:" + ethnicity["group6_label"]}),
    ]
    keyed = pd.concat(parts, ignore_index=True).drop_duplicates().reset_index(drop=True)
    return CodeLists(
        keyed=keyed,
        ltc_labels=dict(zip(catalogue["condition"], catalogue["label"])),
        ltc_counted=frozenset(catalogue.loc[catalogue["count_in_ltc_default"] == "yes", "condition"]),
        efi_labels=dict(zip(efi["deficit"], efi["deficit_label"])),
    )
