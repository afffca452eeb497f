"""Disclosure control for insight: which records, and which parts of them, may appear on public pages.

A record is public only when staff marked it published AND the number of people it speaks for is stated and
not small under the disclosure policy (``pophealth.disclosure.policy``): a record heard from fewer people than
the threshold could identify them, and one with no stated number cannot be shown to be safe. The number shown
is rounded as every other public count is. Quotes appear only where the people quoted agreed to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pophealth.disclosure import DEFAULT_POLICY, DisclosurePolicy
from pophealth.insight.models import Insight
from pophealth.strategy.models import Strategy
from pophealth.strategy.priorities import priority_index


@dataclass(frozen=True)
class PublicAction:
    text: str


@dataclass(frozen=True)
class PublicInsight:
    """What the public page shows of one record: no ids, no file names, a rounded number of people."""

    summary: str
    themes: tuple[str, ...]
    method: str
    source: str
    when: str | None
    people: int  # rounded under the policy
    group: str | None  # the PLUS group's name, or the population as written
    place: str | None
    quotes: tuple[str, ...]
    actions: tuple[PublicAction, ...]


def publishable(insight: Insight, policy: DisclosurePolicy = DEFAULT_POLICY) -> bool:
    """Published by staff, and heard from a stated number of people that is not small under ``policy``."""
    if not insight.published or insight.people is None or insight.people <= 0:
        return False
    return not policy.is_small(insight.people)


def public_view(strategy: Strategy, insight: Insight, policy: DisclosurePolicy = DEFAULT_POLICY) -> PublicInsight:
    """The public form of a publishable record (call ``publishable`` first)."""
    if not publishable(insight, policy):
        raise ValueError("this insight record may not be published")
    plus = {g.id: g.name for g in strategy.leicester.plus_groups}
    index = priority_index(strategy)
    texts = {a.ref: a.text for ref in insight.priorities if ref in index for a in index[ref].actions}
    group = plus.get(insight.plus_group or "", insight.group) if insight.group else None
    return PublicInsight(
        summary=insight.summary, themes=insight.themes, method=insight.method, source=insight.source,
        when=insight.date, people=policy.round(insight.people or 0), group=group,
        place={"LLR": "Leicester, Leicestershire and Rutland"}.get(insight.place or "", insight.place),
        quotes=insight.quotes if insight.quotes_consent else (),
        actions=tuple(PublicAction(texts[a]) for a in insight.actions if a in texts))
