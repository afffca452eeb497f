"""Every priority of the register under one reference, ``kind:id``, with its actions.

Priority ids are only unique within their kind (``preventing-illness`` is both a delivery priority and an
area of focus), so products that link records to "a priority" (insight, measures, observations) use the
reference ``kind:id``. ``pophealth strategy show --json`` lists them under ``priorities`` exactly as here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pophealth.strategy.models import Strategy

KINDS = {
    "delivery": "Joint Forward Plan delivery priority",
    "focus": "Integrated Care Strategy area of focus",
    "enabler": "Integrated Care Strategy enabler",
    "jhws": "Leicestershire JHWS priority",
    "leicester": "Leicester Health, Care and Wellbeing Strategy priority",
    "rutland": "Rutland JHWS priority",
}


@dataclass(frozen=True)
class PriorityAction:
    ref: str  # the action's id, unique in the register
    text: str


@dataclass(frozen=True)
class PriorityRef:
    ref: str  # "focus:preventing-illness"
    kind: str
    id: str
    name: str
    actions: tuple[PriorityAction, ...] = field(default_factory=tuple)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def as_dict(self) -> dict[str, object]:
        return {"ref": self.ref, "kind": self.kind, "id": self.id, "name": self.name,
                "actions": [{"id": a.ref, "text": a.text} for a in self.actions]}


def priority_refs(s: Strategy) -> list[PriorityRef]:
    """All priorities in register order: delivery, focus, enabler, jhws, leicester, rutland."""
    out: list[PriorityRef] = []

    def add(kind: str, ident: str, name: str, actions: list[tuple[str, str]]) -> None:
        out.append(PriorityRef(f"{kind}:{ident}", kind, ident, name,
                               tuple(PriorityAction(a, t) for a, t in actions)))

    for d in s.delivery_priorities:
        add("delivery", d.id, d.name, [(iv.id, iv.text) for iv in d.interventions])
    for f in s.focuses:
        add("focus", f.id, f.title, [(a.id, a.text) for a in f.actions])
    for e in s.enablers:
        add("enabler", e.id, e.title.rstrip(":"), [(a.id, a.text) for a in e.actions])
    for p in s.jhws.priorities:
        add("jhws", p.id, p.name, [(c.id, c.text) for c in p.commitments])
    for t in s.leicester.themes:
        for lp in t.priorities:
            add("leicester", lp.id, lp.text, [(r.id, r.we_will) for r in lp.microsite])
    if s.rutland is not None:
        for rp in s.rutland.priorities:
            add("rutland", rp.id, rp.name, [(a.id, a.text) for a in rp.actions])
    return out


def priority_index(s: Strategy) -> dict[str, PriorityRef]:
    return {p.ref: p for p in priority_refs(s)}
