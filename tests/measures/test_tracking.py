"""Measure series, status and narrative: aggregation, the RAG rule, versions, snapshots."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.errors import ConfigError, ConflictError, InputError
from pophealth.measures import narrative
from pophealth.measures.series import period_bounds, read_series
from pophealth.measures.status import assess
from pophealth.measures.tracking import Snapshot, assess_snapshot, period_end, take_snapshot, track
from pophealth.sources.nhse_stats import write_observations
from pophealth.warehouse import transaction


def _obs(metric, org, start, num, den, org_type="sub_icb"):
    start = pd.Timestamp(start)
    return {"metric_id": metric, "org_code": org, "org_type": org_type, "breakdown": "",
            "period_start": start.date(), "period_end": (start + pd.offsets.MonthEnd(0)).date(),
            "numerator": num, "denominator": den, "value": num / den, "unit": "proportion"}


def test_a_ratio_measure_sums_numerators_and_denominators_over_organisations(con, llr):
    rows = [_obs("cwt-62-day-combined", "03W", "2023-04-01", 50, 100),
            _obs("cwt-62-day-combined", "04C", "2023-04-01", 10, 100),
            _obs("cwt-62-day-combined", "XXX", "2023-04-01", 100, 100)]  # not an LLR sub-ICB: ignored
    with transaction(con):
        write_observations(con, pd.DataFrame(rows), source_file="t.csv")
    series = read_series(con, llr.measure("cancer-62-day"))
    assert series.state == "ok" and [p.value for p in series.points] == [30.0]  # 60 / 200, not mean of 50% and 10%


def test_states_no_feed_and_not_loaded(con, llr):
    assert read_series(con, llr.measure("cancer-two-week-wait")).state == "no_feed"
    assert read_series(con, llr.measure("cancer-62-day")).state == "not_loaded"
    # no indicators table in this warehouse: Fingertips measures say "data not loaded"
    assert read_series(con, llr.measure("life-expectancy-at-birth")).state == "not_loaded"


def test_indicator_measure_reads_the_indicator_table_when_present(con, llr):
    rows = [("Male", "", "2019 - 21", 20190000, 76.1), ("Male", "", "2018 - 20", 20180000, 76.9),
            ("Female", "", "2018 - 20", 20180000, 81.0), ("Male", "deprivation", "2018 - 20", 20180000, 70.0)]
    for sex, category_type, period, sortable, value in rows:
        con.execute("INSERT INTO indicator_value (indicator_id, indicator_name, area_code, area_name, sex, age, "
                    "category_type, category, time_period, time_period_sortable, start_year, value, source, "
                    "loaded_at) VALUES (90366, 'Life expectancy at birth', 'E06000016', 'Leicester', ?, '', ?, "
                    "?, ?, ?, ?, ?, 'test', now())",
                    [sex, category_type, category_type, period, sortable, int(period[:4]), value])
    series = read_series(con, llr.measure("life-expectancy-at-birth"))
    assert [(p.label, p.value) for p in series.points] == [("2018 - 20", 76.9), ("2019 - 21", 76.1)]


@pytest.mark.parametrize("label,expected", [
    ("2022", (dt.date(2022, 1, 1), dt.date(2022, 12, 31))),
    ("2018 - 20", (dt.date(2018, 1, 1), dt.date(2020, 12, 31))),
    ("2022/23", (dt.date(2022, 4, 1), dt.date(2023, 3, 31))),
    ("2020/21 - 22/23", (dt.date(2020, 4, 1), dt.date(2023, 3, 31))),
])
def test_fingertips_period_bounds(label, expected):
    assert period_bounds(label) == expected


def _monthly(values, start=dt.date(2020, 1, 1)):
    from pophealth.measures.series import MeasureSeries, Point

    pts = []
    for i, v in enumerate(values):
        first = (pd.Timestamp(start) + pd.DateOffset(months=i)).date()
        pts.append(Point(period_start=first, period_end=(pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date(),
                         label=first.strftime("%Y-%m"), value=v))
    return MeasureSeries(measure_id="x", state="ok", points=pts)


# Expectations written from docs/methods/spc.md, "Status (RAG) from the icons and target".
STABLE = [60.0, 62.0] * 10  # common cause, mean 61, limits 55.7 to 66.3
RISING_LAST = STABLE + [90.0]  # the last point above the upper limit


@pytest.mark.parametrize("measure_id,values,variation,assurance,rag", [
    # cancer 62-day: higher is better, target 85% above the upper limit -> consistently fail
    ("cancer-62-day", STABLE, "common_cause", "fail", "red"),
    # ... and a latest point above the limit is an improvement: a failing process lifted to amber
    ("cancer-62-day", RISING_LAST, "improvement_high", "fail", "amber"),
    # deaths in hospital: lower is better, target 35% below the lower limit -> consistently fail;
    # a high point is a concern, which keeps it red
    ("deaths-in-hospital", RISING_LAST, "concern_high", "fail", "red"),
    # RTT 52+ week waiters: no target, so not rated whatever the variation (the icons still show)
    ("rtt-52-week-waiters", RISING_LAST, "concern_high", None, "not_rated"),
    ("rtt-52-week-waiters", STABLE, "common_cause", None, "not_rated"),
])
def test_status_is_the_documented_rule(llr, measure_id, values, variation, assurance, rag):
    status = assess(llr.measure(measure_id), _monthly(values))
    assert (status.variation_icon, status.assurance_icon, status.rag) == (variation, assurance, rag)


def test_a_process_that_never_varies_and_never_missed_its_target_is_consistently_passing(llr):
    # out-of-area placements: zero every month against a target of zero (lower is better)
    m = llr.measure("mental-health-out-of-area-placements")
    status = assess(m, _monthly([0.0] * 24))
    assert (status.rag, status.assurance_icon) == ("green", "pass")
    assert status.assurance_text == "The process will consistently pass the target"
    assert not status.chart.limits_available  # no limits: the values themselves decide
    # the same flat line one placement above the target never met it: consistently failing
    assert (assess(m, _monthly([1.0] * 24)).rag, assess(m, _monthly([1.0] * 24)).assurance_icon) == ("red", "fail")


def test_a_measure_far_below_its_target_fails_assurance_and_is_red(con, llr):
    rows = [_obs("cwt-62-day-combined", "03W", f"2022-{m:02d}-01", 50 + (m % 3), 100) for m in range(1, 13)]
    with transaction(con):
        write_observations(con, pd.DataFrame(rows), source_file="t.csv")
    m = llr.measure("cancer-62-day")
    status = assess(m, read_series(con, m))
    assert (status.assurance_icon, status.rag) == ("fail", "red")
    assert status.variation_text.startswith("Common cause")


def test_period_end_and_bad_periods():
    assert period_end("2024-02") == dt.date(2024, 2, 29)
    with pytest.raises(ConfigError):
        period_end("2024-13")


def test_reporting_period_cuts_the_series(con, llr):
    rows = [_obs("cwt-62-day-combined", "03W", f"2023-{m:02d}-01", 60, 100) for m in range(1, 7)]
    with transaction(con):
        write_observations(con, pd.DataFrame(rows), source_file="t.csv")
    tracking = track(con, llr, "2023-03")
    assert tracking.measures["cancer-62-day"].status.latest_label == "2023-03"
    assert track(con, llr).period == "2023-06"  # default: the latest month with data


def test_narrative_versions_are_kept_and_stale_edits_refused(con):
    first = narrative.add_version(con, "cancer-62-day", "2023-10", "Backlog", ["More clinics"], "Cancer lead")
    second = narrative.add_version(con, "cancer-62-day", "2023-10", "Backlog falling", [], "Cancer lead", based_on=1)
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(ConflictError):
        narrative.add_version(con, "cancer-62-day", "2023-10", "Stale", [], "Someone", based_on=1)
    with pytest.raises(InputError):
        narrative.add_version(con, "cancer-62-day", "2023-11", "  ", [], "Someone")
    assert [v.key_issue for v in narrative.history(con, "cancer-62-day")] == ["Backlog falling", "Backlog"]
    assert narrative.current(con, "cancer-62-day", "2023-10").version == 2


def test_seed_narratives_load_once(con, llr):
    assert narrative.seed_narratives(con, llr) == 6  # the six pledge 1-2 measure pages of seed 000
    assert narrative.seed_narratives(con, llr) == 0
    v = narrative.current(con, "u75-preventable-mortality-respiratory")
    assert v.key_issue.startswith("Rates are falling in all three places")
    assert "Lung Health Check programme" in v.mitigations


def test_a_snapshot_rebuilds_the_same_tracking(con, llr):
    rows = [_obs("cwt-28-day-fds", "04V", f"2023-{m:02d}-01", 70 + m, 100) for m in range(1, 10)]
    with transaction(con):
        write_observations(con, pd.DataFrame(rows), source_file="t.csv")
    snap = take_snapshot(con, llr)
    again = Snapshot.model_validate_json(snap.model_dump_json())
    assert assess_snapshot(again).model_dump() == assess_snapshot(snap).model_dump()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30))
def test_status_always_has_a_rag_and_one_chart_point_per_value(llr, values):
    m = llr.measure("cancer-62-day")
    from pophealth.measures.series import MeasureSeries, Point

    start = dt.date(2020, 1, 1)
    pts = [Point(period_start=(pd.Timestamp(start) + pd.DateOffset(months=i)).date(),
                 period_end=(pd.Timestamp(start) + pd.DateOffset(months=i + 1) - pd.Timedelta(days=1)).date(),
                 label=str(i), value=v) for i, v in enumerate(values)]
    status = assess(m, MeasureSeries(measure_id=m.id, state="ok", points=pts))
    assert status.rag in {"red", "amber", "green"}  # the measure has a target, so it is always rated
    assert len(status.points) == len(values) and status.latest_value == values[-1]


def test_a_pack_shows_only_periods_that_had_ended(con, llr):
    from pophealth.measures.series import MeasureSeries, Point

    pts = [Point(period_start=dt.date(y, 1, 1), period_end=dt.date(y + 2, 12, 31), label=f"{y} - {y + 2 - 2000}",
                 value=76.0) for y in (2017, 2018, 2019)]
    series = MeasureSeries(measure_id="life-expectancy-at-birth", state="ok", points=pts)
    assert [p.label for p in series.until(period_end("2021-06")).points] == ["2017 - 19", "2018 - 20"]
    assert series.until(period_end("2019-06")).state == "not_loaded"


STEP = [60.0, 62.0, 61.0, 63.0, 60.0, 62.0, 61.0, 60.0, 62.0, 61.0, 63.0, 60.0, 62.0, 61.0,
        80.0, 82.0, 81.0, 83.0, 80.0, 82.0, 81.0]  # a new process from the 15th month (2022-03)


def _load_step(con):
    rows = [_obs("cwt-62-day-combined", "03W", (pd.Timestamp("2021-01-01") + pd.DateOffset(months=i)).date(),
                 v, 100) for i, v in enumerate(STEP)]
    with transaction(con):
        write_observations(con, pd.DataFrame(rows), source_file="t.csv")


def test_an_approved_rebase_recalculates_the_measure_limits_until_it_is_withdrawn(con, llr):
    from pophealth.measures.view import measure_view
    from pophealth.spc import xmr
    from pophealth.spc.rebase import approve_rebase, propose_rebase, withdraw_rebase

    _load_step(con)
    before = track(con, llr).measures["cancer-62-day"].status
    assert before.rebases == [] and len({p.mean for p in before.points}) == 1
    pid = propose_rebase(con, "cancer-62-day", dt.date(2022, 3, 10), proposed_by="Analyst A")
    assert track(con, llr).measures["cancer-62-day"].status.model_dump() == before.model_dump()  # only proposed
    approve_rebase(con, pid, approved_by="Director B", reason="Rapid diagnostic centre opened")
    entry = track(con, llr).measures["cancer-62-day"]
    [applied] = entry.status.rebases
    # mid-month date: the rebase applies from the first point on or after it, 2022-04
    assert (applied.label, applied.at, applied.approved_by) == ("2022-04", dt.date(2022, 4, 1), "Director B")
    means = [p.mean for p in entry.status.points]
    alone = xmr(STEP[15:], improvement="increase")  # the new segment charted on its own
    assert means[15:] == pytest.approx(list(alone.points["mean"]))
    assert means[0] == pytest.approx(xmr(STEP[:15], improvement="increase").points["mean"].iloc[0])
    assert measure_view(entry).rebase_text == [
        "Limits recalculated from 2022-04: Rapid diagnostic centre opened (approved by Director B)"]
    withdraw_rebase(con, pid, withdrawn_by="Director B", reason="approved against the wrong month")
    assert track(con, llr).measures["cancer-62-day"].status.model_dump() == before.model_dump()


def test_rebases_outside_the_series_change_nothing_and_snapshots_keep_them(con, llr):
    from pophealth.spc.rebase import approve_rebase, propose_rebase

    _load_step(con)
    before = track(con, llr).measures["cancer-62-day"].status.model_dump()
    for day in (dt.date(2020, 6, 1), dt.date(2021, 1, 1), dt.date(2030, 1, 1)):  # before, at the first point, after
        approve_rebase(con, propose_rebase(con, "cancer-62-day", day, proposed_by="A"), approved_by="B", reason="r")
    assert track(con, llr).measures["cancer-62-day"].status.model_dump() == before
    approve_rebase(con, propose_rebase(con, "cancer-62-day", dt.date(2022, 3, 1), proposed_by="A"),
                   approved_by="B", reason="new process")
    snap = take_snapshot(con, llr)
    assert [r.point_date for r in snap.rebases["cancer-62-day"]] == [dt.date(2020, 6, 1), dt.date(2021, 1, 1),
                                                                      dt.date(2022, 3, 1)]  # 2030 is after the period
    again = Snapshot.model_validate_json(snap.model_dump_json())
    assert assess_snapshot(again).model_dump() == assess_snapshot(snap).model_dump()
    [applied] = assess_snapshot(again).measures["cancer-62-day"].status.rebases
    assert applied.label == "2022-03"
    older = snap.model_dump(mode="json")
    del older["rebases"]  # a snapshot saved before rebases were kept still rebuilds
    assert Snapshot.model_validate(older).rebases == {}
