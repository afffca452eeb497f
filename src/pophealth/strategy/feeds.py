"""The data feeds that fill the measure catalogue: who publishes each, and how it reaches the warehouse.

A measure names its feed, so a measure with no data yet can say plainly where its numbers would come
from and what loads them. ``public`` feeds are official statistics; ``local`` feeds are returns an
ICB team fills in itself with the generic measure file (``pophealth measures import``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LOCAL_RETURN = "pophealth measures import FILE (the local measure return layout in docs/data-formats.md)"


@dataclass(frozen=True)
class Feed:
    id: str
    name: str  # the publication, as its publisher names it
    publisher: str
    kind: Literal["public", "local"]
    load: str  # the command that loads it; for feeds with no importer yet, the local return


FEEDS: dict[str, Feed] = {f.id: f for f in (
    Feed("nhse-ae", "A&E Attendances and Emergency Admissions (monthly)", "NHS England", "public",
         "pophealth report import-nhse WORKBOOKS"),
    Feed("nhse-cwt", "Cancer Waiting Times (monthly)", "NHS England", "public", "pophealth report import-nhse FILES"),
    Feed("nhse-rtt", "Consultant-led Referral to Treatment Waiting Times (monthly)", "NHS England", "public",
         "pophealth report import-nhse FILES"),
    Feed("nhse-ambsys", "Ambulance Quality Indicators (AmbSYS, monthly)", "NHS England", "public",
         "pophealth report import-nhse FILES"),
    Feed("nhse-gpad", "Appointments in General Practice (monthly)", "NHS England", "public",
         "pophealth report import-nhse FILES"),
    Feed("nhse-ldhc", "Learning Disabilities Health Check Scheme (monthly)", "NHS England", "public",
         "pophealth report import-nhse FILES"),
    Feed("nhse-uec-sitrep", "Urgent and emergency care situation reports (beds and discharge)", "NHS England",
         "public", "pophealth measures load-public DIR"),
    Feed("nhse-talking-therapies", "NHS Talking Therapies monthly statistics", "NHS England (NHS Digital)",
         "public", "pophealth measures load-public DIR"),
    Feed("fingertips", "Public health profiles (Fingertips)", "Office for Health Improvement and Disparities",
         "public", "pophealth fingertips fetch, or pophealth fingertips import FILE"),
    Feed("published-statement", "Figures quoted in partners' published papers and news releases",
         "LLR health and care partners", "public", "pophealth measures load-public DIR"),
    Feed("gpps", "GP Patient Survey (annual)", "NHS England (Ipsos)", "public", LOCAL_RETURN),
    Feed("nhsbsa-cpcs", "Community Pharmacist Consultation Service claims", "NHS Business Services Authority",
         "public", LOCAL_RETURN),
    Feed("nhse-handover", "Ambulance handover delays (urgent and emergency care daily situation reports)",
         "NHS England", "public", LOCAL_RETURN),
    Feed("csds-ucr", "Community Services Data Set: urgent community response", "NHS England", "public",
         LOCAL_RETURN),
    Feed("ons-place-of-death", "Death registrations by place of death (Palliative and End of Life Care profile)",
         "Office for National Statistics / OHID", "public", LOCAL_RETURN),
    Feed("nhse-smi-phc", "Physical Health Checks for People with Severe Mental Illness (quarterly)", "NHS England",
         "public", LOCAL_RETURN),
    Feed("mhsds", "Mental Health Services Monthly Statistics (MHSDS)", "NHS England", "public", LOCAL_RETURN),
    Feed("nhse-oaps", "Out of Area Placements in Mental Health Services", "NHS England", "public", LOCAL_RETURN),
    Feed("nhse-satod", "Smoking at Time of Delivery (quarterly)", "NHS England", "public", LOCAL_RETURN),
    Feed("nhs-workforce", "NHS Workforce and NHS Vacancy Statistics", "NHS England", "public", LOCAL_RETURN),
    Feed("provider-finance", "Provider financial returns (agency spend)", "LLR NHS providers", "local", LOCAL_RETURN),
    Feed("local-return", "Local measure return", "LLR ICB", "local", LOCAL_RETURN),
    Feed("finance-return", "Prevention spend finance return", "LLR ICB", "local",
         "pophealth resources import FILE (the prevention spend finance return layout in docs/data-formats.md)"),
)}


def feed_kind(feed_id: str | None) -> Literal["public", "local", "none"]:
    if feed_id is None:
        return "none"
    return FEEDS[feed_id].kind


def check_feed(feed_id: str | None) -> None:
    if feed_id is not None and feed_id not in FEEDS:
        raise ValueError(f"unknown feed {feed_id!r}; expected one of: {', '.join(sorted(FEEDS))}")


# The organisations the operational feeds report on, by the codes their publishers use.
ORGANISATIONS: dict[str, str] = {
    "RWE": "University Hospitals of Leicester", "RT5": "Leicestershire Partnership NHS Trust",
    "RX9": "East Midlands Ambulance Service", "QK1": "LLR Integrated Care Board", "ENGLAND": "England",
    "03W": "East Leicestershire and Rutland", "04C": "Leicester City", "04V": "West Leicestershire",
    "E06000016": "Leicester", "E10000018": "Leicestershire", "E06000017": "Rutland", "E92000001": "England",
}


def organisation_name(code: str) -> str:
    """A reader's name for an organisation code (the code itself when it is not one pophealth knows)."""
    return ORGANISATIONS.get(code, code)
