"""The shipped LLR register: it loads, it has what the documents have, and its links resolve."""

from __future__ import annotations

from pophealth.strategy import Strategy, default_strategy_dir, load_strategy
from tests.strategy.seedtext import in_seed

NO_INTERVENTIONS = {"improve-health-equity", "preventing-illness", "our-people"}


def test_the_shipped_register_loads_from_the_package_folder():
    s = load_strategy(default_strategy_dir())
    assert s.about.ics == "Leicester, Leicestershire and Rutland"
    assert {d.id for d in s.about.documents} == {"000", "001", "002", "003", "004"}


def test_counts_match_the_documents(register: Strategy):
    assert [p.id for p in register.pledges] == [f"P{n}" for n in range(1, 14)]
    assert len(register.delivery_priorities) == 11
    assert register.intervention_count == 79
    assert len(register.focuses) == 6
    assert [len(f.actions) for f in register.focuses] == [8, 6, 7, 6, 6, 4]
    assert register.focus_action_count == 37
    assert len(register.life_course_priorities) == 4
    assert [t.id for t in register.leicester.themes] == list("ABCDE")
    leicester = [p for t in register.leicester.themes for p in t.priorities]
    assert [p.id for p in leicester] == [f"L{n}" for n in range(1, 20)]


def test_three_delivery_priorities_have_no_interventions_and_say_so(register: Strategy):
    empty = {d.id for d in register.delivery_priorities if not d.interventions}
    assert empty == NO_INTERVENTIONS
    for slug in NO_INTERVENTIONS:
        notes = " ".join(register.delivery_priority(slug).extraction_notes)
        assert "no interventions table" in notes or "no key points and no interventions" in notes


def test_intervention_ids_are_priority_slug_and_number(register: Strategy):
    for d in register.delivery_priorities:
        assert [iv.id for iv in d.interventions] == [f"{d.id}-{iv.number}" for iv in d.interventions]
        assert [int(iv.number) for iv in d.interventions] == list(range(1, len(d.interventions) + 1))


def test_timelines_are_kept_exactly_as_printed(register: Strategy):
    timelines = {iv.timeline for d in register.delivery_priorities for iv in d.interventions}
    for printed in ("23/24 & 24/25", "From 27/28", "23/24 (?)", "23/24 – 24/25", "23/24-26/27", "From 23/24"):
        assert printed in timelines


def test_liberty_protection_safeguards_is_one_intervention_with_two_steps(register: Strategy):
    iv = register.delivery_priority("right-care-right-time-right-place").interventions[12]
    assert iv.number == "13"
    assert [(s.label, s.timeline) for s in iv.steps] == [("a", "23/24"), ("b", "24/25 to 25/26")]
    assert iv.timeline == "; ".join(f"{s.label}) {s.timeline}" for s in iv.steps)


def test_every_pledge_sets_its_bold_words_in_emphasis(register: Strategy):
    for p in register.pledges:
        assert p.emphasis_phrases, p.id
        assert p.emphasis == "; ".join(p.emphasis_phrases)
        for phrase in p.emphasis_phrases:
            assert phrase in p.text, (p.id, phrase)
            assert f"**{phrase}**" in _raw_seed("000"), (p.id, phrase)
    assert register.pledge(13).emphasis_phrases == [
        "our people", "improving workforce retention, reducing agency usage and growing our workforce"]


def test_draft_wording_is_recorded_exactly_where_it_differs(register: Strategy):
    """A pledge without draft_text must read the same in the draft; one with it must differ."""
    for p in register.pledges:
        if p.draft_text is None:
            assert in_seed("001", p.text), p.id
        else:
            assert p.draft_text != p.text
            assert in_seed("001", p.draft_text), p.id
    assert {p.number for p in register.pledges if p.draft_text} == {7, 8, 10, 11, 12, 13}


def test_pledges_and_delivery_priorities_link_both_ways(register: Strategy):
    for p in register.pledges:
        assert p.delivery_priorities, p.id
        for slug in p.delivery_priorities:
            assert p.number in register.delivery_priority(slug).pledges
    for d in register.delivery_priorities:
        for n in d.pledges:
            assert d.id in register.pledge(n).delivery_priorities


def test_every_cross_link_resolves(register: Strategy):
    numbers = {p.number for p in register.pledges}
    linked = [n for f in register.focuses for n in f.pledges]
    linked += [n for p in register.jhws.priorities for n in p.pledges]
    linked += [n for t in register.leicester.themes for p in t.priorities for n in p.pledges]
    assert linked and set(linked) <= numbers


def test_measures_named_by_the_documents_have_slots(register: Strategy):
    names = {m.name for n in (1, 2) for m in register.pledge(n).measures}
    assert {"Life expectancy at birth", "Healthy life expectancy at birth",
            "Inequality in life expectancy at birth"} <= names
    for cause in ("Cancer", "Cardiovascular disease", "Respiratory disease"):
        assert f"Under 75 mortality rate from causes considered preventable, targeting: {cause}" in names
    for n in (1, 2):
        for m in register.pledge(n).measures:
            assert m.status == "named" and m.key_issue and m.mitigations
    targets = {m.target for p in register.jhws.priorities for m in p.measures}
    assert {"66.7%", "35%", "95%"} <= targets
    elective = {m.target for m in register.delivery_priority("elective-care").measures}
    assert {"85%", "93%"} <= elective


def test_do_priorities_carry_outcome_statements(register: Strategy):
    do = [p for t in register.leicester.themes for p in t.priorities if p.do_priority]
    assert [p.id for p in do] == ["L2", "L7", "L10", "L13", "L14", "L17"]
    assert all(p.outcome_statement for p in do)
    assert {t.id for t in register.leicester.themes if any(p.do_priority for p in t.priorities)} == set("ABCDE")


def test_plus_groups_chosen_for_initial_focus(register: Strategy):
    focus = {g.name for g in register.leicester.plus_groups if g.initial_focus}
    assert focus == {"Learning Disabilities", "Homelessness", "Severe Mental Illness (SMI)"}


def _raw_seed(doc: str) -> str:
    from tests.strategy.seedtext import seed_path

    return seed_path(doc).read_text("utf-8")
