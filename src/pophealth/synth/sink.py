"""Collecting generated rows per CDM table as column arrays, before they are written in bulk."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from pophealth.synth.params import load_codes

# Column sets each table's rows carry while being generated (the writer maps them to CDM columns).
COLUMNS = {
    "condition_occurrence": ("person_id", "start", "code", "visit_row"),
    "drug_exposure": ("person_id", "start", "end", "code"),
    "measurement": ("person_id", "start", "code", "value"),
    "observation": ("person_id", "start", "code"),
    "procedure_occurrence": ("person_id", "start", "code"),
}
DEFAULTS = {"visit_row": -1, "value": np.nan}


class Sink:
    """Row batches per table; ``add`` broadcasts scalars and picks a code from a list per row."""

    def __init__(self, rng: np.random.Generator, person_ids: np.ndarray) -> None:
        self.rng = rng
        self.person_ids = person_ids
        self.parts: dict[str, list[dict[str, np.ndarray]]] = defaultdict(list)

    def codes(self, kind: str, key: str) -> np.ndarray:
        return np.array([c for c, _ in load_codes()[(kind, key)]], dtype=object)

    def add(self, table: str, idx: np.ndarray, start: np.ndarray, kind: str, key: str, **extra) -> None:
        """Rows for people at positions ``idx`` on days ``start``, coded from (kind, key)."""
        idx = np.asarray(idx, dtype=np.int64)
        if idx.size == 0:
            return
        options = self.codes(kind, key)
        code = options[self.rng.integers(0, options.size, idx.size)] if options.size > 1 else \
            np.repeat(options, idx.size)
        cols = {"person_id": self.person_ids[idx], "start": np.broadcast_to(start, idx.shape).astype(np.int64),
                "code": code}
        for name in COLUMNS[table][3:]:
            value = extra.get(name, DEFAULTS.get(name))
            cols[name] = np.broadcast_to(value, idx.shape)
        if "end" in COLUMNS[table]:
            cols["end"] = np.broadcast_to(extra["end"], idx.shape).astype(np.int64)
        self.parts[table].append(cols)

    def columns(self, table: str) -> dict[str, np.ndarray]:
        parts = self.parts.get(table, [])
        if not parts:
            return {c: np.array([], dtype=object if c == "code" else np.float64 if c == "value" else np.int64)
                    for c in COLUMNS[table]}
        return {c: np.concatenate([p[c] for p in parts]) for c in COLUMNS[table]}
