"""Dated copies of every file a load took in, kept beside the warehouse.

A board pack or a measure page can then be traced to the exact bytes the publisher released: each
loaded file is copied, once per content, to ``snapshots/<publication>/<load date>/<file name>``
next to the warehouse file (the load history records its sha256). An in-memory warehouse keeps none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb


def warehouse_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The folder of the warehouse file, or None for an in-memory warehouse."""
    for _seq, _name, file in con.execute("PRAGMA database_list").fetchall():
        if file:
            return Path(file).parent
    return None


def keep_snapshots(con: duckdb.DuckDBPyConnection, publication: str, paths: Iterable[Path],
                   day: dt.date | None = None) -> list[Path]:
    """Copy each file into the dated snapshot folder; a file already kept with the same bytes is not copied."""
    folder = warehouse_folder(con)
    if folder is None:
        return []
    target = folder / "snapshots" / re.sub(r"[^a-z0-9-]+", "-", publication.lower()).strip("-") / \
        (day or dt.date.today()).isoformat()
    kept = []
    for path in paths:
        path = Path(path)
        dest = target / path.name
        if dest.exists() and _digest(dest) == _digest(path):
            kept.append(dest)
            continue
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        kept.append(dest)
    return kept


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
