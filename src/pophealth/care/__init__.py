"""Care-team views: scoped worklists and the person summary over the PHM engine's stored results.

Engine code only (no web imports): the web routes in ``pophealth.web.routes.care`` call these
functions with the signed-in user's scope; every read is audited by the caller. The clinical results
shown are read from the latest PHM and risk runs, never recomputed here.
"""

from pophealth.care.results import Runs, latest_runs
from pophealth.care.scope import CareScope
from pophealth.care.summary import PersonSummary, person_summary
from pophealth.care.worklists import WORKLISTS, Worklist, worklist_rows

__all__ = ["CareScope", "Runs", "latest_runs", "WORKLISTS", "Worklist", "worklist_rows", "PersonSummary",
           "person_summary"]
