"""Checks a workbook passes before openpyxl opens it: a real zip, of a size that fits in memory.

An XLSX is a zip; a 1.3 MB file can inflate to gigabytes (a zip bomb) and kept a load busy for minutes.
The declared sizes in the zip's directory are checked first, without inflating anything.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pophealth.errors import InputError, Problem

MAX_INFLATED = 200 * 1024 * 1024  # bytes of XML in one workbook: a large tracker is a few MB
MAX_RATIO = 200  # inflated / compressed, for parts over 1 MB (XML of real sheets compresses about 10:1)


def check_xlsx(path: Path, label: str | None = None) -> None:
    """Raise ``InputError`` unless ``path`` is a zip whose parts inflate to a reasonable size."""
    label = label or Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except FileNotFoundError:
        raise InputError(Problem(label, "file not found")) from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(Problem(label, f"not a readable .xlsx workbook (not a zip file: {str(exc)[:80]})")) from None
    total = sum(p.file_size for p in parts)
    if total > MAX_INFLATED:
        raise InputError(Problem(label, f"the workbook inflates to {total:,} bytes; the limit is {MAX_INFLATED:,}"))
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise InputError(Problem(label, f"the part {part.filename[:80]} inflates {part.file_size:,} bytes from "
                                            f"{part.compress_size:,}: not a workbook a program wrote"))
