"""Prescriptions: medicines started with a condition (or as common background), issued every 84 days.

Quarterly issues give 4-5 issues in any 12 months of a course, which is what the CMS "treated" rules
and the eFI polypharmacy deficit (>= 5 distinct medicines in 12 months) look at.
"""

from __future__ import annotations

import numpy as np

from pophealth.synth.params import day, load_params
from pophealth.synth.sink import Sink


def prescribe(rng: np.random.Generator, people: dict, conds: dict, end: np.ndarray,
              obs_start: np.ndarray) -> tuple[list[tuple[np.ndarray, np.ndarray, str]], np.ndarray]:
    """Courses as (person index, start day, drug) and each person's count of distinct current drugs."""
    params = load_params()
    n = people["age"].size
    on: dict[str, np.ndarray] = {}
    start_of: dict[str, np.ndarray] = {}
    for cond, spec in params["conditions"].items():
        has = conds[cond] >= 0
        for drug, share in spec["drugs"].items():
            take = has & (rng.random(n) < share)
            first = np.where(take, conds[cond], -1)
            if drug in on:
                start_of[drug] = np.where(on[drug] & take, np.minimum(start_of[drug], first),
                                          np.where(take, first, start_of[drug]))
                on[drug] |= take
            else:
                on[drug], start_of[drug] = take, first
    over50 = np.maximum(people["age"] - 50, 0) / 10
    as_of = day(params["as_of"])
    for drug, share in params["background_drugs"].items():
        take = (rng.random(n) < share * over50) & ~on.get(drug, np.zeros(n, bool))
        first = np.where(take, as_of - (rng.random(n) * 6 * 365).astype(np.int64), -1)
        on[drug] = on.get(drug, np.zeros(n, bool)) | take
        start_of[drug] = np.where(take, first, start_of.get(drug, np.full(n, -1)))
    courses = []
    current = np.zeros(n, dtype=np.int64)
    for drug, mask in on.items():
        idx = np.flatnonzero(mask & (end[np.arange(n)] > np.maximum(start_of[drug], obs_start)))
        courses.append((idx, np.maximum(start_of[drug][idx], obs_start[idx]), drug))
        current[idx[end[idx] >= as_of]] += 1
    return courses, current


def issue(sink: Sink, courses, end: np.ndarray) -> None:
    """Drug exposure rows: one per 84-day issue from the course start (or history start) to the end."""
    params = load_params()
    step = params["issue_days"]
    window = day(params["history_start"])
    for idx, first, drug in courses:
        first = np.maximum(first, window - sink.rng.integers(0, step, idx.size))
        n_issues = np.maximum((end[idx] - first) // step + 1, 0)
        rep = np.repeat(np.arange(idx.size), n_issues)
        offset = np.arange(rep.size) - np.repeat(np.cumsum(n_issues) - n_issues, n_issues)
        starts = first[rep] + offset * step
        keep = (starts >= window) & (starts <= end[idx][rep])
        who = idx[rep][keep]
        s = starts[keep]
        code = params["drugs"][drug]
        sink.parts["drug_exposure"].append({
            "person_id": sink.person_ids[who], "start": s, "end": s + step - 1,
            "code": np.full(who.size, code, dtype=object)})
