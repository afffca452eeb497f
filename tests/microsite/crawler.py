"""An independent reader of a built microsite: every page, every CSV, every published count.

It knows the policy only as the issue states it (no count in 1..7; every count a multiple of 5
or 0; within a table with a total, no group with exactly one suppressed cell) and the site's
conventions (count cells carry ``data-count``; rows of a table with totals carry ``data-group``;
suppressed cells read "[c]" on the page and are empty in the CSV). It shares no code with the
builder, so a fault in the publishing path cannot hide itself here.
"""

from __future__ import annotations

import csv
import json
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

MAX_SMALL = 7
BASE = 5
COUNT_NAMES = ("count", "numerator", "denominator")


def is_count(name: str) -> bool:
    return name in COUNT_NAMES or name.endswith("_count")


@dataclass
class Table:
    total: bool
    rows: list[tuple[str | None, list[tuple[str, str]]]] = field(default_factory=list)  # (group, [(column, text)])


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts = 0
        self.h1 = 0
        self.lang: str | None = None
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tables: list[Table] = []
        self._row: tuple[str | None, list[tuple[str, str]]] | None = None
        self._cell: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "id" in a and a["id"]:
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        elif tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "table":
            self.tables.append(Table(total="data-total" in a))
        elif tag == "tr" and self.tables:
            self._row = (a.get("data-group"), [])
        elif tag == "td" and "data-count" in a:
            self._cell = (a["data-count"] or "", [])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row[1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row[1]:
                self.tables[-1].rows.append(self._row)
            self._row = None


def count_problem(text: str) -> str | None:
    """``None`` if a published count cell is fine; else what is wrong with it."""
    if text in ("", "[c]"):
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return f"count cell {text!r} is not a number"
    if value != int(value):
        return f"count {text} is not a whole number"
    if 1 <= value <= MAX_SMALL:
        return f"count {text} is in 1..{MAX_SMALL}"
    if int(value) % BASE:
        return f"count {text} is not a multiple of {BASE}"
    return None


def lone_suppressions(cells: list[tuple[str, str, bool]]) -> list[str]:
    """(group, column, suppressed) cells → groups (of two or more) with exactly one suppressed cell."""
    sizes, hidden = Counter(), Counter()
    for group, column, suppressed in cells:
        sizes[(group, column)] += 1
        hidden[(group, column)] += suppressed
    return [f"group {g!r} column {c!r}" for (g, c), n in hidden.items() if n == 1 and sizes[(g, c)] > 1]


READ: Counter = Counter()  # count cells read and suppressed, so a test can tell the crawl was not empty


def check_page(site: Path, path: Path) -> list[str]:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    rel = path.relative_to(site).as_posix()
    problems = []
    if reader.scripts:
        problems.append(f"{rel}: has {reader.scripts} <script> element(s)")
    if not reader.lang:
        problems.append(f"{rel}: no lang attribute on <html>")
    if reader.h1 != 1:
        problems.append(f"{rel}: {reader.h1} h1 elements, expected exactly one")
    for link in reader.links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # external, or a fragment on this page
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), parts.path))
        if target.startswith("..") or not (site / target).is_file():
            problems.append(f"{rel}: link {link!r} does not resolve to a built file")
    for t in reader.tables:
        cells = []
        for group, row in t.rows:
            for column, text in row:
                issue = count_problem(text)
                if issue:
                    problems.append(f"{rel}: {column}: {issue}")
                cells.append((group or "", column, text == "[c]"))
                READ["html count cells"] += 1
                READ["html suppressed"] += text == "[c]"
        if t.total:
            problems += [f"{rel}: {g} has exactly one suppressed cell" for g in lone_suppressions(cells)]
    return problems


def check_csv(site: Path, path: Path, group_by: list[str]) -> list[str]:
    rel = path.relative_to(site).as_posix()
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    problems, cells = [], []
    columns = list(rows[0]) if rows else []
    for i, row in enumerate(rows, start=2):
        for name in columns:
            if is_count(name):
                issue = count_problem(row[name])
                if issue:
                    problems.append(f"{rel} row {i}: {name}: {issue}")
                cells.append(("|".join(row[g] for g in group_by), name, row[name] == ""))
                READ["csv count cells"] += 1
    if group_by:
        problems += [f"{rel}: {g} has exactly one empty count cell" for g in lone_suppressions(cells)]
    return problems


def crawl(site: Path) -> tuple[list[str], dict[str, int]]:
    """Every problem found in the site, and how much was read."""
    problems: list[str] = []
    READ.clear()
    pages = [p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts]
    for page in pages:
        problems += check_page(site, page)
    manifest = {f["csv"]: f for f in json.loads((site / "open-data.json").read_text(encoding="utf-8"))}
    csvs = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.csv"))
    for rel in csvs:
        if rel not in manifest:
            problems.append(f"{rel}: not listed in open-data.json")
            continue
        problems += check_csv(site, site / rel, manifest[rel]["group_by"])
    problems += [f"{rel}: listed in open-data.json but missing" for rel in manifest if not (site / rel).is_file()]
    return problems, {"pages": len(pages), "csv": len(csvs), **READ}
