"""LLR reference geography: areas, LSOAs with deprivation and census population, GP practices.

The small tables the product needs at run time are shipped in ``data/`` (Open Government Licence
v3.0), so an installed pophealth works without the shared folder.
"""

from pophealth.geography.reference import (
    AGE_BANDS,
    ATTRIBUTION,
    areas,
    lsoa11,
    lsoa21,
    practices,
)

__all__ = ["AGE_BANDS", "ATTRIBUTION", "areas", "lsoa11", "lsoa21", "practices"]
