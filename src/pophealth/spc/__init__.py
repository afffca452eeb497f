"""SPC engine: XmR charts with NHS England "Making Data Count" rules, icons and assurance.

Public API:

- ``xmr(values, dates, *, improvement, target, rebase_points, ...)`` → ``XmrResult`` (one chart)
- ``xmr_many(frame, options)`` → ``XmrBatch`` (many charts from one long frame, vectorised)
- ``SpcOptions``: every option, with the reference defaults (screening on)

Methods, defaults and the answers to the reference's open questions: ``docs/methods/spc.md``.
"""

from pophealth.spc.many import xmr_many
from pophealth.spc.options import SpcOptions
from pophealth.spc.result import XmrBatch, XmrResult
from pophealth.spc.single import xmr, xmr_with_options

__all__ = ["SpcOptions", "XmrBatch", "XmrResult", "xmr", "xmr_many", "xmr_with_options"]
