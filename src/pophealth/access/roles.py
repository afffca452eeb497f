"""Roles and what each may reach.

- public: no login; published strategy pages and aggregates that passed disclosure control.
- analyst (analysts and board members): aggregates, the tracker, measures; patient-level rows only as
  pseudonyms in aggregate products, never a person view.
- action_lead: what an analyst sees, plus updating the actions they lead.
- care_team: patient-level views for their own practice or PCN only, with identifiers.
- admin: accounts and the audit log; not patient-level views (no care relationship).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["public", "analyst", "action_lead", "care_team", "admin"]
ROLES: tuple[Role, ...] = ("public", "analyst", "action_lead", "care_team", "admin")

# which user roles satisfy a route's required role
GRANTS: dict[str, frozenset[str]] = {
    "public": frozenset(ROLES),
    "analyst": frozenset({"analyst", "action_lead", "care_team", "admin"}),
    "action_lead": frozenset({"action_lead", "admin"}),
    "care_team": frozenset({"care_team"}),
    "admin": frozenset({"admin"}),
}


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: Role
    practice_code: str | None = None
    pcn_code: str | None = None

    @property
    def scope(self) -> str | None:
        """The care-team scope: a practice or a whole PCN."""
        if self.practice_code:
            return f"practice:{self.practice_code}"
        if self.pcn_code:
            return f"pcn:{self.pcn_code}"
        return None


ANONYMOUS = User("anonymous", "Member of the public", "public")


def allowed(user: User, required: str) -> bool:
    """Whether ``user`` may use a route that needs ``required``."""
    return user.role in GRANTS.get(required, frozenset())
