"""Typed contexts of the microsite's pages: what each page shows, ready to render.

A page knows its own site-relative ``path`` (e.g. ``pledges/3.html``); links are site-relative
too and the templates prefix them with the way back to the root, so the built site works from
``file://`` and from any sub-path of a web server.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from pophealth.delivery.rollup import Rollup
from pophealth.microsite.csv_tables import OpenDataFile
from pophealth.microsite.pledge_status import PledgeStatus
from pophealth.microsite.places import PlaceProfile
from pophealth.microsite.progress import PublicAction
from pophealth.microsite.tables import PublishedTable


class Link(BaseModel):
    text: str
    href: str  # site-relative
    hint: str | None = None


class SitePage(BaseModel):
    path: str
    template: str
    title: str
    breadcrumbs: list[Link] = Field(default_factory=list)
    tables: list[PublishedTable] = Field(default_factory=list)
    source: str | None = None

    @property
    def root(self) -> str:
        """The way back to the site root from this page, e.g. ``../`` for ``pledges/3.html``."""
        return "../" * self.path.count("/")


class PledgeCard(BaseModel):
    number: int
    text: str
    href: str
    status: str


class HomePage(SitePage):
    visions: list[str]
    principles_lead: str | None
    principles: list[str]
    pledges: list[PledgeCard]
    sections: list[Link]


class PledgePage(SitePage):
    number: int
    text: str
    group: str
    status: PledgeStatus
    progress: Rollup | None
    priorities: list[Link]


class ProgrammeLinks(BaseModel):
    name: str
    links: list[Link]


class PrioritiesPage(SitePage):
    programmes: list[ProgrammeLinks]
    period: str | None


class PriorityPage(SitePage):
    programme: str
    theme: str
    intro: list[str]
    actions: list[PublicAction]
    rollup: Rollup | None
    period: str | None
    pledges: list[Link]
    you_said: Link | None = None  # the priority's "You said, we did" page, when it has one


class ListPage(SitePage):
    intro: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


class PlacePage(SitePage):
    profile: PlaceProfile


class DataPage(SitePage):
    documents: list[str]
    policy: list[str]
    files: list[OpenDataFile]
