"""What the API shows of an API key and of an account, declared once.

GraphQL's ``ApiKey`` is built from ``api_key_fields`` (and REST answers that type), and
the command line prints the same fields, so a key reads the same wherever it is shown.
An account row has no API type of its own: ``GET /v1/account`` shows the calling key's
view of it; ``account_fields`` carries the same ``id``, ``object``, ``name`` and ``plan``,
with the row's times beside them.
"""

from __future__ import annotations

from typing import Any

from stateset_gql.access.models import Account, ApiKey


def api_key_fields(key: ApiKey, secret: str | None = None) -> dict[str, Any]:
    """The key's fields as the API names them; ``secret`` only in a creation's answer."""
    return {
        "id": key.id,
        "object": "api_key",
        "livemode": key.livemode,
        "created": key.created,
        "updated": key.updated,
        "type": key.type,
        "name": key.name,
        "scopes": list(key.scopes),
        "redacted": key.redacted,
        "revoked": key.revoked_at is not None,
        "secret": secret,
    }


def account_fields(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "object": "account",
        "name": account.name,
        "plan": account.plan,
        "created": account.created,
        "updated": account.updated,
    }
