"""Every seed action is in the tracker, with its timeline, priority, pledges and measures."""

from __future__ import annotations

from pophealth.delivery.actions import list_actions, list_activities, load_strategy_actions
from pophealth.delivery.audit import changes


def test_all_79_interventions_with_their_timelines(con, strategy):
    actions = {a.ref: a for a in list_actions(con)}
    interventions = [(d, iv) for d in strategy.delivery_priorities for iv in d.interventions]
    assert len(interventions) == 79  # seed 001: the Joint Forward Plan's 79 interventions
    for d, iv in interventions:
        a = actions[f"JFP-{d.number}.{iv.number}"]
        assert (a.we_will, a.timescale, a.priority_id, a.source) == (iv.text, iv.timeline, f"jfp:{d.id}", "001")
        assert set(d.pledges) <= set(a.pledges)


def test_focus_actions_jhws_commitments_and_leicester_rows(con, strategy):
    by_source: dict[str, list] = {}
    for a in list_actions(con):
        by_source.setdefault(a.source, []).append(a)
    focus = [a for a in by_source["004"] if a.ref.startswith("ICS-")]
    assert len(focus) == 37  # seed 004: 37 actions across the six areas of focus
    # and, from the same seed, the actions it states for Rutland's JHWS priorities and for its five enablers
    rutland = [a for a in by_source["004"] if a.priority_id.startswith("rutland:")]
    enablers = [a for a in by_source["004"] if a.priority_id.startswith("enabler:")]
    assert [a.we_will for a in rutland] == [x.text for r in strategy.rutland.priorities for x in r.actions]
    assert [a.we_will for a in enablers] == [x.text for e in strategy.enablers for x in e.actions]
    assert len(by_source["004"]) == 37 + len(rutland) + len(enablers)
    assert len(by_source["002"]) == sum(len(p.commitments) for p in strategy.jhws.priorities)
    leicester = {a.ref: a for a in by_source["003"]}
    for t in strategy.leicester.themes:
        for p in t.priorities:
            if p.microsite:
                for row in p.microsite:
                    a = leicester[f"{p.id}.{row.number}"]
                    assert (a.ambition, a.we_will, a.i_will) == (row.ambition, row.we_will, row.i_will)
                    assert [x.text for x in list_activities(con, a.ref)] == row.by
            else:
                assert leicester[p.id].we_will == p.text


def test_loading_twice_adds_nothing_and_keeps_edits(con):
    from pophealth.delivery.actions import edit_action, get_action

    edit_action(con, "ICS-1.1", 1, {"leads": "Jane Doe"}, "Editor")
    assert load_strategy_actions(con)["actions"] == 0
    assert get_action(con, "ICS-1.1").leads == "Jane Doe"
    log = changes(con, "action", "ICS-1.1")
    assert log[-1]["who"] == "Editor" and log[-1]["before"]["leads"] is None and log[-1]["after"]["leads"] == "Jane Doe"
