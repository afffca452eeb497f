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


class MeasureData(Model):
    """Where the numbers come from in the warehouse.

    ``operational``: rows of ``metric_observation`` with ``metric_id``, summed over ``org_codes``
    (all organisations of ``org_type`` when empty) — numerator ÷ denominator × ``scale`` when the
    rows carry both, else the sum of values. ``indicator``: a Fingertips indicator series for one
    area and sex. ``none``: no data feed is defined yet.
    """

    kind: Literal["operational", "indicator", "none"]
    metric_id: str | None = None
    org_type: str | None = None
    org_codes: list[str] = Field(default_factory=list)
    scale: float = 1.0
    indicator_id: int | None = None
    area_code: str | None = None
    sex: str | None = None
    note: str | None = None  # why there is no feed, or what is still to be confirmed

    @model_validator(mode="after")
    def _complete(self) -> MeasureData:
        if self.kind == "operational" and not self.metric_id:
            raise ValueError("an operational measure needs metric_id")
        if self.kind == "indicator" and not self.area_code:
            raise ValueError("an indicator measure needs area_code")
        return self


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
    source: Source

    @model_validator(mode="after")
    def _proposed_has_definition(self) -> Measure:
        if self.status == "proposed" and not self.national_definition:
            raise ValueError("a proposed measure must name the national definition it follows")
        return self

    @property
    def improvement(self) -> str:
        return IMPROVEMENT[self.polarity]


def measures_for_pledge(measures: list[Measure], number: int) -> list[Measure]:
    """The catalogue's measures of one pledge, in catalogue order."""
    return [m for m in measures if number in m.pledges]
