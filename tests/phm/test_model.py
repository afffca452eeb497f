"""The typed definition model: the shipped files load; a misspelt key or an unknown rule fails at load,
naming the file and the key's path."""

from __future__ import annotations

import copy

import pytest

from pophealth.errors import ConfigError
from pophealth.phm.definitions import _load, cohort_model, definition_model
from pophealth.phm.model import validate


def test_shipped_definitions_are_valid_and_frozen():
    model = definition_model()
    assert model.conditions["asthma"].register_rule.prescribed.list == "med.asthma"
    with pytest.raises(Exception):
        model.conditions["asthma"].cms_weight = 2.0  # frozen
    assert "core20plus" in cohort_model().cohorts


def test_misspelt_weight_fails_at_load_with_its_path():
    raw = copy.deepcopy(_load("definitions.yaml"))
    raw["conditions"]["asthma"]["cms_weigth"] = raw["conditions"]["asthma"].pop("cms_weight")
    with pytest.raises(ConfigError, match=r"definitions\.yaml: .*conditions\.asthma\.cms_weigth"):
        validate("definitions.yaml", raw)


def test_unknown_cohort_test_fails_at_load_with_its_path():
    raw = copy.deepcopy(_load("cohorts.yaml"))
    raw["cohorts"]["core20"]["rule"] = {"imd_quintile": {"max": 1}}
    with pytest.raises(ConfigError, match=r"cohorts\.yaml: cohorts\.core20\.rule\.imd_quintile"):
        validate("cohorts.yaml", raw)


def test_a_cohort_may_only_use_cohorts_defined_before_it():
    raw = copy.deepcopy(_load("cohorts.yaml"))
    raw["cohorts"]["core20"]["rule"] = {"cohort": "core20plus"}
    with pytest.raises(ConfigError, match="core20plus"):
        validate("cohorts.yaml", raw)


def test_unknown_yields_to_condition_fails():
    raw = copy.deepcopy(_load("definitions.yaml"))
    raw["conditions"]["painful_condition"]["yields_to"] = ["rheumatoid_arthritis", "arthritis"]
    with pytest.raises(ConfigError, match="arthritis"):
        validate("definitions.yaml", raw)
