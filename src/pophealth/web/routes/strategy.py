"""Pages of the strategy register: home, pledges, delivery priorities, focuses, JHWS, Leicester."""

from __future__ import annotations

from fastapi import FastAPI, Request
from pydantic import BaseModel

from pophealth.errors import NotFoundError
from pophealth.strategy import models as m
from pophealth.strategy.models import Strategy
from pophealth.indicators.jhws_figure import FigureRow, figure_rows
from pophealth.access.roles import allowed
from pophealth.insight.store import insight_for_priorities
from pophealth.web.pages import Crumb, PageContext, cached, warehouse, Routes, page
from pophealth.web.routes.insight import InsightItem, priority_href
from pophealth.web.routes.insight import item as insight_item
from pophealth.web.routes.measure_views import MeasureRow, PledgeProgress, pledge_progress, slot_rows

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
SOURCE = "Strategy register transcribed from the LLR strategy documents"


class Link(BaseModel):
    text: str
    href: str
    hint: str | None = None


class StaffInsight(BaseModel):
    """What people have told us about a priority: shown to signed-in staff only (public users get None)."""

    href: str  # the priority's staff insight page
    records: list[InsightItem]


def _staff_insight(request: Request, ref: str) -> StaffInsight | None:
    user = getattr(request.state, "user", None)
    if user is None or not allowed(user, "analyst"):
        return None
    with warehouse(request) as con:
        records = insight_for_priorities(con, [ref])
    return StaffInsight(href=priority_href(ref), records=[insight_item(r) for r in records])


class HomePage(PageContext):
    visions: list[m.Vision]
    pledges: list[m.Pledge]
    sections: list[Link]


class PledgeListPage(PageContext):
    groups: list[tuple[str, list[m.Pledge]]]


class PledgePage(PageContext):
    pledge: m.Pledge
    progress: PledgeProgress  # its catalogue measures with status and links, as on /pledges/{n}/measures
    delivery_priorities: list[Link]
    related: list[Link]
    previous: Link | None
    next: Link | None


class DeliveryPriorityListPage(PageContext):
    priorities: list[m.DeliveryPriority]


class DeliveryPriorityPage(PageContext):
    insight: StaffInsight | None = None  # signed-in staff only
    live_measures: list[MeasureRow] = []  # the slots' catalogue measures with their latest figure and status
    priority: m.DeliveryPriority
    pledges: list[Link]


class FocusListPage(PageContext):
    focuses: list[m.Focus]
    life_course_priorities: list[m.LifeCoursePriority]


class FocusPage(PageContext):
    insight: StaffInsight | None = None  # signed-in staff only
    live_measures: list[MeasureRow] = []  # the slots' catalogue measures with their latest figure and status
    focus: m.Focus
    pledges: list[Link]


class JhwsListPage(PageContext):
    priorities: list[m.JhwsPriority]
    indicators: list[m.JhwsIndicator]
    figure: list[FigureRow]  # Figure 3 filled from the warehouse for Leicestershire
    governance_model: dict[str, str]
    extraction_notes: list[str]


class JhwsPriorityPage(PageContext):
    insight: StaffInsight | None = None  # signed-in staff only
    live_measures: list[MeasureRow] = []  # the slots' catalogue measures with their latest figure and status
    priority: m.JhwsPriority
    pledges: list[Link]


class EnablerListPage(PageContext):
    enablers: list[m.Enabler]
    links: list[Link]  # each enabler's page, in order


class EnablerPage(PageContext):
    insight: StaffInsight | None = None  # signed-in staff only
    enabler: m.Enabler
    observations: list[m.Observation]  # the dated figures the seed prints for it


class RutlandPage(PageContext):
    rutland: m.RutlandJhws | None


class LeicesterPage(PageContext):
    themes: list[m.LeicesterTheme]
    guiding_principles: list[m.GuidingPrinciple]
    plus_groups: list[m.PlusGroup]


class LeicesterThemePage(PageContext):
    theme: m.LeicesterTheme


class LeicesterPriorityPage(PageContext):
    insight: StaffInsight | None = None  # signed-in staff only
    live_measures: list[MeasureRow] = []  # the slots' catalogue measures with their latest figure and status
    theme: m.LeicesterTheme
    priority: m.LeicesterPriority


def _one(candidates, message: str):
    """The first record matching, or a 404 with ``message``."""
    found = next(iter(candidates), None)
    if found is None:
        raise NotFoundError(message)
    return found


def _strategy(request: Request) -> Strategy:
    return request.app.state.strategy


def _pledge_link(p: m.Pledge) -> Link:
    return Link(text=f"Pledge {p.number}: {p.text}", href=f"/pledges/{p.number}")


def _pledge_links(s: Strategy, numbers: list[int]) -> list[Link]:
    return [_pledge_link(s.pledge(n)) for n in sorted(set(numbers))]


@page(routes, "/", "strategy/home.jinja", name="home", reuse=True)
def home(request: Request) -> HomePage:
    s = _strategy(request)
    sections = [
        Link(text="Our 13 pledges", href="/pledges", hint="What we promised local people, and how we track it"),
        Link(text="Delivery priorities", href="/delivery-priorities",
             hint=f"{len(s.delivery_priorities)} priorities with {s.intervention_count} interventions and their timelines"),
        Link(text="Areas of focus", href="/focuses",
             hint=f"{len(s.focuses)} areas of focus of the Integrated Care Strategy with {s.focus_action_count} actions"),
        Link(text="Leicestershire Joint Health and Wellbeing Strategy", href="/jhws",
             hint=f"{len(s.jhws.priorities)} life-course and cross-cutting priorities"),
        Link(text="Leicester delivery plan", href="/leicester",
             hint=f"{len(s.leicester.themes)} themes and {sum(len(t.priorities) for t in s.leicester.themes)} priorities"),
    ]
    if s.rutland is not None:
        sections.append(Link(text="Rutland Joint Health and Wellbeing Strategy", href="/rutland",
                             hint=f"{len(s.rutland.priorities)} priorities, as the Integrated Care Strategy lists them"))
    if s.enablers:
        sections.append(Link(text="Enablers", href="/enablers",
                             hint=f"{len(s.enablers)} enablers of the Integrated Care Strategy with "
                                  f"{sum(len(e.actions) for e in s.enablers)} actions"))
    # the Joint Forward Plan and the Integrated Care Strategy share one vision: show it once
    visions = list({v.text: v for v in s.visions}.values())
    return HomePage(title=s.about.name, visions=visions, pledges=s.pledges, sections=sections, source=SOURCE)


@page(routes, "/pledges", "strategy/pledges.jinja", name="pledges", reuse=True)
def pledge_list(request: Request) -> PledgeListPage:
    s = _strategy(request)
    groups: dict[str, list[m.Pledge]] = {}
    for p in s.pledges:
        groups.setdefault(p.group, []).append(p)
    return PledgeListPage(title="Our pledges to local people", breadcrumbs=[HOME], groups=list(groups.items()),
                          source=SOURCE)


@page(routes, "/pledges/{number:int}", "strategy/pledge.jinja", name="pledge", reuse=True)
def pledge(request: Request, number: int) -> PledgePage:
    s = _strategy(request)
    p = _one((p for p in s.pledges if p.number == number), f"There is no pledge {number}")
    dps = {d.id: d for d in s.delivery_priorities}
    linked = [dps[i] for i in p.delivery_priorities] + [
        d for d in s.delivery_priorities if number in d.pledges and d.id not in p.delivery_priorities]
    related = [Link(text=f"Area of focus {f.number}: {f.title}", href=f"/focuses/{f.id}")
               for f in s.focuses if number in f.pledges]
    related += [Link(text=f"JHWS: {j.name}", href=f"/jhws/{j.id}") for j in s.jhws.priorities if number in j.pledges]
    by_number = {q.number: q for q in s.pledges}
    prev_p, next_p = by_number.get(number - 1), by_number.get(number + 1)
    return PledgePage(
        title=f"Pledge {p.number}", breadcrumbs=[HOME, Crumb(text="Pledges", href="/pledges")], pledge=p,
        progress=pledge_progress(request, number),
        delivery_priorities=[Link(text=d.name, href=f"/delivery-priorities/{d.id}") for d in linked],
        related=related,
        previous=_pledge_link(prev_p) if prev_p else None, next=_pledge_link(next_p) if next_p else None,
        source=SOURCE,
    )


@page(routes, "/delivery-priorities", "strategy/delivery_priorities.jinja", name="delivery_priorities", reuse=True)
def delivery_priority_list(request: Request) -> DeliveryPriorityListPage:
    s = _strategy(request)
    return DeliveryPriorityListPage(title="Our delivery priorities", breadcrumbs=[HOME],
                                    priorities=s.delivery_priorities, source=SOURCE)


@page(routes, "/delivery-priorities/{slug}", "strategy/delivery_priority.jinja", name="delivery_priority", reuse=True)
def delivery_priority(request: Request, slug: str) -> DeliveryPriorityPage:
    s = _strategy(request)
    d = _one((d for d in s.delivery_priorities if d.id == slug), f"There is no delivery priority {slug!r}")
    numbers = list(d.pledges) + [p.number for p in s.pledges if d.id in p.delivery_priorities]
    return DeliveryPriorityPage(
        title=d.name, breadcrumbs=[HOME, Crumb(text="Delivery priorities", href="/delivery-priorities")],
        priority=d, pledges=_pledge_links(s, numbers), source=SOURCE, live_measures=slot_rows(request, d.measures),
        insight=_staff_insight(request, f"delivery:{d.id}"))


@page(routes, "/focuses", "strategy/focuses.jinja", name="focuses", reuse=True)
def focus_list(request: Request) -> FocusListPage:
    s = _strategy(request)
    return FocusListPage(title="Areas of focus", breadcrumbs=[HOME], focuses=s.focuses,
                         life_course_priorities=s.life_course_priorities, source=SOURCE)


@page(routes, "/focuses/{slug}", "strategy/focus.jinja", name="focus", reuse=True)
def focus(request: Request, slug: str) -> FocusPage:
    s = _strategy(request)
    f = _one((f for f in s.focuses if f.id == slug), f"There is no area of focus {slug!r}")
    return FocusPage(title=f"Area of focus {f.number}: {f.title}",
                     breadcrumbs=[HOME, Crumb(text="Areas of focus", href="/focuses")],
                     focus=f, pledges=_pledge_links(s, f.pledges), source=SOURCE,
                     live_measures=slot_rows(request, f.measures),
                     insight=_staff_insight(request, f"focus:{f.id}"))


@page(routes, "/jhws", "strategy/jhws.jinja", name="jhws", reuse=True)
def jhws_list(request: Request) -> JhwsListPage:
    s = _strategy(request)
    return JhwsListPage(title="Leicestershire Joint Health and Wellbeing Strategy", breadcrumbs=[HOME],
                        priorities=s.jhws.priorities, indicators=s.jhws.indicators, figure=_figure(request),
                        governance_model=s.jhws.governance_model, extraction_notes=s.jhws.extraction_notes,
                        source=SOURCE)


FIGURE_VERSION = "SELECT count(*), max(loaded_at) FROM indicator_value"


def _figure(request: Request) -> list[FigureRow]:
    indicators = _strategy(request).jhws.indicators
    return cached(request, "jhws_figure", "E10000018", FIGURE_VERSION, lambda con: figure_rows(con, indicators),
                  size=2)


@page(routes, "/jhws/{slug}", "strategy/jhws_priority.jinja", name="jhws_priority", reuse=True)
def jhws_priority(request: Request, slug: str) -> JhwsPriorityPage:
    s = _strategy(request)
    j = _one((j for j in s.jhws.priorities if j.id == slug), f"There is no JHWS priority {slug!r}")
    return JhwsPriorityPage(title=j.name, breadcrumbs=[HOME, Crumb(text="Leicestershire JHWS", href="/jhws")],
                            priority=j, pledges=_pledge_links(s, j.pledges), source=SOURCE,
                            live_measures=slot_rows(request, j.measures),
                            insight=_staff_insight(request, f"jhws:{j.id}"))


@page(routes, "/enablers", "strategy/enablers.jinja", name="enablers", reuse=True)
def enabler_list(request: Request) -> EnablerListPage:
    enablers = _strategy(request).enablers
    return EnablerListPage(title="Enabling the strategy to be delivered", breadcrumbs=[HOME], enablers=enablers,
                           links=[Link(text=f"{e.number}. {e.title.rstrip(':')}", href=f"/enablers/{e.id}",
                                       hint=f"{len(e.actions)} action{'s' if len(e.actions) != 1 else ''}")
                                  for e in enablers], source=SOURCE)


@page(routes, "/enablers/{slug}", "strategy/enabler.jinja", name="enabler", reuse=True)
def enabler(request: Request, slug: str) -> EnablerPage:
    s = _strategy(request)
    e = _one((e for e in s.enablers if e.id == slug), f"There is no enabler {slug!r}")
    return EnablerPage(title=f"Enabler {e.number}: {e.title.rstrip(':')}",
                       breadcrumbs=[HOME, Crumb(text="Enablers", href="/enablers")], enabler=e, source=SOURCE,
                       observations=[o for o in s.observations if o.priority == f"enabler:{e.id}"],
                       insight=_staff_insight(request, f"enabler:{e.id}"))


@page(routes, "/rutland", "strategy/rutland.jinja", name="rutland", reuse=True)
def rutland(request: Request) -> RutlandPage:
    return RutlandPage(title="Rutland Joint Health and Wellbeing Strategy priorities", breadcrumbs=[HOME],
                       rutland=_strategy(request).rutland, source=SOURCE)


@page(routes, "/leicester", "strategy/leicester.jinja", name="leicester", reuse=True)
def leicester(request: Request) -> LeicesterPage:
    s = _strategy(request)
    return LeicesterPage(title="Leicester Health, Care and Wellbeing Strategy delivery plan", breadcrumbs=[HOME],
                         themes=s.leicester.themes, guiding_principles=s.leicester.guiding_principles,
                         plus_groups=s.leicester.plus_groups, source=SOURCE)


def _theme(s: Strategy, letter: str) -> m.LeicesterTheme:
    return _one((t for t in s.leicester.themes if t.id == letter.upper()), f"There is no Leicester theme {letter!r}")


@page(routes, "/leicester/themes/{letter}", "strategy/leicester_theme.jinja", name="leicester_theme", reuse=True)
def leicester_theme(request: Request, letter: str) -> LeicesterThemePage:
    t = _theme(_strategy(request), letter)
    return LeicesterThemePage(title=f"{t.id}. {t.name.title()}",
                              breadcrumbs=[HOME, Crumb(text="Leicester plan", href="/leicester")],
                              theme=t, source=SOURCE)


@page(routes, "/leicester/priorities/{pid}", "strategy/leicester_priority.jinja", name="leicester_priority", reuse=True)
def leicester_priority(request: Request, pid: str) -> LeicesterPriorityPage:
    s = _strategy(request)
    for t in s.leicester.themes:
        for p in t.priorities:
            if p.id.lower() == pid.lower():
                return LeicesterPriorityPage(
                    title=f"Priority {p.number}", theme=t, priority=p, source=SOURCE,
                    live_measures=slot_rows(request, p.measures), insight=_staff_insight(request, f"leicester:{p.id}"),
                    breadcrumbs=[HOME, Crumb(text="Leicester plan", href="/leicester"),
                                 Crumb(text=f"{t.id}. {t.name.title()}", href=f"/leicester/themes/{t.id}")])
    raise NotFoundError(f"There is no Leicester priority {pid!r}")


def register(app: FastAPI) -> None:
    routes.register(app)
