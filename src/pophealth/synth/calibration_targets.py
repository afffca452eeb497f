"""What each condition's intercept is solved to: the strata of the population and each stratum's target.

A condition that has a QOF register (``qof`` in params.yaml) is calibrated per sub-ICB to that sub-ICB's
published QOF recorded prevalence (the latest year in ``data/public``, read by calibration_real.qof_targets),
over the register's own age base (the whole list, or 17+ for diabetes, 18+ for CKD, depression and epilepsy,
16+ for rheumatoid arthritis, 50+ for osteoporosis). A register can hold fewer people than have the
diagnosis: QOF asthma and epilepsy also need drug treatment in the last 12 months, so the diagnosis target
is the register's over the share of the diagnosed the generator treats with a medicine on that register's
list (``register_yield``); QOF cancer and depression count only diagnoses since 2003 and 2006, and
the share of generated diagnoses that old is taken out in the survivor iteration (conditions.py).
Conditions without a register keep one LLR-wide target from params.yaml;
conditions with a childhood target (type 1 diabetes, epilepsy) have a separate stratum for ages below
their register age, solved to that target.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pophealth.synth.params import load_params

SUB_ICBS = ("03W", "04C", "04V")
ALL = "all"
CHILD = "child"
NO_MAX = 200.0


@dataclass(frozen=True)
class Stratum:
    """One intercept: who it applies to and what it is solved to."""

    key: str                 # a sub-ICB code, "all" or "child"
    target: float            # expected share of the denominator with the condition, among the living
    age_lo: float            # denominator: ages [age_lo, age_hi), within the sub-ICB for a sub-ICB stratum
    age_hi: float
    source: str


def register_since(name: str) -> int | None:
    """The day (generator days) a condition's latest diagnosis must be on or after to be on its PHM register
    (QOF cancer from 1 April 2003, depression from 1 April 2006), if the register has such a rule."""
    from pophealth.phm.definitions import as_date, conditions
    from pophealth.synth.params import day

    since = as_date((conditions().get(name, {}).get("register_rule") or {}).get("since"))
    return None if since is None else day(since)


def register_drug_list(name: str) -> str | None:
    """The medicine list a condition's PHM register needs in the last year (QOF asthma, epilepsy), if any."""
    from pophealth.phm.definitions import conditions

    rule = conditions().get(name, {}).get("register_rule") or {}
    return (rule.get("prescribed") or {}).get("list")


@lru_cache(maxsize=None)
def register_yield(name: str) -> float:
    """Share of people with the diagnosis who meet the register's treatment rule: the chance that at least
    one of the condition's generated medicines is on the register's medicine list (1 without such a rule)."""
    from pophealth.phm.codelists import package_codelists

    listed = register_drug_list(name)
    if listed is None:
        return 1.0
    frame = package_codelists()
    codes = set(frame.loc[frame["list_id"] == listed, "code"])
    params = load_params()
    untreated = 1.0
    for drug, share in params["conditions"][name]["drugs"].items():
        if params["drugs"][drug] in codes:
            untreated *= 1 - share
    if untreated >= 1.0:
        raise ValueError(f"params.yaml: condition {name!r} has no medicine on its register list {listed!r}")
    return 1 - untreated


def strata(name: str) -> list[Stratum]:
    """Every stratum of a condition with its target (QOF conditions: one per sub-ICB from the QOF file)."""
    from pophealth.synth.calibration_real import QOF_FILE, qof_targets

    spec = load_params()["conditions"][name]
    out: list[Stratum] = []
    if "qof" in spec:
        targets = qof_targets()
        yield_ = register_yield(name)
        for sub in SUB_ICBS:
            prevalence, base_age, year = targets[(spec["qof"], sub)]
            out.append(Stratum(sub, prevalence / yield_, float(base_age), NO_MAX,
                               f"NHS Digital QOF {year} {spec['qof']} recorded prevalence, sub-ICB {sub} "
                               f"(data/public/{QOF_FILE}), over the register yield {yield_:.3f}"))
    else:
        out.append(Stratum(ALL, float(spec["target"]), float(spec["min_age"]), NO_MAX, spec["source"]))
    if has_child_stratum(spec):
        out.append(Stratum(CHILD, float(spec["child"]["target"]), 0.0, float(spec["min_age"]),
                           spec["child"]["source"]))
    return out


def has_child_stratum(spec: dict) -> bool:
    """Conditions whose register starts in adulthood but which also occur in childhood."""
    return "child" in spec and float(spec["min_age"]) > 0


def stratum_of(name: str, people: dict[str, np.ndarray]) -> np.ndarray:
    """Each person's stratum key for a condition."""
    spec = load_params()["conditions"][name]
    n = people["age"].size
    out = people["sub_icb"].astype(object) if "qof" in spec else np.full(n, ALL, dtype=object)
    if has_child_stratum(spec):
        out = np.where(people["age"] < float(spec["min_age"]), CHILD, out)
    return out


def denominator(stratum: Stratum, people: dict[str, np.ndarray]) -> np.ndarray:
    """The people a stratum's target is a share of."""
    mask = (people["age"] >= stratum.age_lo) & (people["age"] < stratum.age_hi)
    if stratum.key in SUB_ICBS:
        mask &= people["sub_icb"] == stratum.key
    return mask


def palliative_scale(people: dict[str, np.ndarray]) -> np.ndarray:
    """Per-person multiplier of the palliative register's selection, solved per sub-ICB to its QOF PC
    prevalence (calibration_palliative.py)."""
    from pophealth.synth.calibration_palliative import palliative_scales

    scales = palliative_scales()
    scale = np.ones(people["age"].size)
    for sub in SUB_ICBS:
        scale[people["sub_icb"] == sub] = scales[sub]
    return scale
