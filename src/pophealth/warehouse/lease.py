"""The lease a serving process leaves beside the warehouse: who holds the file, and how to reach it.

DuckDB lets one process at a time open a warehouse file for writing. While ``pophealth serve``
runs it is that process, so it writes ``<db>.serve`` (mode 0600) naming its pid, its control
socket (``web.control``) and its web address. A command line that finds a live lease sends its
work to the server instead of failing on DuckDB's lock; a second ``serve`` forwards its requests.
A lease whose process has gone (the server was killed) is stale: it is removed and ignored, and
the warehouse is opened directly, as before.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Lease:
    """A serving process: its pid, control socket path and the base address of its web app."""

    pid: int
    socket: str
    url: str
    db: str


def lease_path(db: Path | str) -> Path:
    """Where the lease for warehouse ``db`` lives: beside it, so every user of the file finds it (the file
    itself: a symbolic link to the warehouse finds the same lease, as DuckDB's lock is on the file)."""
    db = Path(db).resolve()
    return db.with_name(db.name + ".serve")


def write_lease(lease: Lease) -> Path:
    """Publish ``lease`` (replacing any stale one) readable and writable by its owner only."""
    path = lease_path(lease.db)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(lease), f)
    os.replace(tmp, path)
    return path


def remove_lease(db: Path | str, pid: int | None = None) -> None:
    """Remove the lease for ``db`` (only if it is ``pid``'s, when given: never another server's)."""
    path = lease_path(db)
    if pid is not None:
        found = _read(path)
        if found is None or found.pid != pid:
            return
    path.unlink(missing_ok=True)


def live_lease(db: Path | str) -> Lease | None:
    """The lease of a server that holds ``db`` now, or None. A stale lease (its process gone, or its
    socket no longer answering) is removed, so the next command opens the warehouse directly."""
    path = lease_path(db)
    lease = _read(path)
    if lease is None:
        return None
    if lease.pid == os.getpid():
        return None  # this process is the server: it never forwards to itself
    if _alive(lease.pid) and _answers(lease.socket):
        return lease
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
    return None


def _read(path: Path) -> Lease | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Lease(pid=int(data["pid"]), socket=str(data["socket"]), url=str(data["url"]), db=str(data["db"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, but its socket will refuse us anyway
    return True


def _answers(path: str) -> bool:
    """Whether something listens on the control socket (a pid can be reused after a crash)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        try:
            s.connect(path)
        except OSError:
            return False
    return True
