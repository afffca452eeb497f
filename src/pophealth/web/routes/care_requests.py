"""What every care-team page does with its request: the user's scope, the latest runs, a worklist's selection,
the page's outcomes, and each view's identities, audit and disclosure log (``web.view_log``).

Shared by the care pages (``web.routes.care``); the runs, selections and outcomes come through the app's one
cache, identities never do.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import Request

from pophealth.care.identity_store import Identity
from pophealth.care.outcomes import Outcome, latest_outcomes
from pophealth.care.results import Runs, latest_runs, no_run_reason, scope_part
from pophealth.care.scope import CareScope
from pophealth.care.worklists import Record, selection
from pophealth.web.pages import population_content, written_here

SOURCE = ("Population health run {run} (index date {as_of}) and the latest risk model runs, from the "
          "patient-level records in the warehouse; every view is audited")
SOURCE_NO_RUN = "Patient-level records in the warehouse (OMOP CDM); every view is audited"


def scope_of(request: Request) -> CareScope:
    """The signed-in care-team user's practice or PCN: part of every care page's authorisation."""
    return CareScope.parse(request.state.user.scope)


def database_of(request: Request) -> str:
    """The app's warehouse file: part of the key of the scopes' stored results in the app's cache."""
    return str(request.app.state.db)


def runs_of(request: Request, con) -> Runs | None:  # noqa: ANN001 - a warehouse cursor
    """The latest runs (``care.results.latest_runs``) for the population loaded, remembered until the next write
    (``pages.written_here``: runs are made only through the server). Runs are not about any one person: which
    runs exist, not what they hold."""
    content = population_content(request)
    return request.app.state.cache.remembered("care runs", content, lambda: latest_runs(con, content),
                                              recheck_seconds=written_here(request))


def no_run_of(request: Request, con) -> str:  # noqa: ANN001 - a warehouse cursor
    """Why there are no runs to show (``care.results.no_run_reason``), remembered as ``runs_of`` is."""
    content = population_content(request)
    return request.app.state.cache.remembered("care no run", content, lambda: no_run_reason(con, content),
                                              recheck_seconds=written_here(request))


def selection_of(request: Request, con, runs: Runs, scope: CareScope, worklist, **filters) -> list[Record]:
    """``care.worklists.selection`` with the app's cache."""
    return selection(con, runs, scope, worklist, database=database_of(request), cache=request.app.state.cache, **filters)


def identity_store_of(request: Request) -> Path | None:
    """The identity store beside the app's warehouse file (None for an in-memory warehouse)."""
    return request.app.state.views.identity_store


def audit_view(request: Request, con, scope: CareScope, *, person_id: int | None = None, detail: str | None = None) -> None:
    """Append the read to the audit log (``web.view_log``: with every other view waiting); the row is committed
    before the page is answered."""
    identified_view(request, scope, None, detail, person_id=person_id)


def identified_view(request: Request, scope: CareScope, ids: list[int] | None, detail: str | None, *,
                    person_id: int | None = None) -> dict[int, Identity]:
    """The identities held for ``ids``, read for this view, with the view's disclosure rows and audit row
    (``detail``, and how many people's identifiers it shows) committed before they are returned."""
    return request.app.state.views.record(request.state.user, **_view(request, scope, ids, detail, person_id))


async def identified_view_soon(request: Request, scope: CareScope, ids: list[int] | None, detail: str | None, *,
                               person_id: int | None = None) -> dict[int, Identity]:
    """``identified_view`` awaited on the event loop: the view log's thread reads and writes, the loop goes on."""
    return await asyncio.wrap_future(request.app.state.views.submit(request.state.user,
                                                                    **_view(request, scope, ids, detail, person_id)))


def _view(request: Request, scope: CareScope, ids: list[int] | None, detail: str | None,
          person_id: int | None) -> dict:
    return {"method": request.method, "route": request.url.path, "scope": str(scope), "detail": detail,
            "person_id": person_id, "identify": ids}


def source_of(runs: Runs | None) -> str:
    return SOURCE.format(run=runs.phm_run, as_of=runs.index_date) if runs else SOURCE_NO_RUN


def outcomes_of(request: Request, con, runs: Runs, scope: CareScope, ids: list[int]) -> dict[int, Outcome]:  # noqa: ANN001
    """These people's latest outcomes, from the scope's, remembered until the next write (``pages.written_here``).
    Outcomes are written only through the app, so one recorded by a colleague is shown on the next view: one
    query per scope and write, not one per view."""
    everyone = scope_part(con, runs, scope, ("person ids",), lambda people: [int(p) for p in people["person_id"]],
                          database=database_of(request), cache=request.app.state.cache)
    latest = request.app.state.cache.remembered(
        "care outcomes", (database_of(request), str(scope), runs.phm_run), lambda: latest_outcomes(con, everyone),
        recheck_seconds=written_here(request))
    return {p: latest[p] for p in ids if p in latest}
