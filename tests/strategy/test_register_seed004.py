"""Seed 004's Rutland JHWS priorities (Table 1), its five enablers and its case-study figures in the register."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pophealth.cli.app import app
from pophealth.strategy import Strategy
from pophealth.strategy.priorities import priority_index
from tests.strategy.seedtext import in_seed


def test_rutland_has_the_nine_table_1_priorities_in_order(register: Strategy):
    assert register.rutland is not None
    names = [p.name for p in register.rutland.priorities]
    # Table 1, the "Rutland JHWS Priorities" column read top to bottom
    assert names == ["The best start for life", "Staying healthy & independent: prevention",
                     "Preparing for population growth & change",
                     "Healthy ageing & living well with long term conditions",
                     "Equitable access to health & wellbeing services",
                     "Ensuring people are well supported in the last phase of their lives",
                     "Supporting good mental health", "Reducing health inequalities", "Covid -19 Recovery"]
    assert register.rutland.period == "5 years (2022-2027)"
    assert {p.ics_priority for p in register.rutland.priorities} == {
        "Best Start in Life", "Staying Healthy and Well", "Living and Supported Well", "Dying Well",
        "Cross Cutting Themes"}


def test_the_five_enablers_of_chapter_4(register: Strategy):
    assert [(e.number, e.id) for e in register.enablers] == [
        (1, "population-health-management"), (2, "workforce"), (3, "governance"),
        (4, "digital-and-shared-care-record"), (5, "research-and-innovation")]
    # Enabler 2 numbers four priorities; Enabler 3 states none and says why
    assert len(register.enabler("workforce").actions) == 4
    governance = register.enabler("governance")
    assert governance.actions == [] and "Figure 5" in " ".join(governance.extraction_notes)
    assert "shared care record" in register.enabler("digital-and-shared-care-record").introduction[0]


def test_somali_vaccine_uptake_series_is_49_60_78_percent(register: Strategy):
    series = [o for o in register.observations if o.series == "somali-covid-vaccine-uptake-over-50s"]
    assert [(o.value, o.date) for o in series] == [(49, "2021-03"), (60, "2021-03"), (78, "2021-08")]
    assert in_seed("004", "uptake in the over 50s Somali population had increased from 49% to 60%")


def test_gp_registration_figures_agree_with_the_rise_the_seed_prints(register: Strategy):
    before, after = (o.value for o in register.observations if o.series == "leicester-city-gp-registrations")
    # the seed prints "a rise of 22,323 people, reflecting a 76% increase"
    assert in_seed("004", "a rise of 22,323 people, reflecting a 76% increase")
    assert after - before == 22323
    assert round(100 * (after - before) / before) == 76


def test_every_observation_points_at_a_priority_that_exists(register: Strategy):
    index = priority_index(register)
    assert {o.priority for o in register.observations} <= set(index)


def test_show_json_lists_every_priority_with_its_reference():
    result = CliRunner().invoke(app, ["strategy", "show", "--json"])
    data = json.loads(result.output)
    refs = [p["ref"] for p in data["priorities"]]
    assert len(refs) == len(set(refs))
    kinds = {r.split(":")[0] for r in refs}
    assert kinds == {"delivery", "focus", "enabler", "jhws", "leicester", "rutland"}
    assert sum(r.startswith("rutland:") for r in refs) == 9
    assert sum(r.startswith("enabler:") for r in refs) == 5
    # both "preventing-illness" records stay apart through their kind
    assert {"delivery:preventing-illness", "focus:preventing-illness"} <= set(refs)
    assert len(data["enablers"]) == 5 and len(data["rutland_priorities"]) == 9
