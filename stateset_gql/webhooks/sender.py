"""One attempt: a signed POST of a delivery's body over a kept-alive HTTP/1.1 connection.

Redirects are not followed (a 3xx is a failed attempt), the whole attempt is bounded by
``timeout``, and the response's first 1 KB is kept. For a live-mode endpoint the host
is resolved and checked first (``addresses``) and the connection goes to the checked
address, the URL's host still sent as ``Host`` and as the TLS server name.

The requests are written and the responses parsed by h11 on asyncio's streams. A
general-purpose client costs about ten times the CPU an attempt needs (its pool
re-examines every connection for every request), and a worker's rate is its CPU.
Connections are kept per address dialled, up to ``KEEP_PER_ORIGIN`` idle ones each, for
``KEEP_SECONDS`` (those of a receiver not sent to again are closed as others are used);
one found closed when reused is replaced by a new connection once.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import certifi
import h11

from stateset_gql.db.base import utcnow
from stateset_gql.webhooks import addresses, signing
from stateset_gql.webhooks.queue import Attempt, Claimed

TIMEOUT_SECONDS = 30.0
KEPT_RESPONSE_BYTES = 1024
# A response body is read to its end, so the connection can be used again, up to this;
# past it the connection is closed instead.
READ_RESPONSE_BYTES = 64 * 1024
KEEP_PER_ORIGIN = 10
KEEP_ORIGINS = 200
KEEP_SECONDS = 5.0


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


class _Stale(Exception):
    """A kept-alive connection that turned out to be closed before it answered."""


@dataclass(frozen=True)
class _Origin:
    scheme: str
    dial: str  # the checked address, or the host by name (test mode)
    port: int
    host: str  # the URL's host: the TLS server name


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def usable(self) -> bool:
        return (
            not self.writer.is_closing()
            and not self.reader.at_eof()
            and time.monotonic() - self.idle_since < KEEP_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


@dataclass(frozen=True)
class _Answer:
    status: int
    head: bytes


class Sender:
    def __init__(
        self,
        *,
        timeout: float = TIMEOUT_SECONDS,
        resolver: addresses.Resolver | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.timeout = timeout
        self.resolver = resolver or addresses.Resolver()
        self.tls = tls or ssl.create_default_context(cafile=certifi.where())
        self._idle: OrderedDict[_Origin, list[_Connection]] = OrderedDict()

    async def close(self) -> None:
        idle, self._idle = self._idle, OrderedDict()
        for connections in idle.values():
            for connection in connections:
                connection.close()

    async def send(self, delivery: Claimed) -> Attempt:
        attempted_at = utcnow()
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        kept: str | None = None
        try:
            async with asyncio.timeout(self.timeout):
                answer = await self._post(delivery, int(time.time()))
            status = answer.status
            kept = answer.head.decode("utf-8", "replace")
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except addresses.Refused as refused:
            error = f"refused: {refused}"
        except TimeoutError:
            error = "timed out"
        except Exception as exc:  # noqa: BLE001 - whatever failed, the attempt is recorded
            error = f"{type(exc).__name__}: {_short(exc)}"
        return Attempt(
            delivery=delivery,
            attempted_at=attempted_at,
            status_code=status,
            duration_ms=round((time.perf_counter() - started) * 1000),
            error=error,
            response_body=kept,
        )

    async def _post(self, delivery: Claimed, timestamp: int) -> _Answer:
        target = await self.resolver.target(delivery.url, livemode=delivery.livemode)
        url = urlsplit(delivery.url)
        origin = _Origin(
            scheme=url.scheme, dial=target.address or target.host, port=target.port,
            host=target.host,
        )  # fmt: skip
        headers = signing.headers(
            body=delivery.body,
            webhook_id=delivery.id,
            event_type=delivery.event_type,
            timestamp=timestamp,
            secrets=delivery.secrets,
        )
        request = h11.Request(
            method="POST",
            target=(url.path or "/") + (f"?{url.query}" if url.query else ""),
            headers=[
                ("Host", url.netloc),
                ("Content-Length", str(len(delivery.body))),
                *headers.items(),
            ],
        )
        connection = self._reuse(origin)
        if connection is not None:
            try:
                return await self._exchange(origin, connection, request, delivery.body)
            except _Stale:
                pass  # closed while it was idle: once more on a new connection
        connection = await self._connect(origin)
        try:
            return await self._exchange(origin, connection, request, delivery.body)
        except _Stale as stale:
            if isinstance(stale.__cause__, Exception):
                raise stale.__cause__ from None
            raise ConnectionError("the receiver closed the connection without answering") from None

    def _reuse(self, origin: _Origin) -> _Connection | None:
        kept = self._idle.get(origin)
        while kept:
            connection = kept.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    async def _connect(self, origin: _Origin) -> _Connection:
        if origin.scheme == "https":
            reader, writer = await asyncio.open_connection(
                origin.dial, origin.port, ssl=self.tls, server_hostname=origin.host
            )
        else:
            reader, writer = await asyncio.open_connection(origin.dial, origin.port)
        return _Connection(reader, writer)

    async def _exchange(
        self, origin: _Origin, connection: _Connection, request: h11.Request, body: bytes
    ) -> _Answer:
        protocol = h11.Connection(h11.CLIENT)
        answered = False
        try:
            # One write: a request is never half on the wire for want of a second call.
            connection.writer.write(
                b"".join(
                    protocol.send(part) or b""
                    for part in (request, h11.Data(data=body), h11.EndOfMessage())
                )
            )
            status = 0
            head = bytearray()
            read = 0
            while True:
                event = protocol.next_event()
                if event is h11.NEED_DATA:
                    data = await connection.reader.read(65536)
                    if not data and not answered:
                        raise _Stale
                    protocol.receive_data(data)
                elif isinstance(event, h11.Response):
                    answered = True
                    status = event.status_code
                elif isinstance(event, h11.Data):
                    read += len(event.data)
                    if len(head) < KEPT_RESPONSE_BYTES:
                        head += event.data[: KEPT_RESPONSE_BYTES - len(head)]
                    if read > READ_RESPONSE_BYTES:
                        break  # not worth reading on: the connection is closed below
                elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                    break
                elif isinstance(event, h11.InformationalResponse):
                    answered = True
        except (ConnectionError, h11.RemoteProtocolError) as exc:
            connection.close()
            if not answered and isinstance(exc, ConnectionError):
                raise _Stale from exc
            raise
        except BaseException:
            connection.close()
            raise
        if protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            self._keep(origin, connection)
        else:
            connection.close()
        return _Answer(status=status, head=bytes(head))

    def _keep(self, origin: _Origin, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        kept = self._idle.setdefault(origin, [])
        self._idle.move_to_end(origin)
        kept.append(connection)
        if len(kept) > KEEP_PER_ORIGIN:
            kept.pop(0).close()
        # Origins are in the order they were last used: from the oldest, those whose
        # newest connection has outlived KEEP_SECONDS (or that have none) are closed, so
        # a receiver not sent to again holds no socket here.
        expired = connection.idle_since - KEEP_SECONDS
        while self._idle:
            oldest, connections = next(iter(self._idle.items()))
            if (
                len(self._idle) <= KEEP_ORIGINS
                and connections
                and (connections[-1].idle_since > expired)
            ):
                break
            del self._idle[oldest]
            for stale in connections:
                stale.close()
