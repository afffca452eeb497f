"""The care relationship as a filter: a care-team user sees people of one practice or one PCN only.

Scope is part of authorisation, not only filtering: a person outside the scope is answered exactly
as a person who does not exist (``NotFoundError``), so the answer reveals nothing about other practices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb
import ibis

from pophealth.care.one_person import OnePersonQuery
from pophealth.errors import NotFoundError, PermissionDenied
from pophealth.omop import Cdm

NOT_FOUND = "No person with that identifier in your practice or PCN"


@dataclass(frozen=True)
class CareScope:
    kind: Literal["practice", "pcn"]
    code: str

    @classmethod
    def parse(cls, scope: str | None) -> CareScope:
        """``practice:CODE`` or ``pcn:CODE``; anything else means no care relationship."""
        kind, _, code = (scope or "").partition(":")
        if kind not in ("practice", "pcn") or not code:
            raise PermissionDenied("Your account has no practice or PCN, so it has no care relationship")
        return cls(kind, code)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def column(self) -> str:
        return "practice_code" if self.kind == "practice" else "pcn_code"


def _of_scope(cdm: Cdm, column: str, code: str) -> ibis.Table:
    g = cdm.table("person_geography")
    return g.filter(g[column] == code).select("person_id").limit(1)


OF_SCOPE = OnePersonQuery(_of_scope)


def in_scope(con: duckdb.DuckDBPyConnection, scope: CareScope, person_id: int) -> bool:
    """Whether the person is registered with the scope's practice (or a practice of its PCN) now."""
    return bool(OF_SCOPE.rows(con, person_id, scope.column, scope.code))


def require_in_scope(con: duckdb.DuckDBPyConnection, scope: CareScope, person_id: int) -> None:
    """Raise the same ``NotFoundError`` for a person elsewhere as for a person who does not exist."""
    if not in_scope(con, scope, person_id):
        raise NotFoundError(NOT_FOUND)
