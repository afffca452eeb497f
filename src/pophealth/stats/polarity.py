"""Polarity of an indicator: whether higher values are better, worse, or neither."""

from __future__ import annotations

import numpy as np

HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT, NOT_APPLICABLE = 1, 0, 99, -1

_WORDS = {
    "rag_high_is_good": HIGH_IS_GOOD, "high_is_good": HIGH_IS_GOOD, "rag - high is good": HIGH_IS_GOOD,
    "higher is better": HIGH_IS_GOOD, "1": HIGH_IS_GOOD,
    "rag_low_is_good": LOW_IS_GOOD, "low_is_good": LOW_IS_GOOD, "rag - low is good": LOW_IS_GOOD,
    "lower is better": LOW_IS_GOOD, "0": LOW_IS_GOOD,
    "bob": NO_JUDGEMENT, "blue orange blue": NO_JUDGEMENT, "99": NO_JUDGEMENT, "": NO_JUDGEMENT,
    "nan": NO_JUDGEMENT, "none": NO_JUDGEMENT, "not applicable": NO_JUDGEMENT,
    "no judgement": NO_JUDGEMENT, "-1": NOT_APPLICABLE, "not compared": NOT_APPLICABLE,
}


def polarity_codes(values: object) -> np.ndarray:
    """Fingertips polarity codes (1, 0, 99, -1) from words or numbers; unknown text raises.

    Missing or "not applicable" polarity means no judgement (higher/lower), and -1 means
    the indicator is not compared at all.
    """
    arr = np.atleast_1d(np.asarray(values, dtype=object))
    out = np.empty(len(arr), dtype=int)
    for i, value in enumerate(arr):  # a handful of distinct words; looked up per row
        key = str(value).strip().lower().replace(".0", "")
        if key not in _WORDS:
            raise ValueError(f"unknown polarity {value!r}")
        out[i] = _WORDS[key]
    return out
