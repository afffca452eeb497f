"""Who the synthetic people are: where they live, their practice, age, sex, ethnicity and latent health.

People are drawn from (LSOA x 5-year age band) cells in proportion to the census 2021 counts, so
deprivation, place and age come together as they do in LLR. Census ages are taken at the middle of the
history window (so deaths across the window happen at the ages the census describes); one more cell per
LSOA holds the babies born from then to the as-of date, at the LSOA's census rate of births (its 0-4
count over five years), so that infants and young children are present at the as-of date. Each person
also carries ``z``, a latent morbidity factor shared by every condition and frailty deficit, which makes
conditions cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from pophealth.geography import AGE_BANDS, lsoa21, practices
from pophealth.synth.params import day, load_params

PLACES = ["Leicester", "Leicestershire", "Rutland"]
YEAR = 365.25


@dataclass(frozen=True)
class Geography:
    """Arrays over LSOAs and practices that every chunk draws from."""

    lsoa: pd.DataFrame          # lsoa21_code, ltla_name, sub_icb_code, imd2025_decile, place
    practice: pd.DataFrame      # practice_code, pcn_code, sub_icb_code
    cell_p: np.ndarray          # probability of each (lsoa, band) cell, flattened lsoa-major; last band = births
    band_lo: np.ndarray         # age at the middle of the window (negative for the births band)
    band_hi: np.ndarray
    practices_by_sub_icb: dict[str, np.ndarray]


def place_of(ltla_name: str) -> str:
    return ltla_name if ltla_name in ("Leicester", "Rutland") else "Leicestershire"


@lru_cache(maxsize=1)
def geography() -> Geography:
    lsoa = lsoa21().reset_index(drop=True)
    lsoa["place"] = lsoa["ltla_name"].map(place_of)
    counts = lsoa[[f"pop_{b}" for b in AGE_BANDS]].to_numpy(dtype=float)
    born_years = births_span_years()
    counts = np.column_stack([counts, counts[:, 0] * born_years / 5])
    practice = practices().sort_values("practice_code").reset_index(drop=True)
    by_sub = {s: np.flatnonzero(practice["sub_icb_code"].to_numpy() == s)
              for s in practice["sub_icb_code"].unique()}
    lo = np.array([int(b.split("_")[0]) for b in AGE_BANDS], dtype=float)
    hi = np.where(lo == 85, float(load_params()["oldest_age"]), lo + 5)
    lo, hi = np.append(lo, -born_years), np.append(hi, 0.0)
    return Geography(lsoa, practice, (counts / counts.sum()).ravel(), lo, hi, by_sub)


def _mid_window() -> int:
    params = load_params()
    return (day(params["history_start"]) + day(params["as_of"])) // 2


def births_span_years() -> float:
    """Years from the middle of the window (the census reference) to the as-of date."""
    return (day(load_params()["as_of"]) - _mid_window()) / YEAR


def draw_people(rng: np.random.Generator, n: int, first_id: int) -> dict[str, np.ndarray]:
    """``n`` people with ids from ``first_id``; ages are whole-year-free (exact) at the as-of date."""
    params = load_params()
    geo = geography()
    nb = len(AGE_BANDS) + 1
    cell = rng.choice(geo.cell_p.size, size=n, p=geo.cell_p)
    li, band = np.divmod(cell, nb)
    lo, hi = geo.band_lo[band], geo.band_hi[band]
    # 85+: ages thin out with a survival-like tail rather than uniformly up to the oldest age.
    u = rng.random(n)
    old = lo == 85
    age = lo + u * (hi - lo)
    age[old] = np.minimum(85 - np.log1p(-u[old] * 0.95) * 5.5, hi[old] - 0.01)
    male_share = np.array([params["male_share"][b] for b in (*AGE_BANDS, AGE_BANDS[0])])
    male = rng.random(n) < male_share[band]
    # Census ages are taken at the middle of the history window, so deaths across the window happen at
    # the ages the census describes; the births band has negative ages (born after that date).
    dob = (_mid_window() - age * YEAR).astype(np.int64)
    age = (day(params["as_of"]) - dob) / YEAR

    place = geo.lsoa["place"].to_numpy()[li]
    sub_icb = geo.lsoa["sub_icb_code"].to_numpy()[li]
    practice_idx = np.empty(n, dtype=np.int64)
    for code, options in geo.practices_by_sub_icb.items():
        mask = sub_icb == code
        practice_idx[mask] = options[rng.integers(0, options.size, mask.sum())]

    eth = np.empty(n, dtype=np.int64)
    groups = np.array([int(g) for g in params["ethnicity"]["groups"]])
    for name in PLACES:
        mask = place == name
        shares = np.array([params["ethnicity"]["by_place"][name][str(g)] for g in groups], dtype=float)
        eth[mask] = groups[rng.choice(groups.size, size=mask.sum(), p=shares / shares.sum())]

    decile = geo.lsoa["imd2025_decile"].to_numpy()[li].astype(np.int64)
    return {
        "person_id": np.arange(first_id, first_id + n, dtype=np.int64),
        "lsoa_idx": li, "age": age, "male": male, "dob": dob, "decile": decile,
        "dep": (10 - decile) / 9.0,  # 0 least deprived decile .. 1 most deprived
        "place": place, "sub_icb": sub_icb, "practice_idx": practice_idx, "eth16": eth,
        "eth_recorded": rng.random(n) < params["ethnicity"]["recorded_share"],
        "z": rng.standard_normal(n),
    }
