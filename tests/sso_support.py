"""A stand-in OpenID Connect provider answering over ``httpx.MockTransport``: discovery, keys, tokens.

It behaves as a provider must: codes are single-use, the PKCE verifier is checked against the
challenge sent at sign-in, and ID tokens are RS256-signed with the key it publishes. Options make
it misbehave (another key, another audience, an old token, another nonce) for the refusal tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from pophealth.access.sso import SsoClient, SsoSettings

ISSUER = "https://login.example.nhs.uk/tenant"
CLIENT_ID = "pophealth-test"
SECRET = "client secret"


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeProvider:
    def __init__(self) -> None:
        self.key, self.other_key = _new_key(), _new_key()
        self.codes: dict[str, dict] = {}
        self.tamper: dict[str, object] = {}
        self.token_requests = 0

    def client(self, **settings) -> SsoClient:
        return SsoClient(SsoSettings(issuer=ISSUER, client_id=CLIENT_ID, client_secret=SECRET, **settings),
                         http=httpx.Client(transport=httpx.MockTransport(self.handle)))

    def _jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json={
                "issuer": ISSUER, "authorization_endpoint": ISSUER + "/authorize",
                "token_endpoint": ISSUER + "/token", "jwks_uri": ISSUER + "/keys"})
        if path.endswith("/keys"):
            return httpx.Response(200, json=self._jwks())
        if path.endswith("/token") and request.method == "POST":
            self.token_requests += 1
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            grant = self.codes.pop(form.get("code", ""), None)  # single use
            challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                                                 ).rstrip(b"=").decode()
            if (grant is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != SECRET
                    or form.get("redirect_uri") != grant["redirect_uri"] or challenge != grant["challenge"]):
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(200, json={"id_token": self._id_token(grant), "token_type": "Bearer"})
        return httpx.Response(404)

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "subject-1", "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], **grant["claims"]}
        claims.update({k: v for k, v in self.tamper.items() if k != "key"})
        key = self.other_key if self.tamper.get("key") == "other" else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})

    def sign_in(self, authorize_url: str, **claims) -> str:
        """What the provider does when the person signs in: the callback address with a fresh code."""
        q = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        assert q["response_type"] == "code" and q["code_challenge_method"] == "S256" and q["client_id"] == CLIENT_ID
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": q["nonce"], "challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"],
                            "claims": claims}
        return q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
