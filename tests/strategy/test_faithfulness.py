"""Every transcribed text appears word for word in its seed, once markup and layout are removed.

Each text is its own test case, so a paraphrase or a typo names the record that drifted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pophealth.strategy import load_strategy
from pophealth.strategy.models import DeliveryPriority, Strategy
from tests.strategy.seedtext import in_seed, normalise, seed_text

TAG = re.compile(r"</?[A-Za-z][^<>]*>")
Case = tuple[str, str, str]  # (label, seed document, text)


def _texts(s: Strategy) -> Iterator[Case]:
    for p in s.pledges:
        yield f"{p.id}.text", "000", p.text
        if p.draft_text:
            yield f"{p.id}.draft_text", "001", p.draft_text
        if p.summary_text:
            yield f"{p.id}.summary_text", "001", p.summary_text
        for m in p.measures:
            for i, line in enumerate([m.key_issue or "", *m.mitigations]):
                if line:
                    yield f"{p.id}.measure[{m.name}][{i}]", "000", line
    for v in s.visions:
        yield f"vision.{v.id}", v.source.document, v.text
    for pr in s.principles:
        yield f"principle.{pr.id}", pr.source.document, pr.text
    for lc in s.life_course_priorities:
        for i, line in enumerate(lc.description):
            yield f"life_course.{lc.id}[{i}]", "004", line
    for d in s.delivery_priorities:
        for i, line in enumerate(d.key_points):
            yield f"{d.id}.key_points[{i}]", "001", line
        for iv in d.interventions:
            yield f"{iv.id}.text", "001", iv.text
            yield f"{iv.id}.timeline", "001", iv.timeline if not iv.steps else iv.steps[0].timeline
            for step in iv.steps:
                yield f"{iv.id}.{step.label}", "001", f"{step.label}) {step.text}"
    for f in s.focuses:
        for part in ("what_we_mean", "why_it_matters", "actions_introduction", "success"):
            for i, line in enumerate(getattr(f, part)):
                yield f"{f.id}.{part}[{i}]", "004", line
        for a in [*f.actions, *f.jhws_examples]:
            yield a.id, "004", a.text
        for c in f.case_studies:
            yield f"{f.id}.case_study.title", "004", c.title
            for part in ("issue", "intervention", "impact", "learning"):
                for i, line in enumerate(getattr(c, part)):
                    yield f"{f.id}.case_study.{part}[{i}]", "004", line
    j = s.jhws
    yield "jhws.vision", "002", j.vision or ""
    for p in j.priorities:
        yield f"{p.id}.name", "002", p.name
        for part in ("introduction", "where_are_we_now", "success"):
            for i, line in enumerate(getattr(p, part)):
                yield f"{p.id}.{part}[{i}]", "002", line
        for c in p.commitments:
            yield c.id, "002", c.text
    for ind in j.indicators:
        yield f"indicator.{ind.id}", "002", " ".join(
            [ind.name, ind.period or "", ind.value or "", ind.unit or "", ind.comparison or "", ind.england_value or ""])
    for stage, paragraphs in j.stage_introductions.items():
        for i, line in enumerate(paragraphs):
            yield f"jhws.stage[{stage}][{i}]", "002", line
    for i, line in enumerate([*j.principles, *j.enablers]):
        yield f"jhws.principles_enablers[{i}]", "002", line
    for key, meaning in j.governance_model.items():
        yield f"jhws.governance.{key}", "002", meaning
    le = s.leicester
    for t in le.themes:
        yield f"theme.{t.id}", "003", f"{t.id}. {t.name} {t.description}"
        for p in t.priorities:
            yield f"{p.id}.text", "003", f"{p.number}. {p.text}"
            for extra in (p.do_text, p.outcome_statement):
                if extra:
                    yield f"{p.id}.do", "003", extra
            for r in p.microsite:
                yield f"{r.id}.row", "003", f"{r.number}. {r.we_will} {r.by[0]} {r.i_will}"
                yield f"{r.id}.ambition", "003", r.ambition
                for i, by in enumerate(r.by):
                    yield f"{r.id}.by[{i}]", "003", by
    for g in le.guiding_principles:
        yield f"guiding_principle.{g.id}", "003", f"{g.id}. {g.title}"
        yield f"guiding_principle.{g.id}.description", "003", g.description
    for g in le.plus_groups:
        yield f"plus.{g.id}", "003", g.name + (f" {g.note}" if g.note else "")
    for text in (le.cross_cutting_priority, le.cross_cutting_outcome):
        yield "leicester.cross_cutting", "003", text or ""
    yield from _seed_004_additions(s)


def _seed_004_additions(s: Strategy) -> Iterator[Case]:
    """Rutland's Table 1 row names, the five enablers and the case-study figures (all seed 004)."""
    if s.rutland is not None:
        yield "rutland.hwb", "004", f"Chair, {s.rutland.hwb}"
        yield "rutland.chair", "004", s.rutland.chair or ""
        for p in s.rutland.priorities:
            aligned = " ".join(x for x in (p.aligned_leicester, p.aligned_leicestershire, p.name) if x)
            yield f"{p.id}.table1_row", "004", aligned
            for a in p.actions:
                yield a.id, "004", a.text
    for e in s.enablers:
        yield f"{e.id}.title", "004", f"Enabler {e.number}: {e.title}"
        for part in ("introduction", "means"):
            for i, line in enumerate(getattr(e, part)):
                yield f"{e.id}.{part}[{i}]", "004", line
        for a in e.actions:
            yield a.id, "004", a.text
        for c in e.case_studies:
            for part in ("issue", "intervention", "impact", "learning"):
                for i, line in enumerate(getattr(c, part)):
                    yield f"{e.id}.case_study.{part}[{i}]", "004", line
    for o in s.observations:
        yield f"observation.{o.id}", o.source.document, o.printed


CASES = list(_texts(load_strategy()))


@pytest.mark.parametrize(("label", "doc", "text"), CASES, ids=[c[0] for c in CASES])
def test_text_appears_in_its_seed(label: str, doc: str, text: str):
    assert text.strip(), f"{label} is empty"
    assert "**" not in text and not TAG.search(text), f"{label} still has markup"
    assert in_seed(doc, text), f"{label} is not in seed {doc}: {text!r}"


def _timelines(ivs: list) -> str:
    return " ".join(t for iv in ivs for t in ([s.timeline for s in iv.steps] or [iv.timeline]))


def _timeline_layout_ok(d: DeliveryPriority) -> list[str]:
    """Each intervention sits beside its own timeline in the seed: either on the same table row, or,
    where the deck printed the timelines as a separate column, as the ordered run of timelines that
    directly follows the last intervention of the table part (or of the whole table)."""
    seed = seed_text("001")
    groups: dict[str | None, list] = {}
    for iv in d.interventions:
        groups.setdefault(iv.group, []).append(iv)
    whole = not d.interventions or normalise(f"{d.interventions[-1].text} {_timelines(d.interventions)}") in seed
    bad = []
    for group, ivs in groups.items():
        rows = all(normalise(f"{iv.number}. {iv.text} {iv.timeline}") in seed for iv in ivs)
        column = normalise(f"{ivs[-1].text} {_timelines(ivs)}") in seed
        if not (rows or column or whole):
            bad.append(f"{d.id}/{group}")
    return bad


def test_each_timeline_belongs_to_its_intervention():
    s = load_strategy()
    bad = [b for d in s.delivery_priorities for b in _timeline_layout_ok(d)]
    assert not bad, bad


def test_the_normaliser_can_tell_a_paraphrase_apart():
    assert in_seed("000", "Reduce waiting times for consultant-led hospital treatment")
    assert not in_seed("000", "Reduce waiting times for consultant led hospital treatment")
    assert not in_seed("001", "Implement the Urgent Treatment Centre model across LLR")
