"""Where things live: the warehouse file, the shared reference folder, front-end assets.

Every command takes ``--db``; without it ``POPHEALTH_DB`` is used, then ``data/pophealth.duckdb``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DB = Path("data/pophealth.duckdb")


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file to use: explicit argument, then ``POPHEALTH_DB``, then the default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("POPHEALTH_DB")
    return Path(env) if env else DEFAULT_DB


def reference_dir() -> Path:
    """Folder of official reference cases (``POPHEALTH_REFERENCE``, default ``../shared/reference``)."""
    return Path(os.environ.get("POPHEALTH_REFERENCE", "../shared/reference"))


def shared_dir() -> Path:
    """The shared folder beside the checkout (``POPHEALTH_SHARED``, default ``../shared``)."""
    return Path(os.environ.get("POPHEALTH_SHARED", "../shared"))


def assets_dir() -> Path:
    """Compiled NHS.UK frontend assets, installed by ``make install`` into ``node_modules``."""
    env = os.environ.get("POPHEALTH_ASSETS")
    if env:
        return Path(env)
    for base in (Path.cwd(), PACKAGE_DIR.parents[1]):
        candidate = base / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
