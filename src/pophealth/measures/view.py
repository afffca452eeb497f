"""What a reader sees of one measure, shared by the measure page and the board pack.

Products render these fields as they are; the numbers, icons and wording come from here so the web
page and the printed pack can never disagree.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from pophealth.measures.formatting import UNIT_LABEL, format_value
from pophealth.measures.narrative import NarrativeVersion
from pophealth.measures.series import Lineage
from pophealth.strategy.feeds import organisation_name
from pophealth.measures.tracking import MeasureEntry
from pophealth.spc.chart import icon_svg, render_svg

STATE_TEXT = {"not_loaded": "Data not loaded", "no_feed": "Not yet measurable: no data source defined"}
SYNTHETIC_TEXT = "Synthetic demonstration data - not real figures"


class ViewPoint(BaseModel):
    """One charted point as data: its period, value, and the process mean and limits around it."""

    period: str
    period_start: dt.date
    value: float
    mean: float | None
    lower_process_limit: float | None
    upper_process_limit: float | None
    point_type: str


class CompareRow(BaseModel):
    """The latest figure of one comparison series (another place, England, the other sex)."""

    org: str
    label: str
    period: str | None
    value: float | None
    value_text: str


class MeasureView(BaseModel):
    id: str
    name: str
    definition: str
    status_label: str  # "Named in the strategy" / "Proposed ..."
    unit: str
    polarity: str
    frequency: str
    owner: str
    target_text: str | None
    target_source: str | None
    other_targets: list[str]
    latest_label: str | None
    latest_text: str
    rag: str
    rag_text: str
    rag_reason: str | None
    variation_text: str | None
    assurance_text: str | None
    # Drawings for the HTML page only: the JSON twin is data (pophealth.web.pages), never markup.
    variation_svg: str = Field(exclude=True)
    assurance_svg: str = Field(exclude=True)
    chart_svg: str = Field(exclude=True)
    trial_limits: bool
    rebase_text: list[str]  # why the limits break where they do: one sentence per approved rebase
    data_state: str
    data_state_text: str | None
    synthetic: bool
    data_source: str
    source_files: list[str]
    loaded_at: str | None
    note: str | None
    narrative: NarrativeVersion | None
    table: list[tuple[str, str, str, str]] = Field(exclude=True)  # the page's text: period, value, mean, limits
    points: list[ViewPoint]  # the same points as numbers, for the JSON twin
    headline_org: str  # the organisation or area code of the rated figure
    headline_label: str  # whose figure the status is for, e.g. "Leicester, males"
    latest_value: float | None
    compare: list[CompareRow]
    lineage: list[Lineage]
    baselines: list[str]  # the strategy's own starting figures, with where they are printed


def _chart_svg(entry: MeasureEntry, ident: str) -> str:
    """The SPC engine's chart in the measure's own labels and unit; icons are shown beside it."""
    m, st = entry.measure, entry.status
    if st.chart is None:
        return ""
    return render_svg(st.chart, title=f"{m.name}: statistical process control chart", ident=ident,
                      labels=[p.label for p in st.points], fmt=lambda v: format_value(v, m.unit),
                      target_label=m.target.text if m.target else None, icons=False, heading=False)


def measure_view(entry: MeasureEntry, *, ident: str | None = None) -> MeasureView:
    m, s, st = entry.measure, entry.series, entry.status
    ident = ident or f"chart-{m.id}"
    fmt = lambda v: format_value(v, m.unit)  # noqa: E731
    return MeasureView(
        id=m.id, name=m.name, definition=m.definition,
        status_label="Named in the strategy" if m.status == "named" else
        "Proposed measure (the strategy names none): " + (m.national_definition or ""),
        unit=UNIT_LABEL[m.unit] or m.unit, polarity=m.polarity.replace("_", " "), frequency=m.frequency,
        owner=m.owner, target_text=m.target.text if m.target else None,
        target_source=m.target.source if m.target else None,
        other_targets=[f"{t.text} ({t.source})" for t in m.other_targets],
        latest_label=st.latest_label, latest_text=fmt(st.latest_value), rag=st.rag, rag_text=st.rag_text,
        rag_reason=st.rag_reason,
        variation_text=st.variation_text, assurance_text=st.assurance_text,
        variation_svg=icon_svg("variation", st.variation_icon),
        assurance_svg=icon_svg("assurance", st.assurance_icon),
        chart_svg=_chart_svg(entry, ident), trial_limits=st.trial_limits,
        rebase_text=[f"Limits recalculated from {r.label}: {r.reason} (approved by {r.approved_by})" for r in st.rebases],
        data_state=s.state, data_state_text=STATE_TEXT.get(s.state), synthetic=s.synthetic,
        data_source=m.data_source, source_files=s.sources, loaded_at=s.loaded_at, note=s.note,
        narrative=entry.narrative,
        table=[(p.label, fmt(p.value), fmt(p.mean), f"{fmt(p.lpl)} to {fmt(p.upl)}") for p in st.points],
        points=[ViewPoint(period=p.label, period_start=p.date, value=p.value, mean=p.mean, lower_process_limit=p.lpl,
                          upper_process_limit=p.upl, point_type=p.point_type) for p in st.points],
        headline_org=s.org, headline_label=s.label or "", latest_value=st.latest_value,
        compare=[CompareRow(org=c.org, label=c.label, period=c.latest.label if c.latest else None,
                            value=c.latest.value if c.latest else None,
                            value_text=fmt(c.latest.value) if c.latest else "No data")
                 for c in s.compare],
        lineage=s.lineage,
        baselines=[f"{b.text}{' (' + organisation_name(b.org) + ')' if b.org else ''}, {b.date}: "
                   f"{_document(b.source.document)}"
                   + (f", {b.source.section}" if b.source.section else "") for b in m.baselines],
    )


DOCUMENTS = {"000": "LLR ICB five-year forward plan, Our pledges to local people",
             "001": "LLR 5-Year Joint Forward Plan", "002": "Leicestershire Joint Health and Wellbeing Strategy 2022-2032",
             "003": "Leicester Health, Care and Wellbeing Strategy Delivery Plan 2023-2025",
             "004": "LLR Integrated Care Strategy 2023-2028"}


def _document(doc: str) -> str:
    return DOCUMENTS.get(doc, doc)
