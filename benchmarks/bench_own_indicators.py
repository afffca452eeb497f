"""Own-data DSR timings: emergency admissions by every area level on a synthetic warehouse. Prints JSON.

Usage: python benchmarks/bench_own_indicators.py [PEOPLE] (default 50,000; generation is not timed).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import ibis

from pophealth.geography.load import load_geography
from pophealth.indicators.own_data import own_indicator, year_window
from pophealth.indicators.own_definitions import EVENTS, LEVELS
from pophealth.omop import Cdm
from pophealth.synth.generate import generate
from pophealth.warehouse import connect


def main(people: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.duckdb"
        con = connect(path)
        load_geography(con)
        con.close()
        generate(path, people, 1)
        con = connect(path)
        cdm = Cdm(ibis.duckdb.from_connection(con))
        figures: dict[str, object] = {"people": people}
        for slug, level in LEVELS.items():
            start = time.perf_counter()
            result = own_indicator(cdm, EVENTS["emergency-admissions"], level, *year_window(2025))
            figures[f"{slug}_s"] = round(time.perf_counter() - start, 3)
            figures[f"{slug}_areas"] = len(result.areas)
        con.close()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
