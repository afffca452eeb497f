"""Every importer of the product, registered once for the fuzz suite (``tests/sources/test_fuzz_importers.py``).

An entry knows how to lay down a small valid input (``seed``), which file of it the hostile variants replace
(``target``), how to run the import (``run``) and which impossible values it must refuse (``impossible``:
name -> a function turning the valid target's bytes into bytes holding that value).

Adding an importer is one ``register(...)`` call. The NHS England workbook importer being written in parallel
joins at merge with one line, e.g.::

    register(Importer("nhse_workbook", seed=_copy(WORKBOOK_FIXTURE), target="x.xlsx", kind="xlsx",
                      run=lambda path, con: load_nhse_workbook(con, path)))
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pophealth.config import reference_dir, shared_dir
# imported here, not inside a fuzz example: importing that module applies its own @given decorators

FIXTURES = Path(__file__).parent / "fixtures"
STRATEGY_MIN = Path(__file__).parents[1] / "fixtures" / "strategy_min"
KEY = "test-key-0123456789abcdef0123456789"


@dataclass(frozen=True)
class Importer:
    name: str
    seed: Callable[[Path], Path]  # writes a valid input under the folder given; returns the path to import
    target: str  # the file (relative to the import path's folder, or the file itself) that variants replace
    kind: str  # "csv", "yaml" or "xlsx": which hostile variants apply
    run: Callable[[Path, object], object]  # run(import path, warehouse connection)
    impossible: dict[str, Callable[[bytes], bytes]] = field(default_factory=dict)


REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    REGISTRY[importer.name] = importer


def _copy_dir(source: Path) -> Callable[[Path], Path]:
    def seed(folder: Path) -> Path:
        return Path(shutil.copytree(source, folder / source.name))
    return seed


def _write(name: str, text: str) -> Callable[[Path], Path]:
    def seed(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path
    return seed


def _replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert old in data, f"{old!r} is not in the seed"
        return data.replace(old, new, 1)
    return change


def _pseudonymiser():
    from pophealth.sources.pseudonymise import Pseudonymiser

    return Pseudonymiser(KEY.encode())


# --- Fingertips CSV ------------------------------------------------------------------------------------
def _fingertips(path: Path, con) -> object:
    from pophealth.sources.fingertips_csv import import_fingertips_csv

    return import_fingertips_csv(con, path)


def _fingertips_seed(folder: Path) -> Path:
    path = folder / "fingertips.csv"
    lines = (shared_dir() / "data" / "reference" / "fingertips_sample_export_suicide_east_midlands_2015-17.csv"
             ).read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:30]))
    return path


def _fingertips_count(value: bytes) -> Callable[[bytes], bytes]:
    """Put ``value`` into the Count cell of the first data row."""
    def change(data: bytes) -> bytes:
        import csv

        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        column = rows[0].index("Count")
        rows[1][column] = value.decode()
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode()
    return change


def _fingertips_cell(header: str, value: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        import csv

        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        squash = [h.lower().replace(" ", "").replace("_", "") for h in rows[0]]
        rows[1][squash.index(header.lower().replace(" ", ""))] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode()
    return change


register(Importer("fingertips_csv", seed=_fingertips_seed, target="fingertips.csv", kind="csv", run=_fingertips,
                  impossible={"infinite count": _fingertips_count(b"inf"), "count 1e308": _fingertips_count(b"1e308"),
                              "negative count": _fingertips_count(b"-5"),
                              "infinite value": _fingertips_cell("Value", "-inf"),
                              "20-digit indicator id": _fingertips_cell("Indicator ID", "9" * 20),
                              "NUL in an area code": _fingertips_cell("Area Code", "E06\x00000016")}))


# --- OMOP CDM CSV -------------------------------------------------------------------------------------
def _omop(path: Path, con) -> object:
    from pophealth.sources.omop import load_omop

    return load_omop(con, path, _pseudonymiser())


register(Importer("omop_csv", seed=_copy_dir(FIXTURES / "omop_csv"), target="PERSON.csv", kind="csv", run=_omop,
                  impossible={"birth year 2999": _replace(b",1948,3,14,1948-03-14 00:00:00,", b",2999,3,14,2999-03-14 00:00:00,"),
                              "NUL in a source value": _replace(b"SRC-ALPHA-7731", b"SRC-AL\x00PHA")}))


def _omop_death_before_birth(folder: Path) -> Path:
    path = Path(shutil.copytree(FIXTURES / "omop_csv", folder / "omop_csv"))
    death = path / "DEATH.csv"
    death.write_bytes(death.read_bytes().replace(b"104,2024-01-19,", b"104,1901-01-19,"))
    return path


register(Importer("omop_csv_death", seed=_omop_death_before_birth, target="DEATH.csv", kind="csv", run=_omop,
                  impossible={"death before birth": lambda data: data}))


def _omop_parquet_seed(folder: Path) -> Path:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path = Path(shutil.copytree(FIXTURES / "omop_csv", folder / "omop_parquet"))
    for csv_file in list(path.glob("*.csv")):
        pq.write_table(pacsv.read_csv(csv_file), csv_file.with_suffix(".parquet"))
        csv_file.unlink()
    return path


register(Importer("omop_parquet", seed=_omop_parquet_seed, target="PERSON.parquet", kind="binary", run=_omop))


# --- Synthea CSV --------------------------------------------------------------------------------------
def _synthea(path: Path, con) -> object:
    from pophealth.sources.synthea import load_synthea

    return load_synthea(con, path, _pseudonymiser())


register(Importer("synthea_csv", seed=_copy_dir(FIXTURES / "synthea_legacy"), target="patients.csv", kind="csv",
                  run=_synthea,
                  impossible={"birth year 2999": _replace(b",1947-03-21,,", b",2999-03-21,,"),
                              "death before birth": _replace(b",1947-03-21,,", b",1947-03-21,1900-01-01,"),
                              "NUL in a name": _replace(b"Maren291", b"Ma\x00ren")}))


# --- strategy YAML ------------------------------------------------------------------------------------
def _strategy(path: Path, con) -> object:
    from pophealth.strategy import load_strategy

    return load_strategy(path)


def _duplicate_key(data: bytes) -> bytes:
    first = data.splitlines(keepends=True)
    for i, line in enumerate(first):
        if line[:1].isalpha() and b":" in line:  # a top-level key: say it twice
            return b"".join(first[: i + 1]) + line + b"".join(first[i + 1:])
    raise AssertionError("no top-level key in the seed")


register(Importer("strategy_yaml", seed=_copy_dir(STRATEGY_MIN), target="pledges.yaml", kind="yaml", run=_strategy,
                  impossible={"duplicate key": _duplicate_key,
                              "NUL in a text": lambda data: data.replace(b"\n", b"\x00\n", 3)}))


# --- delivery tracker XLSX ----------------------------------------------------------------------------
def _tracker_seed(folder: Path) -> Path:
    from pophealth.delivery.demo import build_demo_tracker
    from pophealth.delivery.xlsx_export import export_workbook
    from pophealth.warehouse import connect

    con = connect(folder / "seed.duckdb")
    build_demo_tracker(con)
    export_workbook(con, folder / "tracker.xlsx")
    con.close()
    return folder / "tracker.xlsx"


def _tracker(path: Path, con) -> object:
    from pophealth.delivery.xlsx_import import import_workbook

    return import_workbook(con, path, "fuzz")


register(Importer("tracker_xlsx", seed=_tracker_seed, target="tracker.xlsx", kind="xlsx", run=_tracker))


# --- NHS England statistics CSV -----------------------------------------------------------------------
def _nhse_seed(folder: Path) -> Path:
    path = folder / "cwt.csv"
    lines = (shared_dir() / "data" / "reference" / "cwt_llr_subicb_2023-04_to_2023-10.csv"
             ).read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:25]))
    return path


def _nhse(path: Path, con) -> object:
    from pophealth.sources.nhse_stats import load_nhse_files

    return load_nhse_files(con, [path])


register(Importer("nhse_csv", seed=_nhse_seed, target="cwt.csv", kind="csv", run=_nhse,
                  impossible={"negative total": _replace(b",1394.0,955.0,439", b",-1394.0,955.0,439"),
                              "infinite total": _replace(b",1394.0,955.0,439", b",inf,955.0,439")}))


# --- stats and SPC CSV inputs -------------------------------------------------------------------------
def _stats(path: Path, con) -> object:
    from pophealth.stats.csv_io import run_csv

    return run_csv("rate", path, path.with_name("out.csv"), group_by=["area"], levels=None, params={})


def _stats_seed(folder: Path) -> Path:
    path = folder / "rates.csv"
    lines = (reference_dir() / "phe_methods" / "rates.csv").read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:12]))
    return path


register(Importer("stats_csv", seed=_stats_seed, target="rates.csv", kind="csv", run=_stats,
                  impossible={"negative numerator": _replace(b",Area1,1,100,", b",Area1,-1,100,"),
                              "infinite denominator": _replace(b",Area1,1,100,", b",Area1,1,inf,")}))


def _spc_seed(folder: Path) -> Path:
    (folder / "cases.csv").write_text("case_id,improvement_direction,target,rebase_dates,fix_after_n_points,"
                                      "screen_outliers\nA,increase,,,,\n")
    path = folder / "points.csv"
    path.write_text("case_id,date,value\n" + "".join(f"A,2024-01-{d:02d},{10 + d % 3}\n" for d in range(1, 25)))
    return path


def _spc(path: Path, con) -> object:
    from pophealth.spc.batch import run_batch

    return run_batch(path.with_name("cases.csv"), path)


register(Importer("spc_csv", seed=_spc_seed, target="points.csv", kind="csv", run=_spc,
                  impossible={"infinite value": _replace(b"A,2024-01-02,12\n", b"A,2024-01-02,inf\n"),
                              "1e308 value": _replace(b"A,2024-01-03,10\n", b"A,2024-01-03,1e308\n")}))


# --- Prevention spend finance return (``pophealth resources import FILE``) ------------------------------
def _finance_return(path: Path, con) -> object:
    from pophealth.delivery.finance_return import load_finance_return

    return load_finance_return(con, path)


register(Importer("finance_return", seed=_write(
    "finance.csv", "org_code,period_start,period_end,category,amount_gbp,prevention,source\n"
    "QK1,2024-04-01,2025-03-31,Acute services,1800000,N,Ledger month 12\n"
    "QK1,2024-04-01,2025-03-31,Public health grant,200000.00,Y,Ledger month 12\n"), target="finance.csv", kind="csv",
    run=_finance_return, impossible={"negative amount": _replace(b",1800000,", b",-1800000,"),
                                     "infinite amount": _replace(b",1800000,", b",inf,"),
                                     "amount of 1e308": _replace(b",1800000,", b",1e308,"),
                                     "fraction of a penny": _replace(b",200000.00,", b",200000.001,"),
                                     "period ending before it starts": _replace(b"2024-04-01,2025-03-31,Acute",
                                                                                b"2024-04-01,2023-03-31,Acute"),
                                     "NUL in an org code": _replace(b"QK1,2024-04-01,2025-03-31,Acute",
                                                                    b"Q\x00K1,2024-04-01,2025-03-31,Acute")}))
# --- insight records CSV (``pophealth insights import FILE``) ---------------------------------------------
def _insights(path: Path, con) -> object:
    from pophealth.insight.csv_import import import_insights
    from pophealth.strategy import load_strategy

    return import_insights(con, load_strategy(), path)


register(Importer("insights_csv", seed=_write(
    "insight.csv", "id,source,date,method,people,group,place,themes,summary,priorities,quotes,quotes_consent,published\n"
    "city-survey-2024,City survey,2024-03,Survey,1200,plus:homelessness,Leicester,access;housing,"
    "People said registering with a GP is hard,focus:access-to-services;leicester:L2,It was hard,yes,yes\n"),
    target="insight.csv", kind="csv", run=_insights,
    impossible={"negative people": _replace(b",1200,", b",-1200,"),
                "infinite people": _replace(b",1200,", b",inf,"),
                "people 1e308": _replace(b",1200,", b",1e308,"),
                "fractional people": _replace(b",1200,", b",1200.5,"),
                "month 13": _replace(b",2024-03,", b",2024-13,"),
                "unknown priority": _replace(b"leicester:L2", b"leicester:L99"),
                "unknown PLUS group": _replace(b"plus:homelessness", b"plus:nobody"),
                "NUL in a summary": _replace(b"registering", b"regis\x00tering")}))


# the publishers' own files, in a module of their own (it registers into REGISTRY above)
import tests.sources.fuzz_registry_published  # noqa: E402,F401
