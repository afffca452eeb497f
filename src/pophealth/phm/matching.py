"""Which code lists a recorded code belongs to in one run: coding system and one condition per code.

Records carry a bare code (``*_source_value``), not its coding system. SNOMED CT identifiers (6+ digits)
and ICD-10 codes (3-4 characters, no dot) never collide with each other or with Read codes, but Read v2 and
CTV3 both use 5-character codes and about 180 of them mean different things in the two systems (Read v2
``1612.`` is "appetite loss", the CTV3 code is an eating disorder). So a run matches SNOMED CT, ICD-10 and the
one Read system its primary-care data is coded in (``read_system``); codes of the other Read system are
dropped before matching.

Some code lists overlap (a rheumatoid-arthritis code is also a connective-tissue-disorder code and a
chronic-pain code). Where ``definitions.yaml`` says a condition ``yields_to`` others, a code that is also in
one of those conditions' lists counts only there, so one code never adds two conditions to the LTC count.
"""

from __future__ import annotations

import pandas as pd

from pophealth.errors import ConfigError
from pophealth.phm.definitions import conditions

READ_SYSTEMS = ("read2", "ctv3")
ALWAYS = ("snomedct", "icd10")


def run_systems(read_system: str) -> tuple[str, ...]:
    if read_system not in READ_SYSTEMS:
        raise ConfigError(f"read_system must be one of {', '.join(READ_SYSTEMS)}, not {read_system!r}")
    return (*ALWAYS, read_system)


def yielded_codes(frame: pd.DataFrame) -> pd.Index:
    """Row labels of ``frame`` (``list_id, code, system``) dropped by the ``yields_to`` rules."""
    drop: list = []
    for name, spec in conditions().items():
        winners = spec.get("yields_to") or []
        if not winners:
            continue
        mine = frame[frame.list_id == f"ltc.{name}"]
        theirs = frame[frame.list_id.isin([f"ltc.{w}" for w in winners])]
        taken = set(zip(theirs.code, theirs.system))
        drop.extend(mine.index[[(c, s) in taken for c, s in zip(mine.code, mine.system)]])
    return pd.Index(drop)


def run_codes(frame: pd.DataFrame, read_system: str = "read2") -> pd.DataFrame:
    """``list_id, code`` for matching records: one Read system only, ``yields_to`` applied."""
    if "system" not in frame.columns:
        raise ConfigError("code lists need a 'system' column to be matched (snomedct, icd10, read2, ctv3)")
    kept = frame[frame.system.isin(run_systems(read_system))]
    kept = kept.drop(yielded_codes(kept))
    return kept[["list_id", "code"]].drop_duplicates().reset_index(drop=True)
