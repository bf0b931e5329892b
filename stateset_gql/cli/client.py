"""What ``listen`` and ``trigger`` share: they are clients of a running server, not of
its database, and reach it only through the API (REST with httpx, GraphQL subscriptions
with ``websockets``), as an integrator's code would.

Here: where the API is and which key to send (``--api``, ``--api-key`` or
``STATESET_API_KEY``), and the one line a refusal prints. A command that cannot go on
raises ``ClientFailed`` with that line and its exit code (2: what was typed is wrong,
1: the server refused or could not be reached).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:  # the parser imports this module: no HTTP client loaded for serve
    import httpx

DEFAULT_API = "http://127.0.0.1:8000"
KEY_VARIABLE = "STATESET_API_KEY"
# listen's signing secret, when not new each run.
SECRET_VARIABLE = "STATESET_LISTEN_SECRET"


class ClientFailed(Exception):
    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Api:
    url: str  # without a trailing slash
    key: str

    @classmethod
    def of(cls, args: argparse.Namespace) -> Api:
        key = args.api_key or os.environ.get(KEY_VARIABLE, "")
        if not key:
            raise ClientFailed(f"no API key: pass --api-key or set {KEY_VARIABLE}", 2)
        url = args.api.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ClientFailed(f"--api must be an http:// or https:// URL, not {args.api!r}", 2)
        return cls(url=url, key=key)

    @property
    def websocket_url(self) -> str:
        return "ws" + self.url.removeprefix("http") + "/graphql"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def unreachable(self, exc: Exception) -> ClientFailed:
        return ClientFailed(
            f"cannot reach the API at {self.url} ({type(exc).__name__}: {exc}); "
            "start it with: stateset-gql serve, or pass --api URL"
        )


def refusal(response: httpx.Response) -> ClientFailed:
    """The API's error (section 4's body) as one line: status, code, message."""
    try:
        error: dict[str, Any] = orjson.loads(response.content)["error"]
        said = f"{error.get('code')}: {error.get('message')}"
    except (orjson.JSONDecodeError, KeyError, TypeError):
        said = response.text[:300]
    request = response.request
    return ClientFailed(
        f"{request.method} {request.url.path} answered {response.status_code} {said}"
    )


def answer(response: httpx.Response, *expected: int) -> dict[str, Any]:
    """The JSON object of a response with one of the ``expected`` statuses (200 if none
    is given); anything else is the API's refusal."""
    if response.status_code not in (expected or (200,)):
        raise refusal(response)
    body: dict[str, Any] = orjson.loads(response.content)
    return body
