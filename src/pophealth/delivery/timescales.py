"""Financial-year timescales as written in the plans ("23/24", "24/25 & 25/26", "From 27/28").

A financial year "23/24" runs 1 April 2023 to 31 March 2024. A timescale names one or more years
joined by "to", "-", "–", "&" or ";"; it spans from the first year's start to the last year's end.
"From 27/28" has no end; "(?)" marks a timescale the plan itself was unsure of. Anything without
a financial year (free text, blank) is not dated, and so never overdue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR = re.compile(r"(?<!\d)(\d{2})\s*/\s*(\d{2})(?!\d)")


@dataclass(frozen=True)
class Timescale:
    text: str
    starts: date
    ends: date | None  # None: open-ended ("From 27/28")
    uncertain: bool

    def overdue(self, today: date) -> bool:
        """Past its end: due by the end of the last financial year named."""
        return self.ends is not None and today > self.ends


def fy_start(yy: int) -> date:
    return date(2000 + yy, 4, 1)


def fy_end(yy: int) -> date:
    return date(2001 + yy, 3, 31)


def parse_timescale(text: str | None) -> Timescale | None:
    """The dates a timescale covers, or None when it names no financial year.

    Raises ValueError for a malformed year such as "23/25" (the second half must follow the first).
    """
    if not text:
        return None
    years = []
    for first, second in _YEAR.findall(text):
        a, b = int(first), int(second)
        if (a + 1) % 100 != b:
            raise ValueError(f"{first}/{second} is not a financial year (expected {first}/{(a + 1) % 100:02d})")
        years.append(a)
    if not years:
        return None
    open_ended = text.strip().lower().startswith("from")
    return Timescale(text=text, starts=fy_start(min(years)), ends=None if open_ended else fy_end(max(years)),
                     uncertain="?" in text)


def financial_year_of(day: date) -> str:
    """The financial year a date falls in, written as the plans write it ("24/25")."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start % 100:02d}/{(start + 1) % 100:02d}"
