"""Fingertips CSV import speed: validate and load a large synthetic export built from the real one.

The shipped LLR extract is tiled (new area codes per copy) to a national-scale file, then read,
validated and loaded into a fresh warehouse. Prints JSON figures.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from pophealth.sources.fingertips_csv import import_fingertips_csv, read_fingertips_csv, shipped_extract
from pophealth.warehouse import connect


def build(copies: int) -> bytes:
    src = shipped_extract("fingertips_llr_ltla_extract_trafford_themes.csv")
    base = pd.read_csv(io.BytesIO(src.read_bytes()), dtype=str, keep_default_na=False)
    parts = [base.assign(**{"Area Code": base["Area Code"] + f"-{i}"}) for i in range(copies)]
    return pd.concat(parts).to_csv(index=False).encode()


def main(copies: int = 100) -> None:
    data = build(copies)
    t0 = time.perf_counter()
    frame, _ = read_fingertips_csv(data, name="bench.csv")
    t_read = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        path.write_bytes(data)
        con = connect(Path(tmp) / "w.duckdb")
        t0 = time.perf_counter()
        import_fingertips_csv(con, path)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        import_fingertips_csv(con, path)  # idempotent reload replaces every row
        t_again = time.perf_counter() - t0
        con.close()
    print(json.dumps({"benchmark": "fingertips_import", "rows": len(frame), "bytes": len(data),
                      "validate_seconds": round(t_read, 3), "first_load_seconds": round(t_first, 3),
                      "reload_seconds": round(t_again, 3),
                      "rows_per_second_first_load": round(len(frame) / t_first)}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
