"""How long the strategy register takes to load, validate and export; prints JSON figures.

Every product loads the register, so its cost is paid on each CLI call and web start-up.
"""

from __future__ import annotations

import json
import statistics
import time

from pophealth.strategy import load_strategy
from pophealth.strategy.export import strategy_as_dict


def _timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main(repeats: int = 20) -> dict:
    s = load_strategy()
    load = _timed(load_strategy, repeats)
    export = _timed(lambda: json.dumps(strategy_as_dict(s), ensure_ascii=False), repeats)
    figures = {
        "benchmark": "strategy_load",
        "repeats": repeats,
        "load_validate_median_ms": round(statistics.median(load) * 1000, 1),
        "load_validate_max_ms": round(max(load) * 1000, 1),
        "export_json_median_ms": round(statistics.median(export) * 1000, 1),
        "records": {"pledges": len(s.pledges), "interventions": s.intervention_count,
                    "focus_actions": s.focus_action_count, "jhws_commitments":
                    sum(len(p.commitments) for p in s.jhws.priorities)},
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
