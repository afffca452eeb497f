"""The audit row for patient-level rows leaving through the command line (worklist exports).

The web app audits every patient-level read; an export from the command line is the same kind of access,
so it is written to the same hash-chained log: the operating-system user as username, role ``cli``,
method ``EXPORT``, the command as route, the practice or PCN as scope, and the file name and row count.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import duckdb

from pophealth.access.audit import record_access
from pophealth.access.roles import User

CLI_ROLE = "cli"


def os_user() -> User:
    """The person at the terminal, as the audit log names them."""
    name = getpass.getuser()
    return User(username=name, display_name=name, role=CLI_ROLE)  # type: ignore[arg-type]


def export_scope(practice: str | None, pcn: str | None) -> str:
    return f"practice:{practice}" if practice else f"pcn:{pcn}"


def record_export(con: duckdb.DuckDBPyConnection, command: str, scope: str, out: Path, rows: int) -> None:
    """Append the audit row of one export, once the file is written; if the row cannot be written the file is
    removed, so no patient-level file is left that the log does not know about."""
    try:
        record_access(con, os_user(), method="EXPORT", route=command, scope=scope,
                      detail=f"file {out.name}; {rows} rows")
    except Exception:
        out.unlink(missing_ok=True)
        raise
