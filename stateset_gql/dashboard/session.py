"""The dashboard's session: a signed cookie that holds no secret, and its CSRF token.

The cookie is ``<payload>.<signature>``: the payload names the key signed in (its id, not
its secret), when the session ends and a random seed; the signature is HMAC-SHA256 under
the server's dashboard secret (``STATESET_DASHBOARD_SECRET``; unset, a random one per
process, so a restart or another process signs everyone out). Nothing in it lets its
reader call the API: each page load rebuilds the principal from the key id, so a revoked
key's session ends with the key.

The page's CSRF token is an HMAC of the seed: a page of this origin can carry it, a
cross-site form cannot know it, and the cookie itself (``HttpOnly``) is never readable by
a script.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson

COOKIE = "stateset_dashboard"
# A session lasts 12 hours from sign-in (API.md section 15).
LIFETIME_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Session:
    key_id: str
    expires: int
    seed: str


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    """Makes and reads the session cookie, and the CSRF token of a session."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, purpose: bytes, data: bytes) -> str:
        return _b64(hmac.new(self._secret, purpose + b"\x00" + data, hashlib.sha256).digest())

    def start(self, key_id: str, *, now: float | None = None) -> tuple[Session, str]:
        """A new session for ``key_id`` and its cookie value."""
        moment = time.time() if now is None else now
        session = Session(key_id, int(moment) + LIFETIME_SECONDS, secrets.token_urlsafe(16))
        payload = _b64(orjson.dumps({"k": session.key_id, "e": session.expires, "s": session.seed}))
        return session, f"{payload}.{self._sign(b'session', payload.encode())}"

    def read(self, value: str | None, *, now: float | None = None) -> Session | None:
        """The session a cookie value carries, or ``None``: absent, tampered with, expired."""
        if not value or value.count(".") != 1:
            return None
        payload, signature = value.split(".")
        if not hmac.compare_digest(signature, self._sign(b"session", payload.encode())):
            return None
        try:
            data = orjson.loads(_unb64(payload))
            session = Session(str(data["k"]), int(data["e"]), str(data["s"]))
        except (ValueError, KeyError, TypeError):
            return None
        if session.expires <= (time.time() if now is None else now):
            return None
        return session

    def csrf_token(self, session: Session) -> str:
        return self._sign(b"csrf", session.seed.encode())

    def csrf_matches(self, session: Session, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token, self.csrf_token(session))
