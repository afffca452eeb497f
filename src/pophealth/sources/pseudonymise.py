"""Keyed pseudonyms for person identifiers, so raw identifiers never reach the warehouse.

A pseudonym is HMAC-SHA256(key, "namespace:identifier"), its first 8 bytes read as a big-endian
integer with the top bit cleared: a positive 63-bit ``person_id`` that fits a BIGINT. The same key
gives the same pseudonym for the same person on every load, so loads link up; without the key
the mapping cannot be recomputed or reversed. The key comes from ``POPHEALTH_PSEUDONYM_KEY`` or
a file named by ``POPHEALTH_PSEUDONYM_KEY_FILE``; it is never written to the warehouse, and a key
file inside the warehouse's folder is refused (see docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable
from pathlib import Path

from pophealth.errors import ConfigError

KEY_ENV = "POPHEALTH_PSEUDONYM_KEY"
KEY_FILE_ENV = "POPHEALTH_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16
_MASK = (1 << 63) - 1
_HINT = (
    f"set {KEY_ENV} to a secret of at least {MIN_KEY_BYTES} characters, or {KEY_FILE_ENV} to a file "
    "holding one, kept outside the warehouse folder; e.g. "
    "python -c 'import secrets; print(secrets.token_hex(32))' > ~/.pophealth-key"
)


class Pseudonymiser:
    """Turns source identifiers into stable, keyed 63-bit pseudonyms."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ConfigError(f"The pseudonymisation key is too short ({len(key)} bytes)", hint=_HINT)
        self._key = key

    def pseudonym(self, namespace: str, identifier: str) -> int:
        """The pseudonym of one identifier; the namespace keeps different id systems apart."""
        digest = hmac.new(self._key, f"{namespace}:{identifier}".encode(), hashlib.sha256).digest()
        return (int.from_bytes(digest[:8], "big") & _MASK) or 1

    def pseudonyms(self, namespace: str, identifiers: Iterable[str]) -> dict[str, int]:
        """Pseudonyms for many identifiers (each distinct value hashed once)."""
        return {i: self.pseudonym(namespace, i) for i in set(identifiers)}

    @property
    def fingerprint(self) -> str:
        """A short check value of the key, recorded with each load to catch a changed key."""
        return hmac.new(self._key, b"pophealth key fingerprint", hashlib.sha256).hexdigest()[:16]


def key_from_environment(warehouse: str | os.PathLike[str] | None = None) -> bytes:
    """The key from the environment; refuses a missing key, or a key file beside the warehouse."""
    from pophealth.settings import current

    settings = current()
    value = settings.secret("pseudonym_key")
    if value:
        return value.strip().encode()
    file_name = settings.pseudonym_key_file
    if not file_name:
        raise ConfigError("No pseudonymisation key is configured; person identifiers cannot be loaded",
                          hint=_HINT)
    key_file = Path(file_name).expanduser().resolve()
    if warehouse is not None and str(warehouse) != ":memory:":
        folder = Path(warehouse).expanduser().resolve().parent
        if key_file.is_relative_to(folder):
            raise ConfigError(
                f"The key file {key_file} is inside the warehouse folder {folder}",
                hint="keep the key apart from the data it protects: move it outside that folder",
            )
    try:
        key = key_file.read_bytes().strip()
    except OSError as exc:
        raise ConfigError(f"Cannot read the key file {key_file}: {exc.strerror}", hint=_HINT) from None
    if not key:
        raise ConfigError(f"The key file {key_file} is empty", hint=_HINT)
    return key


def pseudonymiser_from_environment(warehouse: str | os.PathLike[str] | None = None) -> Pseudonymiser:
    """A pseudonymiser with the configured key (see ``key_from_environment``)."""
    return Pseudonymiser(key_from_environment(warehouse))
