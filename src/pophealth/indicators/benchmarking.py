"""Benchmarking an area against England: the one place the profile asks for a RAG.

This is a thin adapter. The Fingertips method it needs — the area's confidence interval at
the indicator's level against England's value, limits inclusive, judged by polarity
(``shared/reference/phe_methods/METHODS.md`` section 11, method 1) — belongs to the stats
engine; until that engine publishes its benchmarking function, the rule is written here in
one small vectorised function, and only this module changes when it is pointed at the engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Outcomes, in the words Fingertips publishes (lower-cased for comparison).
BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED = "better", "similar", "worse", "higher", "lower", "not compared"
OUTCOMES = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED)


def compare_with_benchmark(value, lower, upper, benchmark, polarity) -> np.ndarray:
    """Outcome per row: is the area's interval [lower, upper] clear of the benchmark value?

    All arguments are array-likes of one length (``polarity`` may be one string). Missing area
    value, limit or benchmark gives "not compared"; polarity ``no_judgement`` gives
    higher/lower; ``not_compared`` always gives "not compared".
    """
    value, lower, upper, benchmark = (np.asarray(a, dtype=float) for a in (value, lower, upper, benchmark))
    polarity = np.broadcast_to(np.asarray(polarity, dtype=object), value.shape)
    missing = np.isnan(value) | np.isnan(lower) | np.isnan(upper) | np.isnan(benchmark)
    inside = (lower <= benchmark) & (benchmark <= upper)
    higher = value > benchmark
    judged = np.where(polarity == "high_is_good", np.where(higher, BETTER, WORSE),
                      np.where(polarity == "low_is_good", np.where(higher, WORSE, BETTER),
                               np.where(higher, HIGHER, LOWER)))
    out = np.where(inside, SIMILAR, judged)
    return np.where(missing | (polarity == "not_compared"), NOT_COMPARED, out).astype(object)


def limits_for(frame: pd.DataFrame, confidence: pd.Series | float) -> tuple[pd.Series, pd.Series]:
    """The 95% or 99.8% limit columns of ``frame``, chosen row by row from ``confidence``."""
    use998 = np.broadcast_to(np.asarray(confidence, dtype=float) == 99.8, (len(frame),))
    lower = np.where(use998, frame["lower_ci998"], frame["lower_ci95"])
    upper = np.where(use998, frame["upper_ci998"], frame["upper_ci95"])
    return pd.Series(lower, index=frame.index, dtype=float), pd.Series(upper, index=frame.index, dtype=float)


def published_outcome(label: str | None) -> str:
    """A published Fingertips comparison in the words above ("Higher 99.8" -> "higher")."""
    text = (label or "").strip().lower()
    for outcome in OUTCOMES:
        if text == outcome or text.startswith(outcome + " "):
            return outcome
    return NOT_COMPARED if not text or text.startswith("not ") else text
