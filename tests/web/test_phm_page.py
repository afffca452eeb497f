"""The PHM summary page: analysts only, aggregates only, small counts suppressed, works with no run."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from tests.auth_support import signed_in_client
from tests.phm.test_run import synth_db  # noqa: F401  (a 3,000-person synthetic warehouse with a PHM run)
from tests.web.test_indicator_pages import FIXTURE


@pytest.fixture(scope="module")
def app(synth_db):  # noqa: F811
    return create_app(synth_db, strategy_dir=FIXTURE)


@pytest.mark.slow
def test_page_needs_an_analyst(app):
    assert TestClient(app).get("/api/phm", follow_redirects=False).status_code in (302, 303, 401, 403)
    from pophealth.web.pages import route_registry

    roles = {r.path: r.role for r in route_registry(app) if r.path in ("/phm", "/api/phm")}
    assert roles == {"/phm": "analyst", "/api/phm": "analyst"}


@pytest.mark.slow
def test_json_twin_has_published_figures_only(app):
    body = signed_in_client(app, "analyst").get("/api/phm").json()
    assert body["run_id"] and body["index_date"]
    assert {f["measure"] for f in body["headline"]} >= {"people", "ltc_5plus", "ltc_8plus", "efi_severe"}
    assert len(body["segments"]) == 8
    counts = [f[k] for group in ("headline", "segments", "cohorts", "care_gaps") for f in body[group]
              for k in ("numerator", "denominator") if f[k] is not None]
    counts += [f[k] for row in body["places"] for f in row["figures"] for k in ("numerator", "denominator")
               if f[k] is not None]
    assert all(c == 0 or (c > 7 and c % 5 == 0) for c in counts)
    assert "person_id" not in str(body)


@pytest.mark.slow
def test_html_has_an_accessible_chart_and_tables(app):
    html = signed_in_client(app, "analyst").get("/phm").text
    assert re.search(r'<svg[^>]+role="img"', html) and "<title id=\"phm-segments-title\">" in html
    assert "<desc" in html and "People by segment" in html and "By place" in html


def test_page_without_a_run_says_so(tmp_path):
    app = create_app(tmp_path / "empty.duckdb", strategy_dir=FIXTURE)
    body = signed_in_client(app, "analyst").get("/api/phm").json()
    assert body["run_id"] is None and "No PHM run" in body["source"]


@pytest.fixture(scope="module")
def risk_app(synth_db, tmp_path_factory):  # noqa: F811
    from tests.web.phm_risk_support import with_risk_run

    path, result = with_risk_run(synth_db, tmp_path_factory.mktemp("phm_risk") / "risk.duckdb")
    return create_app(path, strategy_dir=FIXTURE), result


def _published(count) -> bool:
    return count is None or count == 0 or (count > 7 and count % 5 == 0)


@pytest.mark.slow
def test_risk_report_shows_model_against_both_baselines_with_intervals(risk_app):
    app, result = risk_app
    risk = signed_in_client(app, "analyst").get("/api/phm").json()["risk"]
    stored = result["emergency_admission_12m"]["metrics"]
    names = [s["name"] for s in risk["scores"]]
    assert names == ["Risk model", "Baseline: age and sex", "Baseline: age, sex and prior admissions",
                     "Baseline: number of LTCs"]
    model = risk["scores"][0]["auroc"]
    assert model["value"] == stored["model"]["auroc"] and model["low"] <= model["value"] <= model["high"]
    for row, key in zip(risk["scores"][1:], ("age_sex", "age_sex_prior", "ltc"), strict=True):
        assert row["auroc"]["value"] == stored["baselines"][key]["auroc"]
        assert row["gain"]["value"] == pytest.approx(stored["baselines"][key]["auroc_gain"])
    assert risk["calibration_slope"]["value"] == stored["model"]["calibration_slope"]
    assert [t["name"] for t in risk["top"]] == ["Top 1%", "Top 5%"]
    assert risk["top"][1]["ppv"]["value"] == stored["model"]["ppv_top5"]
    assert len(risk["deciles"]) == 10 and {t["caption"] for t in risk["fairness"]} == {
        "By IMD 2025 quintile", "By ethnic group"}
    counts = [risk["people"], risk["events"], *[t["flagged"] for t in risk["top"]],
              *[d["people"] for d in risk["deciles"]],
              *[r[k] for t in risk["fairness"] for r in t["rows"] for k in ("people", "events")]]
    assert all(_published(c) for c in counts), counts
    assert risk["people"] != stored["model"]["n"] or stored["model"]["n"] % 5 == 0  # rounded, not raw
    assert "calibration_svg" not in risk and "person_id" not in str(risk)
    # rates only from protected counts: the six-decimal ratios times the rounded counts pinned exact counts
    assert risk["event_rate"] == pytest.approx(risk["events"] / risk["people"])
    for row in (r for t in risk["fairness"] for r in t["rows"]):
        if row["observed"] is not None:
            assert row["observed"] == pytest.approx(row["events"] / row["people"])
        assert row["ppv_top5"] is None or row["ppv_top5"] == round(row["ppv_top5"], 2)
    for d in risk["deciles"]:
        assert d["observed"] is None or (d["observed"] * d["people"]) == pytest.approx(round(d["observed"] * d["people"]))
        assert d["observed"] is None or round(d["observed"] * d["people"]) % 5 == 0


@pytest.mark.slow
def test_risk_report_html_has_the_calibration_plot_and_fairness_tables(risk_app):
    app, _ = risk_app
    html = signed_in_client(app, "analyst").get("/phm").text
    assert '<title id="phm-risk-calibration-title">' in html and 'id="phm-risk-calibration-desc"' in html
    for text in ("Emergency admission risk model", "Baseline: age and sex", "Calibration slope",
                 "Case-finding", "By IMD 2025 quintile", "By ethnic group"):
        assert text in html


def test_page_without_a_risk_run_says_how_to_train(app):
    html = signed_in_client(app, "analyst").get("/phm").text
    assert "No risk model run" in html and "phm risk train" in html


@pytest.mark.slow
def test_labels_come_from_the_definitions_and_every_suppressed_cell_says_why(app):
    from pophealth.care.labels import GAP_LABELS, cohort_label

    client = signed_in_client(app, "analyst")
    body = client.get("/api/phm").json()
    for f in body["cohorts"]:
        assert f["label"] == cohort_label(f["measure"].removeprefix("cohort_"))
    for f in body["care_gaps"]:
        assert f["label"] == GAP_LABELS[f["measure"].removeprefix("care_gap_")]
    assert not any(f["label"].lower() in ("adult cvd risk", "htn bp check", "frailty dementia")
                   for group in ("segments", "cohorts", "care_gaps") for f in body[group])
    html = client.get("/phm").text
    main = html.split("<main", 1)[1]
    cells = re.findall(r'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">(.*?)</td>', main, re.S)
    hidden = [c for c in cells if "suppressed" in c]
    assert all('href="#why-suppressed"' in c for c in hidden)
    assert 'id="why-suppressed"' in main and "complementary" in main


def test_percentages_come_from_the_published_counts_and_places_cannot_be_differenced(app):
    """Issue 15: the page's percentages used the exact counts (so 10.3 % beside 30 of 300 gave 31 back); and the
    whole population minus the places must never leave exactly one place hidden."""
    body = signed_in_client(app, "analyst").get("/api/phm").json()
    figures = [f for group in ("headline", "segments", "cohorts", "care_gaps") for f in body[group]]
    figures += [f for row in body["places"] for f in row["figures"]]
    for f in figures:
        if f["numerator"] is None or f["denominator"] is None or f["denominator"] == 0:
            assert f["percent"] is None, f
        else:
            assert f["percent"] == round(100 * f["numerator"] / f["denominator"], 1), f
    overall = {f["measure"]: f for group in ("headline", "cohorts") for f in body[group]}
    for measure in {f["measure"] for row in body["places"] for f in row["figures"]}:
        by_place = [f for row in body["places"] for f in row["figures"] if f["measure"] == measure]
        for col in ("numerator", "denominator"):
            if measure in overall and overall[measure][col] is not None:
                assert sum(f[col] is None for f in by_place) != 1, (measure, col)
