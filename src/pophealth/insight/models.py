"""One insight record and the rules every way in (CSV import, web form) checks it against.

An insight record says what people told the system, how and when it was heard, from how many people, from
which population (a PLUS group is written ``plus:<id>``) and place, and which priorities (``kind:id``, as
``pophealth strategy show --json`` lists them under ``priorities``) and actions it informs. The checks live
here once, so the CSV importer and the web form cannot disagree about what a valid record is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pophealth.strategy.models import Strategy
from pophealth.strategy.priorities import priority_index

# The documented CSV layout: required columns first, then optional ones (the column may be absent).
REQUIRED = ("id", "source", "date", "method", "people", "group", "place", "themes", "summary", "priorities")
OPTIONAL = ("source_section", "actions", "quotes", "quotes_consent", "published")
COLUMNS = REQUIRED + OPTIONAL
PLACES = ("Leicester", "Leicestershire", "Rutland", "LLR")
LIST_SEPARATOR = ";"
QUOTE_SEPARATOR = "|"
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
MAX_CELL = 10_000  # characters, as for every delimited-text input (pophealth.sources.text_guard)
MAX_PEOPLE = 10_000_000  # more than the population of LLR several times over: a typo, not an engagement


@dataclass(frozen=True)
class Insight:
    id: str
    source: str
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD; None: the source gives no date
    method: str
    people: int | None  # None: the source gives no number
    group: str | None  # population heard, or plus:<id>
    place: str | None
    themes: tuple[str, ...]
    summary: str
    priorities: tuple[str, ...]
    source_section: str | None = None
    actions: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    quotes_consent: bool | None = None  # None when there are no quotes
    published: bool = False

    @property
    def plus_group(self) -> str | None:
        return self.group[len("plus:"):] if self.group and self.group.startswith("plus:") else None


@dataclass
class Checked:
    insight: Insight | None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, what was expected)


def _list(text: str, sep: str = LIST_SEPARATOR) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(sep) if p.strip())


def _yes_no(text: str) -> bool | None:
    low = text.strip().lower()
    if low in YES:
        return True
    if low in NO:
        return False
    return None


def check_insight(strategy: Strategy, cells: dict[str, str]) -> Checked:
    """Check one record's cells (column -> text) and build the record, or say what is wrong with each cell."""
    problems: list[tuple[str, str]] = []
    get = {c: str(cells.get(c) or "").strip() for c in COLUMNS}
    for column, text in get.items():  # the web form gets no text_guard: the same limits, checked here
        if len(text) > MAX_CELL or "\x00" in text:
            problems.append((column, f"text of at most {MAX_CELL:,} characters without NUL bytes"))
    if problems:
        return Checked(None, problems)

    ident = get["id"]
    if not _ID.match(ident):
        problems.append(("id", "an id of letters, digits, '.', '-' or '_' (up to 80 characters)"))
    for column in ("source", "method", "summary"):
        if not get[column]:
            problems.append((column, "text saying " + {"source": "where the insight comes from",
                                                       "method": "how people were heard (survey, event ...)",
                                                       "summary": "what people said"}[column]))
    date = get["date"] or None
    if date and not _DATE.match(date):
        problems.append(("date", "a date as YYYY, YYYY-MM or YYYY-MM-DD, or empty when the source gives none"))
    people: int | None = None
    if get["people"]:
        text = get["people"].replace(",", "")
        if not text.isdigit() or int(text) > MAX_PEOPLE:
            problems.append(("people", f"a whole number of people from 0 to {MAX_PEOPLE:,}, or empty when the "
                                       "source gives none"))
        else:
            people = int(text)
    group = get["group"] or None
    if group and group.startswith("plus:"):
        plus = {g.id for g in strategy.leicester.plus_groups}
        if group[5:] not in plus:
            problems.append(("group", f"a PLUS group as plus:<id> with <id> one of {', '.join(sorted(plus))}; "
                                      f"{group[5:][:40]!r} is not one"))
    place = get["place"] or None
    if place and place not in PLACES:
        problems.append(("place", f"one of {', '.join(PLACES)}, or empty"))
    themes = _list(get["themes"])
    if not themes:
        problems.append(("themes", "at least one theme, themes separated by ';'"))
    index = priority_index(strategy)
    priorities = _list(get["priorities"])
    if not priorities:
        problems.append(("priorities", "at least one priority reference such as focus:access-to-services, "
                                       "separated by ';'"))
    for ref in priorities:
        if ref not in index:
            problems.append(("priorities", f"unknown priority {ref[:60]!r}; expected a reference as "
                                           "`pophealth strategy show --json` lists under priorities "
                                           "(e.g. focus:access-to-services)"))
    actions = _list(get["actions"])
    allowed = {a.ref for ref in priorities if ref in index for a in index[ref].actions}
    for action in actions:
        if action not in allowed:
            problems.append(("actions", f"unknown action {action[:60]!r}; expected an action id of one of the "
                                        "row's priorities"))
    quotes = _list(get["quotes"], QUOTE_SEPARATOR)
    consent = _yes_no(get["quotes_consent"]) if get["quotes_consent"] else None
    if get["quotes_consent"] and consent is None:
        problems.append(("quotes_consent", "yes or no"))
    elif quotes and consent is None:
        problems.append(("quotes_consent", "yes or no: whether the people quoted agreed to be quoted"))
    published = _yes_no(get["published"]) if get["published"] else False
    if published is None:
        problems.append(("published", "yes or no (empty: no)"))
    if problems:
        return Checked(None, problems)
    return Checked(Insight(
        id=ident, source=get["source"], source_section=get["source_section"] or None, date=date,
        method=get["method"], people=people, group=group, place=place, themes=themes, summary=get["summary"],
        priorities=priorities, actions=actions, quotes=quotes, quotes_consent=consent if quotes else None,
        published=bool(published)))
