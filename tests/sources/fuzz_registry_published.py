"""Importers of files as their publishers publish them (NHS England and NHS Digital workbooks, the curated
extracts of published statistics, Fingertips API snapshots), registered with the fuzz suite's registry."""

from __future__ import annotations
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from pophealth.config import shared_dir
from tests.sources.test_qof_workbook_input import write_qof

from tests.sources.fuzz_registry import (Importer, _fingertips_cell, _fingertips_count, _fingertips_seed, _nhse,
                                         _replace, _write, register)


# --- the publishers' own workbooks ---------------------------------------------------------------------
def _ae_workbook_seed(folder: Path) -> Path:
    source = sorted((shared_dir() / "data" / "published" / "nhse-ae-by-provider").glob("July-2015*.xls"))[0]
    return Path(shutil.copy(source, folder / "ae.xls"))


register(Importer("nhse_ae_workbook", seed=_ae_workbook_seed, target="ae.xls", kind="binary", run=_nhse))


# --- curated extracts of published statistics, and the local measure return ------------------------------
def _extract_seed(folder: Path) -> Path:
    from pophealth.sources.public_extracts import shipped_folder

    out = folder / "extracts"
    out.mkdir()
    lines = (shipped_folder() / "beds_general_acute_critical_care_RWE_monthly.csv").read_bytes().splitlines(
        keepends=True)
    (out / "beds.csv").write_bytes(b"".join(lines[:10]))
    return out


def _extracts(path: Path, con) -> object:
    from pophealth.sources.public_extracts import load_public_extracts

    return load_public_extracts(con, path)


register(Importer("public_extracts", seed=_extract_seed, target="beds.csv", kind="csv", run=_extracts,
                  impossible={"infinite beds": _replace(b"RWE,April 2022,1637.0", b"RWE,April 2022,inf")}))


def _local_return(path: Path, con) -> object:
    from pophealth.measures.local_return import load_local_return
    from pophealth.strategy import load_strategy

    return load_local_return(con, load_strategy(), path)


register(Importer("local_measure_return", seed=_write(
    "return.csv", "measure_id,org_code,period_start,period_end,numerator,denominator,value,source\n"
    "workforce-vacancy-rate,QK1,2024-04-01,2024-06-30,2400,30000,,ESR\n"
    "workforce-staff-in-post,QK1,2024-06-01,2024-06-30,,,29850,ESR\n"), target="return.csv", kind="csv",
    run=_local_return, impossible={"negative value": _replace(b",,29850,", b",,-29850,"),
                                   "infinite numerator": _replace(b",2400,30000,", b",inf,30000,"),
                                   "period ending before it starts": _replace(b"2024-06-01,2024-06-30",
                                                                              b"2024-06-01,2024-05-30")}))


# --- NHS Digital QOF CCG-level workbook (through the NHS England statistics loader) ---------------------
def _qof_seed(folder: Path) -> Path:
    return write_qof(folder / "qof.xlsx")


def _qof_cell(heading: str, value: object) -> Callable[[bytes], bytes]:
    """Put ``value`` into the first CCG's first cell under ``heading`` (the 2018-19 or 2019-20 block)."""
    def change(data: bytes) -> bytes:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows())
        head = next(r for r in rows if any(c.value == "Register" for c in r))
        column = next(c.column for c in head if str(c.value or "").strip() == heading)
        sheet.cell(row=head[0].row + 1, column=column, value=value)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    return change


register(Importer("nhsd_qof_workbook", seed=_qof_seed, target="qof.xlsx", kind="xlsx", run=_nhse,
                  impossible={"negative register": _qof_cell("Register", -30656),
                              "infinite register": _qof_cell("Register", "inf"),
                              "register of 1e308": _qof_cell("Register", 1e308),
                              "fractional register": _qof_cell("Register", 30656.5),
                              "negative list size": _qof_cell("List size", -416559)}))


# --- Fingertips API snapshots (``pophealth fingertips load-snapshot DIR``) --------------------------------
SNAPSHOT = "fingertips_i41001_at102_2024-05-01.csv"


def _snapshot_seed(folder: Path) -> Path:
    out = folder / "snapshots"
    out.mkdir()
    _fingertips_seed(out).rename(out / SNAPSHOT)
    return out


def _snapshots(path: Path, con) -> object:
    from pophealth.sources.fingertips_api import load_snapshots

    return load_snapshots(con, path)


register(Importer("fingertips_snapshot", seed=_snapshot_seed, target=SNAPSHOT, kind="csv", run=_snapshots,
                  impossible={"infinite count": _fingertips_count(b"inf"), "count 1e308": _fingertips_count(b"1e308"),
                              "negative count": _fingertips_count(b"-5"),
                              "fractional count": _fingertips_count(b"7.4"),
                              "infinite value": _fingertips_cell("Value", "-inf"),
                              "20-digit indicator id": _fingertips_cell("Indicator ID", "9" * 20),
                              "NUL in an area code": _fingertips_cell("Area Code", "E06\x00000016")}))
