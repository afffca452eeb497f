"""The prevention spend finance return: the share of spend on prevention, the measure for pledge 2.

Pledge 2 is "Spend more money on preventing people becoming ill in the first place". No public
statistic gives an ICB's prevention share, so an ICB finance team loads its own return
(``pophealth resources import FILE``): a UTF-8 CSV with a header row and one row per organisation x
period x spending category,

    org_code, period_start, period_end, category, amount_gbp, prevention, source

``amount_gbp`` is pounds spent (0 or more, at most two decimal places; "£" and "," are allowed),
``prevention`` is Y when the line counts as prevention spend and N when it does not, and every line
of an organisation's period is part of its total. The share is prevention pounds / all pounds for
each organisation and period, written as metric ``prevention-spend-share`` (numerator, denominator)
so the measure catalogue shows it; until a return is loaded the measure says "no data yet" and how
to load one (``strategy/feeds.py``).

The whole file is checked first and a bad row rejects it, naming file, row and column; a good file
lands in one transaction, and loading it again replaces the same organisations' periods (idempotent).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from pophealth.delivery.resources import pounds
from pophealth.errors import InputError, Problem
from pophealth.sources.nhse_stats import write_observations
from pophealth.sources.text_guard import read_checked
from pophealth.warehouse import transaction

METRIC_ID = "prevention-spend-share"
COLUMNS = ("org_code", "period_start", "period_end", "category", "amount_gbp", "prevention", "source")
ABOUT = {
    "org_code": "the organisation's ODS code (QK1 for the ICB; the pledge 2 measure reads QK1)",
    "period_start": "first day of the period, YYYY-MM-DD (e.g. 2024-04-01 for 2024/25)",
    "period_end": "last day of the period, YYYY-MM-DD; the same on every line of an organisation's period",
    "category": "the spending line as the ledger names it; once per organisation and period",
    "amount_gbp": "pounds spent: 0 or more, at most two decimal places (£ and , allowed)",
    "prevention": "Y if the line is prevention spend, N if not",
    "source": "where the figures come from (e.g. the ledger and month of the extract)",
}
_ORG = re.compile(r"^[A-Z0-9]{2,12}$")


def _day(text: str, file: str, row: int, column: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(file, f"expected a date like 2024-04-01, got {text[:20]!r}", row=row, column=column))
        return None


def read_finance_return(path: Path) -> tuple[list[dict], list[dict]]:
    """(lines, shares) from a finance return, or ``InputError`` listing every problem."""
    file = Path(path).name
    text = read_checked(Path(path), file)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError([Problem(file, f"column is missing from the header row ({ABOUT[c]})", row=1, column=c)
                          for c in missing])
    at = {c: header.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    lines: list[dict] = []
    seen: dict[tuple, int] = {}
    for number, raw in enumerate(reader, start=2):
        if not any(v.strip() for v in raw):
            continue
        cell = {c: (raw[at[c]].strip() if at[c] < len(raw) else "") for c in COLUMNS}
        bad = len(problems)
        for c in ("org_code", "category", "source"):
            if not cell[c]:
                problems.append(Problem(file, f"a value is required: {ABOUT[c]}", row=number, column=c))
        if cell["org_code"] and not _ORG.match(cell["org_code"]):
            problems.append(Problem(file, f"expected an ODS code of capital letters and digits, got "
                                    f"{cell['org_code'][:20]!r}", row=number, column="org_code"))
        start = _day(cell["period_start"], file, number, "period_start", problems)
        end = _day(cell["period_end"], file, number, "period_end", problems)
        if start and end and end < start:
            problems.append(Problem(file, f"period_end {end} is before period_start {start}", row=number,
                                    column="period_end"))
        try:
            amount = pounds(cell["amount_gbp"], file, number)
        except InputError as exc:
            problems.extend(exc.problems)
            amount = None
        if cell["prevention"].upper() not in ("Y", "N"):
            problems.append(Problem(file, f"expected Y or N, got {cell['prevention'][:20]!r}", row=number,
                                    column="prevention"))
        if len(problems) > bad:
            continue
        key = (cell["org_code"], start, cell["category"].casefold())
        if key in seen:
            problems.append(Problem(file, f"category {cell['category'][:40]!r} appears twice for {cell['org_code']} "
                                    f"from {start} (first on row {seen[key]})", row=number, column="category"))
            continue
        seen[key] = number
        lines.append({"org_code": cell["org_code"], "period_start": start, "period_end": end,
                      "category": cell["category"], "amount_gbp": amount, "prevention": cell["prevention"].upper() == "Y",
                      "source": cell["source"], "row": number})
    if not lines and not problems:
        problems.append(Problem(file, "the file has a header but no rows of spend", row=2))
    shares = _shares(lines, file, problems)
    if problems:
        raise InputError(problems)
    return lines, shares


def _shares(lines: list[dict], file: str, problems: list[Problem]) -> list[dict]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for line in lines:
        groups[(line["org_code"], line["period_start"])].append(line)
    out = []
    for (org, start), members in groups.items():
        ends = {m["period_end"] for m in members}
        if len(ends) > 1:
            problems.append(Problem(file, f"{org}'s period from {start} ends on different days "
                                    f"({', '.join(sorted(map(str, ends)))})", row=members[-1]["row"],
                                    column="period_end"))
            continue
        total = sum((m["amount_gbp"] for m in members), Decimal(0))
        prevention = sum((m["amount_gbp"] for m in members if m["prevention"]), Decimal(0))
        if total == 0:
            problems.append(Problem(file, f"{org}'s spend from {start} totals £0, so no share can be worked out",
                                    row=members[0]["row"], column="amount_gbp"))
            continue
        out.append({"metric_id": METRIC_ID, "org_code": org, "org_type": "icb" if org == "QK1" else "provider",
                    "breakdown": "", "period_start": start, "period_end": ends.pop(), "numerator": float(prevention),
                    "denominator": float(total), "value": float(prevention / total), "unit": "proportion"})
    return out


def load_finance_return(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    """Check, then load in one transaction; a reload replaces the same organisations' periods."""
    lines, shares = read_finance_return(Path(path))
    file = Path(path).name
    now = datetime.now().replace(microsecond=0)
    with transaction(con):
        for org, start in {(s["org_code"], s["period_start"]) for s in shares}:
            con.execute("DELETE FROM finance_return_line WHERE org_code = ? AND period_start = ?", [org, start])
        con.executemany("INSERT INTO finance_return_line VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[x["org_code"], x["period_start"], x["period_end"], x["category"], x["amount_gbp"],
                          x["prevention"], x["source"], file, now] for x in lines])
        write_observations(con, pd.DataFrame(shares), source_file=file)
    return {"lines": len(lines), "periods": len(shares)}


def prevention_shares(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The loaded shares, oldest period first (for the CLI and the action pages)."""
    cur = con.execute("""SELECT org_code, period_start, period_end, numerator, denominator, value, source_file
                         FROM metric_observation WHERE metric_id = ? ORDER BY period_start, org_code""", [METRIC_ID])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
