"""Benchmarking an area against a comparator: the profile's words around the stats engine.

The method itself — the area's confidence interval at the indicator's level against the
comparator's value, limits inclusive, judged by polarity (``shared/reference/phe_methods/METHODS.md``
section 11, method 1) — is :func:`pophealth.stats.compare`, the one engine every number comes
from. This module only translates: the catalogue's polarity words into the engine's, and the
engine's outcome codes into the lower-case words the profile and Fingertips exports use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pophealth.stats import compare

# Outcomes, in the words Fingertips publishes (lower-cased for comparison).
BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED = "better", "similar", "worse", "higher", "lower", "not compared"
OUTCOMES = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED)
# Catalogue polarity -> the engine's polarity words; engine outcome code -> profile word.
ENGINE_POLARITY = {"high_is_good": "RAG_high_is_good", "low_is_good": "RAG_low_is_good",
                   "no_judgement": "BOB", "not_compared": "not compared"}
FROM_ENGINE = {"Better": BETTER, "Best": BETTER, "Same": SIMILAR, "Worse": WORSE, "Worst": WORSE,
               "Higher": HIGHER, "Lower": LOWER, "NotCompared": NOT_COMPARED}


def compare_with_benchmark(value, lower, upper, benchmark, polarity, confidence: float = 0.95) -> np.ndarray:
    """Outcome per row: is the area's interval [lower, upper] clear of the benchmark value?

    All arguments are array-likes of one length (``polarity`` may be one string; the limits are
    those of ``confidence``). Missing area value, limit or benchmark gives "not compared";
    polarity ``no_judgement`` gives higher/lower; ``not_compared`` always gives "not compared".
    """
    value = np.atleast_1d(np.asarray(value, dtype=float))
    polarity = np.broadcast_to(np.asarray(polarity, dtype=object), value.shape)
    tag = "998" if float(confidence) in (0.998, 99.8) else "95"
    frame = pd.DataFrame({"area_value": value, f"area_lower{tag}": np.asarray(lower, dtype=float),
                          f"area_upper{tag}": np.asarray(upper, dtype=float),
                          "comparator_value": np.asarray(benchmark, dtype=float),
                          "polarity": [ENGINE_POLARITY[p] for p in polarity]})
    codes = compare(frame, "single_ci_one_level", confidence=confidence)["significance"]
    return np.array([FROM_ENGINE[c] for c in codes], dtype=object)


def compare_rows(frame: pd.DataFrame, benchmark: pd.Series, polarity, confidence) -> np.ndarray:
    """Outcome per row of an indicator frame, each row at its own level (95 or 99.8)."""
    use998 = np.broadcast_to(np.asarray(confidence, dtype=float) == 99.8, (len(frame),))
    polarity = np.broadcast_to(np.asarray(polarity, dtype=object), (len(frame),))
    out = np.empty(len(frame), dtype=object)
    for level, rows in ((0.998, use998), (0.95, ~use998)):
        if rows.any():
            tag = "ci998" if level == 0.998 else "ci95"
            col = {name: frame[name].to_numpy(dtype=float)[rows]
                   for name in ("value", f"lower_{tag}", f"upper_{tag}")}
            out[rows] = compare_with_benchmark(col["value"], col[f"lower_{tag}"], col[f"upper_{tag}"],
                                               np.asarray(benchmark, dtype=float)[rows], polarity[rows], level)
    return out


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
