"""GraphQL subscriptions over ``graphql-transport-ws``, resumed after a dropped socket.

One subscription is one :class:`Protocol` (no I/O: the messages to send, what each
received message means, the ``since`` to resume from), driven by a socket of websockets'
sync client (``Client.subscribe``) or its asyncio client (``AsyncClient.subscribe``).

Resuming: an ``events`` subscription — ``subscription($since: ID) { events(since: $since)
{ id ... } }`` — is subscribed again after a drop with the variable ``since`` set to the
``id`` of the last event yielded (``data["events"]["id"]``, or under the field's alias).
The server then sends every event after it, stored ones first, then live ones: nothing
is missed or repeated. Any other subscription is subscribed again as it was, and what
happened while the socket was down is not sent.

A drop is a socket closed without a ``complete`` (any close code but the protocol's own
4400-4499, which say the subscription itself is refused), reset, refused, or silent past
the timeout; a handshake answered 429 or 5xx. Reconnecting waits as retries do (0.5 s
doubling to 8 s, with jitter), at most ``max_retries`` times in a row without a
``connection_ack``.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self

from ._core import backoff
from ._errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    InvalidRequestError,
    StatesetError,
    error_from,
)
from ._version import VERSION

SUBPROTOCOL: Final = "graphql-transport-ws"
OPERATION_ID: Final = "1"
RETRIED_HANDSHAKE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})

_IGNORED = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*')
_EVENTS_FIELD = re.compile(r"\bsubscription\b[^{]*\{\s*(?:(\w+)\s*:\s*)?events\b")
_SINCE_DECLARED = re.compile(r"\$since\s*:\s*ID\b(?!\s*!)")
_SINCE_PASSED = re.compile(r"\bsince\s*:\s*\$since\b")


def events_field(query: str) -> str | None:
    """The key an ``events`` subscription's results come under (its alias, else
    ``events``), or None when the operation subscribes to something else."""
    found = _EVENTS_FIELD.search(_IGNORED.sub(" ", query))
    if found is None:
        return None
    return found.group(1) or "events"


def ws_url(base_url: str) -> str:
    """``<base_url>/graphql`` as a WebSocket URL: ws:// for http, wss:// for https."""
    root = base_url.rstrip("/")
    for http, ws in (("https://", "wss://"), ("http://", "ws://")):
        if root.startswith(http):
            return ws + root.removeprefix(http) + "/graphql"
    raise ValueError(f"base_url must start with http:// or https://, not {base_url!r}")


@dataclass(frozen=True)
class Step:
    """What one received message means: a message to send back, a result to yield, the
    connection acknowledged, or the operation completed by the server."""

    reply: str | None = None
    data: dict[str, Any] | None = None
    acked: bool = False
    done: bool = False


class Protocol:
    """One subscription across the connections it takes."""

    def __init__(self, query: str, variables: Mapping[str, Any] | None, api_key: str) -> None:
        if not isinstance(query, str) or not query.strip():
            raise ValueError("query must be a GraphQL subscription document")
        self.query = query
        self.variables = dict(variables or {})
        self.api_key = api_key
        self.field = events_field(query)
        if self.field is not None:
            text = _IGNORED.sub(" ", query)
            if not (_SINCE_DECLARED.search(text) and _SINCE_PASSED.search(text)):
                raise ValueError(
                    "an events subscription resumes after a dropped socket from the last "
                    "event it yielded, through a variable: declare `$since: ID` and pass "
                    "it, e.g. subscription($since: ID) { events(types: [...], since: $since) "
                    "{ id type sequence } }"
                )

    def init(self) -> str:
        payload = {"authorization": f"Bearer {self.api_key}"}
        return json.dumps({"type": "connection_init", "payload": payload})

    def subscribe(self) -> str:
        """The ``subscribe`` message, resuming after the last event yielded, if any."""
        payload: dict[str, Any] = {"query": self.query}
        if self.variables:
            payload["variables"] = self.variables
        return json.dumps({"id": OPERATION_ID, "type": "subscribe", "payload": payload})

    def receive(self, raw: str | bytes) -> Step:
        try:
            message = json.loads(raw)
        except ValueError as failure:
            raise APIError(f"the server sent a message that is not JSON: {raw!r:.200}") from failure
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "connection_ack":
            return Step(acked=True)
        if kind == "ping":
            return Step(reply=json.dumps({"type": "pong"}))
        if kind not in ("next", "error", "complete") or message.get("id") != OPERATION_ID:
            return Step()  # a pong, or a message of no operation of ours
        if kind == "complete":
            return Step(done=True)
        payload = message.get("payload")
        if kind == "error":
            raise _first_error(payload if isinstance(payload, list) else [payload])
        if not isinstance(payload, dict):
            raise APIError(f"a next message without a result: {message!r:.200}")
        if payload.get("errors"):
            raise _first_error(payload["errors"])
        data = payload.get("data")
        if not isinstance(data, dict):
            return Step()
        self._resume_after(data)
        return Step(data=data)

    def _resume_after(self, data: dict[str, Any]) -> None:
        if self.field is None:
            return
        event = data.get(self.field)
        event_id = event.get("id") if isinstance(event, dict) else None
        if not isinstance(event_id, str):
            raise InvalidRequestError(
                f"an events subscription must select the event's id ({self.field} {{ id ... }}): "
                "it is where the subscription resumes after a dropped socket",
                param="query",
            )
        self.variables["since"] = event_id

    def refused(self, failure: BaseException) -> StatesetError | None:
        """The error a connection's failure raises, or None when it is a drop to
        reconnect after."""
        from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

        if isinstance(failure, ConnectionClosed):
            frame = failure.rcvd
            if frame is None or not 4400 <= frame.code < 4500:
                return None
            text = f"the server closed the subscription's socket: {frame.code} {frame.reason}"
            if frame.code in (4401, 4403):
                return AuthenticationError(text + " (is the API key valid, with events:read?)")
            return InvalidRequestError(text) if frame.code in (4400, 4413) else APIError(text)
        if isinstance(failure, InvalidStatus):
            status = failure.response.status_code
            if status in RETRIED_HANDSHAKE_STATUSES:
                return None
            headers = {k.lower(): v for k, v in failure.response.headers.raw_items()}
            return _upgrade_refused(status, bytes(failure.response.body or b""), headers)
        if isinstance(failure, InvalidURI):
            return InvalidRequestError(str(failure))
        return None  # reset, refused, timed out, or a handshake cut short


def _upgrade_refused(status: int, body: bytes, headers: dict[str, str]) -> StatesetError:
    """The error of an upgrade answered with an HTTP error (a 4xx, in the API's format)."""
    text = body.decode("utf-8", "replace")
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        error = {"type": "api_error", "message": f"HTTP {status} to the upgrade: {text:.200}"}
    return error_from(error, http_status=status, headers=headers)


def _first_error(errors: list[Any]) -> StatesetError:
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    extensions = first.get("extensions")
    error = {"message": first.get("message")}
    if isinstance(extensions, dict):
        error.update(extensions)
    status = error.get("status")
    return error_from(error, http_status=status if isinstance(status, int) else None, headers={})


def require_websockets() -> None:
    """Raises a clear ImportError when the optional websockets package is missing."""
    try:
        for module in ("websockets.asyncio.client", "websockets.sync.client"):
            importlib.import_module(module)
    except ImportError as missing:
        raise ImportError(
            "subscribe() needs the websockets package (13 or later): "
            "pip install 'stateset[subscribe]'"
        ) from missing


def _reconnect_delay(failures: int, max_retries: int, failure: BaseException) -> float:
    if failures > max_retries:
        raise APIConnectionError(
            f"the subscription's socket failed {failures} time(s) in a row: {failure!r}"
        ) from failure
    return backoff(failures - 1)


@dataclass(frozen=True)
class Settings:
    url: str
    timeout: float
    max_retries: int


USER_AGENT: Final = f"stateset-python/{VERSION}"


def run(protocol: Protocol, settings: Settings) -> Generator[dict[str, Any], None, None]:
    """The results of one subscription on websockets' sync client, reconnecting."""
    from websockets.sync.client import connect
    from websockets.typing import Subprotocol

    failures = 0
    while True:
        try:
            with connect(
                settings.url,
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                user_agent_header=USER_AGENT,
                open_timeout=settings.timeout,
                close_timeout=1,
            ) as ws:
                ws.send(protocol.init())
                acked = False
                while True:
                    step = protocol.receive(ws.recv(timeout=None if acked else settings.timeout))
                    if step.reply is not None:
                        ws.send(step.reply)
                    if step.acked and not acked:
                        acked, failures = True, 0
                        ws.send(protocol.subscribe())
                    if step.data is not None:
                        yield step.data
                    if step.done:
                        return
        except StatesetError:
            raise
        except Exception as failure:
            error = protocol.refused(failure)
            if error is not None:
                raise error from failure
            failures += 1
            time.sleep(_reconnect_delay(failures, settings.max_retries, failure))


async def run_async(protocol: Protocol, settings: Settings) -> AsyncGenerator[dict[str, Any], None]:
    """The results of one subscription on websockets' asyncio client, reconnecting."""
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    failures = 0
    while True:
        try:
            async with connect(
                settings.url,
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                user_agent_header=USER_AGENT,
                open_timeout=settings.timeout,
                close_timeout=1,
            ) as ws:
                await ws.send(protocol.init())
                acked = False
                while True:
                    async with asyncio.timeout(None if acked else settings.timeout):
                        raw = await ws.recv()
                    step = protocol.receive(raw)
                    if step.reply is not None:
                        await ws.send(step.reply)
                    if step.acked and not acked:
                        acked, failures = True, 0
                        await ws.send(protocol.subscribe())
                    if step.data is not None:
                        yield step.data
                    if step.done:
                        return
        except StatesetError:
            raise
        except Exception as failure:
            error = protocol.refused(failure)
            if error is not None:
                raise error from failure
            failures += 1
            await asyncio.sleep(_reconnect_delay(failures, settings.max_retries, failure))


class Subscription(Iterator[dict[str, Any]]):
    """The results (each ``next``'s ``data``) of a subscription, as they come; closing
    it (``close()``, or leaving its ``with`` block) closes its socket."""

    def __init__(self, results: Generator[dict[str, Any], None, None]) -> None:
        self._results = results

    def __next__(self) -> dict[str, Any]:
        return next(self._results)

    def close(self) -> None:
        self._results.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSubscription(AsyncIterator[dict[str, Any]]):
    """The results of a subscription on asyncio, as they come (``async for``); closing
    it (``await aclose()``, or leaving its ``async with`` block) closes its socket."""

    def __init__(self, results: AsyncGenerator[dict[str, Any], None]) -> None:
        self._results = results

    async def __anext__(self) -> dict[str, Any]:
        return await anext(self._results)

    async def aclose(self) -> None:
        await self._results.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
