"""The register as one JSON-ready object, with the flat top-level lists the API promises."""

from __future__ import annotations

from typing import Any

from pophealth.strategy.models import Strategy
from pophealth.strategy.priorities import priority_refs


def strategy_as_dict(s: Strategy) -> dict[str, Any]:
    """Top-level lists: pledges, delivery_priorities, focuses, life_course_priorities,
    jhws_priorities, leicester_themes, principles, enablers, rutland_priorities; ``priorities`` lists every
    priority as ``{ref, kind, id, name, actions}`` (the ``ref`` is how insight and measures name it); plus the
    rest of the register."""
    return {
        "about": s.about.model_dump(mode="json"),
        "visions": [v.model_dump(mode="json") for v in s.visions],
        "principles": [p.model_dump(mode="json") for p in s.principles],
        "life_course_priorities": [p.model_dump(mode="json") for p in s.life_course_priorities],
        "pledges": [p.model_dump(mode="json") for p in s.pledges],
        "delivery_priorities": [d.model_dump(mode="json") for d in s.delivery_priorities],
        "focuses": [f.model_dump(mode="json") for f in s.focuses],
        "jhws_priorities": [p.model_dump(mode="json") for p in s.jhws.priorities],
        "jhws_indicators": [i.model_dump(mode="json") for i in s.jhws.indicators],
        "jhws_governance_model": s.jhws.governance_model,
        "jhws_vision": s.jhws.vision,
        "jhws_stage_introductions": {k: list(v) for k, v in s.jhws.stage_introductions.items()},
        "jhws_principles": list(s.jhws.principles),
        "jhws_enablers": list(s.jhws.enablers),
        "leicester_themes": [t.model_dump(mode="json") for t in s.leicester.themes],
        "leicester_guiding_principles": [g.model_dump(mode="json") for g in s.leicester.guiding_principles],
        "plus_groups": [g.model_dump(mode="json") for g in s.leicester.plus_groups],
        "leicester_cross_cutting": {
            "name": s.leicester.cross_cutting_name,
            "priority": s.leicester.cross_cutting_priority,
            "outcome": s.leicester.cross_cutting_outcome,
        },
        "enablers": [e.model_dump(mode="json") for e in s.enablers],
        "rutland_jhws": (s.rutland.model_dump(mode="json", exclude={"priorities"}) if s.rutland else None),
        "rutland_priorities": [p.model_dump(mode="json") for p in (s.rutland.priorities if s.rutland else [])],
        "observations": [o.model_dump(mode="json") for o in s.observations],
        "priorities": [p.as_dict() for p in priority_refs(s)],
        "extraction_notes": {
            "about": s.about.extraction_notes,
            "jhws": s.jhws.extraction_notes,
            "leicester": s.leicester.extraction_notes,
        },
    }
