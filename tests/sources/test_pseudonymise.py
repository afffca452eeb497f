import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.errors import ConfigError
from pophealth.sources.pseudonymise import KEY_ENV, KEY_FILE_ENV, Pseudonymiser, key_from_environment

KEY = b"0123456789abcdef-test-key"


@given(st.text(min_size=1, max_size=40))
def test_pseudonyms_are_positive_63_bit_and_stable(identifier):
    p = Pseudonymiser(KEY)
    value = p.pseudonym("omop", identifier)
    assert 0 < value < 2**63
    assert value == Pseudonymiser(KEY).pseudonym("omop", identifier)


def test_pseudonyms_depend_on_key_and_namespace():
    a, b = Pseudonymiser(KEY), Pseudonymiser(KEY + b"x")
    assert a.pseudonym("omop", "42") != b.pseudonym("omop", "42")
    assert a.pseudonym("omop", "42") != a.pseudonym("synthea", "42")
    assert a.fingerprint != b.fingerprint


def test_hmac_matches_an_independent_computation():
    import hashlib
    import hmac

    digest = hmac.new(KEY, b"nhs:9434765919", hashlib.sha256).digest()
    assert Pseudonymiser(KEY).pseudonym("nhs", "9434765919") == int.from_bytes(digest[:8], "big") & (2**63 - 1)


def test_no_key_is_refused_with_a_hint(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    with pytest.raises(ConfigError, match="No pseudonymisation key") as info:
        key_from_environment()
    assert KEY_ENV in info.value.hint


def test_short_key_is_refused():
    with pytest.raises(ConfigError, match="too short"):
        Pseudonymiser(b"short")


def test_key_file_inside_the_warehouse_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    (tmp_path / "data").mkdir()
    key_file = tmp_path / "data" / "secret.key"
    key_file.write_bytes(KEY)
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    with pytest.raises(ConfigError, match="inside the warehouse folder"):
        key_from_environment(tmp_path / "data" / "pophealth.duckdb")
    outside = tmp_path / "keys" / "secret.key"
    outside.parent.mkdir()
    outside.write_bytes(KEY + b"\n")
    monkeypatch.setenv(KEY_FILE_ENV, str(outside))
    assert key_from_environment(tmp_path / "data" / "pophealth.duckdb") == KEY
