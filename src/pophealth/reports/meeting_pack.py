"""The pack for one board meeting: what that board receives on that date, as HTML, PDF and XLSX.

What goes in, and why:

- **Pledges** (boards that receive them, the ICB board): every pledge's measures with SPC, one page each.
- **Priorities** the board governs (its programmes, or a Do / Sponsor / Watch level set to it), one
  page each, following seed 002: a Do priority always (its highlight report); a Sponsor priority
  when its annual highlight is due or it has escalated; a Watch priority only when it has escalated
  (an action Red overall or for risk). A priority with no level decided yet is shown, so nothing
  reaches a board unseen until the board decides its level.
- **Action exceptions**: actions rated Red overall, worsened since the last period, overdue, or Red
  for risk, highest risk first. The risk RAG is the action's own field as its latest update gives it.
- **What changed since the last meeting**: updates recorded and measure points ending after the
  board's previous meeting, up to this one.
- **What people told us**: the insight records linked to the pack's priorities (a public pack: only
  those that may be published).

A pack for a demonstration meeting says so on every page and never has a public version. The public
version leaves out people's names and update narratives, and every count it shows is checked
against the disclosure policy before anything is written.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from pydantic import BaseModel

from pophealth.strategy.boards_models import Board, Meeting
from pophealth.boards.store import current_levels, get_board, get_meeting, list_people, previous_meeting
from pophealth.delivery.actions import list_priorities
from pophealth.delivery.governance import list_governance
from pophealth.delivery.periods import list_periods
from pophealth.delivery.rollup import Rollup, rollup
from pophealth.delivery.tracker import TrackerRow, tracker_rows
from pophealth.delivery.updates import history
from pophealth.disclosure import DisclosurePolicy
from pophealth.errors import ConfigError
from pophealth.measures.tracking import (NoDataYet, PledgeEntry, PledgeRef, Snapshot, Tracking, assess_snapshot,
                                         take_snapshot)
from pophealth.measures.view import MeasureView, measure_view
from pophealth.strategy.models import Strategy

# Measure.priorities names delivery priorities "delivery:<id>" and focuses "focus:<id>"; the tracker
# names them "jfp:<id>" and "ics:<id>".
_MEASURE_PREFIX = {"jfp": "delivery", "ics": "focus", "jhws": "jhws", "leicester": "leicester", "rutland": "rutland",
                   "enabler": "enabler"}
DEMO_TEXT = "DEMONSTRATION MEETING: made for a test or a demonstration, not a real board meeting."


class InsightItem(BaseModel):
    """One thing people told us about a priority (from "You said, we did" or another insight source)."""

    priority_id: str
    text: str
    source: str
    date: dt.date | None = None


InsightProvider = Callable[[list[str]], list[InsightItem]]


def warehouse_insight(con: duckdb.DuckDBPyConnection, *, public: bool) -> InsightProvider:
    """The insight records held in the warehouse for the pack's priorities; a public pack gets only the
    records that may be published (stated, not-small numbers of people), and never their quotes."""
    from pophealth.insight.public import publishable
    from pophealth.insight.store import insight_for_priorities

    def provide(priority_ids: list[str]) -> list[InsightItem]:
        refs = {_insight_ref(pid): pid for pid in priority_ids}
        items = []
        for record in insight_for_priorities(con, refs):
            if public and not publishable(record):
                continue
            day = _insight_day(record.date)
            for ref in record.priorities:
                if ref in refs:
                    items.append(InsightItem(priority_id=refs[ref], text=record.summary, source=record.source,
                                             date=day))
        return items

    return provide


def _insight_ref(pack_priority_id: str) -> str:
    """The tracker's priority id (``jfp:<id>``) as the register names it (``delivery:<id>``)."""
    programme, _, rest = pack_priority_id.partition(":")
    return f"{_MEASURE_PREFIX.get(programme, programme)}:{rest}"


def _insight_day(text: str | None) -> dt.date | None:
    """A record dated ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, as the first day it can mean."""
    if not text:
        return None
    parts = [int(x) for x in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def insight_items(priority_ids: list[str], providers: list[InsightProvider]) -> list[InsightItem]:
    wanted = set(priority_ids)
    items = [i for p in providers for i in p(priority_ids)]
    return [i for i in items if i.priority_id in wanted]


class ActionLine(BaseModel):
    ref: str
    priority_id: str
    we_will: str
    stage: str | None
    overall_rag: str | None
    risk_rag: str | None
    trajectory_rag: str | None
    status_change: str
    overdue: bool
    due: dt.date | None
    leads: str | None
    reasons: list[str]


class PrioritySection(BaseModel):
    priority_id: str
    name: str
    programme: str
    theme: str
    level: str | None
    officer: str | None
    why: str  # why it is in this pack
    rollup: Rollup | None
    exceptions: list[ActionLine]
    measure_ids: list[str]


class UpdateLine(BaseModel):
    ref: str
    recorded: dt.date
    stage: str
    overall_rag: str
    risk_rag: str
    narrative: str | None  # None in the public version
    editor: str | None


class PointLine(BaseModel):
    measure_id: str
    measure: str
    label: str
    value: float


class MeetingPack(BaseModel):
    meeting: Meeting
    board: Board
    previous: Meeting | None
    period_id: str | None
    public: bool
    snapshot: Snapshot | None
    pledge_numbers: list[int]
    pledges: list[PledgeRef] = []
    priorities: list[PrioritySection]
    exceptions: list[ActionLine]
    updates: list[UpdateLine]
    points: list[PointLine]
    insight: list[InsightItem]


def _reasons(r: TrackerRow) -> list[str]:
    out = []
    if r.overall_rag == "Red":
        out.append("Red overall")
    if r.status_change == "Worsened":
        out.append("Worsened")
    if r.overdue:
        out.append("Overdue")
    if r.risk_rag == "Red":
        out.append("Red risk")
    return out


_RISK_ORDER = {"Red": 0, "Amber": 1, "Green": 2, None: 3}


def _line(r: TrackerRow) -> ActionLine:
    a = r.action
    return ActionLine(ref=a.ref, priority_id=a.priority_id, we_will=a.we_will, stage=r.stage, overall_rag=r.overall_rag,
                      risk_rag=r.risk_rag, trajectory_rag=r.trajectory_rag, status_change=r.status_change,
                      overdue=r.overdue, due=r.due, leads=a.leads, reasons=_reasons(r))


def _period_for(con: duckdb.DuckDBPyConnection, day: dt.date) -> str | None:
    """The latest reporting period that had started by the meeting."""
    started = [p for p in list_periods(con) if p.starts <= day]
    return started[-1].period_id if started else None


def _month_before(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


def _snapshot(con: duckdb.DuckDBPyConnection, strategy: Strategy, day: dt.date) -> Snapshot | None:
    """The measures as known at the meeting: each series cut at the last complete month before it."""
    try:
        return take_snapshot(con, strategy, _month_before(day))
    except NoDataYet:
        return None


def _included(level: str | None, members: list[TrackerRow], annual_due: bool) -> str | None:
    escalated = any(r.overall_rag == "Red" or r.risk_rag == "Red" for r in members)
    if level is None:
        return "No Do / Sponsor / Watch level decided yet"
    if level == "do":
        return "Do: reported at every meeting"
    if level == "sponsor" and (escalated or annual_due):
        return "Sponsor: escalated" if escalated else "Sponsor: annual highlight report due"
    if level == "watch" and escalated:
        return "Watch: escalated"
    return None


def build_meeting_pack(con: duckdb.DuckDBPyConnection, strategy: Strategy, mid: str, *, public: bool = False,
                       providers: list[InsightProvider] | None = None) -> MeetingPack:
    meeting = get_meeting(con, mid)
    if public and meeting.demo:
        raise ConfigError(f"{mid} is a demonstration meeting: it has no public version")
    board = get_board(con, meeting.board_id)
    day = meeting.meeting_date
    prev = previous_meeting(con, meeting)
    period_id = _period_for(con, day)
    rows = tracker_rows(con, period_id, as_of=day) if period_id else []
    priorities = {p.priority_id: p for p in list_priorities(con)}
    governance = {g.priority_id: g for g in list_governance(con)}
    levels = current_levels(con)
    names = {p.id: p.name for p in list_people(con)}
    by_priority: dict[str, list[TrackerRow]] = {}
    for r in rows:
        by_priority.setdefault(r.action.priority_id, []).append(r)
    snapshot = _snapshot(con, strategy, day)
    catalogue = {m.id for m in strategy.measures}

    sections = []
    for pid, pr in priorities.items():
        g = governance.get(pid)
        mine = (g.board == board.name) if g else pr.programme in board.programmes
        if not mine:
            continue
        lv = levels.get(pid)
        level = g.level if g else None
        annual_due = bool(lv and level == "sponsor" and lv.decided_on <= day - dt.timedelta(days=365)) or bool(
            g and level == "sponsor" and (g.last_reviewed is None or g.last_reviewed <= day - dt.timedelta(days=365)))
        members = by_priority.get(pid, [])
        why = _included(level, members, annual_due)
        if why is None:
            continue
        officer = None if public else (names.get(lv.officer_person_id) if lv and lv.officer_person_id else
                                       (g.officer if g else None))
        prefix = _MEASURE_PREFIX[pr.programme] + ":" + pid.split(":", 1)[1]
        measure_ids = [m.id for m in strategy.measures if prefix in m.priorities]
        measure_ids += sorted({x for r in members for x in r.action.measures if x in catalogue} - set(measure_ids))
        exceptions = sorted((_line(r) for r in members if _reasons(r)), key=lambda x: _RISK_ORDER[x.risk_rag])
        roll = rollup(members, "priority")
        sections.append(PrioritySection(
            priority_id=pid, name=pr.name, programme=pr.programme, theme=pr.theme, level=level, officer=officer,
            why=why, rollup=roll[0] if roll else None, exceptions=exceptions, measure_ids=measure_ids))

    covered = {s.priority_id for s in sections}
    exceptions = sorted((x for s in sections for x in s.exceptions), key=lambda x: _RISK_ORDER[x.risk_rag])
    refs = {r.action.ref for pid in covered for r in by_priority.get(pid, [])}
    updates = [UpdateLine(ref=u.action_ref, recorded=u.recorded_at.date(), stage=u.stage, overall_rag=u.overall_rag,
                          risk_rag=u.risk_rag, narrative=None if public else u.narrative,
                          editor=None if public else u.editor)
               for u in history(con)
               if prev and u.action_ref in refs and prev.meeting_date < u.recorded_at.date() <= day]
    pledge_numbers = [p.number for p in strategy.pledges] if board.pledges else []
    shown = {m for s in sections for m in s.measure_ids}
    if board.pledges:
        shown |= {m.id for m in strategy.measures if set(m.pledges) & set(pledge_numbers)}
    points = []
    if snapshot and prev:
        labels = {m.id: m.name for m in snapshot.measures}
        points = [PointLine(measure_id=k, measure=labels[k], label=p.label, value=p.value)
                  for k, s in snapshot.series.items() if k in shown
                  for p in s.points if prev.meeting_date < p.period_end <= day]
    pledge_refs = [PledgeRef(number=p.number, id=p.id, text=p.text, emphasis=p.emphasis, group=p.group)
                   for p in strategy.pledges if p.number in pledge_numbers]
    pack = MeetingPack(meeting=meeting, board=board, previous=prev, period_id=period_id, public=public,
                       snapshot=snapshot, pledge_numbers=pledge_numbers, pledges=pledge_refs, priorities=sections, exceptions=exceptions,
                       updates=updates, points=points, insight=insight_items(
                           sorted(covered), providers if providers is not None else [warehouse_insight(con, public=public)]))
    if public:
        check_disclosure(pack)
    return pack


def check_disclosure(pack: MeetingPack, policy: DisclosurePolicy | None = None) -> None:
    """Refuse a public pack holding a count the policy would not publish (the snapshot protects them first)."""
    policy = policy or DisclosurePolicy.from_env()
    if pack.snapshot is None:
        return
    units = {m.id: m.unit for m in pack.snapshot.measures}
    for k, s in pack.snapshot.series.items():
        if units.get(k) != "count":
            continue
        for series in [s, *s.compare]:
            for p in series.points:
                if policy.is_small(p.value) or p.numerator is not None:
                    raise ConfigError(f"The public pack would show an unprotected count for {k} ({p.label})")
                if policy.round(p.value) != p.value:
                    raise ConfigError(f"The public pack would show an unrounded count for {k} ({p.label})")


# ---------------------------------------------------------------- rendering

def pack_context(pack: MeetingPack) -> dict:
    """Views per section: a measure shown under a pledge and a priority gets its own chart ids in each."""
    tracking: Tracking | None = assess_snapshot(pack.snapshot) if pack.snapshot else None
    entries = tracking.measures if tracking else {}

    def views(section: str, ids: list[str]) -> list[MeasureView]:
        return [measure_view(entries[m], ident=f"{section}-{m}") for m in ids if m in entries]

    tracked = {p.pledge.number: p for p in (tracking.pledges if tracking else [])}
    # without any measure data the pledges still get their pages, each saying it has no data yet
    shown = [tracked.get(p.number) or PledgeEntry(pledge=p, measurable=False) for p in pack.pledges]
    pledges = [{"entry": e, "views": views(f"p{e.pledge.number}", e.measure_ids)} for e in shown]
    priorities = [{"s": s, "views": views(f"q{k}", s.measure_ids)} for k, s in enumerate(pack.priorities, 1)]
    return {"pack": pack, "pledges": pledges, "priorities": priorities, "tracking": tracking,
            "demo_text": DEMO_TEXT, "insight_by": _group(pack.insight)}


def _group(items: list[InsightItem]) -> dict[str, list[InsightItem]]:
    out: dict[str, list[InsightItem]] = {}
    for i in items:
        out.setdefault(i.priority_id, []).append(i)
    return out


def render_html(pack: MeetingPack) -> str:
    from pophealth.reports.board_pack import _environment

    return _environment().get_template("meeting_pack.html.jinja").render(**pack_context(pack))


@dataclass
class MeetingPackFiles:
    html: Path
    pdf: Path | None
    xlsx: Path
    seconds: dict[str, float] = field(default_factory=dict)


def write_meeting_pack(pack: MeetingPack, out: Path, *, pdf: bool = True) -> MeetingPackFiles:
    """Write ``meeting-pack-<meeting>[-public].{html,pdf,xlsx}`` into ``out``."""
    from pophealth.reports.meeting_xlsx import write_meeting_xlsx

    if pack.snapshot and any(s.synthetic for s in pack.snapshot.series.values()):
        raise ConfigError("Refusing to write a meeting pack: the warehouse holds rows flagged synthetic",
                          hint="delete the rows flagged is_synthetic in metric_observation, then try again")
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"meeting-pack-{pack.meeting.meeting_id}{'-public' if pack.public else ''}"
    files = MeetingPackFiles(stem.with_suffix(".html"), stem.with_suffix(".pdf") if pdf else None,
                             stem.with_suffix(".xlsx"))
    clock = time.perf_counter()
    html = render_html(pack)
    files.html.write_text(html, "utf-8")
    files.seconds["html"] = time.perf_counter() - clock
    if files.pdf is not None:
        from weasyprint import HTML

        clock = time.perf_counter()
        HTML(string=html, base_url=str(out)).write_pdf(files.pdf)
        files.seconds["pdf"] = time.perf_counter() - clock
    clock = time.perf_counter()
    write_meeting_xlsx(pack, files.xlsx)
    files.seconds["xlsx"] = time.perf_counter() - clock
    return files
