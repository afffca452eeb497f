"""Care-team views: scoped worklists and the person summary over the OMOP warehouse.

Engine code only (no web imports): the web routes in ``pophealth.web.routes.care`` call these
functions with the signed-in user's scope; every read is audited by the caller.
"""

from pophealth.care.scope import CareScope
from pophealth.care.worklists import WORKLISTS, Worklist, worklist_rows
from pophealth.care.summary import PersonSummary, person_summary

__all__ = ["CareScope", "WORKLISTS", "Worklist", "worklist_rows", "PersonSummary", "person_summary"]
