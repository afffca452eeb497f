"""Account administration: every change ends sessions and is recorded; leavers lose access at once."""

from __future__ import annotations

import json

import pytest

from pophealth.access import accounts
from pophealth.access.sessions import create_session, load_session
from pophealth.access.users import MAX_FAILURES, add_user, authenticate, get_user
from pophealth.errors import ConfigError, NotFoundError, PermissionDenied
from tests.auth_support import PASSWORD




def test_disabling_a_leaver_ends_their_sessions_and_sign_in_then_enabling_restores_it(con):
    user = add_user(con, "jo@nhs.net", PASSWORD, "care_team", practice_code="C82001", created_by="Admin A")
    session = create_session(con, user)
    accounts.disable(con, "jo@nhs.net", by="Admin A")
    assert load_session(con, session.token) is None
    with pytest.raises(PermissionDenied):
        authenticate(con, "jo@nhs.net", PASSWORD)
    assert accounts.get_account(con, "jo@nhs.net").disabled
    accounts.enable(con, "jo@nhs.net", by="Admin B")
    assert authenticate(con, "jo@nhs.net", PASSWORD).scope == "practice:C82001"
    assert [(c.change, c.changed_by) for c in accounts.history(con, "jo@nhs.net")] == [
        ("enabled", "Admin B"), ("disabled", "Admin A"), ("created as care_team", "Admin A")]


def test_unlock_and_password_reset(con):
    add_user(con, "bob", PASSWORD, "analyst")
    for _ in range(MAX_FAILURES):
        with pytest.raises(PermissionDenied):
            authenticate(con, "bob", "wrong password")
    assert accounts.get_account(con, "bob").locked()
    accounts.unlock(con, "bob", by="Admin")
    assert authenticate(con, "bob", PASSWORD).username == "bob"
    with pytest.raises(ConfigError, match="12 characters"):
        accounts.reset_password(con, "bob", "short", by="Admin")
    accounts.reset_password(con, "bob", "another long password", by="Admin")
    with pytest.raises(PermissionDenied):
        authenticate(con, "bob", PASSWORD)
    assert authenticate(con, "bob", "another long password").username == "bob"
    stored = con.execute("SELECT password_hash FROM app_user WHERE username = 'bob'").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "another long password" not in json.dumps([c.__dict__ for c in accounts.history(con)], default=str)


def test_role_changes_check_the_care_team_scope_and_end_sessions(con):
    user = add_user(con, "cat", PASSWORD, "analyst")
    session = create_session(con, user)
    with pytest.raises(ConfigError, match="practice or a PCN"):
        accounts.change_role(con, "cat", "care_team", by="Admin")
    with pytest.raises(ConfigError, match="Only care-team"):
        accounts.change_role(con, "cat", "analyst", practice_code="C82001", by="Admin")
    with pytest.raises(ConfigError, match="Unknown role"):
        accounts.change_role(con, "cat", "public", by="Admin")
    assert load_session(con, session.token) is not None  # refused changes change nothing
    accounts.change_role(con, "cat", "care_team", pcn_code="U30213", by="Admin")
    assert load_session(con, session.token) is None
    assert get_user(con, "cat").scope == "pcn:U30213"
    assert accounts.history(con, "cat")[0].change == "role set to care_team (PCN U30213)"


def test_an_administrator_keeps_their_own_access(con):
    add_user(con, "root", PASSWORD, "admin")
    with pytest.raises(ConfigError, match="your own account"):  # a refused request, not someone else's change
        accounts.disable(con, "root", by="Root", acting="root")
    with pytest.raises(ConfigError, match="your own account"):
        accounts.change_role(con, "root", "analyst", by="Root", acting="root")
    accounts.change_role(con, "root", "admin", by="Root", acting="root")  # not a demotion
    assert get_user(con, "root").role == "admin"


def test_unknown_accounts_bad_usernames_and_who(con):
    with pytest.raises(NotFoundError):
        accounts.disable(con, "nobody", by="Admin")
    add_user(con, "dee", PASSWORD, "analyst")
    with pytest.raises(ConfigError, match="Say who"):
        accounts.unlock(con, "dee", by=" ")
    for bad in ("a", "has space", "semi;colon", "x" * 65):
        with pytest.raises(ConfigError, match="username"):
            add_user(con, bad, PASSWORD, "analyst")
    assert [a.username for a in accounts.list_accounts(con)] == ["dee"]


def test_an_account_for_single_sign_on_only_has_no_usable_password(con):
    add_user(con, "sso@nhs.net", None, "analyst")
    stored = con.execute("SELECT password_hash FROM app_user WHERE username = 'sso@nhs.net'").fetchone()[0]
    assert stored.startswith("$argon2id$")
    for guess in ("", "None", "a long enough password"):
        with pytest.raises(PermissionDenied):
            authenticate(con, "sso@nhs.net", guess)
    accounts.reset_password(con, "sso@nhs.net", PASSWORD, by="Admin")  # an admin can still give it one
    assert authenticate(con, "sso@nhs.net", PASSWORD).username == "sso@nhs.net"
