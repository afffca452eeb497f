"""Appending to the audit log as it grows: one group-committed batch and one single append, at several sizes.

Run: PYTHONPATH=src python benchmarks/bench_audit.py [--sizes 10000 1000000 5000000]
A year of care-team use writes millions of rows; every append reads the chain's head, so its cost must not
grow with the log. Prints JSON: milliseconds per batch of 10 (``AuditWriter``) and per ``record_access``.
The log is the warehouse's audit store (SQLite beside the warehouse file, ``synchronous=FULL``), so each
append here includes its fsync.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from pophealth.access.audit import AuditWriter, chain_length, record_access
from pophealth.access.audit_store import store_for
from pophealth.access.roles import User
from pophealth.warehouse import connect


def fill(con, rows: int) -> None:
    """``rows`` earlier rows in the audit store, by SQL (not through the writer: only their head matters here)."""
    with store_for(con).writing() as db:
        db.execute("""INSERT INTO audit_log (seq, accessed_at, username, role, method, route, person_id, scope,
                      detail, prev_hash, row_hash)
                      WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM t WHERE i < ?)
                      SELECT i, datetime('now'), 'filler', 'care_team', 'GET', '/care', NULL, 'practice:X',
                             'worklist care-gaps; 312 rows', 'x', hex(randomblob(32))
                      FROM t""", [rows])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000, 5_000_000])
    args = parser.parse_args()
    user = User("bench", "Bench", "care_team", "X", None)
    out = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            con = connect(Path(tmp) / "w.duckdb")
            fill(con, size)
            writer = AuditWriter(con)
            batch, single = [], []
            for _ in range(10):
                start = time.perf_counter()
                for _ in range(10):  # one at a time here: each is its own batch of one
                    writer.record(user, method="GET", route="/care", scope="practice:X", detail="bench")
                batch.append((time.perf_counter() - start) * 100)
                start = time.perf_counter()
                record_access(con, user, method="GET", route="/care", scope="practice:X", detail="bench")
                single.append((time.perf_counter() - start) * 1000)
            # the rows written here chain on from the filler's head (the filler itself is not a valid chain)
            assert chain_length(con) == size + 110
            out.append({"audit_rows_before": size, "writer_append_ms": round(statistics.median(batch), 2),
                        "record_access_ms": round(statistics.median(single), 2)})
            con.close()
    print(json.dumps({"benchmark": "audit_append", "results": out}, indent=1))


if __name__ == "__main__":
    main()
