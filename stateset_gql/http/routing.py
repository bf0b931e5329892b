"""Routing on the path as the client sent it.

Starlette matches ``scope["path"]``, which the server has already percent-decoded, so
``/v1/orders/ord_x%2Fpay`` would reach ``pay``. ``RawPathRouting`` routes on the raw path
instead (an encoded slash stays inside its segment), and the endpoint decodes each path
parameter. ``Route`` names its template in the scope, so metrics and logs are labelled
``/v1/orders/{id}/pay`` rather than by every id, and answers 405 with the methods it
declared in ``Allow``.
"""

from __future__ import annotations

from typing import Any

from starlette import routing
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send


class Route(routing.Route):
    def __init__(self, path: str, endpoint: Any, *, methods: list[str]) -> None:
        super().__init__(path, endpoint, methods=methods)
        self.allow = ", ".join(sorted({m.upper() for m in methods}))

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            raise HTTPException(405, headers={"Allow": self.allow})
        await super().handle(scope, receive, send)

    def matches(self, scope: Scope) -> tuple[routing.Match, Scope]:
        match, child = super().matches(scope)
        if match is not routing.Match.NONE:
            child["route_path"] = self.path
        return match, child


class RawPathRouting:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw: Any = scope.get("raw_path")
        if scope["type"] in ("http", "websocket") and raw:
            scope["path"] = raw.decode("latin-1").split("?", 1)[0]
        await self.app(scope, receive, send)


def route_label(scope: Scope) -> str:
    return str(scope.get("route_path") or "unmatched")
