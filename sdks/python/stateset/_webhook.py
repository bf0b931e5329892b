"""Verifying a webhook delivery's ``StateSet-Signature`` header.

The header is ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` with one
``v1`` per secret in force (two while a rotated secret overlaps the new one); the key is
the whole ``whsec_...`` secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Sequence

from ._errors import SignatureVerificationError
from ._types import Event

DEFAULT_TOLERANCE = 300


class Webhook:
    @staticmethod
    def construct_event(
        payload: bytes | str,
        signature_header: str,
        secret: str | Sequence[str],
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> Event:
        """The event a delivery carries, once its signature verifies.

        ``payload`` must be the raw request body, exactly as it arrived (bytes or str):
        a body parsed and serialised again no longer matches its signature. ``secret``
        may be several secrets (during a rotation). Raises SignatureVerificationError.
        """
        WebhookSignature.verify(payload, signature_header, secret, tolerance)
        raw = payload if isinstance(payload, str) else payload.decode("utf-8")
        try:
            data = json.loads(raw)
        except ValueError as failure:
            raise SignatureVerificationError(
                "the payload is not JSON", sig_header=signature_header
            ) from failure
        return Event.construct(data)


class WebhookSignature:
    @staticmethod
    def verify(
        payload: bytes | str,
        signature_header: str,
        secret: str | Sequence[str],
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> None:
        if isinstance(payload, str):
            body = payload.encode("utf-8")
        elif isinstance(payload, bytes | bytearray | memoryview):
            body = bytes(payload)
        else:
            raise TypeError(
                f"payload must be the raw request body (bytes or str), not "
                f"{type(payload).__name__}: pass the body exactly as received, before any "
                "JSON parsing (e.g. await request.body() or request.get_data())"
            )
        secrets = [secret] if isinstance(secret, str) else list(secret)
        if not secrets or not all(isinstance(s, str) and s for s in secrets):
            raise TypeError("secret must be the endpoint's whsec_... secret (or a list of them)")
        timestamp, signatures = _parse(signature_header)
        if timestamp is None or not signatures:
            raise SignatureVerificationError(
                "the StateSet-Signature header has no t= and v1= parts",
                sig_header=signature_header,
            )
        if tolerance > 0 and abs(time.time() - timestamp) > tolerance:
            raise SignatureVerificationError(
                f"the signature's timestamp is outside the {tolerance} s tolerance",
                sig_header=signature_header,
            )
        signed = str(timestamp).encode() + b"." + body
        expected = [hmac.new(s.encode(), signed, hashlib.sha256).hexdigest() for s in secrets]
        matched = False
        for candidate in signatures:
            for wanted in expected:
                matched |= hmac.compare_digest(candidate.encode(), wanted.encode())
        if not matched:
            raise SignatureVerificationError(
                "no v1 signature matches the payload for this secret; is the payload the raw "
                "body, unparsed, and the secret this endpoint's?",
                sig_header=signature_header,
            )


def _parse(header: str) -> tuple[int | None, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    if not isinstance(header, str):
        return None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return None, []
        elif name == "v1" and value:
            signatures.append(value)
    return timestamp, signatures
