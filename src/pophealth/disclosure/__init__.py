"""Small-number suppression applied wherever figures leave the secure zone.

One configurable policy (default: counts 1-7 suppressed, every other count rounded to the nearest
5, secondary suppression so that totals cannot reveal a suppressed cell, and rates or percentages
built on a suppressed count suppressed too).
"""

from pophealth.disclosure.policy import (DEFAULT_POLICY, DisclosureError, DisclosurePolicy, check_count, current_policy,
                                        is_count_column)
from pophealth.disclosure.tables import protect_table

__all__ = ["DEFAULT_POLICY", "DisclosureError", "DisclosurePolicy", "check_count", "current_policy", "is_count_column", "protect_table"]
