"""Single sign-on with OpenID Connect (NHS CIS2, Microsoft Entra ID, any standard provider).

The provider proves who someone is; pophealth still decides what they may do. A signed-in identity
is matched to a local account by one claim (``email`` by default) and gets that account's role and
scope; with no enabled account to match, sign-in is refused. The flow is the authorisation code
flow with PKCE (S256), a single-use ``state`` kept server-side and a ``nonce`` checked in the ID
token, whose signature, issuer, audience and expiry are verified against the provider's published
keys. Configured from the environment (``SsoSettings.from_env``); without it only local sign-in is
offered.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import duckdb
import httpx
import jwt

from pophealth.access.roles import User
from pophealth.errors import ConfigError, PermissionDenied

PENDING_FOR = timedelta(minutes=10)
CLOCK_SKEW = 60  # seconds allowed between the provider's clock and ours


@dataclass(frozen=True)
class SsoSettings:
    issuer: str
    client_id: str
    client_secret: str | None = None
    redirect_url: str | None = None  # default: this server's /login/sso/callback as the request saw it
    username_claim: str = "email"  # e.g. preferred_username or upn for Entra ID
    scopes: str = "openid profile email"
    label: str = "Sign in with your NHS account"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SsoSettings | None:
        """``POPHEALTH_SSO_ISSUER`` and ``POPHEALTH_SSO_CLIENT_ID`` switch single sign-on on."""
        from pophealth.settings import Settings, current

        return cls.from_settings(current() if env is None else Settings.load(env))

    @classmethod
    def from_settings(cls, settings: Any) -> SsoSettings | None:
        """Single sign-on from ``pophealth.settings.Settings`` (None when it is not configured)."""
        issuer, client_id = settings.sso_issuer, settings.sso_client_id
        if not issuer and not client_id:
            return None
        if not (issuer and client_id):
            raise ConfigError("Single sign-on needs both POPHEALTH_SSO_ISSUER and POPHEALTH_SSO_CLIENT_ID")
        return cls(issuer=issuer.rstrip("/"), client_id=client_id, client_secret=settings.secret("sso_client_secret"),
                   redirect_url=settings.sso_redirect_url, username_claim=settings.sso_username_claim,
                   label=settings.sso_label)


@dataclass(frozen=True)
class Pending:
    nonce: str
    code_verifier: str
    next_path: str


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class SsoClient:
    """Talks to one provider; ``http`` is injectable so tests answer with a recorded provider."""

    def __init__(self, settings: SsoSettings, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self.http = http or httpx.Client(timeout=10)
        self._metadata: dict | None = None
        self._keys: jwt.PyJWKSet | None = None

    def _get(self, url: str) -> dict:
        try:
            response = self.http.get(url)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ConfigError(f"The sign-in provider did not answer at {url}: {exc}") from None

    def metadata(self) -> dict:
        """The provider's discovery document (fetched once)."""
        if self._metadata is None:
            meta = self._get(self.settings.issuer + "/.well-known/openid-configuration")
            if meta.get("issuer", "").rstrip("/") != self.settings.issuer:
                raise ConfigError(f"The provider at {self.settings.issuer} says its issuer is {meta.get('issuer')!r}")
            self._metadata = meta
        return self._metadata

    def start(self, con: duckdb.DuckDBPyConnection, redirect_url: str, next_path: str) -> tuple[str, str]:
        """Record a pending sign-in; return the provider's address to send the browser to, and a key
        for that browser to hold (a cookie) so the answer is accepted only there (no login CSRF)."""
        state, nonce, verifier, browser_key = (secrets.token_urlsafe(32) for _ in range(4))
        con.execute("DELETE FROM sso_login WHERE expires_at < ?", [datetime.now()])
        con.execute("INSERT INTO sso_login VALUES (?, ?, ?, ?, ?, ?)",
                    [_sha256(state), _sha256(browser_key), nonce, verifier, next_path, datetime.now() + PENDING_FOR])
        query = {"response_type": "code", "client_id": self.settings.client_id, "redirect_uri": redirect_url,
                 "scope": self.settings.scopes, "state": state, "nonce": nonce,
                 "code_challenge": _challenge(verifier), "code_challenge_method": "S256"}
        return self.metadata()["authorization_endpoint"] + "?" + urlencode(query), browser_key

    def finish(self, con: duckdb.DuckDBPyConnection, *, state: str, code: str, redirect_url: str,
               browser_key: str | None) -> tuple[User, str]:
        """The local account the provider's answer proves, and where to go next; refuses anything else."""
        row = con.execute("DELETE FROM sso_login WHERE state_hash = ?"
                          " RETURNING nonce, code_verifier, next_path, expires_at, browser_hash",
                          [_sha256(state)]).fetchone()
        if row is None or row[3] < datetime.now():
            raise PermissionDenied("This sign-in has expired or was already used; please sign in again")
        if not secrets.compare_digest(_sha256(browser_key or ""), row[4]):
            raise PermissionDenied("This sign-in was started in another browser; please sign in again")
        pending = Pending(*row[:3])
        claims = self.verify(self.exchange(code, redirect_url, pending.code_verifier), pending.nonce)
        return self.account_for(con, claims), pending.next_path

    def exchange(self, code: str, redirect_url: str, verifier: str) -> str:
        """Trade the one-time code for tokens (with the PKCE verifier); return the ID token."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_url,
                "client_id": self.settings.client_id, "code_verifier": verifier}
        if self.settings.client_secret:
            form["client_secret"] = self.settings.client_secret
        try:
            response = self.http.post(self.metadata()["token_endpoint"], data=form)
        except httpx.HTTPError as exc:
            raise ConfigError(f"The sign-in provider's token endpoint did not answer: {exc}") from None
        if response.status_code != 200 or "id_token" not in response.json():
            raise PermissionDenied("The sign-in provider refused the sign-in; please sign in again")
        return response.json()["id_token"]

    def verify(self, id_token: str, nonce: str) -> dict:
        """Claims of an ID token signed by the provider, for us, not expired, with our nonce."""
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            key = self._key(kid)
            claims = jwt.decode(id_token, key.key, algorithms=[key.algorithm_name or "RS256"],
                                audience=self.settings.client_id, issuer=self.metadata().get("issuer"),
                                leeway=CLOCK_SKEW, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except jwt.PyJWTError as exc:
            raise PermissionDenied(f"The sign-in could not be verified ({exc}); please sign in again") from None
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise PermissionDenied("The sign-in could not be verified (nonce); please sign in again")
        return claims

    def _key(self, kid: str | None) -> jwt.PyJWK:
        for refresh in (False, True):  # keys rotate: fetch again once before giving up
            if self._keys is None or refresh:
                self._keys = jwt.PyJWKSet.from_dict(self._get(self.metadata()["jwks_uri"]))
            for key in self._keys.keys:
                if kid is None or key.key_id == kid:
                    return key
        raise jwt.InvalidTokenError(f"no published key {kid!r}")

    def account_for(self, con: duckdb.DuckDBPyConnection, claims: dict) -> User:
        """The enabled local account named by the configured claim (case does not matter)."""
        name = str(claims.get(self.settings.username_claim) or "").strip()
        if not name:
            raise PermissionDenied(f"The sign-in provider did not say who you are ({self.settings.username_claim})")
        row = con.execute("SELECT username, display_name, role, practice_code, pcn_code FROM app_user"
                          " WHERE lower(username) = lower(?) AND NOT disabled", [name]).fetchone()
        if row is None:
            raise PermissionDenied(f"There is no pophealth account for {name}; ask an administrator to add one")
        return User(*row)
