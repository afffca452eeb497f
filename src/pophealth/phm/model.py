"""The typed PHM definition model: frozen pydantic models for conditions, registers, cohort rules,
plausible values and scores, checked when the YAML definitions are loaded.

The YAML files stay the versioned source; this model is their schema. Every mapping forbids unknown keys,
so a misspelt ``cms_weigth`` or an unknown cohort test fails at load with the file and the path of the key
(``definitions.yaml: conditions.asthma.cms_weigth: extra inputs are not permitted``) instead of silently
becoming 0 or failing only when a rule runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pophealth.errors import ConfigError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prescribed(Strict):
    list: Annotated[str, Field(pattern=r"^med\.")]
    within_days: Annotated[int, Field(gt=0)]


class RegisterRule(Strict):
    min_age: Annotated[int, Field(ge=0)] | None = None
    since: dt.date | None = None
    prescribed: Prescribed | None = None


class Condition(Strict):
    counts: bool
    qof: str | None = None
    cms_item: str | None = None
    cms_weight: Annotated[float, Field(gt=0)] | None = None
    cms_within_days: Annotated[int, Field(gt=0)] | None = None
    ltc_first_within_days: Annotated[int, Field(gt=0)] | None = None
    register_rule: RegisterRule | None = None
    yields_to: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _cms_pair(self) -> "Condition":
        if (self.cms_item is None) != (self.cms_weight is None):
            raise ValueError("cms_item and cms_weight go together")
        return self


class Register(Strict):
    lists: tuple[str, ...]
    resolved: str | None = None
    min_age: Annotated[int, Field(ge=0)] | None = None
    since: dt.date | None = None


class Plausible(Strict):
    lists: tuple[str, ...] = ()
    measurements: tuple[str, ...] = ()
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> "Plausible":
        if self.low >= self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        return self


class Definitions(Strict):
    version: str
    conditions: dict[str, Condition]
    registers: dict[str, Register]
    cms_partial_items: tuple[str, ...] = ()
    plausible_values: dict[str, Plausible] = {}

    @model_validator(mode="after")
    def _references(self) -> "Definitions":
        for name, c in self.conditions.items():
            unknown = [y for y in c.yields_to if y not in self.conditions]
            if unknown:
                raise ValueError(f"conditions.{name}.yields_to: unknown condition(s) {', '.join(unknown)}")
        return self


class Range(Strict):
    min: int | None = None
    max: int | None = None


class CohortRule(Strict):
    """One cohort test or a combination; every test present must hold (``all`` of them)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    all: tuple[CohortRule, ...] | None = None
    any: tuple[CohortRule, ...] | None = None
    on_register: str | None = Field(default=None, alias="register")  # ``register`` is a BaseModel attribute
    ltc: str | None = None
    recorded: str | None = None
    age: Range | None = None
    imd_decile: Range | None = None
    ethnic_minority: bool | None = None
    cohort: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> "CohortRule":
        if not self.model_fields_set:
            raise ValueError("a rule needs at least one test")
        return self


class Cohort(Strict):
    label: str
    rule: CohortRule


class Cohorts(Strict):
    version: str
    cohorts: dict[str, Cohort]

    @model_validator(mode="after")
    def _earlier_cohorts(self) -> "Cohorts":
        seen: list[str] = []
        for name, c in self.cohorts.items():
            for ref in _cohort_refs(c.rule):
                if ref not in seen:
                    raise ValueError(f"cohorts.{name}: refers to cohort {ref!r}, which is not defined before it")
            seen.append(name)
        return self


def _cohort_refs(rule: CohortRule) -> list[str]:
    out = [rule.cohort] if rule.cohort else []
    for sub in (rule.all or ()) + (rule.any or ()):
        out += _cohort_refs(sub)
    return out


MODELS: dict[str, type[Strict]] = {"definitions.yaml": Definitions, "cohorts.yaml": Cohorts}


def validate(name: str, raw: Any) -> Strict:
    """The typed model of one definitions file; ``ConfigError`` naming the file and each bad key's path."""
    try:
        return MODELS[name].model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{name}: {problems}") from None

