"""One insights CSV, end to end: it loads, links to a priority, shows on that priority's staff page and on its
public "You said, we did" page; the record from a group below the disclosure threshold stays off the public page."""

from __future__ import annotations

from pophealth.disclosure import DEFAULT_POLICY
from pophealth.insight.csv_import import import_insights
from pophealth.microsite import build_site
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import signed_in_client

SMALL = DEFAULT_POLICY.max_suppressed  # the largest count the policy suppresses


def test_csv_to_staff_page_and_public_page(tmp_path):
    csv = tmp_path / "insight.csv"
    csv.write_text(
        "id,source,date,method,people,group,place,themes,summary,priorities,published\n"
        f"wide,Community survey,2024-02,Survey,{SMALL + 100},Residents,Rutland,access,"
        "Evening appointments are needed,rutland:rutland-equitable-access,yes\n"
        f"few,Drop-in,2024-02,Drop-in,{SMALL},plus:homelessness,Rutland,access,"
        "A handful of people said this,rutland:rutland-equitable-access,yes\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    con = connect(db)
    try:
        assert import_insights(con, load_strategy(), csv) == {"created": 2, "updated": 0, "unchanged": 0}
        build_site(con, tmp_path / "site")
    finally:
        con.close()
    public = (tmp_path / "site" / "you-said-we-did" / "rutland" / "rutland-equitable-access.html").read_text()
    assert "Evening appointments are needed" in public
    assert "A handful of people said this" not in public and "Homelessness" not in public
    staff = signed_in_client(create_app(db), "analyst").get(
        "/api/insight/priorities/rutland/rutland-equitable-access").json()
    shown = {r["id"]: r["public"] for r in staff["records"]}
    assert shown == {"wide": True, "few": False}  # staff see both, and which one the public cannot
