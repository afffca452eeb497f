"""The measure catalogue: what the seeds name is there with their standards; bad catalogues are refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pophealth.errors import InputError
from pophealth.strategy import load_strategy
from pophealth.strategy.measures import measures_for_pledge

FIXTURE = Path(__file__).parents[1] / "fixtures" / "strategy_min"


@pytest.fixture(scope="module")
def llr():
    return load_strategy()


def test_every_pledge_has_at_least_one_measure(llr):
    for p in llr.pledges:
        assert measures_for_pledge(llr.measures, p.number), f"pledge {p.number} has no measure"


# The measures seed 000 names for pledges 1 and 2, by their printed names.
SEED_000 = {
    1: ["Life expectancy at birth", "Healthy life expectancy at birth", "Inequality in life expectancy at birth"],
    2: ["Under 75 mortality rate from causes considered preventable, targeting: Cancer",
        "Under 75 mortality rate from causes considered preventable, targeting: Cardiovascular disease",
        "Under 75 mortality rate from causes considered preventable, targeting: Respiratory disease"],
}


@pytest.mark.parametrize("pledge", [1, 2])
def test_seed_000_measures_are_named_for_pledges_1_and_2(llr, pledge):
    names = [m.name for m in measures_for_pledge(llr.measures, pledge) if m.status == "named"]
    assert names == SEED_000[pledge]
    # the pledge slots transcribed from the seed resolve to these catalogue measures by name
    assert [s.name for s in llr.pledge(pledge).measures] == SEED_000[pledge]


# Standards and targets quoted in the seeds (001 performance headlines, 002 JHWS), in the measure's unit.
STANDARDS = {
    "urgent-community-response-2-hours": 70, "cancer-62-day": 85, "cancer-two-week-wait": 93,
    "ambulance-handover-time": 15, "mental-health-out-of-area-placements": 0,
    "dementia-diagnosis-rate": 66.7, "deaths-in-hospital": 35, "care-plans-for-vulnerable-people": 95,
}


@pytest.mark.parametrize("measure_id,value", STANDARDS.items())
def test_seed_standards_are_the_targets(llr, measure_id, value):
    m = llr.measure(measure_id)
    assert m.target is not None and m.target.value == value
    assert m.target.source


def test_jhws_two_hour_crisis_response_80_percent_is_kept_beside_the_70_percent_standard(llr):
    m = llr.measure("urgent-community-response-2-hours")
    assert [t.value for t in m.other_targets] == [80]
    assert "JHWS" in m.other_targets[0].source


def test_seed_001_headlines_are_all_measures(llr):
    ids = {m.id for m in llr.measures}
    for needed in ("gp-appointments-per-10000-weighted", "gp-access-experience", "smi-physical-health-checks",
                   "mental-health-out-of-area-placements", "community-pharmacy-consultations", "rtt-52-week-waiters",
                   "workforce-vacancy-rate", "workforce-turnover-rate", "agency-staff-spend"):
        assert needed in ids


def test_polarity_matches_the_standard_direction(llr):
    assert llr.measure("cancer-62-day").improvement == "increase"
    assert llr.measure("ambulance-handover-time").improvement == "decrease"
    assert llr.measure("rtt-52-week-waiters").improvement == "decrease"


def test_pledges_the_seeds_leave_unmeasured_get_proposed_measures(llr):
    for number in (3, 10, 11, 12):
        proposed = [m for m in measures_for_pledge(llr.measures, number) if m.status == "proposed"]
        assert proposed, f"pledge {number} has no proposed measure"
        assert all(m.national_definition for m in proposed)


def test_a_strategy_without_a_catalogue_loads_with_no_measures():
    assert load_strategy(FIXTURE).measures == []


def _with_catalogue(tmp_path: Path, measures: list[dict]) -> Path:
    folder = tmp_path / "s"
    shutil.copytree(FIXTURE, folder)
    (folder / "measures.yaml").write_text(yaml.safe_dump({"measures": measures}), "utf-8")
    return folder


GOOD = {"id": "ae-four-hour", "name": "A&E 4 hours", "definition": "d", "unit": "percent",
        "polarity": "higher_is_better", "frequency": "monthly", "data_source": "A&E", "owner": "UEC board",
        "pledges": [1], "data": {"kind": "operational", "feed": "nhse-ae", "metric_id": "ae-4-hour", "scale": 100},
        "source": {"document": "001"}}


def test_a_valid_catalogue_loads(tmp_path):
    s = load_strategy(_with_catalogue(tmp_path, [GOOD]))
    assert [m.id for m in s.measures] == ["ae-four-hour"]


@pytest.mark.parametrize("change,expected", [
    ({"pledges": [99]}, "unknown pledge 99"),
    ({"id": "Bad Id"}, "lower-case words"),
    ({"polarity": "up"}, "polarity"),
    ({"status": "proposed"}, "national definition"),
    ({"data": {"kind": "operational", "feed": "nhse-ae"}}, "metric_id"),
    ({"data": {"kind": "operational", "metric_id": "ae-4-hour"}}, "name the feed"),
    ({"data": {"kind": "operational", "feed": "nowhere", "metric_id": "ae-4-hour"}}, "unknown feed"),
    ({"data": {"kind": "phm"}}, "phm_measure"),
    ({"priorities": ["jhws:nowhere"]}, "unknown priority"),
])
def test_a_bad_catalogue_is_refused_naming_file_and_path(tmp_path, change, expected):
    with pytest.raises(InputError) as err:
        load_strategy(_with_catalogue(tmp_path, [{**GOOD, **change}]))
    assert "measures.yaml" in str(err.value) and expected in str(err.value)


def test_duplicate_measure_ids_are_refused(tmp_path):
    with pytest.raises(InputError, match="duplicate id 'ae-four-hour'"):
        load_strategy(_with_catalogue(tmp_path, [GOOD, GOOD]))


def test_a_slot_measure_id_must_resolve(tmp_path):
    folder = _with_catalogue(tmp_path, [GOOD])
    pledges = yaml.safe_load((folder / "pledges.yaml").read_text("utf-8"))
    pledges["pledges"][0]["measures"] = [{"name": "x", "measure_id": "not-in-catalogue"}]
    (folder / "pledges.yaml").write_text(yaml.safe_dump(pledges), "utf-8")
    with pytest.raises(InputError, match="not-in-catalogue") as err:
        load_strategy(folder)
    assert "pledges.yaml, pledges[0].measures[0].measure_id" in str(err.value)


def test_every_measure_names_where_its_numbers_come_from(llr):
    from pophealth.strategy.feeds import FEEDS

    for m in llr.measures:
        assert m.source_kind in ("public", "local", "phm"), m.id
        if m.source_kind != "phm":
            assert FEEDS[m.data.feed].load, m.id


def test_seed_baselines_are_kept_with_the_page_they_come_from(llr):
    # Seed 001 "Our Performance and Quality": 62-day 38% and two-week wait 67% in November 2022,
    # 18,110 people waiting 52+ weeks at the end of November 2022, urgent community response 85.7%.
    expected = {"cancer-62-day": (38, "2022-11"), "cancer-two-week-wait": (67, "2022-11"),
                "rtt-52-week-waiters": (18110, "2022-11"), "urgent-community-response-2-hours": (85.7, "2023")}
    for measure_id, (value, when) in expected.items():
        b = llr.measure(measure_id).baselines[0]
        assert (b.value, b.date, b.source.document) == (value, when, "001")
    # Seed 002: Leicestershire SII 6.4 / 5.0 years (2017-19), dementia diagnosis 61.2% (2021), 51,101 and 15,802.
    assert [b.value for b in llr.measure("inequality-in-life-expectancy-at-birth").baselines] == [6.4, 5.0]
    assert llr.measure("dementia-diagnosis-rate").baselines[0].value == 61.2
    assert llr.measure("people-with-5-or-more-ltcs").baselines[0].value == 51101
    assert llr.measure("people-with-8-or-more-ltcs").baselines[0].value == 15802


def test_a_target_always_says_where_it_comes_from(llr):
    for m in llr.measures:
        for t in [m.target, *m.other_targets]:
            if t is not None:
                assert t.source.strip(), m.id
