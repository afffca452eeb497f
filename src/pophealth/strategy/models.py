"""Typed models of an ICS strategy register.

The models mirror the shape of the source documents rather than a generic project plan, so that
the wording can be transcribed faithfully and compared with the seeds. Every record has a stable
``id`` used by delivery tracking, measures and web addresses. ``extraction_notes`` record where
the source text lost a table or chart, instead of inventing the missing content.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Slug = str  # lower-case words joined by hyphens; checked by the loader


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(Model):
    """Where a record's wording comes from."""

    document: Literal["000", "001", "002", "003", "004"]
    section: str | None = None


class SourceDocument(Model):
    id: Literal["000", "001", "002", "003", "004"]
    title: str
    organisation: str
    date: str | None = None
    status: str | None = None  # e.g. "draft for engagement", "final"


class MeasureSlot(Model):
    """A measure a pledge or priority names; defined in the measure catalogue by ``measure_id``.

    ``status`` is ``named`` when the seed names the measure, ``proposed`` when pophealth proposes
    one because the seed names none.
    """

    name: str
    measure_id: str | None = None
    status: Literal["named", "proposed"] = "named"
    target: str | None = None  # the target as printed, e.g. "66.7%", "35%"; no parsing yet
    key_issue: str | None = None  # "What is the key issue?" where the plan has a measure page
    mitigations: list[str] = Field(default_factory=list)
    source: Source | None = None


class Vision(Model):
    id: str
    text: str
    source: Source


class Principle(Model):
    id: str
    text: str
    lead_in: str | None = None  # the sentence the list hangs from, which differs between seeds
    source: Source


class LifeCoursePriority(Model):
    """One of the four life-course priorities of the Integrated Care Strategy (seed 004)."""

    id: Slug
    name: str
    description: list[str] = Field(default_factory=list)
    source: Source


class Pledge(Model):
    """One of the 13 pledges, in the wording of the final plan (seed 000)."""

    number: int = Field(ge=1, le=13)
    id: str  # "P1" .. "P13"
    text: str  # full wording, plain text
    emphasis: str  # the words the plan sets in bold (several bold phrases joined by "; ")
    emphasis_phrases: list[str] = Field(default_factory=list)  # each bold phrase, in order
    group: str  # the heading it sits under, e.g. "Improving health equity", "Elective care"
    draft_text: str | None = None  # the seed 001 draft wording, where it differs
    summary_text: str | None = None  # the seed 001 "plan on a page" wording, where it differs
    delivery_priorities: list[Slug] = Field(default_factory=list)
    measures: list[MeasureSlot] = Field(default_factory=list)
    source: Source


class InterventionStep(Model):
    label: str  # "a", "b"
    text: str
    timeline: str


class Intervention(Model):
    """A Joint Forward Plan intervention with its timeline exactly as written (e.g. "From 27/28")."""

    id: Slug
    number: str  # as printed: "1", "13"
    text: str
    timeline: str
    group: str | None = None  # sub-heading in the table, e.g. "Primary Care"
    steps: list[InterventionStep] = Field(default_factory=list)


class DeliveryPriority(Model):
    """One of the eleven delivery priorities of the Joint Forward Plan (seed 001)."""

    id: Slug
    number: int = Field(ge=1, le=11)
    name: str
    heading: str | None = None  # the chapter heading in the plan, where it differs from ``name``
    key_points: list[str] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    pledges: list[int] = Field(default_factory=list)
    measures: list[MeasureSlot] = Field(default_factory=list)
    extraction_notes: list[str] = Field(default_factory=list)
    source: Source


class FocusAction(Model):
    id: Slug
    text: str
    level: str | None = None  # e.g. "At LLR level", "Example of JHWS actions"


class CaseStudy(Model):
    title: str
    subtitle: str | None = None
    issue: list[str] = Field(default_factory=list)
    intervention: list[str] = Field(default_factory=list)
    impact: list[str] = Field(default_factory=list)
    learning: list[str] = Field(default_factory=list)


class Focus(Model):
    """One of the six areas of focus of the Integrated Care Strategy (seed 004)."""

    id: Slug
    number: int = Field(ge=1, le=6)
    title: str
    what_we_mean: list[str] = Field(default_factory=list)
    why_it_matters: list[str] = Field(default_factory=list)
    actions_introduction: list[str] = Field(default_factory=list)  # text before the numbered actions
    actions: list[FocusAction] = Field(default_factory=list)  # the numbered "Action N" of the focus
    jhws_examples: list[FocusAction] = Field(default_factory=list)  # "Example of JHWS actions", not counted
    success: list[str] = Field(default_factory=list)  # "What does success look like?"
    case_studies: list[CaseStudy] = Field(default_factory=list)
    pledges: list[int] = Field(default_factory=list)
    measures: list[MeasureSlot] = Field(default_factory=list)
    extraction_notes: list[str] = Field(default_factory=list)
    source: Source


class Commitment(Model):
    id: Slug
    text: str


class JhwsPriority(Model):
    """A Leicestershire JHWS priority (seed 002): life-course or cross-cutting."""

    id: Slug
    name: str
    kind: Literal["life_course", "cross_cutting"]
    section: str | None = None  # section number as printed, e.g. "3.1.1"
    stage: str  # the life-course section or cross-cutting heading it sits under
    introduction: list[str] = Field(default_factory=list)
    where_are_we_now: list[str] = Field(default_factory=list)
    success: list[str] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    governance: Literal["do", "sponsor", "watch"] | None = None
    pledges: list[int] = Field(default_factory=list)
    measures: list[MeasureSlot] = Field(default_factory=list)
    extraction_notes: list[str] = Field(default_factory=list)
    source: Source


class JhwsIndicator(Model):
    """A row of the JHWS Figure 3 overview: an indicator and its RAG against England."""

    id: Slug
    name: str
    stage: str | None = None
    value: str | None = None
    unit: str | None = None
    period: str | None = None
    england_value: str | None = None
    comparison: str | None = None  # the RAG or wording as given, e.g. "better than England"
    measure_id: str | None = None
    indicator_id: int | None = None  # the Fingertips indicator that fills the row live, where known
    sex: str = "Persons"
    extraction_notes: list[str] = Field(default_factory=list)


class MicrositeRow(Model):
    """A public microsite row: Ambition / We will / By / I will (seed 003)."""

    id: Slug
    number: int | None = None  # the "We will" number as printed
    ambition: str
    we_will: str
    by: list[str]
    i_will: str


class LeicesterPriority(Model):
    id: str  # "L1" .. "L19"
    number: int = Field(ge=1, le=19)
    text: str
    do_priority: bool = False
    do_text: str | None = None  # wording in the "Do" priorities table, where it differs from ``text``
    outcome_statement: str | None = None
    microsite: list[MicrositeRow] = Field(default_factory=list)
    pledges: list[int] = Field(default_factory=list)
    measures: list[MeasureSlot] = Field(default_factory=list)


class LeicesterTheme(Model):
    """A theme (A-E) of the Leicester delivery plan (seed 003) with its priorities."""

    id: Literal["A", "B", "C", "D", "E"]
    name: str  # "HEALTHY PLACES"
    description: str
    priorities: list[LeicesterPriority]


class GuidingPrinciple(Model):
    id: str  # "1", "1a", ...
    title: str
    description: str


class PlusGroup(Model):
    id: Slug
    name: str
    initial_focus: bool  # one of the groups chosen for focus in the initial years
    note: str | None = None


class Leicester(Model):
    """The Leicester Health, Care and Wellbeing Strategy delivery plan (seed 003)."""

    themes: list[LeicesterTheme]
    guiding_principles: list[GuidingPrinciple]
    plus_groups: list[PlusGroup]
    cross_cutting_name: str | None = None  # "INVOLVE OUR PEOPLE"
    cross_cutting_priority: str | None = None  # "Involve our people" communications priority
    cross_cutting_outcome: str | None = None
    extraction_notes: list[str] = Field(default_factory=list)


class Jhws(Model):
    """The Leicestershire Joint Health and Wellbeing Strategy 2022-2032 (seed 002)."""

    vision: str | None = None
    priorities: list[JhwsPriority]
    stage_introductions: dict[str, list[str]] = Field(default_factory=dict)  # life-course stage -> paragraphs
    principles: list[str] = Field(default_factory=list)  # principles embedded in every priority
    enablers: list[str] = Field(default_factory=list)
    indicators: list[JhwsIndicator] = Field(default_factory=list)
    governance_model: dict[str, str] = Field(default_factory=dict)  # do / sponsor / watch meanings
    extraction_notes: list[str] = Field(default_factory=list)


class RutlandPriority(Model):
    """A Rutland JHWS priority as seed 004 Table 1 names it, with the ICS priority it aligns to.

    Seed 004 is the only seed that gives Rutland's priorities; it gives their names and alignment, not
    their commitments, so ``actions`` holds only what seed 004 itself says Rutland is doing."""

    id: Slug
    name: str
    ics_priority: str  # the Table 1 row, e.g. "Best Start in Life", "Cross Cutting Themes"
    aligned_leicester: str | None = None  # the Leicester JHWS priority on the same Table 1 row
    aligned_leicestershire: str | None = None  # the Leicestershire JHWS priority on the same row
    actions: list[FocusAction] = Field(default_factory=list)
    source: Source


class RutlandJhws(Model):
    """Rutland's Joint Health and Wellbeing Strategy and Board, as seed 004 records them."""

    hwb: str  # the board, as the seed 004 foreword names it
    chair: str | None = None  # its chair as the seed 004 foreword signs
    period: str  # "5 years (2022-2027)"
    priorities: list[RutlandPriority]
    extraction_notes: list[str] = Field(default_factory=list)
    source: Source


class Enabler(Model):
    """One of the five enablers of the Integrated Care Strategy (seed 004 chapter 4), held as a priority.

    ``actions`` are the things the seed says will be done, in its words; ``means`` the "This will be
    achieved through" list where there is one. An enabler whose seed text states no action has none."""

    id: Slug
    number: int = Field(ge=1, le=5)
    title: str
    introduction: list[str] = Field(default_factory=list)
    actions: list[FocusAction] = Field(default_factory=list)
    means: list[str] = Field(default_factory=list)
    case_studies: list[CaseStudy] = Field(default_factory=list)
    extraction_notes: list[str] = Field(default_factory=list)
    source: Source


class Observation(Model):
    """A dated figure a seed prints, e.g. a case study's uptake before and after an intervention.

    ``printed`` is the figure as the seed prints it ("49%", "29,222", "approximately 40,000"); ``value``
    the number it states; ``when`` the date or period in the seed's words (or "not dated in the seed")
    and ``date`` its ISO year or year-month where the seed gives one; no date is guessed. ``priority`` is a priority reference (``focus:<id>`` ...)."""

    id: Slug
    series: Slug  # observations of one measure over time share a series
    measure: str  # what is measured, in words
    value: float
    unit: Literal["percent", "people", "families", "events"]
    printed: str
    when: str
    date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2})?$")
    place: str | None = None
    population: str | None = None
    priority: str
    source: Source


class Register(Model):
    """Who the strategy belongs to and which documents it was transcribed from."""

    ics: str
    name: str
    documents: list[SourceDocument]
    extraction_notes: list[str] = Field(default_factory=list)


# Imported here, after ``Model`` and ``Source`` exist, because the catalogue builds on them.
from pophealth.strategy.measures import Measure  # noqa: E402


class Strategy(Model):
    """The whole register, assembled from the YAML files of one strategy folder."""

    about: Register
    visions: list[Vision]
    principles: list[Principle]
    life_course_priorities: list[LifeCoursePriority]
    pledges: list[Pledge]
    delivery_priorities: list[DeliveryPriority]
    focuses: list[Focus]
    jhws: Jhws
    leicester: Leicester
    measures: list[Measure] = Field(default_factory=list)  # the measure catalogue (measures.yaml)
    rutland: RutlandJhws | None = None  # Rutland's JHWS priorities and board (seed 004 Table 1)
    enablers: list[Enabler] = Field(default_factory=list)  # the five enablers of seed 004 chapter 4
    observations: list[Observation] = Field(default_factory=list)  # dated figures from the case studies

    # -- lookups used by products; kept here so every product agrees on them --
    def pledge(self, number: int) -> Pledge:
        return next(p for p in self.pledges if p.number == number)

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def delivery_priority(self, slug: str) -> DeliveryPriority:
        return next(d for d in self.delivery_priorities if d.id == slug)

    def focus(self, slug: str) -> Focus:
        return next(f for f in self.focuses if f.id == slug)

    def enabler(self, slug: str) -> Enabler:
        return next(e for e in self.enablers if e.id == slug)

    def leicester_theme(self, letter: str) -> LeicesterTheme:
        return next(t for t in self.leicester.themes if t.id == letter)

    @property
    def intervention_count(self) -> int:
        return sum(len(d.interventions) for d in self.delivery_priorities)

    @property
    def focus_action_count(self) -> int:
        return sum(len(f.actions) for f in self.focuses)
