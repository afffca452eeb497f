"""What every PHM query needs: the OMOP tables on one engine, the index date and the code lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from pophealth.omop import Cdm
from pophealth.phm.codelists import package_codelists, value_rules


@dataclass(frozen=True)
class PhmContext:
    """The inputs of one run. ``codes`` has ``list_id, code``; ``rules`` the eFI value rules."""

    cdm: Cdm
    index_date: dt.date
    codes: ir.Table
    rules: ir.Table

    @classmethod
    def create(cls, cdm: Cdm, index_date: dt.date, codes: pd.DataFrame | None = None) -> "PhmContext":
        frame = package_codelists() if codes is None else codes
        return cls(cdm, index_date, ibis.memtable(frame[["list_id", "code"]].drop_duplicates()),
                   ibis.memtable(value_rules()))

    def days_before(self, days: int) -> dt.date:
        """The first day of a window of ``days`` days ending on the index date (both ends included)."""
        return self.index_date - dt.timedelta(days=days - 1)

    def table(self, name: str) -> ir.Table:
        return self.cdm.table(name)
