"""Where things live: the warehouse file, the shared reference folder, front-end assets.

Every command takes ``--db``; without it ``POPHEALTH_DB`` is used, then ``data/pophealth.duckdb``. The
values come from the active settings (``pophealth.settings``), the one place the environment is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from pophealth.settings import current

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DB = Path("data/pophealth.duckdb")


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file to use: explicit argument, then ``POPHEALTH_DB``, then the default."""
    if explicit:
        return Path(explicit)
    return current().db


def reference_dir() -> Path:
    """Folder of official reference cases (``POPHEALTH_REFERENCE``, default ``../shared/reference``)."""
    return current().reference


def shared_dir() -> Path:
    """The shared folder beside the checkout (``POPHEALTH_SHARED``, default ``../shared``)."""
    return current().shared


def assets_dir() -> Path:
    """Compiled NHS.UK frontend assets, installed by ``make install`` into ``node_modules``."""
    configured = current().assets
    if configured:
        return configured
    for base in (Path.cwd(), PACKAGE_DIR.parents[1]):
        candidate = base / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
