"""A real GraphQL WebSocket client for tests, on both protocols.

``graphql-transport-ws`` (subscribe / next / error / complete) and the legacy
``graphql-ws`` (start / data / error / complete) are spoken over the ``websockets``
library's synchronous client, so a test reads like the client code it stands for.
"""

from __future__ import annotations

import json
import socket
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class Closed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed {code} {reason}")
        self.code = code
        self.reason = reason


class GraphQLSocket:
    def __init__(
        self,
        base_url: str,
        *,
        path: str = "/graphql",
        protocol: str = TRANSPORT_WS,
        receive_buffer: int | None = None,
    ) -> None:
        self.protocol = protocol
        url = base_url.replace("http://", "ws://") + path
        sock = None
        compression: str | None = "deflate"
        if receive_buffer is not None:
            compression = None  # what piles up is what was sent, not a deflated trickle
            # A client that reads slowly: the server's sends back up sooner.
            host, port = base_url.removeprefix("http://").split(":")
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            sock.connect((host, int(port)))
        self.ws: ClientConnection = connect(
            url,
            subprotocols=[Subprotocol(protocol)],
            open_timeout=10,
            sock=sock,
            max_size=None,
            compression=compression,
            ping_interval=None,  # the protocol pings; a stalled test client cannot answer its own
            # A test that left messages unread (the protocol's pings pile up) has a full
            # receive queue, so its reader cannot take the server's close frame: closing
            # would wait out the default 10 s. The server answers a close at once.
            close_timeout=1,
        ).__enter__()
        self.pings = 0

    def __enter__(self) -> GraphQLSocket:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            # The TCP socket too, whatever state the closing handshake ended in.
            self.ws.close_socket()

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def init(self, key: str | None, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """Sends connection_init with ``Authorization: Bearer key``; the server's answer."""
        if payload is None:
            payload = {} if key is None else {"authorization": f"Bearer {key}"}
        self.send({"type": "connection_init", "payload": payload})
        return self.receive()

    def subscribe(self, id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        self.send({"type": kind, "id": id, "payload": body})

    def stop(self, id: str) -> None:
        self.send({"type": "complete" if self.protocol == TRANSPORT_WS else "stop", "id": id})

    def receive(self, timeout: float = 10) -> dict[str, Any]:
        """The next message that is not a keep-alive (pings are answered)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message in time")
            try:
                raw = self.ws.recv(timeout=left)
            except ConnectionClosed as closed:
                frame = closed.rcvd
                raise Closed(frame.code if frame else None, frame.reason if frame else "") from None
            message: dict[str, Any] = json.loads(raw)
            if message.get("type") == "ping":
                self.pings += 1
                self.send({"type": "pong"})
                continue
            if message.get("type") in ("ka", "pong"):
                self.pings += 1
                continue
            return message

    def next_data(self, id: str, timeout: float = 10) -> dict[str, Any]:
        """The data of the next result of operation ``id``; fails on anything else."""
        message = self.receive(timeout)
        expected = "next" if self.protocol == TRANSPORT_WS else "data"
        assert message.get("id") == id, message
        assert message["type"] == expected, message
        assert "errors" not in message["payload"], message
        result: dict[str, Any] = message["payload"]["data"]
        return result

    def closed_with(self, timeout: float = 10) -> int | None:
        """The close code the server sends next (messages before it are skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.receive(max(0.01, deadline - time.monotonic()))
            except Closed as closed:
                return closed.code
        raise TimeoutError("the socket was not closed")

    def silent(self, seconds: float) -> bool:
        """Whether nothing but keep-alives arrives for ``seconds``."""
        try:
            message = self.receive(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message: {message}")
