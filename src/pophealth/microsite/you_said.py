"""The public "You said, we did" pages: per priority, what people told us and the actions that answer it.

Only records that pass ``pophealth.insight.public.publishable`` appear: published by staff and heard from a
stated number of people that the disclosure policy does not count as small; the number shown is rounded.
A priority gets a page only when it has such a record; the index lists those priorities.
"""

from __future__ import annotations

import duckdb
from pydantic import BaseModel, Field

from pophealth.disclosure import DEFAULT_POLICY, DisclosurePolicy
from pophealth.insight.public import public_view, publishable
from pophealth.insight.store import list_insights
from pophealth.microsite.pages import Link, ListPage, SitePage
from pophealth.strategy.models import Strategy
from pophealth.strategy.priorities import priority_refs

HOME = Link(text="Home", href="index.html")
YOU_SAID = Link(text="You said, we did", href="you-said-we-did/index.html")
INTRO = ["What local people have told us, and what we are doing about it, for each of our priorities.",
         "We only show what we heard from enough people that no one can be identified, and we round the number "
         "of people. Quotes appear only where the people quoted agreed."]


class YouSaidItem(BaseModel):
    summary: str
    heard_from: str  # "about 45,000 people: local people ..., across Leicester, Leicestershire and Rutland"
    how: str
    when: str | None
    source: str
    themes: list[str]
    quotes: list[str]
    we_did: list[str]  # the actions that answer it


class YouSaidPage(SitePage):
    plan: str
    items: list[YouSaidItem]
    actions: list[str] = Field(default_factory=list)  # every action of the priority, from the strategy


def you_said_path(ref: str) -> str:
    kind, ident = ref.split(":", 1)
    return f"you-said-we-did/{kind}/{ident.lower()}.html"


def _heard_from(people: int, group: str | None, place: str | None) -> str:
    text = f"about {people:,} people"
    if group:
        text += f" ({group})"
    if place:
        text += f" in {place}"
    return text


def you_said_pages(con: duckdb.DuckDBPyConnection, strategy: Strategy,
                   policy: DisclosurePolicy = DEFAULT_POLICY) -> list[SitePage]:
    """The index, then one page per priority with at least one publishable record, in register order."""
    shown = [r for r in list_insights(con) if publishable(r, policy)]
    pages: list[SitePage] = []
    links: list[Link] = []
    for ref in priority_refs(strategy):
        mine = [r for r in shown if ref.ref in r.priorities]
        if not mine:
            continue
        items = []
        for record in mine:
            view = public_view(strategy, record, policy)
            items.append(YouSaidItem(summary=view.summary, heard_from=_heard_from(view.people, view.group, view.place),
                                     how=view.method, when=view.when, source=view.source, themes=list(view.themes),
                                     quotes=list(view.quotes), we_did=[a.text for a in view.actions]))
        path = you_said_path(ref.ref)
        links.append(Link(text=ref.name, href=path, hint=ref.kind_label))
        pages.append(YouSaidPage(path=path, template="you_said.jinja", title=f"You said, we did: {ref.name}",
                                 breadcrumbs=[HOME, YOU_SAID], plan=ref.kind_label, items=items,
                                 actions=[a.text for a in ref.actions],
                                 source="What people told us, as recorded by the health and care partners."))
    index = ListPage(path=YOU_SAID.href, template="list.jinja", title="You said, we did", breadcrumbs=[HOME],
                     intro=INTRO + ([] if links else ["Nothing has been published here yet."]), links=links)
    return [index, *pages]
