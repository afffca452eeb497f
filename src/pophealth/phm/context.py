"""What every PHM query needs: the OMOP tables on one engine, the index date and the code lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from pophealth.omop import Cdm
from pophealth.phm.codelists import package_codelists, value_rules
from pophealth.phm.matching import run_codes, run_systems
from pophealth.phm.plausibility import plausible_ranges


@dataclass(frozen=True)
class PhmContext:
    """The inputs of one run. ``codes`` has ``list_id, code``; ``rules`` the eFI value rules; ``ranges`` the
    plausible values per code (``code, low, high``); ``read_system`` the Read system of the data's 5-character
    codes (matching.py)."""

    cdm: Cdm
    index_date: dt.date
    codes: ir.Table
    rules: ir.Table
    ranges: ir.Table
    read_system: str = "read2"

    @classmethod
    def create(cls, cdm: Cdm, index_date: dt.date, codes: pd.DataFrame | None = None,
               read_system: str = "read2") -> "PhmContext":
        frame = package_codelists() if codes is None else codes
        rules = value_rules()
        rules = rules[rules.system.isin(run_systems(read_system))].reset_index(drop=True)
        return cls(cdm, index_date, ibis.memtable(run_codes(frame, read_system)), ibis.memtable(rules),
                   ibis.memtable(plausible_ranges(frame, rules)), read_system)

    def days_before(self, days: int) -> dt.date:
        """The first day of a window of ``days`` days ending on the index date (both ends included)."""
        return self.index_date - dt.timedelta(days=days - 1)

    def table(self, name: str) -> ir.Table:
        return self.cdm.table(name)

    def cache(self, expr: ir.Table) -> ir.Table:
        """Materialise an intermediate result (a temporary table on DuckDB, a cached DataFrame on Spark).

        Spark resolves in-memory tables (the code lists) only when a query runs, not when it caches, so
        they are registered first; without that hook the result is left lazy rather than failing.
        """
        con = self.cdm.con
        if con.name == "pyspark":
            register = getattr(con, "_register_in_memory_tables", None)
            if register is None:
                return expr
            register(expr)
        return expr.cache()
