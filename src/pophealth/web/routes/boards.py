"""Boards, organisations, people, the meeting calendar and Do / Sponsor / Watch levels on the web.

Anyone signed in (analysts and board members up) reads them; only admins change them. Every change is
made under the admin's signed-in name and logged with the record before and after (``board_change``);
memberships end rather than vanish and level decisions are kept in full, so the history stays.
"""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from pophealth.boards import reviews, store
from pophealth.strategy.boards_models import Board, Level, Meeting, Organisation, Person
from pophealth.delivery.actions import list_priorities
from pophealth.delivery.governance import list_governance
from pophealth.errors import ConfigError
from pophealth.web.pages import Crumb, PageContext, warehouse, Routes, action, page

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
BOARDS = Crumb(text="Boards", href="/boards")
ORGS = Crumb(text="Organisations and people", href="/organisations")
SOURCE = "Boards register: organisations, boards and people as the strategy documents name them; meetings and changes by admins"
LEVEL_PROGRAMMES = ("jhws", "leicester")
NOT_LOADED = "The boards register is not loaded yet: run `pophealth boards load`."


class BoardRow(BaseModel):
    id: str
    name: str
    organisation: str | None
    kind: str
    chairs: list[str]
    members: int
    meetings: int
    next_meeting: dt.date | None
    href: str


class BoardsPage(PageContext):
    rows: list[BoardRow]
    empty_text: str | None


class SeatRow(BaseModel):
    membership_id: int
    board_id: str
    person_id: str
    person: str
    organisation: str | None
    role: str
    starts: dt.date | None
    ends: dt.date | None
    source: str | None
    current: bool


class ChangeRow(BaseModel):
    changed_at: dt.datetime
    who: str
    what: str


class Option(BaseModel):
    value: str
    text: str


class PriorityLevelRow(BaseModel):
    priority_id: str
    name: str
    programme: str
    level: str | None
    officer: str | None
    board: str | None
    decided_on: dt.date | None
    reason: str | None


class BoardPage(PageContext):
    board: Board
    organisation: str | None
    board_source: str | None
    seats: list[SeatRow]
    meetings: list[Meeting]
    priorities: list[PriorityLevelRow]
    people: list[Option]
    changes: list[ChangeRow]
    is_admin: bool


class PersonRow(BaseModel):
    id: str
    name: str
    organisation: str | None
    username: str | None
    roles: list[str]
    href: str


class OrganisationsPage(PageContext):
    organisations: list[dict]
    people: list[PersonRow]
    stakeholders: list[str]
    stakeholders_source: str | None
    kinds: list[str]
    is_admin: bool


class PersonPage(PageContext):
    person: PersonRow
    seats: list[SeatRow]
    organisations: list[Option]
    changes: list[ChangeRow]
    is_admin: bool


class LevelsPage(PageContext):
    rows: list[PriorityLevelRow]
    tasks: list[reviews.DueTask]
    history: list[Level]
    boards: list[Option]
    people: list[Option]
    priorities: list[Option]
    is_admin: bool
    as_of: dt.date


def _is_admin(request: Request) -> bool:
    user = getattr(request.state, "user", None)
    return bool(user and user.role == "admin")


def _who(request: Request) -> str:
    user = request.state.user
    return f"{user.display_name} ({user.username})"


def _changes(con, entity: str | None = None, key: str | None = None, limit: int = 25) -> list[ChangeRow]:  # noqa: ANN001
    out = []
    for c in reversed(store.changes(con, entity, key)[-limit:]):
        if c["before"] is None:
            what = f"{c['entity']} {c['key']} added"
        elif c["after"] is None:
            what = f"{c['entity']} {c['key']} removed"
        else:
            diff = [f"{k}: {c['before'].get(k)!s} → {v!s}" for k, v in c["after"].items() if c["before"].get(k) != v]
            what = f"{c['entity']} {c['key']} changed ({'; '.join(diff)})"
        out.append(ChangeRow(changed_at=c["changed_at"], who=c["who"], what=what))
    return out


def _seats(con, *, board_id: str | None = None, person_id: str | None = None) -> list[SeatRow]:  # noqa: ANN001
    people = {p.id: p for p in store.list_people(con)}
    orgs = {o["org_id"]: o["name"] for o in store.list_organisations(con)}
    today = dt.date.today()
    return [SeatRow(membership_id=m.membership_id, board_id=m.board_id, person_id=m.person_id, person=people[m.person_id].name,
                    organisation=orgs.get(people[m.person_id].organisation or ""), role=m.role, starts=m.starts,
                    ends=m.ends, source=m.source, current=store.current_on(m, today))
            for m in store.memberships(con, board_id=board_id, person_id=person_id)]


@page(routes, "/boards", "boards/boards.jinja", role="analyst", name="boards")
def boards_page(request: Request) -> BoardsPage:
    with warehouse(request) as con:
        boards = store.list_boards(con)
        orgs = {o["org_id"]: o["name"] for o in store.list_organisations(con)}
        meetings = store.list_meetings(con)
        seats = _seats(con)
    today = dt.date.today()
    rows = [BoardRow(id=b.id, name=b.name, organisation=orgs.get(b.organisation or ""), kind=b.kind,
                     chairs=[s.person for s in seats if s.board_id == b.id and s.current and "chair" in s.role.lower()],
                     members=sum(1 for s in seats if s.board_id == b.id and s.current),
                     meetings=sum(1 for m in meetings if m.board_id == b.id),
                     next_meeting=min((m.meeting_date for m in meetings if m.board_id == b.id and m.meeting_date >= today),
                                      default=None), href=f"/boards/{b.id}") for b in boards]
    return BoardsPage(title="Boards", breadcrumbs=[HOME], rows=rows, empty_text=None if rows else NOT_LOADED,
                      source=SOURCE)


@page(routes, "/boards/{board_id}", "boards/board.jinja", role="analyst", name="board")
def board_page(request: Request, board_id: str) -> BoardPage:
    with warehouse(request) as con:
        board = store.get_board(con, board_id)
        orgs = {o["org_id"]: o["name"] for o in store.list_organisations(con)}
        seats = _seats(con, board_id=board_id)
        meetings = store.list_meetings(con, board_id)
        people = store.list_people(con)
        rows = _level_rows(con)
        changes = [c for c in _changes(con, limit=200) if board_id in c.what][:25]
        source = store.board_sources(con).get(board_id)
    return BoardPage(title=board.name, breadcrumbs=[HOME, BOARDS], board=board, organisation=orgs.get(board.organisation or ""),
                     board_source=source, seats=seats, meetings=meetings,
                     priorities=[r for r in rows if r.board == board.name], changes=changes,
                     people=[Option(value=p.id, text=p.name) for p in people], is_admin=_is_admin(request), source=SOURCE)


@page(routes, "/organisations", "boards/organisations.jinja", role="analyst", name="organisations")
def organisations_page(request: Request) -> OrganisationsPage:
    from pophealth.strategy.boards_register import load_register

    with warehouse(request) as con:
        orgs = store.list_organisations(con)
        people = store.list_people(con)
        seats = store.memberships(con)
        boards = {b.id: b.name for b in store.list_boards(con)}
    names = {o["org_id"]: o["name"] for o in orgs}
    today = dt.date.today()
    stakeholders = load_register().stakeholders
    return OrganisationsPage(
        title="Organisations and people", breadcrumbs=[HOME], organisations=orgs,
        people=[PersonRow(id=p.id, name=p.name, organisation=names.get(p.organisation or ""), username=p.username,
                          roles=[f"{m.role}, {boards.get(m.board_id, m.board_id)}" for m in seats
                                 if m.person_id == p.id and store.current_on(m, today)], href=f"/people/{p.id}")
                for p in people],
        stakeholders=stakeholders.names if stakeholders else [],
        stakeholders_source=(f"seed {stakeholders.source.document}: {stakeholders.source.section}; consulted for the "
                             f"{stakeholders.consulted_for}") if stakeholders else None,
        kinds=["nhs", "council", "healthwatch", "vcse", "other"], is_admin=_is_admin(request), source=SOURCE)


@page(routes, "/people/{person_id}", "boards/person.jinja", role="analyst", name="person")
def person_page(request: Request, person_id: str) -> PersonPage:
    with warehouse(request) as con:
        p = store.get_person(con, person_id)
        orgs = store.list_organisations(con)
        seats = _seats(con, person_id=person_id)
        boards = {b.id: b.name for b in store.list_boards(con)}
        changes = _changes(con, "person", person_id)
    names = {o["org_id"]: o["name"] for o in orgs}
    row = PersonRow(id=p.id, name=p.name, organisation=names.get(p.organisation or ""), username=p.username,
                    roles=[f"{s.role}, {boards.get(s.board_id, s.board_id)}" for s in seats if s.current],
                    href=f"/people/{p.id}")
    return PersonPage(title=p.name, breadcrumbs=[HOME, ORGS], person=row, seats=seats, changes=changes,
                      organisations=[Option(value=o["org_id"], text=o["name"]) for o in orgs],
                      is_admin=_is_admin(request), source=SOURCE)


def _level_rows(con) -> list[PriorityLevelRow]:  # noqa: ANN001
    governance = {g.priority_id: g for g in list_governance(con)}
    levels = store.current_levels(con)
    people = {p.id: p.name for p in store.list_people(con)}
    rows = []
    for p in list_priorities(con):
        if p.programme not in LEVEL_PROGRAMMES:
            continue
        g, lv = governance.get(p.priority_id), levels.get(p.priority_id)
        rows.append(PriorityLevelRow(
            priority_id=p.priority_id, name=p.name, programme=p.programme, level=g.level if g else None,
            officer=(people.get(lv.officer_person_id) if lv and lv.officer_person_id else (g.officer if g else None)),
            board=g.board if g else None, decided_on=lv.decided_on if lv else (g.last_reviewed if g else None),
            reason=lv.reason if lv else ("Named a Do priority in the strategy document" if g else None)))
    return rows


@page(routes, "/levels", "boards/levels.jinja", role="analyst", name="levels")
def levels_page(request: Request) -> LevelsPage:
    today = dt.date.today()
    with warehouse(request) as con:
        rows = _level_rows(con)
        history = store.level_history(con)
        boards = store.list_boards(con)
        people = store.list_people(con)
    current = {lv.priority_id: lv for lv in history}
    return LevelsPage(
        title="Do, Sponsor and Watch levels", breadcrumbs=[HOME], rows=rows,
        tasks=reviews.due_tasks(list(current.values()), today), history=list(reversed(history)),
        boards=[Option(value=b.id, text=b.name) for b in boards if set(b.programmes) & set(LEVEL_PROGRAMMES)],
        people=[Option(value=p.id, text=p.name) for p in people],
        priorities=[Option(value=r.priority_id, text=r.name[:90]) for r in rows], is_admin=_is_admin(request),
        as_of=today, source="Levels set by admins with their reason and date (seed 002, 8.1: Do, Sponsor and Watch)")


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"Enter the {what} as a date, for example 2025-03-27") from None


def _valid(work):  # noqa: ANN001, ANN202 - a callable doing one validated write
    try:
        return work()
    except ValidationError as exc:
        e = exc.errors()[0]
        raise ConfigError(f"{'.'.join(str(x) for x in e['loc']) or 'value'}: {e['msg']}") from None


def register(app: FastAPI) -> None:
    routes.register(app)

    @action(app, "/admin/boards/{board_id}/meetings", role="admin")
    def add_meeting(request: Request, board_id: str, meeting_date: str = Form(""), demo: str = Form("")):
        with warehouse(request) as con:
            store.add_meeting(con, board_id, _date(meeting_date, "meeting date"), _who(request), demo=demo == "yes")
        return RedirectResponse(f"/boards/{board_id}", status_code=303)

    @action(app, "/admin/boards/{board_id}/meetings/{meeting_id}/remove", role="admin")
    def remove_meeting(request: Request, board_id: str, meeting_id: str):
        with warehouse(request) as con:
            if store.get_meeting(con, meeting_id).board_id != board_id:
                raise ConfigError(f"{meeting_id} is not a meeting of {board_id}")
            store.remove_meeting(con, meeting_id, _who(request))
        return RedirectResponse(f"/boards/{board_id}", status_code=303)

    @action(app, "/admin/boards/{board_id}/members", role="admin")
    def add_member(request: Request, board_id: str, person_id: str = Form(""), role: str = Form(""),
                   starts: str = Form("")):
        with warehouse(request) as con:
            store.add_membership(con, board_id, person_id, role, _date(starts, "start date"), _who(request))
        return RedirectResponse(f"/boards/{board_id}", status_code=303)

    @action(app, "/admin/boards/{board_id}/members/{membership_id}/end", role="admin")
    def end_member(request: Request, board_id: str, membership_id: int, ends: str = Form("")):
        with warehouse(request) as con:
            if not any(m.membership_id == membership_id for m in store.memberships(con, board_id=board_id)):
                raise ConfigError(f"Membership {membership_id} is not a seat on {board_id}")
            store.end_membership(con, membership_id, _date(ends, "end date"), _who(request))
        return RedirectResponse(f"/boards/{board_id}", status_code=303)

    @action(app, "/admin/organisations", role="admin")
    def add_organisation(request: Request, org_id: str = Form(""), name: str = Form(""), short_name: str = Form(""),
                         kind: str = Form("other")):
        org = _valid(lambda: Organisation(id=org_id.strip(), name=name.strip(), short_name=short_name.strip() or None,
                                          kind=kind))
        with warehouse(request) as con:
            store.add_organisation(con, org, _who(request))
        return RedirectResponse("/organisations", status_code=303)

    @action(app, "/admin/organisations/rename", role="admin")
    def rename_organisation(request: Request, org_id: str = Form(""), new_name: str = Form(""),
                            new_short_name: str = Form("")):
        with warehouse(request) as con:
            _valid(lambda: store.rename_organisation(con, org_id, new_name.strip(), new_short_name.strip() or None,
                                                     _who(request)))
        return RedirectResponse("/organisations", status_code=303)

    @action(app, "/admin/people", role="admin")
    def add_person(request: Request, person_id: str = Form(""), person_name: str = Form(""),
                   organisation: str = Form("")):
        person = _valid(lambda: Person(id=person_id.strip(), name=person_name.strip(), organisation=organisation or None))
        with warehouse(request) as con:
            store.add_person(con, person, _who(request))
        return RedirectResponse(f"/people/{person.id}", status_code=303)

    @action(app, "/admin/people/{person_id}", role="admin")
    def edit_person(request: Request, person_id: str, name: str = Form(""), organisation: str = Form(""),
                    username: str = Form("")):
        with warehouse(request) as con:
            _valid(lambda: store.edit_person(con, person_id, name=name.strip(), organisation=organisation or None,
                                             username=username.strip() or None, who=_who(request)))
        return RedirectResponse(f"/people/{person_id}", status_code=303)

    @action(app, "/admin/levels", role="admin")
    def set_level(request: Request, priority_id: str = Form(""), level: str = Form(""), board_id: str = Form(""),
                  officer_person_id: str = Form(""), decided_on: str = Form(""), reason: str = Form("")):
        day = _date(decided_on, "date of the decision")
        with warehouse(request) as con:
            _valid(lambda: store.set_level(con, priority_id=priority_id, level=level, board_id=board_id, reason=reason,
                                           decided_on=day, who=_who(request),
                                           officer_person_id=officer_person_id or None))
        return RedirectResponse("/levels", status_code=303)

