"""ASGI middleware: the request id, the body limit, metrics, logs and the last-resort 500."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stateset_gql.errors import (
    InternalError,
    MethodNotAllowed,
    NotFound,
    RequestTimeout,
    RequestTooLarge,
    StateSetError,
)
from stateset_gql.http.requestctx import request_id_var
from stateset_gql.http.responses import error_response
from stateset_gql.http.routing import route_label
from stateset_gql.ids import new_id
from stateset_gql.ops.metrics import Metrics
from stateset_gql.requestlogs import record
from stateset_gql.requestlogs.record import MAX_ERROR_BYTES, Facts
from stateset_gql.requestlogs.writer import RequestLogWriter

log = logging.getLogger("stateset_gql.http")

# nginx's status for a request whose client closed the connection before the answer.
CLIENT_CLOSED_REQUEST = 499
# What reading from or writing to a client that went away raises.
_GONE = (ClientDisconnect, anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError)


def not_found(method: str, path: str) -> NotFound:
    """No route has this path (what a batch's operation is told too)."""
    return NotFound(f"Unrecognized request URL ({method} {path})")


def not_allowed(method: str, path: str, allow: str) -> MethodNotAllowed:
    """The path's route takes other methods (answered with ``Allow``)."""
    return MethodNotAllowed(f"{method} is not allowed on {path}; allowed: {allow}")


def internal_error() -> InternalError:
    """The contract's 500: nothing of the internals (they are logged with the request id)."""
    return InternalError(
        "An internal error occurred. Retry later; quote the request id if it persists."
    )


def _is_graphql(scope: Scope) -> bool:
    return str(scope.get("path", "")).rstrip("/") == "/graphql"


@dataclass(frozen=True)
class BodyAllowance:
    """A route's own body limit and time to send it, in place of the defaults: only
    ``POST /v1/files`` has one (100 MB, API.md section 13)."""

    max_bytes: int
    timeout_seconds: float


class BodyLimitMiddleware:
    """413 for a body over the limit, judged while reading: never buffers past it; 408
    for a body that has not fully arrived within ``timeout_seconds`` of the request's
    start, answered with ``Connection: close`` so a slow sender loses its connection.
    ``allowances`` give a route (its method and path, as the client sent the path) a
    limit of its own."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        timeout_seconds: float = 30.0,
        allowances: Mapping[tuple[str, str], BodyAllowance] | None = None,
    ) -> None:
        self.app = app
        self.default = BodyAllowance(max_bytes=max_bytes, timeout_seconds=timeout_seconds)
        self.allowances = dict(allowances or {})

    def allowance(self, scope: Scope) -> BodyAllowance:
        """The limits of the request's route (routed on the raw path, as the router does)."""
        if not self.allowances:
            return self.default
        raw: Any = scope.get("raw_path")
        path = raw.decode("latin-1").split("?", 1)[0] if raw else str(scope.get("path", ""))
        return self.allowances.get((str(scope.get("method", "")), path), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits = self.allowance(scope)
        max_bytes = limits.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > max_bytes:
                    raise _too_large(max_bytes)
        received = 0
        complete = False
        timed_out = False
        deadline = time.monotonic() + limits.timeout_seconds

        async def limited_receive() -> Message:
            nonlocal received, complete, timed_out
            if complete:
                # The body is in; what is left to hear of is a disconnect, however late.
                return await receive()
            with anyio.move_on_after(deadline - time.monotonic()) as waiting:
                message = await receive()
            if waiting.cancelled_caught:
                timed_out = True
                raise RequestTimeout(
                    f"The request body did not arrive within {limits.timeout_seconds:g} seconds"
                )
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _too_large(max_bytes)
                complete = not message.get("more_body", False)
            return message

        async def closing_send(message: Message) -> None:
            if timed_out and message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, limited_receive, closing_send)


def _too_large(max_bytes: int) -> RequestTooLarge:
    megabytes = max_bytes // (1024 * 1024)
    return RequestTooLarge(f"Request bodies can be at most {megabytes} MB")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestMiddleware:
    """Gives every request an id (``X-Request-Id``), logs and measures it, and turns any
    error that escaped the app into the contract's body: a domain error as itself, and
    anything else as ``INTERNAL_ERROR``, logged with the request id and nothing leaked.

    With ``request_logs``, it opens the request's ``Facts`` (``requestlogs.record``),
    keeps an error's body, and hands the request's log rows to the writer once the
    response has ended: the one place a request log is enqueued."""

    def __init__(
        self, app: ASGIApp, *, metrics: Metrics, request_logs: RequestLogWriter | None = None
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.request_logs = request_logs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_id("req")
        scope.setdefault("state", {})["request_id"] = request_id
        # With an "app" in scope, Starlette's router raises 404 and 405 as exceptions,
        # which are answered below in the contract's format rather than as plain text.
        scope.setdefault("app", self)
        token = request_id_var.set(request_id)
        facts: Facts | None = None
        if self.request_logs is not None:
            facts = Facts(request_id, scope["method"], _header(scope, b"idempotency-key"))
        facts_token = record.current.set(facts)
        started = time.perf_counter()
        status = 500
        response_started = False
        gone = False
        # An error's body, kept for the request log (read into its ``error`` off the path).
        failure = bytearray()

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            elif status >= 400 and facts is not None and facts.principal is not None:
                failure.extend(message.get("body", b"")[: MAX_ERROR_BYTES - len(failure)])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except _GONE:
            # Nothing to answer and nothing wrong here: one info line, counted as 499.
            gone = True
            status = CLIENT_CLOSED_REQUEST
        except Exception as exc:
            if response_started:
                log.exception("error after the response started")
                raise
            error: StateSetError
            headers: dict[str, str] = {}
            if isinstance(exc, StateSetError):
                error = exc
            elif isinstance(exc, HTTPException) and exc.status_code == 404:
                error = not_found(scope["method"], scope["path"])
            elif isinstance(exc, HTTPException) and exc.status_code == 405:
                headers = dict(exc.headers or {})
                error = not_allowed(scope["method"], scope["path"], headers.get("Allow", ""))
            else:
                log.exception("unhandled error")
                error = internal_error()
            response = error_response(
                error, request_id, graphql=_is_graphql(scope), headers=headers
            )
            await response(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route = route_label(scope)
            self.metrics.observe(scope["method"], route, status, elapsed)
            log.info(
                "%s %s %s%s",
                scope["method"],
                scope["path"],
                status,
                " (the client went away)" if gone else "",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)
            record.current.reset(facts_token)
            if facts is not None and facts.principal is not None and self.request_logs:
                rows = facts.answered(
                    path=route, status=status, duration_ms=elapsed * 1000, body=bytes(failure)
                )
                self.request_logs.add(rows)
