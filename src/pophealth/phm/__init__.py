"""Population health management engines: registers, frailty, multimorbidity, risk, cohorts, worklists."""
