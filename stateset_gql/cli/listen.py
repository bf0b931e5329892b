"""``stateset-gql listen --forward-to URL``: the key's events, forwarded to a local URL as
webhooks (API.md section 16), like ``stripe listen``.

It follows the ``events(types:, since:)`` subscription over the server's WebSocket
(``graphql-transport-ws``), signs each event with a secret of its own exactly as the
server signs a delivery (``webhooks.signing``; the ``webhook-id`` is the event's id, as
no delivery object exists), POSTs it and prints a line with the receiver's answer.

What makes "nothing missed, nothing repeated" hold is one cursor: the last event handled
(forwarded, or the account's newest when listening began). Every (re)subscription asks
for the events ``since`` it; the server answers the stored ones after it, then live ones,
in ``sequence`` order, with no gap and no duplicate (section 9). A dropped connection,
a restarted server or a ``SUBSCRIBER_TOO_SLOW`` cut-off is followed by a reconnection
after a backoff, from the same cursor. Events are forwarded one at a time, in order, so
the cursor never passes one not yet sent.

An account with no event at all when listening begins has no event to resume after:
then, until one is handled, every event stored is one that came after the start, and
those are read from ``GET /v1/events`` (``_catch_up``) before subscribing, and before the
first streamed event (those with a lower ``sequence``). The one gap this leaves: events
committed in the milliseconds between that read and the server's taking the first
subscription wait for the next event to be forwarded (the protocol does not say when a
subscription has started).

The receiver's failures are printed, not retried (as ``stripe listen``); the server's own
webhook endpoints are what retry.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn, TextIO

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from stateset_gql.cli.client import SECRET_VARIABLE, Api, ClientFailed, answer
from stateset_gql.events.types import EVENT_TYPES, is_pattern, matches
from stateset_gql.webhooks import signing
from stateset_gql.webhooks.sender import TIMEOUT_SECONDS

PROTOCOL = Subprotocol("graphql-transport-ws")
SUBSCRIPTION = """
subscription Listen($types: [String!], $since: ID) {
  events(types: $types, since: $since) {
    id object type apiVersion created livemode account sequence data
    request { id idempotencyKey }
  }
}
"""
# Reconnection: the first wait, doubled after each failed try up to the last (a local
# server restarted is followed within 2 s; a refused connection costs nothing); a
# connection that was accepted starts over from the first.
FIRST_DELAY = 0.2
LAST_DELAY = 2.0
ACK_SECONDS = 10.0
# Errors that end a subscription but not the reason to follow it: the server is busy,
# restarting, or cut a reader that fell behind. Anything else (a refused key, a missing
# scope) stops the command.
PASSING_CODES = frozenset(
    {
        "SUBSCRIBER_TOO_SLOW",
        "SERVICE_UNAVAILABLE",
        "INTERNAL_ERROR",
        "RATE_LIMIT_EXCEEDED",
        "REQUEST_TIMEOUT",
    }
)
# Close codes of a refusal: the key (4401 no init, 4403 refused or revoked), the
# protocol (4406) or a message too large (4413); trying again would be refused again.
REFUSED_CLOSES = frozenset({4400, 4401, 4403, 4406, 4413})


def rest_form(event: dict[str, Any]) -> dict[str, Any]:
    """A subscription's event as ``GET /v1/events/{id}`` writes it: the same keys, in
    the same order, snake_case (``data`` is already in the REST form)."""
    request = event["request"]
    return {
        "id": event["id"],
        "object": event["object"],
        "type": event["type"],
        "api_version": event["apiVersion"],
        "created": event["created"],
        "livemode": event["livemode"],
        "account": event["account"],
        "sequence": event["sequence"],
        "data": event["data"],
        "request": {"id": request["id"], "idempotency_key": request["idempotencyKey"]},
    }


class _Dropped(Exception):
    """The connection or the subscription ended for a passing reason: reconnect."""


class _Stopped(Exception):
    """Ctrl-C came while an event was being forwarded; it has been, now stop."""


def _check_secret(secret: str) -> str:
    try:
        key = base64.b64decode(secret.removeprefix(signing.PREFIX), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not secret.startswith(signing.PREFIX) or not key:
        raise ClientFailed(
            f"the signing secret must be {signing.PREFIX} and base64 (as the server's "
            "endpoints' secrets are); leave it out for a new one",
            2,
        )
    return secret


def _patterns(text: str | None) -> list[str]:
    patterns = [p.strip() for p in (text or "*").split(",") if p.strip()] or ["*"]
    wrong = [p for p in patterns if not is_pattern(p)]
    if wrong:
        raise ClientFailed(
            f"--events: {', '.join(wrong)} is no event type, family (order.*) or *; "
            "the types: stateset-gql trigger --help",
            2,
        )
    return patterns


@dataclass
class _Outcome:
    status: int | None
    error: str | None
    milliseconds: int


class Listener:
    def __init__(
        self, api: Api, *, forward_to: str, patterns: list[str], secret: str, out: TextIO
    ) -> None:
        self.api = api
        self.forward_to = forward_to
        self.patterns = patterns
        self.secret = secret
        self.out = out
        # The last event handled: every subscription resumes after it.
        self.cursor: str | None = None
        self.empty_at_start = False
        # Whether the last connection was accepted (its backoff then starts over).
        self.connected = False
        self.forwarded = 0
        # A POST under way, and a Ctrl-C waiting for it (``stop``).
        self.forwarding = False
        self.stopping = False
        # What the first subscription prints: the secret, the account, the URL.
        self.ready = ""

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def note(self, line: str) -> None:
        """Connection news, on stderr: stdout holds the secret and one line per event."""
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    async def run(self) -> NoReturn:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as http:
            await self._start(http)
            delay = FIRST_DELAY
            while True:
                try:
                    await self._follow(http)
                except _Dropped as dropped:
                    reason = str(dropped)
                else:
                    reason = "the server closed the connection"
                if self.connected:
                    delay = FIRST_DELAY
                self.note(f"Connection lost ({reason}); reconnecting in {delay:.1f} s")
                await asyncio.sleep(delay)
                delay = min(delay * 2, LAST_DELAY)

    async def _start(self, http: httpx.AsyncClient) -> None:
        """The key's account, and the event to follow after (the newest one now)."""
        try:
            account = answer(await http.get(f"{self.api.url}/v1/account", headers=self.api.headers))
            newest = answer(
                await http.get(
                    f"{self.api.url}/v1/events",
                    params={"limit": 1, "sort": "-sequence"},
                    headers=self.api.headers,
                )
            )
        except httpx.TransportError as exc:
            raise self.api.unreachable(exc) from exc
        if newest["data"]:
            self.cursor = newest["data"][0]["id"]
        else:
            self.empty_at_start = True
        self.ready = (
            f"Ready! Your webhook signing secret is {self.secret} (^C to quit)\n"
            f"Forwarding {', '.join(self.patterns)} events of {account['id']} "
            f"({account['mode']} mode) to {self.forward_to}"
        )

    async def _follow(self, http: httpx.AsyncClient) -> None:
        """One connection: subscribe from the cursor and forward until it ends."""
        self.connected = False
        try:
            async with connect(
                self.api.websocket_url,
                subprotocols=[PROTOCOL],
                open_timeout=ACK_SECONDS,
                close_timeout=1,
                max_size=None,
            ) as socket:
                await self._open(socket)
                if self.cursor is None and self.empty_at_start:
                    await self._catch_up(http, before=None)
                await self._send(
                    socket,
                    {
                        "id": "events",
                        "type": "subscribe",
                        "payload": {
                            "query": SUBSCRIPTION,
                            "variables": {"types": self.patterns, "since": self.cursor},
                        },
                    },
                )
                if self.ready:
                    self.say(self.ready)  # once: the first subscription is under way
                    self.ready = ""
                async for message in socket:
                    await self._receive(http, socket, orjson.loads(message))
        except ConnectionClosed as closed:
            received = closed.rcvd
            if received is not None and received.code in REFUSED_CLOSES:
                raise ClientFailed(
                    f"the API closed the subscription: {received.code} {received.reason}"
                ) from closed
            code = received.code if received is not None else "no close frame"
            raise _Dropped(f"closed: {code}") from closed
        except InvalidStatus as refused:
            status = refused.response.status_code
            if status in (401, 403, 404):
                raise ClientFailed(
                    f"the API refused the WebSocket at {self.api.websocket_url}: HTTP {status}"
                ) from refused
            raise _Dropped(f"HTTP {status}") from refused
        except (OSError, TimeoutError, InvalidHandshake, httpx.TransportError) as exc:
            raise _Dropped(f"{type(exc).__name__}: {exc}") from exc

    async def _open(self, socket: ClientConnection) -> None:
        await self._send(
            socket,
            {"type": "connection_init", "payload": {"authorization": f"Bearer {self.api.key}"}},
        )
        async with asyncio.timeout(ACK_SECONDS):
            while True:
                message = orjson.loads(await socket.recv())
                if message.get("type") == "ping":
                    await self._send(socket, {"type": "pong"})
                elif message.get("type") == "connection_ack":
                    break
        self.connected = True

    @staticmethod
    async def _send(socket: ClientConnection, message: dict[str, Any]) -> None:
        await socket.send(orjson.dumps(message).decode())

    async def _receive(
        self, http: httpx.AsyncClient, socket: ClientConnection, message: dict[str, Any]
    ) -> None:
        kind = message.get("type")
        if kind == "ping":
            await self._send(socket, {"type": "pong"})
        elif kind == "next":
            payload = message["payload"]
            if payload.get("errors"):
                self._ended(payload["errors"])
            event = rest_form(payload["data"]["events"])
            if self.cursor is None and self.empty_at_start:
                await self._catch_up(http, before=event["sequence"])
            await self._forward(http, event)
        elif kind == "error":
            self._ended(message["payload"])
        elif kind == "complete":
            raise _Dropped("the server completed the subscription")

    def _ended(self, errors: list[dict[str, Any]]) -> NoReturn:
        first = errors[0] if errors else {}
        code = (first.get("extensions") or {}).get("code")
        said = f"{code}: {first.get('message')}"
        if code in PASSING_CODES:
            raise _Dropped(said)
        raise ClientFailed(f"the API ended the subscription: {said}")

    async def _catch_up(self, http: httpx.AsyncClient, *, before: int | None) -> None:
        """Every stored event (below ``before``), oldest first, when the account had none
        at the start: all of them came after it. Those matching are forwarded."""
        params: dict[str, str | int] = {"limit": 100, "sort": "sequence"}
        if before is not None:
            params["sequence_lt"] = before
        while True:
            page = answer(
                await http.get(f"{self.api.url}/v1/events", params=params, headers=self.api.headers)
            )
            for event in page["data"]:
                if matches(self.patterns, event["type"]):
                    await self._forward(http, event)
                self.cursor = event["id"]
            if not page["has_more"]:
                return
            params["cursor"] = page["next_cursor"]

    async def _forward(self, http: httpx.AsyncClient, event: dict[str, Any]) -> None:
        body = orjson.dumps(event)
        headers = signing.headers(
            body=body,
            webhook_id=event["id"],
            event_type=event["type"],
            timestamp=int(time.time()),
            secrets=[self.secret],
        )
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        self.forwarding = True
        try:
            response = await http.post(self.forward_to, content=body, headers=headers)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        finally:
            self.forwarding = False
        outcome = _Outcome(status, error, round((time.perf_counter() - started) * 1000))
        self.cursor = event["id"]
        self.forwarded += 1
        self.say(self._line(event, outcome))
        if self.stopping:
            raise _Stopped

    def stop(self, task: asyncio.Task[None]) -> None:
        """Ctrl-C: a POST under way is answered first (its line printed: the receiver has
        it); a second Ctrl-C, or one between events, stops at once."""
        if self.forwarding and not self.stopping:
            self.stopping = True
        else:
            task.cancel()

    @staticmethod
    def _line(event: dict[str, Any], outcome: _Outcome) -> str:
        """When, which event, and the receiver's answer (the URL is the Ready line's)."""
        now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        answered = f"[{outcome.status}]" if outcome.error is None else f"[{outcome.error}]"
        width = max(map(len, EVENT_TYPES))
        return (
            f"{now}  {event['type']:<{width}}  {event['id']}  {answered} {outcome.milliseconds} ms"
        )


def run(args: argparse.Namespace) -> int:
    api = Api.of(args)
    secret = _check_secret(args.secret or os.environ.get(SECRET_VARIABLE) or signing.new_secret())
    if not args.forward_to.startswith(("http://", "https://")):
        raise ClientFailed(
            f"--forward-to must be an http:// or https:// URL, not {args.forward_to!r}", 2
        )
    listener = Listener(
        api,
        forward_to=args.forward_to,
        patterns=_patterns(args.events),
        secret=secret,
        out=sys.stdout,
    )

    async def until_stopped() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, listener.stop, task)
        with contextlib.suppress(asyncio.CancelledError, _Stopped):
            await listener.run()

    asyncio.run(until_stopped())
    count = listener.forwarded
    listener.note(f"Stopped after forwarding {count} event{'' if count == 1 else 's'}.")
    return 0


__all__ = ["Listener", "rest_form", "run"]
