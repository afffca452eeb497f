"""Writing every published table as a CSV beside its page, and the open-data index of them all.

Suppressed and missing cells are left empty. ``open-data.json`` at the site root lists every CSV
with its page, caption, count columns and grouping, so anyone (and the crawler test) can check
each file against the disclosure policy.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path, PurePosixPath

from pydantic import BaseModel

from pophealth.cells import csv_row
from pophealth.microsite.tables import PublishedTable

MANIFEST = "open-data.json"


class OpenDataFile(BaseModel):
    csv: str  # site-relative path, e.g. "places/E06000016-profile.csv"
    page: str
    caption: str
    columns: list[str]
    count_columns: list[str]
    group_by: list[str]


def csv_path(page_path: str, table: PublishedTable) -> str:
    """``pledges/3.html`` + slug ``measures`` → ``pledges/3-measures.csv``."""
    page = PurePosixPath(page_path)
    return str(page.with_name(f"{page.stem}-{table.slug}.csv"))


def write_csv(table: PublishedTable, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [c.name for c in table.columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_row(names))
        for row in table.rows:
            writer.writerow(csv_row("" if row[n] is None else row[n] for n in names))


def entry(page_path: str, table: PublishedTable) -> OpenDataFile:
    return OpenDataFile(csv=csv_path(page_path, table), page=page_path, caption=table.caption,
                        columns=[c.name for c in table.columns], count_columns=table.count_columns,
                        group_by=table.group_by)


def write_manifest(out: Path, files: list[OpenDataFile]) -> None:
    (out / MANIFEST).write_text(json.dumps([f.model_dump() for f in files], indent=2), encoding="utf-8")


def read_manifest(out: Path) -> list[OpenDataFile]:
    return [OpenDataFile(**f) for f in json.loads((out / MANIFEST).read_text(encoding="utf-8"))]
