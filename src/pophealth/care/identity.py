"""What a person is called on screen: the record's identifier for care teams, a pseudonym otherwise.

Care teams have a care relationship and see the identifier the data holds (``person_source_value``).
Anyone else who sees person rows sees a keyed display pseudonym: HMAC of the warehouse person id under
the pseudonymisation key (``pophealth.sources.pseudonymise``), or, when no key is configured, under a
random key made for this process, so pseudonyms cannot be turned back into identifiers.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from pophealth.errors import ConfigError
from pophealth.sources.pseudonymise import Pseudonymiser, key_from_environment

NAMESPACE = "care-display"


@lru_cache(maxsize=1)
def _pseudonymiser() -> Pseudonymiser:
    try:
        return Pseudonymiser(key_from_environment())
    except ConfigError:
        return Pseudonymiser(secrets.token_bytes(32))


def display_pseudonym(person_id: int) -> str:
    """A stable (within this key) pseudonym such as ``P-3F9A0C21D4E6``."""
    return f"P-{_pseudonymiser().pseudonym(NAMESPACE, str(person_id)):016X}"[:14]
