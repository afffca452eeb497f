"""The delivery tracker workbook layout: sheets, headers and how each cell is written and read.

The first sheet is the tracker in the seed 003 column order, one row per action, header in row 1.
It is the sheet action leads edit, so it works the way they work:

- Columns marked "update" (stage, the three RAGs, the latest narrative) show the action's latest
  update; changing one and importing records a new update for that row (new version, the importer
  as editor, the time of import). Its Version cell says which version the row was exported at: if
  the action has changed since, the edit is refused as a conflict naming the row.
- Columns marked derived (status change, where the risk RAG comes from, recorded resources) are
  recomputed from the data and ignored on import: they never need editing.
- On the Updates sheet only Ref, stage, RAGs and narrative are needed to add an update: an empty
  Version takes the next one, an empty Period the open period, Editor the importer, Recorded At now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pophealth.delivery.timescales import parse_timescale


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    read: Callable[[Any], Any]
    required: bool = False
    derived: bool = False  # recomputed from the data on export; ignored on import
    from_update: bool = False  # the latest update's value; an edit records a new update


def text(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def whole(v: Any) -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not (isinstance(v, int) or (isinstance(v, float) and v.is_integer())
                                   or (isinstance(v, str) and v.strip().isdigit())):
        raise ValueError(f"expected a whole number, got {v!r}")
    return int(v)


def numbers(v: Any) -> list[int]:
    s = text(v)
    return [whole(part.strip()) for part in s.split(";")] if s else []


def lines(v: Any) -> list[str]:
    s = text(v)
    return [x.strip() for x in s.split("\n") if x.strip()] if s else []


def one_of(*allowed: str) -> Callable[[Any], str | None]:
    def read(v: Any) -> str | None:
        s = text(v)
        if s is not None and s not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {s!r}")
        return s
    read.allowed = allowed  # type: ignore[attr-defined]  # for the generated layout reference
    return read


def timescale(v: Any) -> str | None:
    s = text(v)
    parse_timescale(s)  # raises ValueError for a malformed financial year
    return s


def day(v: Any) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        raise ValueError(f"expected a date (YYYY-MM-DD), got {v!r}") from None


def moment(v: Any) -> datetime | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v
    try:
        return datetime.fromisoformat(str(v).strip())
    except ValueError:
        raise ValueError(f"expected a date and time (YYYY-MM-DD HH:MM:SS), got {v!r}") from None


def ignored(v: Any) -> None:
    """A derived cell: recomputed on export, whatever it holds is ignored on import."""
    return None


def joined(values: list[Any], sep: str) -> str | None:
    return sep.join(str(v) for v in values) or None


STAGE = one_of("Started", "Feasibility", "Delivery", "Evaluation", "Complete")
RAG = one_of("Red", "Amber", "Green")

TRACKER = "Tracker"
ACTIVITIES = "Activities"
UPDATES = "Updates"
PERIODS = "Periods"
PRIORITIES = "Priorities"
GOVERNANCE = "Governance"

SHEETS: dict[str, list[Column]] = {
    TRACKER: [
        Column("Ref", "ref", text, required=True),
        Column("We will", "we_will", text, required=True),
        Column("Delivery Stage", "stage", STAGE, from_update=True),
        Column("How will this demonstrate improvement in equity?", "equity_statement", text),
        Column("Will activities improve/increase equity at a local level? (Y/N)", "equity", one_of("Y", "N")),
        Column("Resources Y/N", "resources", one_of("Y", "N")),
        Column("Resources Source", "resources_source", text),
        Column("Resources Recorded (GBP)", "resources_gbp", ignored, derived=True),
        Column("Planned Engagement", "engagement", text),
        Column("Delivery Governance", "governance", text),
        Column("Timescale", "timescale", timescale),
        Column("Lead Contacts", "leads", text),
        Column("Overall RAG Status", "overall_rag", RAG, from_update=True),
        Column("Status Change from Last Period", "status_change", ignored, derived=True),
        Column("Risk/Issue RAG", "risk_rag", RAG, from_update=True),
        Column("Risk/Issue RAG From", "risk_rag_source", text, derived=True),
        Column("Improvement Trajectory RAG", "trajectory_rag", RAG, from_update=True),
        Column("Latest Narrative", "narrative", text, from_update=True),
        Column("Ambition", "ambition", text),
        Column("I will", "i_will", text),
        Column("Priority", "priority_id", text, required=True),
        Column("Pledges", "pledges", numbers),
        Column("Measures", "measures", lines),
        Column("Source", "source", text, required=True),
        Column("Version", "version", whole, required=True),
    ],
    ACTIVITIES: [
        Column("Ref", "action_ref", text, required=True),
        Column("No", "activity_ref", text, required=True),
        Column("Key Activities / Deliverables / Milestones", "text", text, required=True),
        Column("Timescale", "timescale", timescale),
    ],
    UPDATES: [
        Column("Ref", "action_ref", text, required=True),
        Column("Version", "version", whole),
        Column("Period", "period_id", text),
        Column("Delivery Stage", "stage", STAGE, required=True),
        Column("Overall RAG Status", "overall_rag", RAG, required=True),
        Column("Risk/Issue RAG", "risk_rag", RAG, required=True),
        Column("Improvement Trajectory RAG", "trajectory_rag", RAG, required=True),
        Column("Narrative", "narrative", text, required=True),
        Column("Evidence", "evidence", text),
        Column("Editor", "editor", text),
        Column("Recorded At", "recorded_at", moment),
    ],
    PERIODS: [
        Column("Period", "period_id", text, required=True),
        Column("Starts", "starts", day, required=True),
        Column("Ends", "ends", day, required=True),
        Column("Opened By", "opened_by", text, required=True),
        Column("Closed At", "closed_at", moment),
        Column("Closed By", "closed_by", text),
    ],
    PRIORITIES: [
        Column("Priority", "priority_id", text, required=True),
        Column("Programme", "programme", text, required=True),
        Column("Theme", "theme", text, required=True),
        Column("Name", "name", text, required=True),
    ],
    GOVERNANCE: [
        Column("Priority", "priority_id", text, required=True),
        Column("Level", "level", one_of("do", "sponsor", "watch"), required=True),
        Column("Officer", "officer", text),
        Column("Board", "board", text, required=True),
        Column("Last Reviewed", "last_reviewed", day),
    ],
}

# Reference sheets written after the importable ones: the risk and issue log and the resources, for
# reading beside the tracker. They are edited on the web or with `pophealth risks|resources`, never
# through the workbook: the import ignores them (the sheet names say so), so a workbook round trip
# neither loads nor deletes a risk or a resource.
RISKS = "Risks (not imported)"
RESOURCES = "Resources (not imported)"
REFERENCE_SHEETS: dict[str, list[Column]] = {
    RISKS: [Column(h, f, ignored, derived=True) for h, f in (
        ("Number", "risk_id"), ("Type", "kind"), ("Risk or Issue", "title"), ("Ref", "action_ref"),
        ("Priority", "priority_id"), ("Owner", "owner"), ("Likelihood", "likelihood"), ("Impact", "impact"),
        ("Score", "score"), ("NPSA Grade", "grade"), ("RAG", "rag"), ("Mitigation", "mitigation"),
        ("Review By", "review_date"), ("Status", "status"), ("Version", "version"), ("Recorded By", "recorded_by"),
        ("Recorded At", "recorded_at"))],
    RESOURCES: [Column(h, f, ignored, derived=True) for h, f in (
        ("Number", "resource_id"), ("Ref", "action_ref"), ("Priority", "priority_id"), ("Amount (GBP)", "amount_gbp"),
        ("Funding Source", "funding_source"), ("Financial Year", "financial_year"), ("Prevention (Y/N)", "prevention"),
        ("Note", "note"), ("Status", "status"), ("Version", "version"), ("Recorded By", "recorded_by"),
        ("Recorded At", "recorded_at"))],
}


def describe(read: Callable[[Any], Any]) -> str:
    """What a column holds, in plain words (for error messages and the generated layout reference)."""
    allowed = getattr(read, "allowed", None)
    if allowed:
        return "one of " + ", ".join(allowed)
    return {text: "text", whole: "whole number", numbers: "whole numbers separated by `;`",
            lines: "one item per line", timescale: "financial years, e.g. 23/24 or 23/24 to 25/26",
            day: "date YYYY-MM-DD", moment: "date and time YYYY-MM-DD HH:MM:SS",
            ignored: "anything (recomputed)"}.get(read, "text")


def cell_value(column: Column, value: Any) -> Any:
    """How a field is written into a cell (lists joined the way ``read`` splits them)."""
    if column.read is numbers:
        return joined(value, "; ")
    if column.read is lines:
        return joined(value, "\n")
    return value
