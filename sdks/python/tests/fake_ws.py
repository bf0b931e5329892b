"""A scripted graphql-transport-ws server on a real socket, for the offline tests of
``subscribe()``: it acknowledges ``connection_init`` and, for each ``subscribe``, runs the
test's script, which sends what that connection should see."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve
from websockets.typing import Subprotocol

# (the socket, the subscribe message, which connection this is, from 0)
Script = Callable[[ServerConnection, dict[str, Any], int], None]


@dataclass
class Seen:
    """What the clients sent: each connection_init and each subscribe, in order; whether
    a socket was closed."""

    inits: list[dict[str, Any]] = field(default_factory=list)
    subscribes: list[dict[str, Any]] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)

    def sinces(self) -> list[str | None]:
        return [(s["payload"].get("variables") or {}).get("since") for s in self.subscribes]


def event(number: int) -> str:
    """A ``next`` message carrying event evt_<number>."""
    data = {"events": {"id": f"evt_{number}", "type": "customer.created", "sequence": number}}
    return json.dumps({"id": "1", "type": "next", "payload": {"data": data}})


def after(subscribe: dict[str, Any]) -> int:
    """The number of the event a subscribe message resumes after (0: none)."""
    since = (subscribe["payload"].get("variables") or {}).get("since")
    return 0 if since is None else int(since.removeprefix("evt_"))


@contextmanager
def fake_server(script: Script, *, refuse: int | None = None) -> Iterator[tuple[str, Seen]]:
    """The base URL of a server running ``script`` per subscription (``refuse``: close
    every connection_init with that code), and what it saw."""
    seen = Seen()

    def handler(ws: ServerConnection) -> None:
        try:
            seen.inits.append(json.loads(ws.recv(timeout=5)))
            if refuse is not None:
                ws.close(refuse, "Forbidden")
                return
            ws.send(json.dumps({"type": "connection_ack"}))
            subscribe = json.loads(ws.recv(timeout=5))
            seen.subscribes.append(subscribe)
            script(ws, subscribe, len(seen.subscribes) - 1)
            while True:  # until the client closes
                ws.recv(timeout=5)
        except (ConnectionClosed, TimeoutError, OSError):
            pass
        finally:
            seen.closed.set()

    with serve(
        handler, "127.0.0.1", 0, subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.socket.getsockname()[:2]
        try:
            yield f"http://{host}:{port}", seen
        finally:
            server.shutdown()
            thread.join(5)
