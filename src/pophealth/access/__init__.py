"""Who may see what: local accounts, roles and scopes, sessions, CSRF, and the audit of patient-level reads."""

from pophealth.access.roles import ROLES, Role, User, allowed

__all__ = ["ROLES", "Role", "User", "allowed"]
