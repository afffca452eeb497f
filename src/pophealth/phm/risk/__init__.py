"""Risk of emergency admission in the next 12 months, and the last-year-of-life worklist.

``run_risk`` trains on the year before a cut-off and evaluates on the year after it, storing both
runs; ``latest_risk_report`` gives the figures ``phm summary`` shows. Methods: docs/methods/risk.md;
model card: docs/model-card.md.
"""

from pophealth.phm.risk.pipeline import DEFAULT_CUTOFF, run_risk
from pophealth.phm.risk.store import latest_risk_report, latest_run

__all__ = ["DEFAULT_CUTOFF", "latest_risk_report", "latest_run", "run_risk"]
