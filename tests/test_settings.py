"""One settings object: typed, read once, each value's source known, secrets never shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pophealth.cli import main
from pophealth.disclosure.policy import policy_of
from pophealth.errors import ConfigError
from pophealth.settings import MASK, Settings


def test_values_come_from_the_environment_then_options_with_their_sources():
    env = {"POPHEALTH_DISCLOSURE_MAX": "10", "POPHEALTH_ENGINE": "pyspark", "POPHEALTH_DB": "env.duckdb",
           "POPHEALTH_SECURE_COOKIES": "1", "POPHEALTH_MODEL_THREADS": ""}
    settings = Settings.load(env, options={"db": (Path("cli.duckdb"), "--db")})
    assert settings.disclosure_max == 10 and settings.engine == "pyspark" and settings.secure_cookies is True
    assert settings.db == Path("cli.duckdb") and settings.model_threads == 1
    assert settings.source("disclosure_max") == "env POPHEALTH_DISCLOSURE_MAX"
    assert settings.source("db") == "option --db"
    assert settings.source("model_threads") == "default"  # an empty variable is unset
    assert policy_of(settings).max_suppressed == 10


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Settings.load({}).disclosure_max = 3  # type: ignore[misc]


@pytest.mark.parametrize("name,value", [("POPHEALTH_ENGINE", "spark"), ("POPHEALTH_DISCLOSURE_ROUND", "0"),
                                        ("POPHEALTH_MODEL_THREADS", "many")])
def test_a_bad_value_is_refused_naming_the_variable(name, value):
    with pytest.raises(ConfigError) as info:
        Settings.load({name: value})
    assert name in info.value.message


def test_settings_json_shows_sources_and_masks_secrets(monkeypatch, capsys):
    for name in Settings.env_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POPHEALTH_PSEUDONYM_KEY", "the-real-key")
    monkeypatch.setenv("POPHEALTH_SSO_CLIENT_SECRET", "sso-secret")
    monkeypatch.setenv("POPHEALTH_NEW_PASSWORD", "pw-123456789")
    monkeypatch.setenv("POPHEALTH_DISCLOSURE_ROUND", "10")
    main(["settings", "--json", "--db", "x.duckdb"])
    out = capsys.readouterr().out
    rows = {r["env"]: r for r in json.loads(out) if r["name"] is not None}
    assert set(rows) == Settings.env_names()
    for secret in ("the-real-key", "sso-secret", "pw-123456789"):
        assert secret not in out
    assert rows["POPHEALTH_PSEUDONYM_KEY"]["value"] == MASK
    assert rows["POPHEALTH_DISCLOSURE_ROUND"] == {"name": "disclosure_round", "env": "POPHEALTH_DISCLOSURE_ROUND",
                                                 "value": 10, "source": "env POPHEALTH_DISCLOSURE_ROUND"}
    assert rows["POPHEALTH_DISCLOSURE_MAX"]["source"] == "default" and rows["POPHEALTH_DISCLOSURE_MAX"]["value"] == 7
    assert rows["POPHEALTH_DB"]["source"] == "option --db"


def test_the_code_reads_the_environment_only_in_the_settings_module():
    src = Path(__file__).resolve().parents[1] / "src" / "pophealth"
    readers = [p.relative_to(src).as_posix() for p in src.rglob("*.py")
               if "os.environ" in p.read_text(encoding="utf-8") or "getenv(" in p.read_text(encoding="utf-8")]
    # besides the settings, only the hand-over of a command to the serving process touches the environment:
    # it carries the caller's environment across whole, for the command's settings to be built from
    assert sorted(readers) == ["cli/forward.py", "settings.py", "web/control.py"]


def test_a_command_run_in_another_thread_does_not_change_the_process_settings(monkeypatch):
    """The serving process runs callers' commands in worker threads: their settings stay theirs."""
    import threading

    from pophealth import settings as s

    server = s.Settings.load({"POPHEALTH_DISCLOSURE_MAX": "7"})
    caller = s.Settings.load({"POPHEALTH_DISCLOSURE_MAX": "10"})
    seen = {}

    def command():
        s.activate(caller)
        seen["inside"] = s.current().disclosure_max
        s.activate(None)  # the command's end
        seen["after"] = s.current().disclosure_max

    s.activate(server)
    try:
        worker = threading.Thread(target=command)
        worker.start()
        worker.join()
        assert seen == {"inside": 10, "after": 7}  # after its end, the thread falls back to the process's
        assert s.current().disclosure_max == 7
    finally:
        s.activate(None)


def test_a_misspelt_variable_is_shown_as_no_setting_with_its_value_masked(monkeypatch, capsys):
    """A misspelt setting was silently ignored: now ``settings`` lists it, masked (it may be a key)."""
    monkeypatch.setenv("POPHEALTH_DISCLOSURE_MAXX", "10")
    monkeypatch.setenv("POPHEALTH_PSEUDONYM_KEYY", "a-misspelt-secret")
    main(["settings", "--json", "--db", "x.duckdb"])
    out = capsys.readouterr().out
    unknown = {r["env"]: r for r in json.loads(out) if r["name"] is None}
    assert {"POPHEALTH_DISCLOSURE_MAXX", "POPHEALTH_PSEUDONYM_KEYY"} <= set(unknown)
    assert not set(unknown) & Settings.env_names()  # a real setting is never listed as unknown
    assert all(r["value"] == MASK and "not a setting" in r["source"] for r in unknown.values())
    assert "a-misspelt-secret" not in out
