"""The public microsite: a static site of the strategy, its progress and place profiles.

``build.build_site`` writes HTML pages and, beside each, a CSV of every table on it. Every count
that leaves through the site has passed ``pophealth.disclosure`` on its way into a
``tables.PublishedTable``; the templates only render those tables.
"""

from pophealth.microsite.build import BuildResult, build_site

__all__ = ["BuildResult", "build_site"]
