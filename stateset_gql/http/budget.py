"""How much one process takes on at once: HTTP requests in flight, and WebSockets.

uvicorn's ``limit_concurrency`` counts connections, idle keep-alive ones and WebSockets
included, and answers everything beyond it with a plain-text 503: a thousand sockets
that never send a byte, or a thousand quiet subscribers, would refuse every request,
``/health`` too. So the budgets are kept here, each counting only what it bounds:

- ``RequestBudget``: HTTP requests running in the app. An idle connection runs none, so
  it costs nothing here (uvicorn's keep-alive and header deadlines bound those); beyond
  the budget a request gets the contract's 503 with ``Retry-After``, and ``/health`` and
  ``/metrics`` are never refused, so an overloaded process is seen as alive and busy.
- ``SocketBudget``: open WebSockets, and the fewer of them still waiting for their
  ``connection_init`` (which the sockets' deadline closes within ``ws_init_seconds``).
  Beyond either, the upgrade is answered 503 naming the limit, before it is accepted.

uvicorn keeps a connection cap of its own, far above these (``serve --limit-connections``),
as the last line against running out of file descriptors.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from stateset_gql.errors import ErrorDetail, ServiceUnavailable
from stateset_gql.http.responses import JSONResponse, error_response

# Answered however busy the process is: they cost nothing and say how it is doing.
NEVER_REFUSED = frozenset({"/health", "/metrics"})
# A request in flight is over in well under a second; a socket waiting for its
# connection_init is closed within ten.
REQUEST_RETRY_SECONDS = 1
SOCKET_RETRY_SECONDS = 5


@dataclass(frozen=True)
class Refusal:
    """A limit that was reached: its name, its value, and when to try again."""

    name: str
    limit: int
    what: str
    retry_after: int

    def error(self) -> ServiceUnavailable:
        message = f"This server has {self.what} ({self.limit}); retry after {self.retry_after} s."
        detail = ErrorDetail(
            param=self.name,
            code="SERVICE_UNAVAILABLE",
            message=message,
            extra=(("limit", self.limit), ("retry_after", self.retry_after)),
        )
        return ServiceUnavailable(message, details=[detail])

    def response(self, request_id: str, *, graphql: bool = False) -> JSONResponse:
        headers = {"Retry-After": str(self.retry_after)}
        return error_response(self.error(), request_id, graphql=graphql, headers=headers)


class RequestBudget:
    """At most ``limit`` HTTP requests in the app at once; the next is a 503 at once
    rather than a wait, so a client (or its load balancer) can go elsewhere."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NEVER_REFUSED:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            refusal = Refusal(
                "requests_in_flight",
                self.limit,
                "as many requests in flight as it runs at once",
                REQUEST_RETRY_SECONDS,
            )
            graphql = str(scope["path"]).rstrip("/") == "/graphql"
            response = refusal.response(scope["state"]["request_id"], graphql=graphql)
            await response(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


class SocketBudget:
    """Open WebSockets, counted by their socket id, and which have not authenticated."""

    def __init__(self, *, max_open: int, max_unauthenticated: int) -> None:
        self.max_open = max_open
        self.max_unauthenticated = max_unauthenticated
        self.open: set[str] = set()
        self.unauthenticated: set[str] = set()

    def refused(self) -> Refusal | None:
        """Why a new socket cannot be taken now, or None."""
        if len(self.open) >= self.max_open:
            return Refusal(
                "websockets_open",
                self.max_open,
                "as many WebSockets open as it holds",
                SOCKET_RETRY_SECONDS,
            )
        if len(self.unauthenticated) >= self.max_unauthenticated:
            return Refusal(
                "websockets_unauthenticated",
                self.max_unauthenticated,
                "as many WebSockets waiting for connection_init as it holds",
                SOCKET_RETRY_SECONDS,
            )
        return None

    def opened(self, socket_id: str) -> None:
        self.open.add(socket_id)
        self.unauthenticated.add(socket_id)

    def authenticated(self, socket_id: str) -> None:
        self.unauthenticated.discard(socket_id)

    def closed(self, socket_id: str) -> None:
        self.open.discard(socket_id)
        self.unauthenticated.discard(socket_id)
