"""The boards register in the warehouse: loading the shipped YAML, admin edits, meetings and levels.

Loading is idempotent and never overwrites an edit: a row already present (by id) is left alone.
Every write logs the record before and after in ``board_change`` inside the same transaction, so
an edit and its audit entry land together or not at all. Memberships are never deleted: ending
one sets its ``ends`` date, so who sat on a board on any date can be answered later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from pophealth.strategy.boards_models import Board, Level, Meeting, Membership, Organisation, Person, Register
from pophealth.delivery import audit
from pophealth.delivery.db import fetch_dicts, write
from pophealth.errors import ConflictError, InputError, NotFoundError, Problem

LOADER = "boards load"


def _source(s) -> str | None:  # noqa: ANN001 - a strategy Source or None
    return None if s is None else f"seed {s.document}: {s.section}" if s.section else f"seed {s.document}"


def record_change(con: duckdb.DuckDBPyConnection, entity: str, key: str, who: str,
                  before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """One row of the register's own change log (``board_change``), written like the tracker's."""
    audit.record_change(con, entity, key, who, before, after, at=dt.datetime.now().replace(microsecond=0),
                        log="board_change")


def changes(con: duckdb.DuckDBPyConnection, entity: str | None = None, key: str | None = None) -> list[dict[str, Any]]:
    """The register's change log, oldest first, with ``before``/``after`` decoded."""
    return audit.changes(con, entity, key, log="board_change")


# ---------------------------------------------------------------- loading the shipped register

def load_register_into(con: duckdb.DuckDBPyConnection, register: Register) -> dict[str, int]:
    """Add what is new from the register; return how many of each kind were added."""
    added = {"organisations": 0, "boards": 0, "people": 0, "memberships": 0}
    with write(con, "The boards register"):
        have = {r[0] for r in con.execute("SELECT org_id FROM board_organisation").fetchall()}
        for o in register.organisations:
            if o.id not in have:
                _insert_org(con, o, LOADER)
                added["organisations"] += 1
        have = {r[0] for r in con.execute("SELECT board_id FROM board_board").fetchall()}
        position = len(have)
        for b in register.boards:
            if b.id not in have:
                position += 1
                con.execute("INSERT INTO board_board VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [b.id, b.name, b.organisation, b.kind, list(b.programmes), b.pledges, position,
                             _source(b.source), b.note])
                record_change(con, "board", b.id, LOADER, None, b.model_dump(mode="json"))
                added["boards"] += 1
        have = {r[0] for r in con.execute("SELECT person_id FROM board_person").fetchall()}
        seats = set(con.execute("SELECT board_id, person_id, role FROM board_membership").fetchall())
        for p in register.people:
            if p.id not in have:
                _insert_person(con, p, LOADER)
                added["people"] += 1
            for role in p.roles:
                if (role.board, p.id, role.role) not in seats:
                    _insert_membership(con, role.board, p.id, role.role, None, _source(p.source), LOADER)
                    added["memberships"] += 1
    return added


def load_shipped(con: duckdb.DuckDBPyConnection, strategy_dir=None) -> dict[str, int]:  # noqa: ANN001
    from pophealth.strategy.boards_register import load_register

    return load_register_into(con, load_register(strategy_dir))


# ---------------------------------------------------------------- organisations

def _insert_org(con: duckdb.DuckDBPyConnection, o: Organisation, who: str) -> None:
    con.execute("INSERT INTO board_organisation VALUES (?, ?, ?, ?, ?, ?)",
                [o.id, o.name, o.short_name, o.kind, _source(o.source), o.note])
    record_change(con, "organisation", o.id, who, None, o.model_dump(mode="json"))


def list_organisations(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return fetch_dicts(con, "SELECT * FROM board_organisation ORDER BY name")


def add_organisation(con: duckdb.DuckDBPyConnection, org: Organisation, who: str) -> Organisation:
    with write(con, f"Organisation {org.id}"):
        if con.execute("SELECT 1 FROM board_organisation WHERE org_id = ?", [org.id]).fetchone():
            raise ConflictError(f"There is already an organisation {org.id!r}")
        _insert_org(con, org, who)
    return org


def rename_organisation(con: duckdb.DuckDBPyConnection, org_id: str, name: str, short_name: str | None,
                        who: str) -> None:
    with write(con, f"Organisation {org_id}"):
        before = fetch_dicts(con, "SELECT * FROM board_organisation WHERE org_id = ?", [org_id])
        if not before:
            raise NotFoundError(f"There is no organisation {org_id!r}")
        Organisation(id=org_id, name=name, short_name=short_name)  # validates
        con.execute("UPDATE board_organisation SET name = ?, short_name = ? WHERE org_id = ?",
                    [name, short_name, org_id])
        record_change(con, "organisation", org_id, who, before[0], {**before[0], "name": name, "short_name": short_name})


# ---------------------------------------------------------------- boards

def list_boards(con: duckdb.DuckDBPyConnection) -> list[Board]:
    rows = fetch_dicts(con, "SELECT * FROM board_board ORDER BY position")
    return [_board(r) for r in rows]


def _board(r: dict[str, Any]) -> Board:
    return Board(id=r["board_id"], name=r["name"], organisation=r["org_id"], kind=r["kind"],
                 programmes=list(r["programmes"]), pledges=r["pledges"], note=r["note"])


def board_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    return dict(con.execute("SELECT board_id, source FROM board_board").fetchall())


def get_board(con: duckdb.DuckDBPyConnection, board_id: str) -> Board:
    rows = fetch_dicts(con, "SELECT * FROM board_board WHERE board_id = ?", [board_id])
    if not rows:
        raise NotFoundError(f"There is no board {board_id!r}", hint="`pophealth boards list` names every board")
    return _board(rows[0])


def board_by_name(con: duckdb.DuckDBPyConnection, name: str) -> Board | None:
    rows = fetch_dicts(con, "SELECT * FROM board_board WHERE name = ?", [name])
    return _board(rows[0]) if rows else None


# ---------------------------------------------------------------- people and memberships

def _insert_person(con: duckdb.DuckDBPyConnection, p: Person, who: str) -> None:
    con.execute("INSERT INTO board_person VALUES (?, ?, ?, ?, ?)",
                [p.id, p.name, p.organisation, p.username, _source(p.source)])
    record_change(con, "person", p.id, who, None, p.model_dump(mode="json", exclude={"roles"}))


def list_people(con: duckdb.DuckDBPyConnection) -> list[Person]:
    rows = fetch_dicts(con, "SELECT * FROM board_person ORDER BY name")
    return [Person(id=r["person_id"], name=r["name"], organisation=r["org_id"], username=r["username"]) for r in rows]


def get_person(con: duckdb.DuckDBPyConnection, person_id: str) -> Person:
    found = [p for p in list_people(con) if p.id == person_id]
    if not found:
        raise NotFoundError(f"There is no person {person_id!r}")
    return found[0]


def _check_org(con: duckdb.DuckDBPyConnection, org_id: str | None) -> None:
    if org_id and not con.execute("SELECT 1 FROM board_organisation WHERE org_id = ?", [org_id]).fetchone():
        raise NotFoundError(f"There is no organisation {org_id!r}")


def add_person(con: duckdb.DuckDBPyConnection, person: Person, who: str) -> Person:
    with write(con, f"Person {person.id}"):
        if con.execute("SELECT 1 FROM board_person WHERE person_id = ?", [person.id]).fetchone():
            raise ConflictError(f"There is already a person {person.id!r}")
        _check_org(con, person.organisation)
        _insert_person(con, person, who)
    return person


def edit_person(con: duckdb.DuckDBPyConnection, person_id: str, *, name: str, organisation: str | None,
                username: str | None, who: str) -> Person:
    """Change a person's name, organisation or linked account; the change is logged."""
    with write(con, f"Person {person_id}"):
        before = get_person(con, person_id)
        _check_org(con, organisation)
        if username and not con.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchone():
            raise NotFoundError(f"There is no account {username!r} to link", hint="add the account first (/admin/users)")
        after = Person(id=person_id, name=name, organisation=organisation, username=username)
        con.execute("UPDATE board_person SET name = ?, org_id = ?, username = ? WHERE person_id = ?",
                    [after.name, after.organisation, after.username, person_id])
        record_change(con, "person", person_id, who, before.model_dump(mode="json", exclude={"roles"}),
                      after.model_dump(mode="json", exclude={"roles"}))
    return after


def person_for_username(con: duckdb.DuckDBPyConnection, username: str) -> Person | None:
    return next((p for p in list_people(con) if p.username == username), None)


def _insert_membership(con: duckdb.DuckDBPyConnection, board_id: str, person_id: str, role: str,
                       starts: dt.date | None, source: str | None, who: str) -> int:
    mid = con.execute("INSERT INTO board_membership (board_id, person_id, role, starts, ends, source) "
                      "VALUES (?, ?, ?, ?, NULL, ?) RETURNING membership_id",
                      [board_id, person_id, role, starts, source]).fetchone()[0]
    record_change(con, "membership", str(mid), who, None,
                  {"board_id": board_id, "person_id": person_id, "role": role, "starts": starts, "source": source})
    return mid


def memberships(con: duckdb.DuckDBPyConnection, *, board_id: str | None = None,
                person_id: str | None = None) -> list[Membership]:
    """Every seat, current and past, for one board or person (or all)."""
    rows = fetch_dicts(con, """SELECT * FROM board_membership WHERE (? IS NULL OR board_id = ?)
                               AND (? IS NULL OR person_id = ?) ORDER BY membership_id""",
                       [board_id, board_id, person_id, person_id])
    return [Membership(**r) for r in rows]


def current_on(m: Membership, day: dt.date) -> bool:
    return (m.starts is None or m.starts <= day) and (m.ends is None or m.ends >= day)


def add_membership(con: duckdb.DuckDBPyConnection, board_id: str, person_id: str, role: str,
                   starts: dt.date, who: str) -> int:
    role = role.strip()
    if not role:
        raise InputError(Problem("membership", "enter the role on the board, e.g. Member or Chair", column="role"))
    with write(con, f"Board {board_id}"):
        get_board(con, board_id)
        get_person(con, person_id)
        return _insert_membership(con, board_id, person_id, role, starts, f"added by {who}", who)


def end_membership(con: duckdb.DuckDBPyConnection, membership_id: int, ends: dt.date, who: str) -> None:
    with write(con, f"Membership {membership_id}"):
        rows = fetch_dicts(con, "SELECT * FROM board_membership WHERE membership_id = ?", [membership_id])
        if not rows:
            raise NotFoundError(f"There is no membership {membership_id}")
        before = rows[0]
        if before["ends"] is not None:
            raise ConflictError(f"That membership already ended on {before['ends']:%d %B %Y}")
        if before["starts"] is not None and ends < before["starts"]:
            raise InputError(Problem("membership", f"the end date is before the start ({before['starts']})",
                                     column="ends"))
        con.execute("UPDATE board_membership SET ends = ? WHERE membership_id = ?", [ends, membership_id])
        record_change(con, "membership", str(membership_id), who, before, {**before, "ends": ends})


# ---------------------------------------------------------------- meetings

def meeting_id(board_id: str, day: dt.date) -> str:
    return f"{board_id}-{day.isoformat()}"


def add_meeting(con: duckdb.DuckDBPyConnection, board_id: str, day: dt.date, who: str, *,
                demo: bool = False) -> Meeting:
    """Add a meeting to a board's calendar (refused if the board already meets that day)."""
    with write(con, f"Board {board_id}"):
        get_board(con, board_id)
        m = Meeting(meeting_id=meeting_id(board_id, day), board_id=board_id, meeting_date=day, demo=demo,
                    added_by=who, added_at=dt.datetime.now().replace(microsecond=0))
        if con.execute("SELECT 1 FROM board_meeting WHERE meeting_id = ?", [m.meeting_id]).fetchone():
            raise ConflictError(f"{board_id} already has a meeting on {day:%d %B %Y}")
        con.execute("INSERT INTO board_meeting VALUES (?, ?, ?, ?, ?, ?)",
                    [m.meeting_id, m.board_id, m.meeting_date, m.demo, m.added_by, m.added_at])
        record_change(con, "meeting", m.meeting_id, who, None, m.model_dump(mode="json"))
    return m


def remove_meeting(con: duckdb.DuckDBPyConnection, mid: str, who: str) -> None:
    """Take a meeting added in error off the calendar; the log keeps it."""
    with write(con, f"Meeting {mid}"):
        before = get_meeting(con, mid)
        con.execute("DELETE FROM board_meeting WHERE meeting_id = ?", [mid])
        record_change(con, "meeting", mid, who, before.model_dump(mode="json"), None)


def list_meetings(con: duckdb.DuckDBPyConnection, board_id: str | None = None, *,
                  include_demo: bool = True) -> list[Meeting]:
    rows = fetch_dicts(con, """SELECT * FROM board_meeting WHERE (? IS NULL OR board_id = ?) AND (? OR NOT demo)
                               ORDER BY meeting_date, board_id""", [board_id, board_id, include_demo])
    return [Meeting(**r) for r in rows]


def get_meeting(con: duckdb.DuckDBPyConnection, mid: str) -> Meeting:
    rows = fetch_dicts(con, "SELECT * FROM board_meeting WHERE meeting_id = ?", [mid])
    if not rows:
        raise NotFoundError(f"There is no meeting {mid!r}", hint="`pophealth boards list` shows every meeting")
    return Meeting(**rows[0])


def previous_meeting(con: duckdb.DuckDBPyConnection, m: Meeting) -> Meeting | None:
    """The board's meeting before this one (a real meeting never counts a demonstration one)."""
    earlier = [x for x in list_meetings(con, m.board_id, include_demo=m.demo) if x.meeting_date < m.meeting_date]
    return earlier[-1] if earlier else None


# ---------------------------------------------------------------- Do / Sponsor / Watch levels

LEVEL_COLUMNS = tuple(Level.model_fields)


def level_history(con: duckdb.DuckDBPyConnection, priority_id: str | None = None) -> list[Level]:
    rows = fetch_dicts(con, f"""SELECT {', '.join(LEVEL_COLUMNS)} FROM priority_level
                                WHERE ? IS NULL OR priority_id = ? ORDER BY set_at, decided_on""",
                       [priority_id, priority_id])
    return [Level(**r) for r in rows]


def current_levels(con: duckdb.DuckDBPyConnection) -> dict[str, Level]:
    """The latest decision per priority."""
    out: dict[str, Level] = {}
    for lv in level_history(con):
        out[lv.priority_id] = lv
    return out


def set_level(con: duckdb.DuckDBPyConnection, *, priority_id: str, level: str, board_id: str, reason: str,
              decided_on: dt.date, who: str, officer_person_id: str | None = None) -> Level:
    """Record a level decision and make it the priority's governance on the tracker (one transaction)."""
    from pophealth.delivery.governance import set_governance
    from pophealth.delivery.records import Governance

    decision = Level(priority_id=priority_id, level=level, officer_person_id=officer_person_id or None,
                     board_id=board_id, reason=reason.strip(), decided_on=decided_on, set_by=who,
                     set_at=dt.datetime.now().replace(microsecond=0))  # validates before any write
    with write(con, f"Level of {priority_id}"):
        programme = con.execute("SELECT programme FROM delivery_priority WHERE priority_id = ?",
                                [priority_id]).fetchone()
        if programme is None:
            raise NotFoundError(f"There is no priority {priority_id!r}",
                                hint="`pophealth delivery load` adds the strategy's priorities")
        board = get_board(con, board_id)
        officer = get_person(con, officer_person_id).name if officer_person_id else None
        con.execute(f"INSERT INTO priority_level ({', '.join(LEVEL_COLUMNS)}) VALUES ({', '.join('?' * len(LEVEL_COLUMNS))})",
                    [getattr(decision, c) for c in LEVEL_COLUMNS])
        record_change(con, "level", priority_id, who, None, decision.model_dump(mode="json"))
        set_governance(con, Governance(priority_id=priority_id, level=level, officer=officer, board=board.name,
                                       last_reviewed=decided_on), who)
    return decision
