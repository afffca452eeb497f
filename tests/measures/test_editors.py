"""Measure editors: who may write a measure's narrative, granted and revoked from the command line."""

from __future__ import annotations

import json

import pytest

from pophealth.access.users import add_user, get_user
from pophealth.cli import main
from pophealth.errors import ConfigError, NotFoundError
from pophealth.measures import editors

PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def accounts(con):
    for username, role in (("cancer_lead", "action_lead"), ("board_analyst", "analyst"), ("site_admin", "admin")):
        add_user(con, username, PASSWORD, role)


def test_an_action_lead_edits_only_the_measures_granted(con, llr):
    lead = get_user(con, "cancer_lead")
    assert not editors.may_edit(con, lead, "cancer-62-day")
    assert editors.grant(con, llr, "cancer_lead", "cancer-62-day", "Director of performance") is True
    assert editors.may_edit(con, lead, "cancer-62-day")
    assert not editors.may_edit(con, lead, "cancer-28-day-fds")
    assert editors.revoke(con, llr, "cancer_lead", "cancer-62-day") is True
    assert not editors.may_edit(con, lead, "cancer-62-day")


def test_admins_edit_every_measure_and_analysts_none(con):
    assert editors.may_edit(con, get_user(con, "site_admin"), "cancer-62-day")
    con.execute("INSERT INTO measure_editor VALUES ('cancer-62-day', 'board_analyst', 'x', now())")
    assert not editors.may_edit(con, get_user(con, "board_analyst"), "cancer-62-day")  # a row is not enough


def test_grant_twice_keeps_the_first_grant_and_revoke_twice_is_harmless(con, llr):
    assert editors.grant(con, llr, "cancer_lead", "cancer-62-day", "First")
    assert editors.grant(con, llr, "cancer_lead", "cancer-62-day", "Second") is False
    [g] = editors.editors(con, "cancer-62-day")
    assert (g.username, g.granted_by) == ("cancer_lead", "First")
    assert editors.revoke(con, llr, "cancer_lead", "cancer-62-day")
    assert editors.revoke(con, llr, "cancer_lead", "cancer-62-day") is False


@pytest.mark.parametrize("username,measure_id,error,words", [
    ("cancer_lead", "no-such-measure", NotFoundError, "no-such-measure"),
    ("nobody", "cancer-62-day", NotFoundError, "nobody"),
    ("board_analyst", "cancer-62-day", ConfigError, "analyst"),
])
def test_bad_grants_are_refused_naming_what_is_wrong(con, llr, username, measure_id, error, words):
    with pytest.raises(error) as info:
        editors.grant(con, llr, username, measure_id, "Someone")
    assert words in info.value.message
    assert editors.editors(con) == []


def test_cli_grant_editors_revoke(con, db_file, capsys):
    con.close()
    main(["measures", "grant", "cancer_lead", "cancer-62-day", "--by", "Director", "--db", str(db_file)])
    assert "cancer_lead is now an editor of cancer-62-day" in capsys.readouterr().out
    main(["measures", "editors", "--db", str(db_file), "--json"])
    [row] = json.loads(capsys.readouterr().out)
    assert (row["measure_id"], row["username"], row["granted_by"]) == ("cancer-62-day", "cancer_lead", "Director")
    main(["measures", "revoke", "cancer_lead", "cancer-62-day", "--db", str(db_file)])
    assert "no longer" in capsys.readouterr().out
    main(["measures", "editors", "cancer-62-day", "--db", str(db_file)])
    assert "No editors granted for cancer-62-day" in capsys.readouterr().out


def test_cli_refuses_an_unknown_measure(con, db_file, capsys):
    con.close()
    with pytest.raises(SystemExit) as exit_:
        main(["measures", "grant", "cancer_lead", "cancer-62", "--db", str(db_file)])
    assert exit_.value.code == NotFoundError.exit_code
    assert "cancer-62" in capsys.readouterr().err
