"""Queries about one person's record, written once in Ibis and compiled once, run for any person.

A care team's person summary asks the warehouse five questions about one person (in scope? who, registered,
age; medicines; contacts; care gaps). Each is an Ibis expression over the same definitions the PHM engine uses
(``pophealth.omop``), and building and compiling them cost far more than running them: about 100 ms of Python
for the "who" question alone (a schema lookup per table, the joins, the compile), against a few milliseconds
for DuckDB to answer it. The expression does not depend on which person is asked about, so it is compiled once
(per its other arguments: the as-at date, a run id) with a placeholder person id, and the placeholder becomes a
parameter of the SQL. Each view then runs the compiled SQL with its person's id bound: never text made from a
request, only a bound parameter.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable
from typing import Any

import duckdb
import ibis.expr.types as ir

from pophealth.omop import Cdm

PLACEHOLDER = 8_146_392_057_731  # a person id no warehouse holds; where it sits in the SQL becomes $person_id
_PLACEHOLDER = re.compile(rf"(?<![\d.]){PLACEHOLDER}(?![\d.])")
COMPILED_KEPT = 256  # per query: its other arguments take few values (an as-at date, run ids, the scopes in use)


class OnePersonQuery:
    """``build(cdm, *args)``: an Ibis expression over ``cdm``, whose tables hold one person's rows
    (``Cdm.one_person``). ``rows(con, person_id, *args)`` gives its rows for that person, as
    ``expr.to_pyarrow().to_pylist()`` would."""

    def __init__(self, build: Callable[..., ir.Table]) -> None:
        self._build = build
        self._compiled: dict[tuple[Hashable, ...], str] = {}
        self._lock = threading.Lock()

    def sql(self, con: duckdb.DuckDBPyConnection, *args: Hashable) -> str:
        """The compiled SQL for these arguments, with ``$person_id`` where the person's id goes."""
        with self._lock:
            known = self._compiled.get(args)
        if known is not None:
            return known
        cdm = Cdm.of_warehouse(con).one_person(PLACEHOLDER)
        compiled = str(cdm.con.compile(self._build(cdm, *args)))
        if not _PLACEHOLDER.search(compiled):
            raise ValueError("the query does not depend on the person asked about")
        sql = _PLACEHOLDER.sub("$person_id", compiled)
        with self._lock:
            if len(self._compiled) >= COMPILED_KEPT:
                self._compiled.clear()
            self._compiled[args] = sql
        return sql

    def rows(self, con: duckdb.DuckDBPyConnection, person_id: int, *args: Hashable) -> list[dict[str, Any]]:
        result = con.execute(self.sql(con, *args), {"person_id": int(person_id)})
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row)) for row in result.fetchall()]
