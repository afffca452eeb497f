"""Indicator metadata shipped with the package: unit, polarity, benchmarking, pledges and places.

Fingertips exports carry values but not how to judge them; the judgement (is higher better?
at which confidence level is an area different from England?) lives here as data.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from pophealth.errors import NotFoundError

Polarity = Literal["high_is_good", "low_is_good", "no_judgement", "not_compared"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorMeta(_Model):
    id: int
    name: str
    short: str
    unit: str
    decimals: int = 1
    polarity: Polarity
    benchmark: Literal["single_ci_one_level", "none"]
    confidence: Literal[95, 99.8] = 95
    # The indicator's own recent-trend method (Fingertips "UseProportionsForTrend": the chi-squared test for
    # trend in proportions; otherwise the CI-weighted test), never inferred from the unit.
    trend_method: Literal["spc_proportions", "ci_weighted", "not_supported"] = "ci_weighted"

    @property
    def unit_suffix(self) -> str:
        return "%" if self.unit == "%" else f" {self.unit}"


class PledgeMeasure(_Model):
    measure: str
    indicator_id: int
    note: str | None = None


class Place(_Model):
    code: str
    name: str
    kind: Literal["place", "district"]


class Catalogue(_Model):
    indicators: list[IndicatorMeta]
    pledge_measures: dict[int, list[PledgeMeasure]]
    places: list[Place]

    def indicator(self, indicator_id: int) -> IndicatorMeta | None:
        return next((m for m in self.indicators if m.id == indicator_id), None)

    def place(self, code: str) -> Place:
        found = next((p for p in self.places if p.code == code), None)
        if found is None:
            raise NotFoundError(f"No place profile for area {code!r}")
        return found


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue (validated once per process)."""
    text = resources.files("pophealth.indicators").joinpath("data", "indicators.yaml").read_text("utf-8")
    return Catalogue.model_validate(yaml.safe_load(text))


def fallback_meta(indicator_id: int, name: str) -> IndicatorMeta:
    """Metadata for an indicator not in the catalogue: shown, but compared only as Fingertips published."""
    return IndicatorMeta(id=indicator_id, name=name, short=name, unit="", polarity="not_compared",
                         benchmark="none")
