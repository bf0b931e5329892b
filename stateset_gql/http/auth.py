"""Reading the API key from a request: ``Authorization: Bearer`` or HTTP Basic."""

from __future__ import annotations

import base64
import binascii

from starlette.datastructures import Headers

from stateset_gql.errors import AuthenticationFailed


def secret_from_headers(headers: Headers) -> str | None:
    return secret_from_authorization(headers.get("authorization"))


def secret_from_authorization(value: str | None) -> str | None:
    """The key in an ``Authorization`` value (a header, or a WebSocket's
    ``connection_init`` payload): ``Bearer <key>`` or HTTP Basic with the key as user."""
    if not value:
        return None
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return credentials or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise AuthenticationFailed("Malformed HTTP Basic credentials") from exc
        user, _, _password = decoded.partition(":")
        return user or None
    raise AuthenticationFailed("Unsupported authorization scheme; use 'Bearer <key>' or HTTP Basic")
