"""The official English public-health statistical methods, vectorised over many groups.

Each function takes a DataFrame (long format, one row per record) with group keys and
returns a DataFrame with one row per group (or per input row for life expectancy and
quantiles), limits for every requested confidence level (``lower95``, ``upper998``, ...)
and a ``flag`` column that says why a group has no result. Invalid input in one group
never stops the others. Definitions: ``docs/methods/statistics.md``.
"""

from pophealth.stats.benchmark import compare
from pophealth.stats.dsr import dsr
from pophealth.stats.esp2013 import ESP2013, ESP2013_BANDS, esp2013_for
from pophealth.stats.funnel_limits import funnel_axis, proportion_funnel, rate_funnel, ratio_funnel
from pophealth.stats.funnels import funnel_significance
from pophealth.stats.isr import israte, isratio
from pophealth.stats.life_expectancy import life_expectancy
from pophealth.stats.means import mean
from pophealth.stats.proportions import proportion
from pophealth.stats.quantiles import quantiles
from pophealth.stats.rates import crude_rate
from pophealth.stats.sii import sii
from pophealth.stats.trend import recent_trend

__all__ = [
    "ESP2013", "ESP2013_BANDS", "compare", "crude_rate", "dsr", "esp2013_for",
    "funnel_axis", "funnel_significance", "israte", "isratio", "life_expectancy", "mean",
    "proportion", "proportion_funnel", "quantiles", "rate_funnel", "ratio_funnel",
    "recent_trend", "sii",
]
