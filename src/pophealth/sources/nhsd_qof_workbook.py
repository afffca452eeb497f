"""NHS Digital Quality and Outcomes Framework (QOF) CCG-level workbooks: recorded disease prevalence.

One sheet per disease group (AF, AST, ..., named with NHS Digital's group code). Each sheet has a
"Prevalence" group heading spanning one block per QOF year ("2013-14", "2014-15": the publication's
year and the year before, for comparison) above the column headings "Number of practices",
"List size ..." (one or more: the whole list and age-specific lists such as "Estimated List Size
17+"), "Register" and "Prevalence". Blocks, columns and years are found by these headings, never
by position. Which list size is the prevalence denominator is read from the workbook itself: the
one for which register ÷ list size reproduces the published prevalence in every row.

The publication's year is the latest year printed above the prevalence blocks (every sheet must
agree). The year-before block is returned apart as comparison rows: the loader writes them only
where that year's own publication has not been loaded, and skips a sheet whose notes advise
against using the earlier figures (CKD 2013-14 in the 2014-15 file).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from pophealth.errors import InputError, Problem, shorten
from pophealth.sources.workbook import Cells, Grid, Workbook, cell, norm

PUBLISHER = "NHS Digital"
PUBLICATION = "Quality and Outcomes Framework, recorded disease prevalence (CCG level)"
METRIC_PREFIX = "qof-prevalence-"
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_CCG = re.compile(r"^[0-9A-Z]{3}$")
_NOT_CLEAN = ("recommend against using",)
MAX_COUNT = 10_000_000_000  # people on a register or a list: more than this is an error in the file
_TOLERANCE = 1e-6  # relative: the published prevalence is register ÷ list size × 100 in full precision


def _is_ccg_code_heading(text: str) -> bool:
    return text.startswith("ccg") and "code" in text and "geography" not in text and "ons" not in text


def find_header(grid: Grid) -> int | None:
    """The 0-based heading row: a CCG code heading and a "Register" heading."""
    for r in range(min(len(grid), 40)):
        texts = [norm(v) for v in grid[r]]
        if "register" in texts and any(_is_ccg_code_heading(t) for t in texts):
            return r
    return None


def is_qof_workbook(book: Workbook) -> bool:
    """True when a sheet has a CCG code and Register heading row under a "Prevalence" group."""
    for name in book.names:
        grid = book.grid(name)
        header = find_header(grid)
        if header is not None and _prevalence_span(grid, header) is not None:
            return True
    return False


def _prevalence_span(grid: Grid, header: int) -> tuple[int, int, int] | None:
    """(group row, first column, end column) of the "Prevalence" group heading above ``header``."""
    for r in range(header - 1, max(header - 8, -1), -1):
        row = grid[r]
        for c, value in enumerate(row):
            if norm(value) == "prevalence":
                end = next((k for k in range(c + 1, len(row)) if norm(row[k]) not in ("", "_")), len(grid[header]))
                return r, c, end
    return None


@dataclass(frozen=True)
class Block:
    year: str
    register: int
    prevalence: int
    list_sizes: tuple[int, ...]


def _blocks(cells: Cells, header: int, span: tuple[int, int, int]) -> list[Block]:
    """One block per year label between the group heading and the column headings."""
    group_row, first, end = span
    starts: dict[int, str] = {}
    bounds: set[int] = {end}
    for r in range(group_row, header):
        for c in range(first, end):
            text = norm(cell(cells.grid, r, c))
            if _YEAR.match(text):
                starts[c] = text
                bounds.add(c)
            elif text not in ("", "_", "prevalence"):
                bounds.add(c)
    blocks = []
    for start, year in sorted(starts.items()):
        stop = min(b for b in bounds if b > start)
        heads = {c: norm(cell(cells.grid, header, c)) for c in range(start, stop)}
        register = [c for c, h in heads.items() if h == "register"]
        prevalence = [c for c, h in heads.items() if h.startswith("prevalence")]
        lists = tuple(c for c, h in heads.items() if "list size" in h)
        if len(register) != 1 or len(prevalence) != 1 or not lists:
            cells.problem(f"the {year} prevalence block (columns {start + 1}-{stop}) needs one 'Register', one "
                          f"'Prevalence' and at least one 'List size' heading", header, start)
            continue
        blocks.append(Block(year, register[0], prevalence[0], lists))
    return blocks


def _candidates(cells: Cells, block: Block, header: int) -> list[tuple[int, ...]]:
    """Each list-size column alone, then the sum of the age-specific ones (OST 2014-15: 50-74 + 75+)."""
    single = [(c,) for c in block.list_sizes]
    aged = tuple(c for c in block.list_sizes if re.search(r"\d", norm(cell(cells.grid, header, c))))
    return single + ([aged] if len(aged) > 1 else [])


def _denominator(cells: Cells, block: Block, header: int, rows: list[int]) -> tuple[int, ...] | None:
    """The list-size column(s) whose register ÷ list size × 100 equals the published prevalence in every row."""
    for cols in _candidates(cells, block, header):
        agree = True
        for r in rows:
            reg, prev = cells.number(r, block.register), cells.number(r, block.prevalence)
            sizes = [cells.number(r, c) for c in cols]
            if reg is None or prev is None or any(v is None for v in sizes) or not sum(sizes):  # type: ignore[arg-type]
                continue
            if abs(reg / sum(sizes) * 100 - prev) > _TOLERANCE * max(abs(prev), 1e-9):  # type: ignore[arg-type]
                agree = False
                break
        if agree:
            return cols
    return None


def _counts_hold(cells: Cells, block: Block, rows: list[int]) -> bool:
    """Every register and list size of ``block`` is a number of people: finite, at least 0, at most
    ``MAX_COUNT``, and a register a whole number. Checked in every block, comparison years too, so that an
    impossible figure is refused rather than quietly skipped with the block. False when one is not."""
    before = len(cells.problems)
    for r in rows:
        for c in (block.register, *block.list_sizes):
            value = cells.count(r, c)
            if value is None:
                continue
            if value > MAX_COUNT or (c == block.register and not value.is_integer()):
                what = "a whole number of people" if c == block.register else "a number of people"
                cells.problem(f"expected {what} up to {MAX_COUNT:,}, got {shorten(value)}", r, c)
    return len(cells.problems) == before


def year_period(year: str) -> tuple[dt.date, dt.date]:
    """QOF year "2014-15" → 1 April 2014 to 31 March 2015."""
    first = int(year[:4])
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


@dataclass(frozen=True)
class QofWorkbook:
    year: str
    observations: pd.DataFrame  # the publication's own year
    comparison: pd.DataFrame    # earlier years printed for comparison (written only where absent)
    skipped_comparison: tuple[str, ...]  # earlier-year blocks left out: advised against, or restated


def _sheet_rows(cells: Cells, header: int, ccg_col: int) -> list[tuple[int, str]]:
    rows = []
    for r in range(header + 1, len(cells.grid)):
        code = cells.text(r, ccg_col).upper()
        if _CCG.match(code):
            rows.append((r, code))
    return rows


def parse_qof_workbook(book: Workbook) -> QofWorkbook:
    """Prevalence per CCG per disease group; raises ``InputError`` listing every problem."""
    problems: list[Problem] = []
    records: list[dict] = []
    latest: dict[str, str] = {}
    skipped: list[str] = []
    for name in book.names:
        grid = book.grid(name)
        header = find_header(grid)
        span = _prevalence_span(grid, header) if header is not None else None
        if header is None or span is None:
            continue
        cells = Cells(book, name)
        texts = [norm(v) for v in grid[header]]
        ccg_col = next(c for c, t in enumerate(texts) if _is_ccg_code_heading(t))
        for c, t in enumerate(texts):
            if t:
                cells.headings[c] = str(grid[header][c]).replace("\n", " ").strip()
        blocks = _blocks(cells, header, span)
        rows = _sheet_rows(cells, header, ccg_col)
        if not blocks:
            problems += cells.problems or [Problem(book.file, "no year blocks under 'Prevalence'", sheet=name)]
            continue
        this_year = max(b.year for b in blocks)
        latest[name] = this_year
        notes = " ".join(norm(v) for r in range(header) for v in grid[r])
        clean = not any(phrase in notes for phrase in _NOT_CLEAN)
        if not clean:
            skipped.append(f"{name} (earlier years: the sheet advises against using them)")
        group = name.strip().lower()
        for block in blocks:
            if block.year != this_year and not clean:
                continue
            if not _counts_hold(cells, block, [r for r, _ in rows]):
                continue
            den_cols = _denominator(cells, block, header, [r for r, _ in rows])
            if den_cols is None:
                if block.year == this_year:
                    cells.problem(f"no list size in the {block.year} block reproduces the published prevalence "
                                  "(register ÷ list size × 100)", header, block.prevalence)
                else:
                    skipped.append(f"{name} {block.year}")  # restated comparison figures: not clean
                continue
            start, end = year_period(block.year)
            for r, code in rows:
                register = cells.count(r, block.register)
                sizes = [cells.count(r, c) for c in den_cols]
                if register is None or any(v is None for v in sizes):
                    continue  # the CCG did not exist that year
                size = float(sum(sizes))  # type: ignore[arg-type]
                if size <= 0 or register > size:
                    cells.problem(f"expected a register ({register:g}) no larger than a positive list size "
                                  f"({size:g})", r, den_cols[0])
                    continue
                records.append({"metric_id": METRIC_PREFIX + group, "org_code": code, "org_type": "sub_icb",
                                "breakdown": "", "period_start": start, "period_end": end,
                                "numerator": register, "denominator": size, "value": register / size,
                                "unit": "proportion", "_primary": block.year == this_year})
        problems += cells.problems
    if not latest and not problems:
        problems.append(Problem(book.file, "no sheet with a 'Prevalence' block over 'CCG code' and 'Register' "
                                "headings"))
    years = set(latest.values())
    if len(years) > 1:
        problems.append(Problem(book.file, "the sheets are for different QOF years: " + ", ".join(
            f"{s!r} {y}" for s, y in latest.items())))
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame.from_records(records)
    primary = frame.pop("_primary")
    duplicated = frame.duplicated(["metric_id", "org_code", "period_start"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise InputError(Problem(book.file, f"CCG {first['org_code']} appears more than once in "
                                 f"{first['metric_id']}"))
    return QofWorkbook(years.pop(), frame[primary].reset_index(drop=True),
                       frame[~primary].reset_index(drop=True), tuple(skipped))
