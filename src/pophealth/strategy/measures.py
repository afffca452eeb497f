"""The measure catalogue: how each pledge and priority is measured, as validated strategy data.

A measure says what is counted (definition, unit), which way is better (polarity), what it is
held to (target or standard, with where that comes from), how often and from where the data
arrive, and who owns it. ``status: proposed`` marks a measure pophealth proposes, from a national
definition, where the strategy documents name none; the pledge→measure link lives here
(``pledges``) so the transcribed pledge wording stays untouched.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from pophealth.strategy.feeds import check_feed
from pophealth.strategy.models import Model, Source

Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]
Unit = Literal["percent", "years", "rate_per_100000", "rate_per_10000", "count", "minutes", "wte", "score"]
Frequency = Literal["monthly", "quarterly", "annual"]

# SPC vocabulary: which direction is an improvement.
IMPROVEMENT: dict[str, str] = {
    "higher_is_better": "increase",
    "lower_is_better": "decrease",
    "neutral": "neutral",
}


class Target(Model):
    """A target or national standard; ``value`` is in the measure's unit."""

    value: float
    text: str  # as printed or published, e.g. "at least 85%", "zero"
    source: str  # who sets it: a seed document or the national standard and its publication


class SeriesRef(Model):
    """One comparison series of a measure: an organisation or area, and for indicators a sex."""

    org: str  # organisation code (operational, phm) or area code (indicator)
    sex: str | None = None
    label: str | None = None  # e.g. "Leicester, males"; the default is the organisation's name


class MeasureData(Model):
    """Where the numbers come from in the warehouse.

    ``operational``: rows of ``metric_observation`` with ``metric_id``, summed over ``org_codes``
    (all organisations of ``org_type`` when empty) - numerator / denominator x ``scale`` when the
    rows carry both, else the sum of values. ``indicator``: a Fingertips indicator series for one
    area and sex (with ``gap_to``: the other area's value minus this area's, the gap between
    places). ``phm``: computed by the population health management run from patient-level
    records (``phm_measure`` of ``phm_aggregate``; ``phm_met``: the share whose care is done,
    i.e. one minus the gap share). ``none``: no data here yet.

    ``feed`` names the source that fills the measure (``pophealth.strategy.feeds``): who
    publishes it and the command that loads it, so a measure without data says how to get it.
    ``compare`` lists the other series shown beside the headline (other places, England, the
    other sex); the headline alone is rated.
    """

    kind: Literal["operational", "indicator", "phm", "none"]
    feed: str | None = None
    metric_id: str | None = None
    org_type: str | None = None
    org_codes: list[str] = Field(default_factory=list)
    scale: float = 1.0
    indicator_id: int | None = None
    area_code: str | None = None
    sex: str | None = None
    gap_to: str | None = None
    phm_measure: str | None = None
    phm_met: bool = False
    compare: list[SeriesRef] = Field(default_factory=list)
    note: str | None = None  # what a reader should know about the data (public wording)

    @model_validator(mode="after")
    def _complete(self) -> MeasureData:
        if self.kind == "operational" and not self.metric_id:
            raise ValueError("an operational measure needs metric_id")
        if self.kind == "indicator" and not (self.area_code and self.indicator_id):
            raise ValueError("an indicator measure needs indicator_id and area_code")
        if self.kind == "phm" and not self.phm_measure:
            raise ValueError("a phm measure needs phm_measure")
        if self.kind != "phm" and not self.feed:
            raise ValueError("name the feed that fills this measure (pophealth.strategy.feeds)")
        check_feed(self.feed)
        return self

    @property
    def headline_org(self) -> str:
        """The organisation or area the headline series is for."""
        if self.kind == "indicator":
            return self.area_code or ""
        if self.kind == "phm":
            return "all"
        return ",".join(self.org_codes) if self.org_codes else (self.org_type or "")


class Baseline(Model):
    """A starting figure the strategy documents quote, kept with the page it comes from."""

    value: float  # in the measure's unit
    date: str  # the period it describes as printed, ISO month or year where known: "2022-11", "2022"
    text: str  # as printed, e.g. "38%", "18,110 patients"
    org: str | None = None  # organisation or area, when the document says
    source: Source


class Measure(Model):
    """One measure of the catalogue."""

    id: str  # slug
    name: str
    definition: str
    unit: Unit
    polarity: Polarity
    target: Target | None = None
    other_targets: list[Target] = Field(default_factory=list)  # local ambitions beside the standard
    frequency: Frequency
    data_source: str
    owner: str
    status: Literal["named", "proposed"] = "named"
    national_definition: str | None = None  # the published definition a proposed measure follows
    pledges: list[int] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)  # "jhws:<id>", "delivery:<id>", "focus:<id>"
    data: MeasureData
    baselines: list[Baseline] = Field(default_factory=list)
    source: Source

    @model_validator(mode="after")
    def _proposed_has_definition(self) -> Measure:
        if self.status == "proposed" and not self.national_definition:
            raise ValueError("a proposed measure must name the national definition it follows")
        return self

    @property
    def improvement(self) -> str:
        return IMPROVEMENT[self.polarity]

    @property
    def source_kind(self) -> Literal["public", "local", "phm", "none"]:
        """Where the numbers come from: a public feed, a local return, the PHM engine, or nowhere yet."""
        from pophealth.strategy.feeds import feed_kind

        if self.data.kind == "phm":
            return "phm"
        return feed_kind(self.data.feed)


def measures_for_pledge(measures: list[Measure], number: int) -> list[Measure]:
    """The catalogue's measures of one pledge, in catalogue order."""
    return [m for m in measures if number in m.pledges]
