"""Code matching by coding system and the one-condition-per-code rule, on the shipped code lists."""

from __future__ import annotations

import pandas as pd
import pytest

from pophealth.errors import ConfigError
from pophealth.phm.codelists import package_codelists
from pophealth.phm.matching import run_codes


def lists_of(codes: pd.DataFrame, code: str) -> set[str]:
    return set(codes.list_id[codes.code == code])


def test_read_system_decides_what_a_five_character_code_means():
    frame = package_codelists()
    assert lists_of(run_codes(frame, "read2"), "1612.") == {"efi.weight_loss_anorexia"}  # appetite loss
    assert lists_of(run_codes(frame, "ctv3"), "1612.") == {"ltc.eating_disorders"}
    with pytest.raises(ConfigError):
        run_codes(frame, "read3")


def test_no_five_character_code_has_two_meanings_in_a_run():
    frame = package_codelists()
    for system in ("read2", "ctv3"):
        codes = run_codes(frame, system)
        other = frame[frame.system.isin({"read2", "ctv3"} - {system})]
        own = frame[frame.system.isin([system, "snomedct", "icd10"])]
        clash = codes[codes.code.isin(other.code)]
        assert not clash.empty  # the shipped lists do hold codes of both Read systems
        for code, got in clash.groupby("code").list_id:
            assert set(got) <= set(own.list_id[own.code == code]), code


def test_painful_condition_yields_to_the_named_condition():
    frame = pd.DataFrame({"list_id": ["ltc.painful_condition", "ltc.rheumatoid_arthritis", "ltc.painful_condition"],
                          "code": ["111", "111", "222"], "system": ["snomedct"] * 3})
    out = run_codes(frame)
    assert lists_of(out, "111") == {"ltc.rheumatoid_arthritis"}
    assert lists_of(out, "222") == {"ltc.painful_condition"}
