"""Assembling every page of the microsite from the strategy, the tracker, the measures and indicators.

Each function returns one typed page; ``site_pages`` returns them all in reading order. The open
data page is made last by the builder, once every CSV is known.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pophealth.delivery.records import Priority
from pophealth.delivery.rollup import Rollup
from pophealth.disclosure import DisclosurePolicy, current_policy
from pophealth.microsite.csv_tables import OpenDataFile
from pophealth.microsite.pages import (DataPage, HomePage, Link, ListPage, PlacePage, PledgeCard, PledgePage,
                                       PrioritiesPage, PriorityPage, ProgrammeLinks, SitePage)
from pophealth.microsite.places import place_codes, place_profile
from pophealth.measures.tracking import MeasureEntry
from pophealth.microsite.pledge_status import PledgeStatus, measure_entries, measures_table, pledge_statuses
from pophealth.microsite.progress import Progress, PublicAction, read_progress
from pophealth.microsite.tables import PublishedTable, publish
from pophealth.microsite.you_said import YOU_SAID, you_said_pages, you_said_path
from pophealth.strategy import Strategy

PROGRAMMES = {
    "jfp": "Joint Forward Plan delivery priorities",
    "ics": "Integrated Care Strategy areas of focus",
    "jhws": "Leicestershire Joint Health and Wellbeing Strategy priorities",
    "leicester": "Leicester Health, Care and Wellbeing Strategy priorities",
    "rutland": "Rutland Joint Health and Wellbeing Strategy priorities",
    "enabler": "What makes the strategy possible: its enablers",
}
HOME = Link(text="Home", href="index.html")
PLEDGES = Link(text="Our pledges", href="pledges/index.html")
PRIORITIES = Link(text="Priorities and progress", href="priorities/index.html")
PLACES = Link(text="Place profiles", href="places/index.html")
DATA = Link(text="About the data", href="about/data.html")
ACCESSIBILITY = Link(text="Accessibility statement", href="accessibility.html")
NAV = [PLEDGES, PRIORITIES, YOU_SAID, PLACES, DATA]


def priority_path(priority_id: str) -> str:
    programme, slug = priority_id.split(":", 1)
    return f"priorities/{programme}/{slug.lower()}.html"


def _rollup_table(slug: str, caption: str, rows: list[tuple[str, Rollup]]) -> PublishedTable:
    frame = pd.DataFrame([{"priority": label, "actions": r.actions, "rated": r.rated, "red": r.red, "amber": r.amber,
                           "green": r.green, "not_rated": r.not_rated, "complete": r.complete, "overdue": r.overdue,
                           "rag": r.rag}
                          for label, r in rows],
                         columns=["priority", "actions", "rated", "red", "amber", "green", "not_rated", "complete",
                                  "overdue", "rag"])
    return publish(frame, slug=slug, caption=caption, labels={
        "priority": "Priority", "actions": "Actions", "rated": "Rated", "red": "Red", "amber": "Amber",
        "green": "Green", "not_rated": "Not rated", "complete": "Complete", "overdue": "Overdue",
        "rag": "Overall rating"})


def home_page(strategy: Strategy, statuses: dict[int, PledgeStatus]) -> HomePage:
    leads: dict[str, list[str]] = {}
    for p in strategy.principles:
        leads.setdefault(p.lead_in or "", [])
        if p.text not in leads[p.lead_in or ""]:
            leads[p.lead_in or ""].append(p.text)
    lead, principles = next(iter(leads.items()), ("", []))
    return HomePage(
        path="index.html", template="home.jinja", title=f"Health and care in {strategy.about.ics}",
        visions=list(dict.fromkeys(v.text for v in strategy.visions)), principles_lead=lead or None,
        principles=principles,
        pledges=[PledgeCard(number=p.number, text=p.text, href=f"pledges/{p.number}.html",
                            status=statuses[p.number].summary) for p in strategy.pledges],
        sections=[PLEDGES, PRIORITIES, YOU_SAID, PLACES, DATA], source="The strategy documents listed on About the data.")


def pledges_page(strategy: Strategy, statuses: dict[int, PledgeStatus]) -> ListPage:
    frame = pd.DataFrame([{"pledge": p.number, "text": p.text, "group": p.group, "status": statuses[p.number].summary}
                          for p in strategy.pledges])
    table = publish(frame, slug="pledges", caption=f"Our {len(strategy.pledges)} pledges and their measures",
                    labels={"pledge": "Pledge", "text": "We will", "group": "Theme", "status": "Measures"})
    return ListPage(path="pledges/index.html", template="list.jinja", title="Our pledges to local people",
                    breadcrumbs=[HOME], tables=[table],
                    links=[Link(text=f"Pledge {p.number}", href=f"pledges/{p.number}.html", hint=p.text)
                           for p in strategy.pledges])


def pledge_page(strategy: Strategy, number: int, status: PledgeStatus, progress: Progress) -> PledgePage:
    p = strategy.pledge(number)
    linked = [pr for pr in progress.priorities
              if any(number in a.pledges for a in progress.actions.get(pr.priority_id, []))]
    return PledgePage(
        path=f"pledges/{number}.html", template="pledge.jinja", title=f"Pledge {number}",
        breadcrumbs=[HOME, PLEDGES], tables=[status.measures] if status.measures else [], number=number,
        text=p.text, group=p.group, status=status, progress=progress.by_pledge.get(number),
        priorities=[Link(text=pr.name, href=priority_path(pr.priority_id), hint=PROGRAMMES.get(pr.programme))
                    for pr in linked],
        source="Measures: the measure catalogue and its data feeds; progress: the delivery tracker.")


def priorities_page(progress: Progress) -> PrioritiesPage:
    programmes, tables = [], []
    for key, name in PROGRAMMES.items():
        mine = [p for p in progress.priorities if p.programme == key]
        if not mine:
            continue
        programmes.append(ProgrammeLinks(name=name, links=[Link(text=p.name, href=priority_path(p.priority_id),
                                                                hint=p.theme) for p in mine]))
        tables.append(_rollup_table(key, f"{name}: progress of actions",
                                    [(p.name, progress.by_priority[p.priority_id]) for p in mine
                                     if p.priority_id in progress.by_priority]))
    return PrioritiesPage(path="priorities/index.html", template="priorities.jinja", title="Priorities and progress",
                          breadcrumbs=[HOME], tables=tables, programmes=programmes, period=progress.period,
                          source="The delivery tracker (public fields only).")


def _intro(strategy: Strategy, priority_id: str) -> list[str]:
    programme, slug = priority_id.split(":", 1)
    if programme == "jfp":
        return strategy.delivery_priority(slug).key_points
    if programme == "ics":
        return strategy.focus(slug).what_we_mean
    if programme == "jhws":
        return next(j.introduction for j in strategy.jhws.priorities if j.id == slug)
    found = [p for t in strategy.leicester.themes for p in t.priorities if p.id == slug]
    return [found[0].outcome_statement] if found and found[0].outcome_statement else []


def _actions_table(actions: list[PublicAction]) -> PublishedTable:
    frame = pd.DataFrame([{"action": a.ref, "we_will": a.we_will, "timescale": a.timescale or "Not stated",
                           "stage": a.stage, "rag": a.rag, "change": a.change, "overdue": "Yes" if a.overdue else "No"}
                          for a in actions], columns=["action", "we_will", "timescale", "stage", "rag", "change",
                                                      "overdue"])
    return publish(frame, slug="actions", caption="Progress of each action", labels={
        "action": "Action", "we_will": "We will", "timescale": "By when", "stage": "Stage",
        "rag": "Overall rating", "change": "Since last period", "overdue": "Overdue"})


CATALOGUE_PREFIX = {"jfp": "delivery", "ics": "focus", "jhws": "jhws", "leicester": "leicester", "rutland": "rutland",
                    "enabler": "enabler"}


def priority_measure_ids(strategy: Strategy, priority_id: str) -> list[str]:
    """The catalogue measures of a priority: those its measure slots name, then any others linked to it."""
    programme, slug = priority_id.split(":", 1)
    if programme == "jfp":
        slots = strategy.delivery_priority(slug).measures
    elif programme == "ics":
        slots = strategy.focus(slug).measures
    elif programme == "jhws":
        slots = next((j.measures for j in strategy.jhws.priorities if j.id == slug), [])
    else:
        slots = next((p.measures for t in strategy.leicester.themes for p in t.priorities if p.id == slug), [])
    ref = f"{CATALOGUE_PREFIX.get(programme, programme)}:{slug}"
    ids = [sl.measure_id for sl in slots if sl.measure_id] + [m.id for m in strategy.measures if ref in m.priorities]
    return list(dict.fromkeys(ids))


def priority_page(strategy: Strategy, priority: Priority, progress: Progress,
                  entries: dict[str, MeasureEntry] | None = None, you_said: set[str] | None = None) -> PriorityPage:
    actions = progress.actions.get(priority.priority_id, [])
    pledges = sorted({n for a in actions for n in a.pledges})
    mine = [entries[i] for i in priority_measure_ids(strategy, priority.priority_id) if entries and i in entries]
    tables = [measures_table(mine, "How this priority is measured")] if mine else []
    return PriorityPage(
        path=priority_path(priority.priority_id), template="priority.jinja", title=priority.name,
        breadcrumbs=[HOME, PRIORITIES], tables=tables + ([_actions_table(actions)] if actions else []),
        programme=PROGRAMMES.get(priority.programme, priority.programme), theme=priority.theme,
        intro=_intro(strategy, priority.priority_id), actions=actions,
        rollup=progress.by_priority.get(priority.priority_id), period=progress.period,
        pledges=[Link(text=f"Pledge {n}", href=f"pledges/{n}.html") for n in pledges],
        you_said=_you_said_link(priority.priority_id, you_said or set()),
        source="The delivery tracker (public fields only).")


def _you_said_link(priority_id: str, published: set[str]) -> Link | None:
    """The "You said, we did" page of a tracker priority (``jfp:x`` is the register's ``delivery:x``)."""
    programme, slug = priority_id.split(":", 1)
    path = you_said_path(f"{CATALOGUE_PREFIX.get(programme, programme)}:{slug}")
    return Link(text="You said, we did", href=path) if path in published else None


def places_page() -> ListPage:
    kinds = {"place": "Place", "district": "District"}
    return ListPage(path="places/index.html", template="list.jinja", title="Place profiles", breadcrumbs=[HOME],
                    intro=["How healthy each place is, compared with England, from the public health indicators "
                           "published by the Office for Health Improvement and Disparities (Fingertips)."],
                    links=[Link(text=name, href=f"places/{code}.html", hint=kinds.get(kind, kind))
                           for code, name, kind in place_codes()])


def place_page(con: duckdb.DuckDBPyConnection, code: str) -> PlacePage:
    profile = place_profile(con, code)
    return PlacePage(path=f"places/{code}.html", template="place.jinja", title=profile.name,
                     breadcrumbs=[HOME, PLACES], tables=[profile.table], profile=profile, source=profile.source)


def policy_text(policy: DisclosurePolicy | None = None) -> list[str]:
    """The disclosure policy in plain English, from the policy the site was built with."""
    policy = policy or current_policy()
    return [
        f"No count between 1 and {policy.largest_withheld} is published: such a cell is left empty in the CSV "
        "files and shown as [c] on the pages, so that no one can be identified from a small number.",
        f"Every other count is rounded to the nearest {policy.rounding_base}"
        + (" (zero is published as zero)." if not policy.suppress_zero else "; zeros are suppressed too."),
        "Where a table has a total, at least two cells of a group are suppressed together, so that a "
        "suppressed cell cannot be worked out by subtracting the others from the total.",
        "A rate or a confidence interval built on a suppressed count is suppressed with it.",
        "Counts of actions in the plans are not counts of people and are shown as they are.",
    ]


def data_page(strategy: Strategy, files: list[OpenDataFile]) -> DataPage:
    docs = [f"{d.title}, {d.organisation}" + (f" ({d.date})" if d.date else "")
            + (f", {d.status}" if d.status else "") for d in strategy.about.documents]
    return DataPage(path="about/data.html", template="data.jinja", title="About the data", breadcrumbs=[HOME],
                    documents=docs, policy=policy_text(), files=files)


def accessibility_page() -> SitePage:
    return SitePage(path="accessibility.html", template="accessibility.jinja", title="Accessibility statement",
                    breadcrumbs=[HOME])


def site_pages(con: duckdb.DuckDBPyConnection, strategy: Strategy) -> list[SitePage]:
    """Every page but the open-data page, in reading order."""
    known = measure_entries(con, strategy)
    statuses = pledge_statuses(con, strategy, known)
    progress = read_progress(con, strategy)
    pages: list[SitePage] = [home_page(strategy, statuses), pledges_page(strategy, statuses)]
    pages += [pledge_page(strategy, p.number, statuses[p.number], progress) for p in strategy.pledges]
    said = you_said_pages(con, strategy)
    pages.append(priorities_page(progress))
    pages += [priority_page(strategy, pr, progress, known[1], {p.path for p in said})
              for pr in progress.priorities]
    pages += said
    pages.append(places_page())
    pages += [place_page(con, code) for code, _, _ in place_codes()]
    pages.append(accessibility_page())
    return pages
