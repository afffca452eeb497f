"""Tidy views of the shipped geography files, with short, stable column names."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
    "© Crown copyright."
)

# Census 2021 five-year bands, as column suffixes: pop_0_4 ... pop_85_plus.
AGE_BANDS: list[str] = [f"{a}_{a + 4}" for a in range(0, 85, 5)] + ["85_plus"]

LICENCE = "Open Government Licence v3.0"


def _read(name: str) -> pd.DataFrame:
    with resources.files("pophealth.geography").joinpath("data", name).open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@cache
def areas() -> pd.DataFrame:
    """England, region, ICB, sub-ICBs, upper-tier authorities, districts and trusts."""
    df = _read("llr_areas.csv")
    return df.replace({"": None})


@cache
def lsoa21() -> pd.DataFrame:
    """2021 LSOAs in LLR: district, place, sub-ICB, IMD 2025 and census 2021 population by age band."""
    imd = _read("llr_lsoa21_imd2025.csv").rename(columns={
        "LSOA21CD": "lsoa21_code", "LSOA21NM": "lsoa21_name", "LAD22CD": "ltla_code", "LAD22NM": "ltla_name",
        "UTLA code": "utla_code", "UTLA name": "utla_name", "Sub-ICB location code (ODS)": "sub_icb_code",
        "IMD_decile": "imd2025_decile", "IMD_rank": "imd2025_rank", "IMD_score": "imd2025_score",
    })[["lsoa21_code", "lsoa21_name", "ltla_code", "ltla_name", "utla_code", "utla_name", "sub_icb_code",
        "imd2025_decile", "imd2025_rank", "imd2025_score"]]
    census = _read("llr_lsoa21_census2021_age5.csv")
    band_cols = [c for c in census.columns if c.startswith("Aged ")]
    pop = census[["LSOA21CD", "Total", *band_cols]].copy()
    pop.columns = ["lsoa21_code", "pop_total", *[f"pop_{b}" for b in AGE_BANDS]]
    df = imd.merge(pop, on="lsoa21_code", how="left", validate="one_to_one")
    for col in ["imd2025_decile", "imd2025_rank", "pop_total", *[f"pop_{b}" for b in AGE_BANDS]]:
        df[col] = df[col].astype("int64")
    df["imd2025_score"] = df["imd2025_score"].astype(float)
    return df


@cache
def lsoa11() -> pd.DataFrame:
    """2011 LSOAs in LLR with IMD 2019 rank and decile (1 = most deprived)."""
    df = _read("llr_lsoa11_imd2019.csv")
    out = pd.DataFrame({
        "lsoa11_code": df["LSOA code (2011)"],
        "lsoa11_name": df["LSOA name (2011)"],
        "ltla_code": df["Local Authority District code (2019)"],
        "ltla_name": df["Local Authority District name (2019)"],
        "utla_code": df["UTLA code"],
        "utla_name": df["UTLA name"],
        "sub_icb_code": df["Sub-ICB location code (ODS)"],
        "imd2019_rank": df["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"].astype("int64"),
        "imd2019_decile": df["Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"].astype("int64"),
        "pop2015_total": df["Total population: mid 2015 (excluding prisoners)"].astype("int64"),
    })
    return out


@cache
def practices() -> pd.DataFrame:
    """LLR GP practices with postcode, PCN and sub-ICB (January 2022 mapping)."""
    df = _read("llr_gp_practices_2022-01.csv")
    return pd.DataFrame({
        "practice_code": df["PRACTICE_CODE"],
        "practice_name": df["PRACTICE_NAME"].str.title(),
        "postcode": df["PRACTICE_POSTCODE"],
        "pcn_code": df["PCN_CODE"],
        "pcn_name": df["PCN_NAME"],
        "sub_icb_code": df["SUB_ICB_LOCATION_CODE_(=CCG)"],
        "icb_code": df["ICB_CODE_(=STP)"],
    })
