"""Measure pages and their JSON twins over the demo measures data; narrative versions through the form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from tests.auth_support import csrf_of, signed_in_client
from tests.measures_support import demo_measures_db, grant_editor
from pophealth.web.pages import route_registry

FIXTURE = Path(__file__).parents[1] / "fixtures" / "strategy_min"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return TestClient(create_app(demo_measures_db(tmp_path_factory.mktemp("m"))))


@pytest.mark.parametrize("path", ["/measures", "/measures/cancer-62-day", "/measures/life-expectancy-at-birth",
                                  "/pledges/8/measures", "/measures/cancer-62-day/narrative"])
def test_pages_and_json_twins(client, path):
    assert client.get(path).status_code == 200
    assert client.get("/api" + path).status_code == 200


def test_measure_page_carries_chart_icons_and_narrative(client):
    page = client.get("/api/measures/cancer-62-day").json()
    v = page["measure"]
    assert v["latest_label"] == "2023-10" and v["latest_text"] == "54.0%" and v["synthetic"] is False
    assert v["target_text"] == "85%" and v["rag"] == "red"
    assert not any(key.endswith("_svg") for key in v)  # the twin is data; the drawings are on the page
    assert v["assurance_text"] == "The process will consistently fail the target"
    html = client.get("/measures/cancer-62-day").text
    chart = html[html.index('statistical process control chart'):]
    assert "<desc" in chart and "Target 85%" in chart
    assert f"<title>{v['variation_text']}</title>" in html
    for heading in ("What is the key issue?", "Mitigations", "Data source"):
        assert f"<h2>{heading}</h2>" in html
    assert "cwt_llr_subicb_2023-04_to_2023-10.csv" in html


def test_seed_narrative_is_shown_for_pledge_1_measures(client):
    v = client.get("/api/measures/life-expectancy-at-birth").json()["measure"]
    assert v["narrative"]["key_issue"].startswith("While Life Expectancy is rising in all 3 places")
    assert v["data_state_text"] == "Data not loaded" and v["latest_value"] is None


def test_a_measure_shows_the_real_published_series_with_its_source(client):
    page = client.get("/api/measures/ae-four-hour").json()
    assert page["measure"]["synthetic"] is False and page["synthetic_text"] is None
    # UHL July 2025: (34,902... ) the NHS England A&E publication, all types within 4 hours
    assert page["measure"]["latest_label"] == "2025-07"
    html = client.get("/measures/ae-four-hour").text
    assert "ae_attendances_llr_monthly_2024-07_2025-07_humaniverse.csv" in html and "Demonstration data" not in html


def test_pledge_progress_lists_its_measures_with_status(client):
    page = client.get("/api/pledges/8/measures").json()
    assert [r["view"]["id"] for r in page["rows"]] == ["cancer-62-day", "cancer-two-week-wait", "cancer-28-day-fds",
                                                       "rtt-52-week-waiters"]
    assert page["rows"][1]["view"]["rag"] == "no_data"
    assert '/pledges/8/measures' in client.get("/pledges/8").text


def test_measures_are_in_the_site_navigation(client):
    header = client.get("/").text.split("</header>")[0]
    assert re.search(r'<a[^>]+href="/measures"[^>]*>\s*Measures\s*<', header)


def test_every_pledge_page_lists_its_measures_with_status_and_links(client):
    strategy = client.app.state.strategy
    for p in strategy.pledges:
        expected = [m.id for m in strategy.measures if p.number in m.pledges]
        progress = client.get(f"/api/pledges/{p.number}").json()["progress"]
        assert [r["view"]["id"] for r in progress["rows"]] == expected
        assert progress["measurable"] is bool(expected)
        html = client.get(f"/pledges/{p.number}").text
        tags = re.findall(r'<strong class="nhsuk-tag[^"]*">([^<]+)</strong>', html)
        assert tags == [r["view"]["rag_text"] for r in progress["rows"]]  # one status per measure, in order
        for row in progress["rows"]:
            assert f'href="/measures/{row["view"]["id"]}"' in html
    # the same rows, status and period as the pledge's own progress page
    eight = client.get("/api/pledges/8").json()["progress"]
    page = client.get("/api/pledges/8/measures").json()
    assert [(r["view"]["id"], r["view"]["rag"]) for r in eight["rows"]] == [
        (r["view"]["id"], r["view"]["rag"]) for r in page["rows"]]
    assert eight["period"] == page["period"]


def test_writing_narrative_needs_an_action_lead(client):
    page = client.get("/measures/cancer-28-day-fds/narrative").text
    assert "Sign in as an action lead" in page and 'id="key_issue"' not in page
    form = {"period": "2023-10", "key_issue": "x", "csrf_token": csrf_of(client, "/login")}
    assert client.post("/measures/cancer-28-day-fds/narrative/new", data=form, follow_redirects=False).status_code == 303
    assert client.get("/api/measures/cancer-28-day-fds/narrative").json()["versions"] == []


def test_new_narrative_version_is_added_and_escaped(client):
    grant_editor(client.app, "cancer_lead", "cancer-28-day-fds")
    client = signed_in_client(client.app, "action_lead", "cancer_lead")
    token = csrf_of(client, "/measures/cancer-28-day-fds/narrative")
    form = {"period": "2023-10", "key_issue": "<script>alert(1)</script> backlog", "mitigations": "One\nTwo",
            "based_on": "", "csrf_token": token}
    r = client.post("/measures/cancer-28-day-fds/narrative/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    again = client.post("/measures/cancer-28-day-fds/narrative/new", data={**form, "based_on": "1", "key_issue": "v2"})
    assert again.status_code == 200
    versions = client.get("/api/measures/cancer-28-day-fds/narrative").json()["versions"]
    assert [(v["version"], v["key_issue"]) for v in versions] == [(2, "v2"), (1, "<script>alert(1)</script> backlog")]
    assert versions[0]["author"] == "Cancer Lead (cancer_lead)"  # the signed-in user, not a form field
    html = client.get("/measures/cancer-28-day-fds/narrative").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    stale = client.post("/measures/cancer-28-day-fds/narrative/new", data={**form, "based_on": "1"})
    assert stale.status_code == 409 and "now at version 2" in stale.text


def test_an_action_lead_who_is_not_an_editor_gets_403_and_no_form(client):
    grant_editor(client.app, "uec_lead", "ae-four-hour")  # an editor, but of another measure
    lead = signed_in_client(client.app, "action_lead", "uec_lead")
    page = lead.get("/measures/cancer-62-day/narrative").text
    assert 'id="key_issue"' not in page and "not an editor of this measure" in page
    assert "add a new one" not in lead.get("/measures/cancer-62-day").text
    form = {"period": "2023-10", "key_issue": "x", "csrf_token": csrf_of(lead, "/measures/ae-four-hour/narrative")}
    refused = lead.post("/measures/cancer-62-day/narrative/new", data=form, follow_redirects=False)
    assert refused.status_code == 403
    assert [v["key_issue"] for v in lead.get("/api/measures/cancer-62-day/narrative").json()["versions"]] != ["x"]
    assert 'id="key_issue"' in lead.get("/measures/ae-four-hour/narrative").text  # the granted measure
    assert "add a new one" in lead.get("/measures/ae-four-hour").text


def test_an_admin_may_write_any_measure(client):
    admin = signed_in_client(client.app, "admin", "site_admin")
    token = csrf_of(admin, "/measures/smoking-at-time-of-delivery/narrative")
    r = admin.post("/measures/smoking-at-time-of-delivery/narrative/new", follow_redirects=False,
                   data={"period": "2023-10", "key_issue": "SATOD flat", "csrf_token": token})
    assert r.status_code == 303
    versions = admin.get("/api/measures/smoking-at-time-of-delivery/narrative").json()["versions"]
    assert versions[0]["author"] == "Site Admin (site_admin)"


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_an_editor_without_the_right_csrf_token_gets_403(client, token):
    grant_editor(client.app, "falls_lead", "emergency-admissions-falls-65")
    lead = signed_in_client(client.app, "action_lead", "falls_lead")
    form = {"period": "2023-10", "key_issue": "x"} | ({"csrf_token": token} if token else {})
    r = lead.post("/measures/emergency-admissions-falls-65/narrative/new", data=form, follow_redirects=False)
    assert r.status_code == 403
    assert lead.get("/api/measures/emergency-admissions-falls-65/narrative").json()["versions"] == []


def test_unknown_measure_is_404(client):
    assert client.get("/api/measures/nope").json()["error"]["status"] == 404


def test_routes_declare_roles(client):
    routes = {(r.path, r.methods): r.role for r in route_registry(client.app)}
    assert routes[("/measures/{measure_id}/narrative/new", ("POST",))] == "action_lead"
    assert routes[("/measures/{measure_id}", ("GET",))] == "public"
    no_csrf = client.post("/measures/cancer-28-day-fds/narrative/new", data={"period": "2023-10", "key_issue": "x"},
                          follow_redirects=False)
    assert no_csrf.status_code in (303, 403)  # refused: not signed in, or no CSRF token


def test_without_data_or_catalogue_pages_still_answer(tmp_path):
    c = TestClient(create_app(tmp_path / "empty.duckdb", strategy_dir=FIXTURE))
    page = c.get("/api/pledges/1/measures").json()
    assert page["measurable"] is False and page["rows"] == []
    assert "Not yet measurable" in c.get("/pledges/1/measures").text
    # the pledge page itself: not yet measurable, and no status tag at all
    progress = c.get("/api/pledges/1").json()["progress"]
    assert progress["measurable"] is False and progress["rows"] == []
    html = c.get("/pledges/1").text
    assert "Not yet measurable: no measure is defined for this pledge" in html and "nhsuk-tag" not in html
    assert c.get("/api/measures").json()["period"] is None
