"""Checks every delimited-text input passes before a parser sees it: UTF-8, no NUL bytes, no giant cells,
no ragged rows, within a size limit.

Parsers fail on hostile text in ways a user cannot act on (a ``UnicodeDecodeError`` traceback), silently
(a value cut at a NUL byte, a short row padded with blanks) or slowly (a 10 MB cell took minutes). Each
importer calls ``checked_text`` on the file's bytes first and gets a clear ``InputError`` naming the file,
the row and what was expected.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pophealth.errors import InputError, Problem, shorten

MAX_FILE_BYTES = 2 * 1024 ** 3  # 2 GB: a national extract is far smaller than this
MAX_CELL = 10_000  # characters: the longest narrative in a tracker is a few hundred
SHOWN = 20


def read_checked(path: Path, label: str | None = None, *, delimiter: str | None = None) -> str:
    """The file's text after ``checked_text`` (and a clear error when it cannot be read at all)."""
    label = label or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(Problem(label, f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"))
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(label, "file not found")) from None
    except OSError as exc:
        raise InputError(Problem(label, f"cannot be read: {exc.strerror}")) from None
    return checked_text(data, label, delimiter=delimiter)


def checked_text(data: bytes, label: str, *, delimiter: str | None = None) -> str:
    """Decode ``data`` as UTF-8 (a leading byte-order mark allowed) and check it as delimited text."""
    text = _decode(data, label)
    problems: list[Problem] = []
    if "\x00" in text:
        for number, line in enumerate(text.splitlines(), start=1):
            if "\x00" in line:
                problems.append(Problem(label, "contains a NUL byte (a binary file, or text cut short?)", row=number))
                if len(problems) >= SHOWN:
                    break
        raise InputError(problems)
    first = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = "\t" if "\t" in first else ","
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        width = None
        try:
            for row in reader:
                if width is None:
                    width = len(row)
                    continue
                if row and len(row) != width and any(cell.strip() for cell in row):
                    problems.append(Problem(label, f"has {len(row)} fields where the header has {width}",
                                            row=reader.line_num))
                if len(problems) >= SHOWN:
                    break
        except csv.Error as exc:
            message = str(exc)
            if "field larger" in message:
                message = f"a cell is longer than {MAX_CELL:,} characters"
            problems.append(Problem(label, f"cannot be read as delimited text: {message}", row=reader.line_num + 1))
    finally:
        csv.field_size_limit(previous)
    if problems:
        raise InputError(problems)
    return text


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 1].hex()
        hint = " (it looks like UTF-16: save it as UTF-8)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else \
            " (save it as UTF-8)"
        raise InputError(Problem(label, f"is not UTF-8 text: byte 0x{bad} at position {exc.start:,}{hint}",
                                 row=row)) from None


def check_cell_texts(values, label: str, column: str, rows) -> list[Problem]:
    """Problems for text cells holding NUL bytes or longer than ``MAX_CELL`` (for Parquet and workbooks)."""
    problems = []
    for value, row in zip(values, rows):
        if isinstance(value, str) and ("\x00" in value or len(value) > MAX_CELL):
            what = "contains a NUL byte" if "\x00" in value else f"is longer than {MAX_CELL:,} characters"
            problems.append(Problem(label, f"the cell {what}: {shorten(value)}", row=row, column=column))
            if len(problems) >= SHOWN:
                break
    return problems
