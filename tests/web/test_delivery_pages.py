"""Delivery pages through the JSON twins and the update form."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.delivery_support import build_demo_tracker
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry
from tests.auth_support import csrf_of, signed_in_client
from pophealth.delivery.records import PROGRAMMES
from pophealth.delivery.seed import build_records
from pophealth.strategy import load_strategy

# every action the seeds state: 215 of the JFP, ICS areas of focus, Leicestershire JHWS and Leicester plan,
# and those of Rutland's JHWS priorities and the five enablers (seed 004)
ALL = len(build_records(load_strategy()).actions)


@pytest.fixture
def app(db_file):
    con = connect(db_file)
    build_demo_tracker(con)
    con.close()
    app = create_app(db_file)
    app.state.cache.recheck_seconds = 3600  # an update must show at once because it was posted, not by timing
    return app


@pytest.fixture
def client(app):
    return signed_in_client(app, "action_lead", username="sam_lead")


def test_tracker_filters(client):
    everything = client.get("/api/delivery").json()
    assert everything["total"] == everything["matching"] == ALL and len(everything["rows"]) == 25
    red = client.get("/api/delivery", params={"rag": "Red"}).json()["rows"]
    assert [r["action"]["ref"] for r in red] == ["L2.3"]  # the demo's only Red at the latest period
    places = client.get("/api/delivery", params={"theme": "Healthy Places"}).json()["rows"]
    assert len(client.get("/api/delivery", params={"overdue": "yes", "page": 99}).json()["rows"]) > 0
    for odd in ("²", "０", "9" * 5000):  # digits to str.isdigit, not to int(): the first page, never a 500
        assert client.get("/api/delivery", params={"page": odd}).json()["page_number"] == 1
    assert places and all(r["theme"] == "Healthy Places" for r in places)
    overdue = client.get("/api/delivery", params={"overdue": "yes"}).json()["rows"]
    assert overdue and all(r["overdue"] for r in overdue)
    assert client.get("/api/delivery", params={"lead": "nobody-named-this"}).json()["rows"] == []


def _all_pages(client, **params) -> list[dict]:
    first = client.get("/api/delivery", params=params).json()
    rows = list(first["rows"])
    for number in range(2, first["pages"] + 1):
        rows += client.get("/api/delivery", params={**params, "page": number}).json()["rows"]
    assert len(rows) == first["matching"]
    return rows


def test_paging_shows_every_matching_action_once(client):
    refs = [r["action"]["ref"] for r in _all_pages(client)]
    assert len(refs) == len(set(refs)) == ALL
    jfp = _all_pages(client, organisation="jfp")
    assert jfp and {r["programme"] for r in jfp} == {"jfp"}
    assert sum(len(_all_pages(client, organisation=p)) for p in PROGRAMMES) == ALL


def test_sorting_by_rag_puts_red_first_and_unrated_last_in_either_direction(client):
    order = {"Red": 0, "Amber": 1, "Green": 2}
    for direction in ("", "desc"):
        rows = _all_pages(client, sort="rag", dir=direction)
        ratings = [r["overall_rag"] for r in rows]
        rated = [x for x in ratings if x]
        assert ratings[:len(rated)] == rated and not any(ratings[len(rated):])  # unrated never among the rated
        assert rated == sorted(rated, key=order.get, reverse=direction == "desc")
    due = [r["due"] for r in _all_pages(client, sort="due") if r["due"]]
    assert due == sorted(due)


def test_the_tracker_pages_with_links_that_keep_the_filters(client):
    html = client.get("/delivery", params={"organisation": "jfp", "sort": "rag"}).text
    assert f"Showing actions 1 to 25 of 79 matching (of {ALL} in all)" in html
    assert 'href="/delivery?organisation=jfp&amp;sort=rag&amp;page=2#actions"' in html
    assert 'class="ph-table-scroll"' in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def test_update_form_errors_then_success(client):
    token = csrf_of(client, "/delivery/actions/L2.2")
    bad = client.post("/delivery/actions/L2.2/update", data={"version": "1", "stage": "Delivery", "csrf_token": token})
    assert bad.status_code == 400
    assert "There is a problem" in bad.text and 'href="#overall_rag"' in bad.text
    ok = client.post("/delivery/actions/L2.2/update", follow_redirects=False, data={
        "version": "1", "stage": "Delivery", "overall_rag": "Amber", "risk_rag": "Green",
        "trajectory_rag": "Amber", "narrative": "Started recruiting", "csrf_token": token})
    assert ok.status_code == 303
    page = client.get("/api/delivery/actions/L2.2").json()
    assert (page["row"]["overall_rag"], page["action"]["version"], page["history"][-1]["editor"]) == ("Amber", 2, "Sam Lead")  # the signed-in user
    stale = client.post("/delivery/actions/L2.2/update", data={
        "version": "1", "stage": "Delivery", "overall_rag": "Red", "risk_rag": "Red",
        "trajectory_rag": "Red", "narrative": "From an old form", "csrf_token": token})
    assert stale.status_code == 400 and "someone else changed it first" in stale.text


def test_highlight_report_and_roles(client):
    report = client.get("/api/delivery/highlight", params={"board": "Leicester Health and Wellbeing Board"}).json()
    do = {p["governance"]["priority_id"]: p for p in report["report"]["do"]}
    assert "leicester:L2" in do and do["leicester:L2"]["rollup"]["rag"] == "Red"
    roles = {(r.path, r.methods): r.role for r in route_registry(client.app)}
    assert roles[("/delivery/actions/{ref}/update", ("POST",))] == "action_lead"
    assert roles[("/delivery", ("GET",))] == "analyst"


def test_only_action_leads_may_update_and_the_form_needs_its_token(app, client):
    analyst = signed_in_client(app, "analyst")
    assert "Record an update" not in analyst.get("/delivery/actions/L2.2").text
    form = {"version": "1", "stage": "Delivery", "overall_rag": "Amber", "risk_rag": "Green",
            "trajectory_rag": "Amber", "narrative": "x", "csrf_token": csrf_of(analyst, "/delivery")}
    assert analyst.post("/delivery/actions/L2.2/update", data=form).status_code == 403
    form["csrf_token"] = "forged"
    assert client.post("/delivery/actions/L2.2/update", data=form).status_code == 403
    assert TestClient(app).get("/api/delivery").status_code == 401
