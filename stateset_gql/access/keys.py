"""API key secrets: how they are made, recognised and hashed."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

_SECRET_RE = re.compile(r"^(sk|rk|pk)_(test|live)_[A-Za-z0-9]{24,99}$")
# A secret anywhere in a text (what a request log scrubs from an error body it keeps),
# also as a message may repeat it re-cased (a parameter's name in snake_case).
SECRET_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])(sk|rk|pk)_(test|live)_[A-Za-z0-9_]{24,}")


@dataclass(frozen=True)
class SecretShape:
    key_type: str
    livemode: bool


def make_secret(key_type: str, livemode: bool) -> str:
    mode = "live" if livemode else "test"
    return f"{key_type}_{mode}_{secrets.token_urlsafe(32).replace('-', 'A').replace('_', 'b')}"


def parse_secret(secret: str) -> SecretShape | None:
    match = _SECRET_RE.match(secret)
    if match is None:
        return None
    return SecretShape(key_type=match.group(1), livemode=match.group(2) == "live")


def hash_secret(secret: str) -> str:
    # Secrets carry 256 random bits, so a plain SHA-256 is enough; nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def hashes_match(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def redact(secret: str) -> str:
    return f"{secret[:8]}...{secret[-4:]}"
