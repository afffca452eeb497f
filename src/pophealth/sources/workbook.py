"""Reading publishers' Excel workbooks (.xls and .xlsx) cell by cell, with checked conversions.

Statistical workbooks are laid out for people: a title block, a group heading row above a column
heading row, blank spacer rows, notes at the foot. The importers find what they need by its
heading, so this module gives them the raw grid with Excel's own coordinates (row 1 is the first
row of the sheet, column A the first column) and a ``Cells`` helper that converts a cell and,
when it is not what was expected, records a ``Problem`` naming file, sheet, row and column.

Workbooks are read with python-calamine (Rust ``calamine``), which reads both the old binary .xls
that NHS England publishes and .xlsx, and fails fast with an error on a damaged file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from pophealth.errors import InputError, Problem, shorten
from pophealth.sources.text_guard import MAX_CELL
from pophealth.sources.xlsx_guard import check_xlsx

WORKBOOK_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".xlsb", ".ods")
# Cells published for "none", "not applicable" or "not collected": read as missing, never as zero.
MISSING = {"", "-", "–", "n/a", "na", ".", "*", ":", "..", "x"}

Grid = list[list[object]]


def norm(text: object) -> str:
    """A heading as compared: lower case, single spaces, no non-breaking spaces."""
    return re.sub(r"\s+", " ", str(text).replace("\xa0", " ")).strip().lower()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (the column as a spreadsheet shows it)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Workbook:
    """Every sheet of one workbook as a grid of Python values (empty cells are ``""``)."""

    path: Path
    names: list[str]
    _book: python_calamine.CalamineWorkbook
    _grids: dict[str, Grid] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.path.name

    def grid(self, name: str) -> Grid:
        if name not in self._grids:
            try:
                sheet = self._book.get_sheet_by_name(name)
                grid = sheet.to_python(skip_empty_area=False)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - a damaged sheet (even a reader panic) is bad input
                raise InputError(Problem(self.file, f"the sheet cannot be read: {exc}", sheet=name)) from None
            _refuse_long_cells(self.file, name, grid)
            self._grids[name] = grid
        return self._grids[name]


def _refuse_long_cells(file: str, sheet: str, grid: Grid) -> None:
    """A cell longer than ``MAX_CELL`` characters is no publisher's statistic (Excel's own limit is 32,767):
    refuse the workbook, naming the cell, rather than carry or echo it."""
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL:
                raise InputError(Problem(file, f"a cell is longer than {MAX_CELL:,} characters: {shorten(value)}",
                                         row=r + 1, column=column_letter(c), sheet=sheet))


def open_workbook(path: Path) -> Workbook:
    """Open a workbook; a missing, truncated or non-Excel file is an ``InputError`` naming the file."""
    if not path.is_file():
        raise InputError(Problem(path.name, "file not found"))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_xlsx(path)  # a zip of a sane size (no zip bomb) before calamine inflates anything
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine raises several types (and may panic) on damaged files
        raise InputError(Problem(path.name, f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})"),
                         hint="the file may be truncated or damaged: download it again") from None
    return Workbook(path, names, book)


def cell(grid: Grid, row: int, col: int) -> object:
    """The value at 0-based ``row``/``col``, or ``""`` outside the sheet's used range."""
    if 0 <= row < len(grid) and 0 <= col < len(grid[row]):
        return grid[row][col]
    return ""


class Cells:
    """Checked conversions of the cells of one sheet; problems accumulate in ``problems``."""

    def __init__(self, book: Workbook, sheet: str) -> None:
        self.book = book
        self.sheet = sheet
        self.grid = book.grid(sheet)
        self.problems: list[Problem] = []
        self.headings: dict[int, str] = {}  # column index → heading shown in messages

    def where(self, col: int) -> str:
        heading = self.headings.get(col)
        return f"{column_letter(col)} ({heading})" if heading else column_letter(col)

    def problem(self, message: str, row: int | None = None, col: int | None = None) -> None:
        self.problems.append(Problem(self.book.file, message, row=None if row is None else row + 1,
                                     column=None if col is None else self.where(col), sheet=self.sheet))

    def number(self, row: int, col: int) -> float | None:
        """A count or a fraction; published blanks ("-", "N/A", empty) are ``None``."""
        value = cell(self.grid, row, col)
        if isinstance(value, bool):
            self.problem(f"expected a number, got {value!r}", row, col)
            return None
        if isinstance(value, (int, float)):
            if math.isfinite(value):
                return float(value)
            self.problem(f"expected a finite number, got {value!r}", row, col)
            return None
        if isinstance(value, str):
            text = value.strip()
            if norm(text) in MISSING:
                return None
            try:
                number = float(text.replace(",", ""))
            except ValueError:
                self.problem(f"expected a number, got {value!r}", row, col)
                return None
            if math.isfinite(number):
                return number
        self.problem(f"expected a number, got {value!r}", row, col)
        return None

    def count(self, row: int, col: int) -> float | None:
        """A number that cannot be negative."""
        value = self.number(row, col)
        if value is not None and value < 0:
            self.problem(f"expected a count of at least 0, got {value!r}", row, col)
            return None
        return value

    def text(self, row: int, col: int) -> str:
        value = cell(self.grid, row, col)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).replace("\xa0", " ").strip()

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
