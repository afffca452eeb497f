"""The second server's front end when no server holds the warehouse: a 502 in the app's one error shape."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from pophealth.web.frontend import NOT_ANSWERING, create_front_end


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_nothing_to_forward_to_is_a_502_as_json_under_api_and_a_page_elsewhere():
    with TestClient(create_front_end(f"http://127.0.0.1:{_closed_port()}")) as client:
        api = client.get("/api/pledges")
        assert api.status_code == 502 and api.json() == {"error": {"status": 502, "message": NOT_ANSWERING}}
        page = client.get("/pledges")
        assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
        assert NOT_ANSWERING in page.text and '<html lang="en">' in page.text
        assert page.headers["cache-control"] == "no-store"
