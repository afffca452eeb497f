"""A summary of the geography by place and district, for the CLI and the web app."""

from __future__ import annotations

from typing import Any

from pophealth.geography import reference as ref


def geography_summary() -> dict[str, Any]:
    """ICB, places (upper-tier authorities) and districts with LSOA counts, population and Core20 LSOAs.

    Core20 here is the national IMD 2025 deciles 1-2 (the most deprived 20% of England's LSOAs).
    """
    lsoa = ref.lsoa21()
    practices = ref.practices()
    areas = ref.areas().set_index("area_code")
    rows: list[dict[str, Any]] = []

    def add(code: str, name: str, kind: str, mask, practice_count: int | None) -> None:
        sub = lsoa[mask]
        rows.append({"code": code, "name": name, "type": kind, "lsoas": int(len(sub)),
                     "population": int(sub["pop_total"].sum()),
                     "lsoas_core20": int((sub["imd2025_decile"] <= 2).sum()), "practices": practice_count})

    add("E54000015", "Leicester, Leicestershire and Rutland", "ICB", lsoa.index == lsoa.index, len(practices))
    for code, frame in lsoa.groupby("utla_code", sort=True):
        add(code, str(areas.loc[code, "area_name"]) if code in areas.index else frame["utla_name"].iloc[0],
            "place", lsoa["utla_code"] == code, None)
    for code, frame in lsoa.groupby("ltla_code", sort=True):
        if code in set(lsoa["utla_code"]):
            continue
        add(code, frame["ltla_name"].iloc[0], "district", lsoa["ltla_code"] == code, None)
    for code, frame in practices.groupby("sub_icb_code", sort=True):
        add(code, str(areas[areas["nhs_ods_code"] == code]["area_name"].iloc[0])
            if (areas["nhs_ods_code"] == code).any() else code,
            "sub-ICB", lsoa["sub_icb_code"] == code, int(len(frame)))
    return {"areas": rows, "attribution": ref.ATTRIBUTION}
