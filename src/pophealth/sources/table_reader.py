"""Reading a statistical CSV or Excel sheet as text and converting its columns with row-level checks.

Every cell is read as text so that nothing is silently coerced; ``Columns`` converts a column and
records a ``Problem`` naming the file, the row as a spreadsheet shows it (header = row 1) and the
column for every cell that is not what was expected.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.sources.text_guard import read_checked
from pophealth.sources.xlsx_guard import check_xlsx

BLANKS = {"", "-", "*"}  # published for "none" or "not applicable"


def read_table(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The first sheet (Excel) or the whole file (CSV) as text, with trimmed headers."""
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            check_xlsx(path)  # a zip of a sane size (no zip bomb) before anything is inflated
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
            sheet, frame = next(iter(sheets.items()))
        else:
            text = read_checked(path)  # UTF-8, no NUL bytes, no giant cells, no ragged rows
            frame, sheet = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False), None
    except FileNotFoundError:
        raise InputError(Problem(path.name, "file not found")) from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(Problem(path.name, f"cannot be read as a table: {exc}")) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda s: s.astype(str).str.strip()), sheet


class Columns:
    """Checked conversions of the columns of one table; problems accumulate in ``problems``."""

    def __init__(self, frame: pd.DataFrame, file: str, sheet: str | None = None) -> None:
        self.frame = frame
        self.file = file
        self.sheet = sheet
        self.problems: list[Problem] = []

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, row=row, column=column, sheet=self.sheet))

    def require(self, *names: str) -> bool:
        """True when every named column is present; otherwise one problem per missing column."""
        missing = [n for n in names if n not in self.frame.columns]
        for name in missing:
            self.problem(f"missing column {name!r}; found {list(self.frame.columns)}", column=name)
        return not missing

    def find(self, *candidates: str) -> str | None:
        """The first of ``candidates`` present (header spellings vary between years)."""
        return next((c for c in candidates if c in self.frame.columns), None)

    def rows(self, mask: pd.Series) -> list[int]:
        """Spreadsheet row numbers (header is row 1) of the rows selected by ``mask``.

        Index labels are the original row positions, so filtered frames still report true rows.
        """
        return [int(label) + 2 for label in mask.index[mask.fillna(False).to_numpy(dtype=bool)]]

    def number(self, column: str, *, blank: float | None = None, minimum: float | None = 0.0) -> pd.Series:
        """A numeric column; blank cells become ``blank`` (a problem when ``blank`` is None)."""
        raw = self.frame[column]
        empty = raw.isin(BLANKS)
        values = pd.to_numeric(raw.str.replace(",", "", regex=False).where(~empty), errors="coerce")
        for row in self.rows(~empty & values.isna()):
            self.problem(f"expected a number, got {raw.loc[row - 2]!r}", row, column)
        if blank is None:
            for row in self.rows(empty):
                self.problem("expected a number, the cell is blank", row, column)
        else:
            values = values.where(~empty, blank)
        if minimum is not None:
            for row in self.rows(values < minimum):
                self.problem(f"expected a number of at least {minimum:g}, got {raw.loc[row - 2]!r}", row, column)
        return values.astype(float)

    def date(self, column: str, fmt: str | None = None) -> pd.Series:
        """A date column (``fmt`` as for ``strptime``; otherwise ISO or day-first dates)."""
        raw = self.frame[column]
        if fmt:
            parsed = pd.to_datetime(raw, format=fmt, errors="coerce")
        else:
            parsed = pd.to_datetime(raw, format="ISO8601", errors="coerce")
            retry = parsed.isna()
            if retry.any():
                parsed[retry] = pd.to_datetime(raw[retry], dayfirst=True, errors="coerce", format="mixed")
        for row in self.rows(parsed.isna()):
            self.problem(f"expected a date{f' like {fmt}' if fmt else ''}, got {raw.loc[row - 2]!r}", row, column)
        return parsed

    def text(self, column: str, *, required: bool = True) -> pd.Series:
        raw = self.frame[column]
        if required:
            for row in self.rows(raw.isin(BLANKS)):
                self.problem("expected a value, the cell is blank", row, column)
        return raw

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
