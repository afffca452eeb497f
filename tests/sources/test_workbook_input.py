"""Bad and rearranged workbooks: the same figures whatever the column order and heading spelling;
a damaged, incomplete or wrongly filled workbook is an InputError naming file, sheet, row and column.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pophealth.config import shared_dir
from pophealth.errors import InputError
from pophealth.sources.nhse_ae_workbook import parse_ae_workbook
from pophealth.sources.nhse_stats import parse_file
from pophealth.sources.workbook import open_workbook

ATT = "A&E attendances"
OVER = "A&E attendances > 4 hours from arrival to admission, transfer or discharge"
WITHIN = "A&E attendances < 4 hours from arrival to admission, transfer or discharge"
TYPES = ["Type 1 Departments - Major A&E", "Type 2 Departments - Single Specialty",
         "Type 3 Departments - Other A&E/Minor Injury Unit"]
# (group heading, column heading, England, provider RWE, provider NLO09)
COLUMNS = [
    ("", "Code", "-", "RWE", "NLO09"),
    ("", "Name", "England", "University Hospitals Of Leicester NHS Trust", "Melton Mowbray UCC"),
    *[(ATT, t, e, r, n) for t, e, r, n in zip(TYPES, [1000, 50, 600], [100, 10, 40], [0, 0, 20])],
    (ATT, "Total attendances", 1650, 150, 20),
    *[(WITHIN, t, e, r, n) for t, e, r, n in zip(TYPES, [800, 49, 590], [70, 9, 40], [0, 0, 19])],
    (WITHIN, "Total Attendances < 4 hours", 1439, 119, 19),
    *[(OVER, t, e, r, n) for t, e, r, n in zip(TYPES, [200, 1, 10], [30, 1, 0], [0, 0, 1])],
    (OVER, "Total Attendances > 4 hours", 211, 31, 1),
    ("Emergency Admissions", "Total Emergency Admissions", 300, 45, 0),
    ("", "Number of patients spending >4 hours from decision to admit to admission", 90, 12, 0),
    ("", "Number of patients spending >12 hours from decision to admit to admission", 4, 1, 0),
]


def write_workbook(path: Path, order: list[int], *, respell: bool = False, sheet: str = "Provider Level Data",
                   period: str = "March 2019", edit=None) -> Path:
    """A small workbook in the publication's shape: title block, group row over heading row, data."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["Title:", "A&E Attendances and Emergency Admissions"])
    ws.append([])
    ws.append(["Period:", period])
    ws.append([])
    ws.append([sheet])
    cols = [COLUMNS[i] for i in order]
    spell = (lambda s: "  " + s.upper().replace(" ", "  ") + " ") if respell else (lambda s: s)
    ws.append([spell(c[0]) if c[0] else "" for c in cols])
    ws.append([spell(c[1]) for c in cols])
    for k in (2, 3, 4):
        ws.append([c[k] for c in cols])
    if edit:
        edit(ws, cols)
    book.save(path)
    return path


def figures(path: Path) -> set[tuple]:
    obs = parse_ae_workbook(open_workbook(path)).observations
    return {(r.metric_id, r.org_code, r.org_type, r.numerator if r.numerator == r.numerator else None,
             r.denominator if r.denominator == r.denominator else None, r.value) for r in obs.itertuples()}


def test_synthetic_workbook_gives_the_figures_it_holds(tmp_path):
    got = figures(write_workbook(tmp_path / "a.xlsx", list(range(len(COLUMNS)))))
    assert ("ae-4-hour", "RWE", "provider", 119.0, 150.0, 119 / 150) in got
    assert ("ae-4-hour", "ENGLAND", "england", 1439.0, 1650.0, 1439 / 1650) in got
    assert ("ae-4-hour-type1", "RWE", "provider", 70.0, 100.0, 0.7) in got
    assert ("ae-attendances", "NLO09", "provider", None, None, 20.0) in got
    assert ("ae-12-hour-dta", "RWE", "provider", None, None, 1.0) in got
    assert not any(m == "ae-4-hour-type1" and org == "NLO09" for m, org, *_ in got)  # no type 1 department


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), respell=st.booleans())
def test_moved_and_respelled_columns_give_the_same_figures(tmp_path, seed, respell):
    base = figures(write_workbook(tmp_path / "base.xlsx", list(range(len(COLUMNS)))))
    order = list(range(len(COLUMNS)))
    random.Random(seed).shuffle(order)
    assert figures(write_workbook(tmp_path / "moved.xlsx", order, respell=respell)) == base


def test_a_non_numeric_cell_names_file_sheet_row_and_column(tmp_path):
    def edit(ws, cols):
        ws.cell(row=9, column=cols.index(COLUMNS[5]) + 1, value="twelve")  # RWE Total attendances

    path = write_workbook(tmp_path / "bad.xlsx", list(range(len(COLUMNS))), edit=edit)
    with pytest.raises(InputError) as err:
        parse_file(path)
    problem = err.value.problems[0]
    assert (problem.file, problem.sheet, problem.row) == ("bad.xlsx", "Provider Level Data", 9)
    assert problem.column.startswith("F (") and "Total attendances" in problem.column
    assert "twelve" in problem.message


def test_within_more_than_attendances_is_rejected(tmp_path):
    def edit(ws, cols):
        ws.cell(row=9, column=cols.index(COLUMNS[9]) + 1, value=999)  # RWE within 4 hours > attendances

    with pytest.raises(InputError, match="row 9.*between 0 and the attendances"):
        parse_file(write_workbook(tmp_path / "bad.xlsx", list(range(len(COLUMNS))), edit=edit))


def test_a_missing_column_group_is_named(tmp_path):
    order = [i for i, c in enumerate(COLUMNS) if c[0] not in (OVER, WITHIN)]
    with pytest.raises(InputError, match="row 7: no 'A&E attendances > 4 hours"):
        parse_file(write_workbook(tmp_path / "no4h.xlsx", order))


def test_missing_provider_sheet_is_named(tmp_path):
    path = write_workbook(tmp_path / "stp.xlsx", list(range(len(COLUMNS))), sheet="STP Level Data")
    with pytest.raises(InputError, match="no provider sheet"):
        parse_file(path)


def test_a_workbook_without_a_period_is_rejected(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", list(range(len(COLUMNS))), period="sometime")
    with pytest.raises(InputError, match="Period"):
        parse_file(path)


def test_an_unrelated_workbook_is_rejected_by_content(tmp_path):
    book = Workbook()
    book.active.append(["nothing", "to", "see"])
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(InputError, match="not a recognised"):
        parse_file(tmp_path / "other.xlsx")


def test_xlsx_bytes_named_xls_are_an_input_error(tmp_path):
    book = Workbook()
    book.save(tmp_path / "src.xlsx")
    (tmp_path / "named.xls").write_bytes((tmp_path / "src.xlsx").read_bytes())
    with pytest.raises(InputError, match="named.xls: cannot be read as an Excel workbook"):
        parse_file(tmp_path / "named.xls")


REAL = sorted((shared_dir() / "data" / "published" / "nhse-ae-by-provider").glob("*.xls"))[:1]


@pytest.mark.skipif(not REAL, reason="no published A&E workbook")
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(0.0, 0.999))
def test_a_truncated_workbook_is_an_input_error(tmp_path, fraction):
    """Cut anywhere: rejected naming the file, or (cut in the trailing padding) the very same figures."""
    data = REAL[0].read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: int(len(data) * fraction)])
    try:
        got = parse_file(path).observations
    except InputError as err:
        assert err.problems[0].file == "cut.xls"
    else:
        assert got.equals(parse_file(REAL[0]).observations)


@pytest.mark.skipif(not REAL, reason="no published A&E workbook")
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=20))
def test_a_corrupted_workbook_loads_or_is_an_input_error(tmp_path, flips):
    data = bytearray(REAL[0].read_bytes())
    for where, xor in flips:
        data[where % len(data)] ^= xor
    path = tmp_path / "flipped.xls"
    path.write_bytes(bytes(data))
    try:
        parse_file(path)
    except InputError as err:
        assert err.problems[0].file == "flipped.xls"


def test_a_provider_printed_twice_is_named_with_its_row(tmp_path):
    def edit(ws, cols):
        ws.append([c[3] for c in cols])  # the RWE row again, at row 11

    with pytest.raises(InputError, match="sheet 'Provider Level Data', row 11: organisation RWE appears more"):
        parse_file(write_workbook(tmp_path / "twice.xlsx", list(range(len(COLUMNS))), edit=edit))
