"""What every PHM query needs: the OMOP tables on one engine, the index date and the code lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pandas as pd

from pophealth.omop import Cdm
from pophealth.phm.codelists import package_codelists, value_rules
from pophealth.phm.matching import run_codes, run_systems
from pophealth.phm.plausibility import plausible_ranges


def numbered(codes: pd.DataFrame) -> pd.DataFrame:
    """``codes`` (``list_id, code``) with ``list_no``: the list's position among the sorted list ids."""
    names = sorted(codes.list_id.unique())
    number = {name: i for i, name in enumerate(names)}
    return codes.assign(list_no=codes.list_id.map(number).astype("int64"))


@dataclass(frozen=True)
class PhmContext:
    """The inputs of one run. ``codes`` has ``list_id, code, list_no`` (a number per list, in list order:
    events.py groups and pivots on it; ``list_numbers`` maps each list id to it); ``rules`` the eFI value rules; ``ranges`` the
    plausible values per code (``code, low, high``); ``read_system`` the Read system of the data's 5-character
    codes (matching.py)."""

    cdm: Cdm
    index_date: dt.date
    codes: ir.Table
    rules: ir.Table
    ranges: ir.Table
    read_system: str = "read2"
    list_numbers: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def create(cls, cdm: Cdm, index_date: dt.date, codes: pd.DataFrame | None = None,
               read_system: str = "read2") -> "PhmContext":
        frame = package_codelists() if codes is None else codes
        rules = value_rules()
        rules = rules[rules.system.isin(run_systems(read_system))].reset_index(drop=True)
        matched = numbered(run_codes(frame, read_system))
        return cls(cdm, index_date, ibis.memtable(matched), ibis.memtable(rules),
                   ibis.memtable(plausible_ranges(frame, rules)), read_system,
                   dict(zip(matched.list_id, matched.list_no.astype(int))))

    def days_before(self, days: int) -> dt.date:
        """The first day of a window of ``days`` days ending on the index date (both ends included)."""
        return self.index_date - dt.timedelta(days=days - 1)

    def table(self, name: str) -> ir.Table:
        return self.cdm.table(name)

    def cache(self, expr: ir.Table) -> ir.Table:
        """Materialise an intermediate result (a temporary table on DuckDB, a cached DataFrame on Spark).

        Spark resolves in-memory tables (the code lists) only when a query runs, not when it caches, so
        they are registered first; without that hook the result is left lazy rather than failing. The cache
        is made on this engine (``Table.cache`` would put an expression of in-memory tables alone, such as
        the code lists, on Ibis's default backend instead).
        """
        con = self.cdm.con
        if con.name == "pyspark":
            register = getattr(con, "_register_in_memory_tables", None)
            if register is None:
                return expr
            register(expr)
        cached = getattr(con, "_cached_table", None)
        return expr.cache() if cached is None else cached(expr)
