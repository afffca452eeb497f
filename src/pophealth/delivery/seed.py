"""Building tracker records from the strategy register: every seed action, linked to its priority,
pledges and measures.

- Joint Forward Plan interventions (seed 001): ``JFP-<priority>.<number>``, with their timelines;
  lettered steps become activities.
- Integrated Care Strategy focus actions (seed 004): ``ICS-<focus>.<n>``.
- Leicestershire JHWS commitments (seed 002): ``JHWS-<section>.<n>``.
- Leicester priorities (seed 003): a priority with microsite rows is tracked through those rows
  (``L2.1`` ...; their "By" lines are the activities); any other priority is one action ``L<n>``.

Nothing is invented: fields the seeds do not give (leads, resources, engagement) stay empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pophealth.strategy.boards_register import programme_boards
from pophealth.delivery.records import Action, Activity, Governance, Priority
from pophealth.strategy.models import MeasureSlot, Strategy

# The board each programme's Do / Sponsor / Watch levels report to, from the boards register (boards/*.yaml).
BOARDS = programme_boards()


@dataclass
class SeedRecords:
    priorities: list[Priority] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    governance: list[Governance] = field(default_factory=list)


def _measures(slots: list[MeasureSlot]) -> list[str]:
    return [m.measure_id or m.name for m in slots]


def build_records(s: Strategy) -> SeedRecords:
    """Every action of every seed, in document order."""
    out = SeedRecords()

    def priority(pid: str, programme: str, theme: str, name: str) -> str:
        out.priorities.append(Priority(priority_id=pid, programme=programme, theme=theme, name=name,
                                       position=len(out.priorities) + 1))
        return pid

    def action(**fields) -> Action:
        a = Action(position=len(out.actions) + 1, **fields)
        out.actions.append(a)
        return a

    for d in s.delivery_priorities:
        pid = priority(f"jfp:{d.id}", "jfp", "Joint Forward Plan delivery priorities", d.name)
        pledges = sorted(set(d.pledges) | {p.number for p in s.pledges if d.id in p.delivery_priorities})
        for iv in d.interventions:
            a = action(ref=f"JFP-{d.number}.{iv.number}", priority_id=pid, we_will=iv.text, timescale=iv.timeline,
                       pledges=pledges, measures=_measures(d.measures), source="001")
            out.activities += [Activity(action_ref=a.ref, activity_ref=st.label, text=st.text, timescale=st.timeline)
                               for st in iv.steps]
    for f in s.focuses:
        pid = priority(f"ics:{f.id}", "ics", "Integrated Care Strategy areas of focus", f.title)
        for k, fa in enumerate(f.actions, 1):
            action(ref=f"ICS-{f.number}.{k}", priority_id=pid, we_will=fa.text, pledges=sorted(f.pledges),
                   measures=_measures(f.measures), source="004")
    for j in s.jhws.priorities:
        pid = priority(f"jhws:{j.id}", "jhws", j.stage, j.name)
        if j.governance:
            out.governance.append(Governance(priority_id=pid, level=j.governance, board=BOARDS["jhws"]))
        for k, c in enumerate(j.commitments, 1):
            action(ref=f"JHWS-{j.section or j.id}.{k}", priority_id=pid, we_will=c.text, pledges=sorted(j.pledges),
                   measures=_measures(j.measures), source="002")
    for t in s.leicester.themes:
        for p in t.priorities:
            pid = priority(f"leicester:{p.id}", "leicester", t.name.title(), p.text)
            if p.do_priority:
                out.governance.append(Governance(priority_id=pid, level="do", board=BOARDS["leicester"]))
            common = dict(priority_id=pid, pledges=sorted(p.pledges), measures=_measures(p.measures), source="003")
            if not p.microsite:
                action(ref=p.id, we_will=p.text, **common)
            for k, row in enumerate(p.microsite, 1):
                a = action(ref=f"{p.id}.{row.number or k}", we_will=row.we_will, ambition=row.ambition,
                           i_will=row.i_will, **common)
                out.activities += [Activity(action_ref=a.ref, activity_ref=str(n), text=text)
                                   for n, text in enumerate(row.by, 1)]
    if s.rutland:
        for n, r in enumerate(s.rutland.priorities, 1):
            pid = priority(f"rutland:{r.id}", "rutland", r.ics_priority, r.name)
            for k, ra in enumerate(r.actions, 1):
                action(ref=f"RUT-{n}.{k}", priority_id=pid, we_will=ra.text, source="004")
    for e in s.enablers:
        pid = priority(f"enabler:{e.id}", "enabler", "Integrated Care Strategy enablers", e.title)
        for k, ea in enumerate(e.actions, 1):
            action(ref=f"ENB-{e.number}.{k}", priority_id=pid, we_will=ea.text, source="004")
    return out
