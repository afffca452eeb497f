"""The disclosure policy: which counts are too small to publish and how the rest are rounded."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pophealth.errors import PophealthError

if TYPE_CHECKING:
    from pophealth.settings import Settings

COUNT_NAMES = ("count", "numerator", "denominator")


def is_count_column(name: str) -> bool:
    """Count columns are named ``count``, ``numerator``, ``denominator`` or end in ``_count``."""
    return name in COUNT_NAMES or name.endswith("_count")


class DisclosureError(PophealthError):
    """A count the policy cannot protect honestly: infinite, negative or not a number.

    Publishing -5 or crashing on infinity would publish something untrue or nothing at all; the figure is
    refused instead, and the importers reject such counts on the way in (``pophealth.sources``)."""


def check_count(count: float) -> float:
    """The count as a number, refusing one that is infinite, negative or not a number (missing is allowed)."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return math.nan
    try:
        number = float(count)
    except (TypeError, ValueError):
        raise DisclosureError(f"A count must be a number of at least 0, not {str(count)[:40]!r}") from None
    if not math.isfinite(number) or number < 0:
        raise DisclosureError(f"A count must be a finite number of at least 0, not {str(count)[:40]}")
    return number


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
        """The policy of the active settings (``POPHEALTH_DISCLOSURE_MAX`` and ``_ROUND``): see ``current_policy``."""
        return current_policy()

    @property
    def largest_withheld(self) -> int:
        """The largest whole count that is not published.

        Counts above ``max_suppressed`` whose rounded value would be ``max_suppressed`` or less are withheld
        too: with both set to 10, publishing 11 as 10 would print a number the policy says is never shown.
        With the defaults (7, 5) this is 7."""
        count = self.max_suppressed
        while self.round(count + 1) <= self.max_suppressed:
            count += 1
        return count

    def is_small(self, count: float) -> bool:
        """Whether a true count must not be published.

        A count that is not a whole number (an average over years, say) is small below ``max_suppressed + 1``:
        7.4 is suppressed like 7, where rounding it would have published 5."""
        if count is None or (isinstance(count, float) and math.isnan(count)):
            return False
        count = check_count(count)
        if count == 0:
            return self.suppress_zero
        return 0 < count < self.max_suppressed + 1 or self.round(count) <= self.max_suppressed

    def round(self, count: float) -> int:
        """Round half up to the nearest ``rounding_base`` (8 → 10, 12 → 10, 13 → 15)."""
        check_count(count)
        base = self.rounding_base
        if base <= 1:
            return int(round(count))
        return int(math.floor(count / base + 0.5) * base)


DEFAULT_POLICY = DisclosurePolicy()
"""The built-in policy (7, 5). Code that publishes uses ``current_policy()``, which honours the settings."""


def policy_of(settings: Settings) -> DisclosurePolicy:
    """The policy a settings object asks for (``POPHEALTH_DISCLOSURE_MAX`` and ``_ROUND``).

    It is built here, not by ``Settings``: the settings sit below every engine and import none of them.
    """
    return DisclosurePolicy(max_suppressed=settings.disclosure_max, rounding_base=settings.disclosure_round)


def current_policy() -> DisclosurePolicy:
    """The policy of the active settings (``pophealth.settings``): what every public output applies."""
    from pophealth.settings import current

    return policy_of(current())
