"""Rebases: proposed by a person or rule, effective only once a named person approves with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from pophealth.errors import ConfigError, ConflictError, NotFoundError
from pophealth.spc import xmr
from pophealth.spc.rebase import (
    approve_rebase,
    effective_rebases,
    list_rebases,
    propose_from_rule,
    propose_rebase,
    reject_rebase,
    suggest_rebases,
)
from pophealth.warehouse import connect

D = dt.date(2024, 4, 1)


@pytest.fixture
def con(db_file):
    c = connect(db_file)
    yield c
    c.close()


def test_a_proposal_takes_effect_only_when_approved(con) -> None:
    pid = propose_rebase(con, "ae_4h", D, proposed_by="Analyst A", note="new streaming model")
    assert effective_rebases(con, "ae_4h") == ()
    approve_rebase(con, pid, approved_by="Director B", reason="UTC co-location opened",
                   now=dt.datetime(2024, 5, 2, 9, 0))
    assert effective_rebases(con, "ae_4h") == (D,)
    [rec] = list_rebases(con, "ae_4h")
    assert (rec.approved_by, rec.reason, rec.decided_at) == ("Director B", "UTC co-location opened",
                                                            dt.datetime(2024, 5, 2, 9, 0))
    assert rec.as_dict()["point_date"] == "2024-04-01"


def test_rejected_and_other_measures_do_not_count(con) -> None:
    rejected = propose_rebase(con, "ae_4h", D, proposed_by="A")
    reject_rebase(con, rejected, rejected_by="B", reason="no known cause")
    other = propose_rebase(con, "rtt", D, proposed_by="A")
    approve_rebase(con, other, approved_by="B", reason="validated")
    assert effective_rebases(con, "ae_4h") == ()
    assert effective_rebases(con, "rtt") == (D,)


def test_proposing_twice_is_idempotent_and_decisions_are_final(con) -> None:
    pid = propose_rebase(con, "m", D, proposed_by="A")
    assert propose_rebase(con, "m", D, proposed_by="A") == pid
    approve_rebase(con, pid, approved_by="B", reason="why")
    with pytest.raises(ConflictError):
        reject_rebase(con, pid, rejected_by="C", reason="changed mind")
    with pytest.raises(NotFoundError):
        approve_rebase(con, 999, approved_by="B", reason="why")


def test_who_and_why_are_required(con) -> None:
    with pytest.raises(ConfigError):
        propose_rebase(con, "m", D)  # a manual proposal names its proposer
    pid = propose_rebase(con, "m", D, proposed_by="A")
    for who, why in (("", "reason"), ("B", "  ")):
        with pytest.raises(ConfigError):
            approve_rebase(con, pid, approved_by=who, reason=why)
    assert effective_rebases(con, "m") == ()


def _step_series() -> tuple[list[float], list[dt.date]]:
    values = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 10, 11, 10, 11, 20, 21, 20, 22, 21, 20, 21]
    dates = [dt.date(2022, 1, 1) + dt.timedelta(days=31 * i) for i in range(len(values))]
    dates = [d.replace(day=1) for d in dates]
    return values, dates


def test_rule_proposes_the_start_of_a_sustained_shift_and_it_waits_for_approval(con) -> None:
    values, dates = _step_series()
    result = xmr(values, dates)
    assert suggest_rebases(result) == [dates[14]]
    [pid] = propose_from_rule(con, "m", result)
    assert propose_from_rule(con, "m", result) == [pid]
    [rec] = list_rebases(con, "m")
    assert rec.rule == "shift_7" and rec.proposed_by is None and rec.decision is None
    assert effective_rebases(con, "m") == ()
    approve_rebase(con, pid, approved_by="B", reason="new service")
    rebased = xmr(values, dates, rebase_points=effective_rebases(con, "m"))
    assert rebased.points["rebase_group"].iloc[-1] == 1
    assert suggest_rebases(rebased) == []


def test_rule_does_not_propose_without_enough_baseline_or_a_long_enough_run() -> None:
    values, dates = _step_series()
    assert suggest_rebases(xmr(values[:20], dates[:20])) == []  # run of 6 at the end
    assert suggest_rebases(xmr(values, dates), min_baseline=15) == []


def test_cli_propose_approve_list(tmp_path, capsys) -> None:
    import json

    from pophealth.cli import main

    db = str(tmp_path / "w.duckdb")
    main(["init", "--db", db])
    main(["spc", "rebase", "propose", "--measure", "ae-four-hour", "--date", "2024-04-01", "--by", "A", "--db", db])
    main(["spc", "rebase", "approve", "1", "--by", "B", "--why", "new pathway", "--db", db])
    capsys.readouterr()
    main(["spc", "rebase", "list", "--measure", "ae-four-hour", "--json", "--db", db])
    [row] = json.loads(capsys.readouterr().out)
    assert (row["point_date"], row["decision"], row["decided_by"], row["reason"]) == (
        "2024-04-01", "approved", "B", "new pathway")


def test_an_approval_can_be_withdrawn_once_with_who_and_why(con) -> None:
    from pophealth.spc.rebase import withdraw_rebase

    pid = propose_rebase(con, "m", D, proposed_by="A")
    with pytest.raises(ConflictError, match="pending"):
        withdraw_rebase(con, pid, withdrawn_by="B", reason="not yet approved")
    approve_rebase(con, pid, approved_by="B", reason="new pathway")
    with pytest.raises(ConfigError):
        withdraw_rebase(con, pid, withdrawn_by=" ", reason="why")
    withdraw_rebase(con, pid, withdrawn_by="C", reason="the pathway was paused",
                    now=dt.datetime(2024, 9, 1, 12, 0))
    assert effective_rebases(con, "m") == ()
    [rec] = list_rebases(con, "m")
    assert (rec.state, rec.decided_by, rec.withdrawn_by, rec.withdrawal_reason) == (
        "withdrawn", "B", "C", "the pathway was paused")  # the approval stays on record
    with pytest.raises(ConflictError, match="withdrawn"):
        withdraw_rebase(con, pid, withdrawn_by="C", reason="again")
    with pytest.raises(NotFoundError):
        withdraw_rebase(con, 999, withdrawn_by="C", reason="why")


def test_decisions_by_name_are_the_three_and_no_other(con) -> None:
    from pophealth.spc.rebase import decide

    pid = propose_rebase(con, "m", D, proposed_by="A")
    with pytest.raises(ConfigError, match="approve, reject or withdraw"):
        decide(con, pid, "delete", by="B", reason="why")
    decide(con, pid, "approve", by="B", reason="why")
    decide(con, pid, "withdraw", by="C", reason="why not")
    assert [r.state for r in list_rebases(con, "m")] == ["withdrawn"]


def test_cli_reject_withdraw_and_an_unknown_measure(tmp_path, capsys) -> None:
    import json

    from pophealth.cli import main

    db = str(tmp_path / "w.duckdb")

    def run(*args: str) -> int:
        try:
            main([*args, "--db", db])
        except SystemExit as exc:
            return int(exc.code)
        return 0

    assert run("init") == 0
    for day in ("2024-04-01", "2024-05-01"):
        assert run("spc", "rebase", "propose", "--measure", "ae-four-hour", "--date", day, "--by", "A") == 0
    assert run("spc", "rebase", "reject", "1", "--by", "B", "--why", "no known cause") == 0
    assert run("spc", "rebase", "approve", "2", "--by", "B", "--why", "new pathway") == 0
    assert run("spc", "rebase", "withdraw", "2", "--by", "C", "--why", "paused") == 0
    assert run("spc", "rebase", "withdraw", "1", "--by", "C", "--why", "x") == 5  # rejected, never in effect
    capsys.readouterr()
    run("spc", "rebase", "list", "--json")
    assert [r["state"] for r in json.loads(capsys.readouterr().out)] == ["rejected", "withdrawn"]
    assert run("spc", "rebase", "propose", "--measure", "no-such-measure", "--date", "2024-04-01", "--by", "A") == 4
    assert "no-such-measure" in capsys.readouterr().err
