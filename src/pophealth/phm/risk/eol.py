"""Last year of life: people at high risk of dying in the next year who are not on the palliative care
register (PHM.md §6; the seed 004 case study).

The flag is the top ``fraction`` of predicted 12-month death risk among adults, sized to about the
number of deaths expected in a year (about 1% of a list). Each entry carries the "surprise question"
proxies present (severe frailty, advanced conditions, repeated emergency admissions) so a clinician
can see why the person is listed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pophealth.phm.risk import metrics as m

DEFAULT_FRACTION = 0.01
SEVERE_FRAILTY = 13 / 36  # eFI severe: 13 or more of 36 deficits (Clegg et al. 2016)
PROXIES = {
    "severe frailty": lambda f: f["efi_score"] >= SEVERE_FRAILTY,
    "aged 85+": lambda f: f["age"] >= 85,
    "2+ emergency admissions in 6 months": lambda f: f["ea_6m"] >= 2,
    "heart failure": lambda f: f.get("ltc_heart_failure", False),
    "COPD": lambda f: f.get("ltc_copd", False),
    "dementia": lambda f: f.get("ltc_dementia", False),
    "cancer in last 5 years": lambda f: f.get("ltc_cancer", False),
    "housebound": lambda f: f["housebound"],
}


def reasons(frame: pd.DataFrame) -> pd.Series:
    """The proxies each person has, joined with '; ' ("risk score only" when none)."""
    hits = pd.DataFrame({name: np.asarray(rule(frame), dtype=bool) for name, rule in PROXIES.items()},
                        index=frame.index)
    text = hits.apply(lambda row: "; ".join(n for n, v in row.items() if v), axis=1)
    return text.replace("", "risk score only")


def worklist(frame: pd.DataFrame, risk: np.ndarray, fraction: float = DEFAULT_FRACTION) -> pd.DataFrame:
    """Flagged people not on the palliative care register, highest risk first."""
    ids = frame.index.to_numpy()
    flagged = m.top_flags(risk, fraction, ids)
    order = np.lexsort((ids, -risk))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(1, len(ids) + 1)
    keep = flagged & ~frame["palliative_register"].to_numpy(dtype=bool)
    sub = frame[keep]
    out = pd.DataFrame({"person_id": sub.index.to_numpy(dtype=np.int64), "practice_code": sub["practice_code"].to_numpy(),
                        "pcn_code": sub["pcn_code"].to_numpy(), "death_risk": risk[keep], "rank": rank[keep],
                        "reasons": reasons(sub).to_numpy()})
    return out.sort_values("rank").reset_index(drop=True)


def evaluate_flag(frame: pd.DataFrame, died: np.ndarray, risk: np.ndarray,
                  fraction: float = DEFAULT_FRACTION) -> dict:
    """Of people who died in the year after the cut-off: the share already on the register, flagged,
    either, and flagged but not on the register; with the flag's PPV and the list's size."""
    ids = frame.index.to_numpy()
    flagged = m.top_flags(risk, fraction, ids)
    register = frame["palliative_register"].to_numpy(dtype=bool)
    died = died.astype(bool)
    deaths = int(died.sum())

    def share(sel: np.ndarray) -> float | None:
        return round(float((sel & died).sum() / deaths), 6) if deaths else None

    return {"fraction": fraction, "flagged": int(flagged.sum()), "deaths": deaths,
            "on_register_at_cutoff": int(register.sum()),
            "worklist_size": int((flagged & ~register).sum()),
            "deaths_on_register": share(register), "deaths_flagged": share(flagged),
            "deaths_flagged_or_register": share(flagged | register),
            "deaths_flagged_not_register": share(flagged & ~register),
            "ppv_flag": round(m.ppv_capture(died, flagged)[0], 6) if flagged.any() else None}
