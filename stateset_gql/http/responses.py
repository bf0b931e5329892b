"""JSON responses and the contract's error bodies, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

from stateset_gql.errors import StateSetError
from stateset_gql.graphql.limits import MAX_COST


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        return orjson.dumps(content)


def error_body(error: StateSetError, request_id: str | None, *, graphql: bool) -> dict[str, Any]:
    """REST: ``{"error": {...}}``; GraphQL: ``{"errors": [{message, extensions}]}``."""
    payload = error.to_payload(request_id)
    if graphql:
        return {
            "data": None,
            "errors": [
                {"message": error.message, "extensions": {**payload, "status": error.status}}
            ],
            # Refused before its document was measured or run: it cost nothing.
            "extensions": {"cost": {"requested": 0, "limit": MAX_COST}},
        }
    return {"error": payload}


def error_response(
    error: StateSetError,
    request_id: str | None,
    *,
    graphql: bool = False,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_body(error, request_id, graphql=graphql),
        status_code=error.status,
        headers={**error.headers, **(headers or {})},
    )
