"""The twins over patient-level data validate against their OpenAPI schemas too (on the synthetic population)."""

from __future__ import annotations

import pytest

from pophealth.web.app import create_app
from tests.auth_support import signed_in_client
from tests.web.openapi_check import problems, response_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(care_warehouse, tmp_path_factory):
    """A copy of the care warehouse and its identity store: reading people here logs disclosures of its own."""
    import shutil

    from pophealth.access.audit_store import copy_audit
    from pophealth.care.identity_store import store_path

    copy = tmp_path_factory.mktemp("schemas") / "care.duckdb"
    shutil.copy(care_warehouse, copy)
    if store_path(care_warehouse).exists():
        shutil.copy(store_path(care_warehouse), store_path(copy))
    copy_audit(care_warehouse, copy)
    return create_app(copy)


def test_the_person_and_own_indicator_twins_validate(app):
    document = app.openapi()
    con = app.state.con.cursor()
    try:
        practice, person = con.execute("""SELECT practice_code, min(person_id) FROM person_geography
                                          WHERE practice_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC
                                          LIMIT 1""").fetchone()
    finally:
        con.close()
    care = signed_in_client(app, "care_team", username="schema_care", practice_code=practice)
    analyst = signed_in_client(app, "analyst", username="schema_analyst")
    for client, url, path in ((care, f"/api/care/people/{person}", "/api/care/people/{person_id}"),
                              (analyst, "/api/indicators/own/emergency-admissions",
                               "/api/indicators/own/{event_slug}")):
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:200])
        assert problems(response.json(), response_schema(document, path), document) == [], url
