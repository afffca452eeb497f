"""The disclosure policy: which counts are too small to publish and how the rest are rounded."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

COUNT_NAMES = ("count", "numerator", "denominator")


def is_count_column(name: str) -> bool:
    """Count columns are named ``count``, ``numerator``, ``denominator`` or end in ``_count``."""
    return name in COUNT_NAMES or name.endswith("_count")


@dataclass(frozen=True)
class DisclosurePolicy:
    """Counts from ``1`` to ``max_suppressed`` are suppressed; the rest are rounded to ``rounding_base``.

    Zero is published as zero: an empty cell carries no information about a person. Set
    ``suppress_zero`` where a zero would itself disclose something (e.g. a census of one practice).
    """

    max_suppressed: int = 7
    rounding_base: int = 5
    suppress_zero: bool = False
    secondary: bool = True

    @classmethod
    def from_env(cls) -> "DisclosurePolicy":
        """Read ``POPHEALTH_DISCLOSURE_MAX`` and ``POPHEALTH_DISCLOSURE_ROUND`` when set."""
        return cls(
            max_suppressed=int(os.environ.get("POPHEALTH_DISCLOSURE_MAX", cls.max_suppressed)),
            rounding_base=int(os.environ.get("POPHEALTH_DISCLOSURE_ROUND", cls.rounding_base)),
        )

    def is_small(self, count: float) -> bool:
        """Whether a true count must not be published."""
        if count is None or (isinstance(count, float) and math.isnan(count)):
            return False
        if count == 0:
            return self.suppress_zero
        return 0 < count <= self.max_suppressed

    def round(self, count: float) -> int:
        """Round half up to the nearest ``rounding_base`` (8 → 10, 12 → 10, 13 → 15)."""
        base = self.rounding_base
        if base <= 1:
            return int(round(count))
        return int(math.floor(count / base + 0.5) * base)


DEFAULT_POLICY = DisclosurePolicy()
