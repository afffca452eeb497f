from datetime import datetime, timedelta

import pytest

from pophealth.access.audit import audit_rows, record_access, verify_chain
from pophealth.access.roles import GRANTS, ROLES, User, allowed
from pophealth.access.sessions import create_session, end_session, load_session
from pophealth.access.users import MAX_FAILURES, add_user, authenticate
from pophealth.errors import ConfigError, PermissionDenied
from tests.audit_support import tamper
from tests.auth_support import PASSWORD




def test_passwords_are_stored_as_argon2id_hashes(con):
    add_user(con, "ann", PASSWORD, "analyst")
    stored = con.execute("SELECT password_hash FROM app_user").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(con, "ann", PASSWORD).role == "analyst"


def test_lockout_after_repeated_failures(con):
    add_user(con, "bob", PASSWORD, "analyst")
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(PermissionDenied, match="not right"):
            authenticate(con, "bob", "wrong password")
    with pytest.raises(PermissionDenied, match="locked"):
        authenticate(con, "bob", "wrong password")
    with pytest.raises(PermissionDenied, match="locked"):
        authenticate(con, "bob", PASSWORD)  # even the right password, while locked
    later = datetime.now() + timedelta(minutes=16)
    assert authenticate(con, "bob", PASSWORD, now=later).username == "bob"


def test_unknown_user_and_wrong_password_look_the_same(con):
    add_user(con, "cat", PASSWORD, "analyst")
    with pytest.raises(PermissionDenied) as a:
        authenticate(con, "nobody", PASSWORD)
    with pytest.raises(PermissionDenied) as b:
        authenticate(con, "cat", "wrong password")
    assert a.value.message == b.value.message


@pytest.mark.parametrize(("role", "kwargs", "message"), [
    ("superuser", {}, "Unknown role"), ("public", {}, "Unknown role"),
    ("care_team", {}, "practice"), ("analyst", {"password": "short"}, "at least"),
])
def test_bad_accounts_are_refused(con, role, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        add_user(con, "dee", kwargs.get("password", PASSWORD), role)


def test_sessions_store_only_a_hash_and_end(con):
    user = add_user(con, "eve", PASSWORD, "care_team", practice_code="C82001")
    session = create_session(con, user)
    assert session.token not in str(con.execute("SELECT * FROM app_session").fetchall())
    assert load_session(con, session.token).user == user
    end_session(con, session.token)
    assert load_session(con, session.token) is None


def test_role_grants():
    care = User("c", "C", "care_team", practice_code="C82001")
    assert allowed(care, "care_team") and allowed(care, "analyst") and not allowed(care, "admin")
    admin = User("a", "A", "admin")
    assert not allowed(admin, "care_team"), "admins have no care relationship"
    assert set(GRANTS) == set(ROLES)


def test_audit_chain_detects_edits_and_deletions(con, db_file):
    user = User("eve", "Eve", "care_team", practice_code="C82001")
    for pid in (11, 12, 13):
        record_access(con, user, method="GET", route="/care/people/{id}", person_id=pid, scope=user.scope)
    assert verify_chain(con)
    assert [r["person_id"] for r in audit_rows(con)] == [13, 12, 11]
    tamper(db_file, "UPDATE audit_log SET person_id = 99 WHERE person_id = 12")
    assert not verify_chain(con)
    tamper(db_file, "UPDATE audit_log SET person_id = 12 WHERE person_id = 99")
    assert verify_chain(con)
    tamper(db_file, "DELETE FROM audit_log WHERE person_id = 12")
    assert not verify_chain(con)


def test_a_lock_holds_one_source_only_so_nobody_can_lock_a_person_out_from_elsewhere(con):
    """The attack: anyone could keep any account, admins included, locked indefinitely."""
    add_user(con, "boss", PASSWORD, "admin")
    for _ in range(MAX_FAILURES + 3):
        with pytest.raises(PermissionDenied):
            authenticate(con, "boss", "wrong password", source="203.0.113.9")
    with pytest.raises(PermissionDenied, match="locked"):
        authenticate(con, "boss", PASSWORD, source="203.0.113.9")
    assert authenticate(con, "boss", PASSWORD, source="10.0.0.5").username == "boss"  # the admin's own desk
    from pophealth.access import accounts

    accounts.unlock(con, "boss", by="Another admin")
    assert authenticate(con, "boss", PASSWORD, source="203.0.113.9").username == "boss"


def test_unknown_names_get_the_same_answers_and_the_same_work_as_real_accounts(con, monkeypatch):
    """The attack: only real accounts said "locked", and answered 30 times faster once locked."""
    import pophealth.access.users as users

    add_user(con, "real", PASSWORD, "analyst")
    checks: list[str] = []
    real_verify = users.verify_password
    monkeypatch.setattr(users, "verify_password", lambda h, p: checks.append(h) or real_verify(h, p))

    def answers(name: str) -> list[str]:
        out = []
        for _ in range(MAX_FAILURES + 2):
            with pytest.raises(PermissionDenied) as exc:
                authenticate(con, name, "wrong password", source="198.51.100.7")
            out.append(exc.value.message)
        return out

    checks.clear()
    real = answers("real")
    real_checks = len(checks)
    checks.clear()
    assert answers("ghost") == real
    assert len(checks) == real_checks == MAX_FAILURES + 2  # one Argon2 check per attempt, locked or not
