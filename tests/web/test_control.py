"""The control socket's per-command world: the caller's settings, never the server's own."""

from __future__ import annotations

import io
import os

from pophealth.web.control import _callers_world, _Job, _JOB, _RoutedOutput


def test_a_command_sees_the_callers_settings_but_never_changes_the_servers_web_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("POPHEALTH_SECURE_COOKIES", "1")
    monkeypatch.setenv("POPHEALTH_SSO_ISSUER", "https://issuer.example")
    monkeypatch.setenv("POPHEALTH_STRATEGY", "/server/strategy")
    here = os.getcwd()
    with _callers_world(str(tmp_path), {"POPHEALTH_NEW_PASSWORD": "x", "POPHEALTH_SECURE_COOKIES": "0"}):
        assert os.getcwd() == str(tmp_path)
        assert os.environ["POPHEALTH_NEW_PASSWORD"] == "x"
        assert "POPHEALTH_STRATEGY" not in os.environ  # the caller did not set it
        assert os.environ["POPHEALTH_SECURE_COOKIES"] == "1"
        assert os.environ["POPHEALTH_SSO_ISSUER"] == "https://issuer.example"
    assert os.getcwd() == here
    assert "POPHEALTH_NEW_PASSWORD" not in os.environ and os.environ["POPHEALTH_STRATEGY"] == "/server/strategy"


class _Sent:
    def __init__(self) -> None:
        self.frames: list = []

    def sendall(self, data: bytes) -> None:
        self.frames.append(data.decode())

    def makefile(self, *args, **kwargs):
        return io.StringIO()


def test_writes_go_to_the_command_in_whose_context_they_are_made():
    original = io.StringIO()
    routed = _RoutedOutput(original, "out")
    routed.write("server log\n")
    sent = _Sent()
    token = _JOB.set(_Job(sent, {"out": True}))  # type: ignore[arg-type]
    try:
        routed.write("command output\n")
        assert routed.isatty()
    finally:
        _JOB.reset(token)
    assert original.getvalue() == "server log\n"
    assert sent.frames == ['["out", "command output\\n"]\n']
