"""The one way a request's JSON object body is read, by ``/graphql`` and REST alike."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from stateset_gql.errors import InvalidJSON, UnsupportedMediaType


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_json_object(request: Request, *, empty_is_nothing: bool = False) -> dict[str, Any]:
    """The body as a JSON object, sent as ``application/json``.

    Any other content type is a 415, a missing one included: a browser posts a
    cross-site form without a preflight only as a form or text type, or with no type at
    all, so a body that says it is JSON cannot come from such a form. With
    ``empty_is_nothing`` (a REST action such as ``POST /v1/orders/{id}/process`` has no
    body) an empty body is ``{}`` whatever its type says.
    """
    kind = content_type(request)
    if kind != "application/json" and not empty_is_nothing:
        raise _unsupported(kind)
    raw = await request.body()
    if empty_is_nothing and not raw.strip():
        return {}
    if kind != "application/json":
        raise _unsupported(kind)
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSON(f"The request body is not valid JSON: {exc.msg}") from exc
    if not isinstance(body, dict):
        raise InvalidJSON("The request body must be a JSON object")
    return body


def _unsupported(kind: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(
        f"Send request bodies as application/json, not {kind or 'no content type'}"
    )
