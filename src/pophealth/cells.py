"""Cells of every spreadsheet and CSV the product writes hold text as text, never as a formula.

A narrative such as ``=HYPERLINK("http://example.invalid","x")`` typed by an action lead, an editor or
arriving in a source file would otherwise run as a formula when a board member opens the export in Excel
or LibreOffice (CSV or formula injection). The guidance followed is OWASP's "CSV Injection":

- **CSV**: a text value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their
  full-width forms, which some spreadsheet programs also accept) gets a leading apostrophe, so it is shown
  as the text it is. Plain numbers written as text (``-5``, ``+1.5e3``) are left alone: no spreadsheet runs
  them and they stay numbers for anyone reading the file with a program.
- **XLSX**: text goes into string cells (openpyxl would otherwise store a value starting ``=`` as a
  formula); the text is kept exactly, so a workbook reads back unchanged (the tracker round-trip).

Every writer goes through ``csv_row`` / ``csv_frame`` or ``text_only``; a test checks that every module
that writes CSV or XLSX uses them (``tests/test_cells.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet program would treat as a formula (or a DDE command)."""
    return isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value)


def csv_cell(value: Any) -> Any:
    """The value to write to a CSV cell: formula-like text gets a leading apostrophe, all else unchanged."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def csv_frame(frame):  # pandas.DataFrame -> pandas.DataFrame (pandas is imported by the caller)
    """A copy of ``frame`` whose text columns (and header) are safe to write with ``to_csv``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(csv_cell)
    out.columns = [csv_cell(str(c)) if isinstance(c, str) else c for c in out.columns]
    return out


def text_only(workbook) -> None:  # openpyxl.Workbook
    """Store every cell openpyxl took for a formula as the string it was given (call just before saving).

    The product never writes formulas on purpose, so any formula cell came from text."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
