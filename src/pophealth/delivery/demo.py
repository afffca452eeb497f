"""Demo content for the tracker: the shipped strategy's actions, as the plans print them, unrated.

No update is invented: ratings, stages and narratives come only from action leads (on the web, the
command line or the tracker workbook), so the demo's public pages say "Not rated" until they do.
"""

from __future__ import annotations

import duckdb

from pophealth.delivery.actions import load_strategy_actions


def build_demo_tracker(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return load_strategy_actions(con)
