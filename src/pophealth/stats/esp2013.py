"""The European Standard Population 2013 in the 19 five-year bands Fingertips uses (to 90+)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

ESP2013_BANDS: tuple[str, ...] = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
)
ESP2013: tuple[int, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)
ESP2013_START_AGES: tuple[int, ...] = tuple(range(0, 95, 5))


def start_age(label: object) -> float:
    """First whole number in an age label ("05-09" -> 5, "90+" -> 90); NaN when there is none."""
    found = re.search(r"\d+", str(label))
    return float(found.group()) if found else float("nan")


def esp2013_for(agebands: pd.Series) -> np.ndarray:
    """ESP2013 weight for each age-band label, matched on the label's start age.

    Matching on start age (not on text) accepts "0-4", "00-04" or "0 to 4"; a label whose
    start age is not an ESP2013 band start gets NaN so the caller can flag it.

    An open top band below 90 ("85+", "75 and over") is collapsed explicitly: it gets the sum of
    the ESP2013 weights of every band from its start (85+ = 1,500 + 1,000 = 2,500), so the weights
    still total 100,000; giving it only its first band's weight (1,500) would leave out the 90+
    standard population and bias the DSR low. An open band is refused (NaN) when the same input
    also holds a band starting at or above its start (the two would overlap).
    """
    labels = pd.Series(agebands).astype(str)
    starts = start_ages(labels)
    weights = pd.Series(ESP2013, index=np.array(ESP2013_START_AGES, dtype=float))
    out = starts.map(weights).to_numpy(dtype=float)
    open_top = open_band(labels).to_numpy()
    for start in np.unique(starts[open_top].dropna()):
        here = open_top & (starts == start).to_numpy()
        overlapping = (~open_top & (starts >= start).to_numpy()).any()
        collapsed = float(weights[weights.index >= start].sum()) if start in weights.index else np.nan
        out[here] = np.nan if overlapping else collapsed
    return out


def open_band(labels: pd.Series) -> pd.Series:
    """Whether each label is an open-ended top band ("90+", "85 and over", "85 plus")."""
    return pd.Series(labels).astype(str).str.contains(r"\+|and over|plus|or over", case=False, regex=True)


def start_ages(labels: pd.Series) -> pd.Series:
    """Start age of every label, vectorised (see :func:`start_age`)."""
    return pd.Series(labels).astype(str).str.extract(r"(\d+)", expand=False).astype(float)


def esp2013_frame() -> pd.DataFrame:
    """The standard as a small table (ageband, start_age, stdpop)."""
    return pd.DataFrame({"ageband": ESP2013_BANDS, "start_age": ESP2013_START_AGES,
                         "stdpop": ESP2013})
