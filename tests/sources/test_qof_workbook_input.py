"""QOF workbooks read by headings: moved blocks and columns give the same figures; the prevalence
denominator is the list size that reproduces the published prevalence; bad cells are named.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pophealth.errors import InputError
from pophealth.sources.nhsd_qof_workbook import parse_qof_workbook
from pophealth.sources.nhse_stats import parse_file
from pophealth.sources.workbook import open_workbook

IDS = [("CCG code", ["04C", "03W"]), ("CCG name", ["NHS Leicester City CCG", "NHS East Leics CCG"])]
# per year: (heading, values for the two CCGs); prevalence = register / 17+ list × 100
YEARS = {
    "2018-19": [("Number of practices", [57, 30]), ("List size", [416559, 330000]),
                ("List size ages 17+", [327328, 270000]), ("Register", [30656, 18000])],
    "2019-20": [("Number of practices", [57, 30]), ("List size", [423324, 335000]),
                ("List size ages 17+", [333816, 275000]), ("Register", [31242, 18500])],
}


def _prevalence(cols):
    lists = dict(cols)
    return [r / n * 100 for r, n in zip(lists["Register"], lists["List size ages 17+"])]


def write_qof(path: Path, seed: int = 0, respell: bool = False, edit=None) -> Path:
    rnd = random.Random(seed)
    spell = (lambda s: " " + s.upper() + "  ") if respell else (lambda s: s)
    ids = IDS[:]
    rnd.shuffle(ids)
    years = list(YEARS.items())
    rnd.shuffle(years)
    book = Workbook()
    ws = book.active
    ws.title = "DM"
    for _ in range(3):
        ws.append([])
    group, year_row, head, rows = [], [], [], [[], []]
    for heading, values in ids:
        group.append("")
        year_row.append("")
        head.append(spell(heading))
        for i in range(2):
            rows[i].append(values[i])
    for n, (year, cols) in enumerate(years):
        cols = cols[:] + [("Prevalence (%)", _prevalence(cols))]
        rnd.shuffle(cols)
        for k, (heading, values) in enumerate(cols):
            group.append("Prevalence" if n == 0 and k == 0 else "")
            year_row.append(year if k == 0 else "")
            head.append(spell(heading))
            for i in range(2):
                rows[i].append(values[i])
    group.append("Achievement")
    year_row.append("2019-20")
    head.append("Total Achievement Score")
    for i in range(2):
        rows[i].append(100.0)
    for line in (group, year_row, head, *rows):
        ws.append(line)
    ws.append(["Copyright © 2020, Health and Social Care Information Centre."])
    if edit:
        edit(ws, head)
    book.save(path)
    return path


def figures(path: Path) -> tuple[set, set]:
    parsed = parse_qof_workbook(open_workbook(path))
    as_set = lambda f: {(r.metric_id, r.org_code, str(r.period_start), r.numerator, r.denominator, r.value)  # noqa: E731
                        for r in f.itertuples()}
    return as_set(parsed.observations), as_set(parsed.comparison)


def test_the_denominator_is_the_list_that_reproduces_the_prevalence(tmp_path):
    own, earlier = figures(write_qof(tmp_path / "q.xlsx"))
    assert ("qof-prevalence-dm", "04C", "2019-04-01", 31242.0, 333816.0, 31242 / 333816) in own
    assert ("qof-prevalence-dm", "03W", "2018-04-01", 18000.0, 270000.0, 18000 / 270000) in earlier
    assert len(own) == len(earlier) == 2


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), respell=st.booleans())
def test_moved_blocks_and_columns_give_the_same_figures(tmp_path, seed, respell):
    assert figures(write_qof(tmp_path / "moved.xlsx", seed, respell)) == figures(write_qof(tmp_path / "base.xlsx"))


def test_a_non_numeric_register_names_file_sheet_row_and_column(tmp_path):
    def edit(ws, head):
        col = max(i for i, h in enumerate(head) if h == "Register") + 1
        ws.cell(row=7, column=col, value="lots")

    with pytest.raises(InputError) as err:
        parse_file(write_qof(tmp_path / "bad.xlsx", edit=edit))
    problem = next(p for p in err.value.problems if "lots" in p.message)
    assert (problem.file, problem.sheet, problem.row) == ("bad.xlsx", "DM", 7)
    assert "Register" in problem.column


def test_a_prevalence_no_list_size_reproduces_is_rejected(tmp_path):
    def edit(ws, head):
        for i, h in enumerate(head):
            if h.startswith("Prevalence"):
                ws.cell(row=7, column=i + 1, value=99.0)  # in both years' blocks

    with pytest.raises(InputError, match="reproduces the published prevalence"):
        parse_file(write_qof(tmp_path / "bad.xlsx", edit=edit))
