"""Signing a delivery: the headers a receiver verifies (API.md section 9).

``StateSet-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`` is Stripe's
format (its libraries verify it, keyed by the whole ``whsec_...`` string);
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">`` are Standard Webhooks' (keyed by the base64-decoded part
after ``whsec_``). Each secret still active signs: one ``v1`` per secret in both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
USER_AGENT = "StateSet-Webhooks/1"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def headers(
    *, body: bytes, webhook_id: str, event_type: str, timestamp: int, secrets: list[str]
) -> dict[str, str]:
    stamp = str(timestamp).encode()
    stripe = ",".join(
        [f"t={timestamp}"] + [f"v1={_hmac(s.encode(), stamp + b'.' + body).hex()}" for s in secrets]
    )
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    standard = " ".join(
        "v1," + base64.b64encode(_hmac(base64.b64decode(s.removeprefix(PREFIX)), signed)).decode()
        for s in secrets
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "StateSet-Signature": stripe,
        "StateSet-Event-Type": event_type,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard,
    }
