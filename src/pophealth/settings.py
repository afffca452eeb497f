"""Every setting the product reads, in one typed, frozen object built once per command or server.

Why: settings used to be read from the environment in eight modules, and two documented ones did nothing.
Now the command line (``pophealth`` callback) and the web app (``create_app``) build one ``Settings`` from
the environment and any command-line options, and pass it down (``current()`` answers for code called
from inside either). Each field is the environment variable ``POPHEALTH_`` + its name in capitals; a test
checks that docs/deployment.md documents exactly these. ``pophealth settings --json`` shows every value and
where it came from, secrets masked.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError

from pophealth.errors import ConfigError

ENV_PREFIX = "POPHEALTH_"
MASK = "********"


class Settings(BaseModel):
    """What the product reads at run time; ``None`` means "not set" where the default is decided elsewhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db: Path = Field(Path("data/pophealth.duckdb"), description="the warehouse file")
    strategy: Path | None = Field(None, description="the strategy folder (default: the shipped LLR register)")
    engine: Literal["duckdb", "pyspark"] = Field("duckdb", description="engine for patient-level Ibis queries")
    spark_master: str = Field("local[2]", description="the local Spark master when engine is pyspark")
    spark_memory: str = Field("4g", description="the local Spark driver memory")
    pseudonym_key: SecretStr | None = Field(None, description="the pseudonymisation key")
    pseudonym_key_file: Path | None = Field(None, description="a file holding the pseudonymisation key")
    secure_cookies: bool = Field(False, description="mark session cookies Secure (TLS ends at a proxy)")
    disclosure_max: int = Field(7, ge=0, description="largest count suppressed in public outputs")
    disclosure_round: int = Field(5, ge=1, description="rounding base for public counts")
    assets: Path | None = Field(None, description="NHS.UK frontend dist/nhsuk folder")
    model_threads: int = Field(1, ge=1, description="threads for fitting the risk models")
    web_threads: int | None = Field(None, ge=1, description="threads the web server runs blocking work on "
                                    "(default: 4 per core)")
    reference: Path = Field(Path("../shared/reference"), description="reference cases (tests, code-list builds)")
    shared: Path = Field(Path("../shared"), description="the shared folder beside the checkout")
    new_password: SecretStr | None = Field(None, description="password for `users add`/`users reset`")
    sso_issuer: str | None = Field(None, description="single sign-on: the provider's issuer")
    sso_client_id: str | None = Field(None, description="single sign-on: client id")
    sso_client_secret: SecretStr | None = Field(None, description="single sign-on: client secret")
    sso_redirect_url: str | None = Field(None, description="single sign-on: redirect address")
    sso_username_claim: str = Field("email", description="single sign-on: claim naming the local account")
    sso_label: str = Field("Sign in with your NHS account", description="single sign-on: the button's text")

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def env_name(cls, field: str) -> str:
        return ENV_PREFIX + field.upper()

    @classmethod
    def env_names(cls) -> set[str]:
        return {cls.env_name(f) for f in cls.model_fields}

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, options: Mapping[str, tuple[Any, str]] | None = None
             ) -> Settings:
        """Settings from ``env`` (default ``os.environ``) with command-line ``options`` on top.

        ``options`` maps a field to ``(value, "--option")``; a ``None`` value leaves the field to the
        environment. An empty variable counts as unset. A bad value is a ``ConfigError`` naming the variable.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for field in cls.model_fields:
            raw = env.get(cls.env_name(field))
            if raw not in (None, ""):
                values[field], sources[field] = raw.strip(), f"env {cls.env_name(field)}"
        for field, (value, option) in (options or {}).items():
            if value is not None:
                values[field], sources[field] = value, f"option {option}"
        try:
            settings = cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = str(first["loc"][0])
            where = sources.get(field, field)
            raise ConfigError(f"the setting {where} = {str(values.get(field))[:40]!r} is not valid: {first['msg']}",
                              hint=f"see docs/deployment.md for {cls.env_name(field)}") from None
        settings._sources = {f: sources.get(f, "default") for f in cls.model_fields}
        return settings

    def source(self, field: str) -> str:
        return self._sources.get(field, "default")

    @classmethod
    def unknown(cls, env: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """``POPHEALTH_*`` variables that are no setting, as ``describe`` rows: a misspelt one
        (``POPHEALTH_DISCLOSURE_MAXX``) is otherwise silently ignored. Values are masked: a misspelt key is
        still a key."""
        env = os.environ if env is None else env
        known = cls.env_names()
        return [{"name": None, "env": name, "value": MASK, "source": "not a setting: ignored (misspelt?)"}
                for name in sorted(env) if name.startswith(ENV_PREFIX) and name not in known]

    def describe(self) -> list[dict[str, Any]]:
        """Every setting: name, environment variable, value (secrets masked) and where it came from."""
        out = []
        for field in type(self).model_fields:
            value = getattr(self, field)
            if isinstance(value, SecretStr):
                shown: Any = MASK
            elif isinstance(value, Path):
                shown = str(value)
            else:
                shown = value
            out.append({"name": field, "env": self.env_name(field), "value": shown, "source": self.source(field)})
        return out

    def secret(self, field: str) -> str | None:
        value = getattr(self, field)
        return value.get_secret_value() if isinstance(value, SecretStr) else value


# A command's settings belong to the thread (context) running it: a command the serving process runs for a
# caller (``pophealth.web.control``) runs in a worker thread with the caller's settings and must not change
# the server's. The main thread's settings are also the process's, for threads that start without a context.
_active: ContextVar[Settings | None] = ContextVar("pophealth_settings", default=None)
_process: Settings | None = None


def activate(settings: Settings | None) -> None:
    """Make ``settings`` the running command's settings (the CLI callback); None clears them. In the main
    thread they are also the process's."""
    global _process
    _active.set(settings)
    if threading.current_thread() is threading.main_thread():
        _process = settings


def current() -> Settings:
    """The active settings, or (outside a command or server, e.g. a notebook) fresh ones from the environment."""
    active = _active.get()
    if active is None:
        active = _process
    return active if active is not None else Settings.load()
