"""The seed 004 additions to the register on the staff app: Rutland's JHWS priorities and the five enablers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pophealth.web.app import create_app


def test_rutland_and_enabler_pages(db_file):
    client = TestClient(create_app(db_file))
    home = client.get("/api/").json()
    assert {"/rutland", "/enablers"} <= {s["href"] for s in home["sections"]}
    rutland = client.get("/api/rutland").json()["rutland"]
    assert len(rutland["priorities"]) == 9 and rutland["hwb"] == "Rutland County Council Health and Wellbeing Board"
    enablers = client.get("/api/enablers").json()["enablers"]
    assert [e["id"] for e in enablers] == ["population-health-management", "workforce", "governance",
                                           "digital-and-shared-care-record", "research-and-innovation"]
    research = client.get("/api/enablers/research-and-innovation").json()
    assert [o["printed"] for o in research["observations"]] == ["over 52,000", "More than 29,000"]
    assert research["insight"] is None  # the public never see insight
    html = client.get("/enablers/governance").text
    assert "The strategy states no action for this enabler." in html and "Figure 5" in html
    assert client.get("/enablers/nothing").status_code == 404
