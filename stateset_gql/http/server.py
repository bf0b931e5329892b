"""uvicorn's server, closing the app's WebSockets with 1001 before it stops.

uvicorn's own shutdown closes every open WebSocket with 1012 and only then tells the app
(lifespan shutdown), too late to say anything else. API.md section 9 promises 1001
("going away"), after which clients reconnect and resume with ``since``: so the app's
sockets are closed first, then uvicorn shuts down as usual.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import socket
from typing import Any

import uvicorn

from stateset_gql.http.websocket import WebSocketEndpoint
from stateset_gql.settings import Settings

log = logging.getLogger("stateset_gql.http")

# Descriptors besides the connections: the database pool, Redis, logs, the listener.
FILE_HEADROOM = 256

# A WebSocket frame larger than this is refused by uvicorn (1009); messages over 64 KB
# are refused by the app, with the contract's 4413.
WS_MAX_FRAME_BYTES = 1024 * 1024


def websocket_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's WebSocket settings. No permessage-deflate: messages are small JSON, and
    compressing them costs each idle socket about 40 KB and each message a fifth of its
    CPU (``make bench``, subscribers)."""
    return {
        "ws_max_size": WS_MAX_FRAME_BYTES,
        "ws_ping_interval": settings.ws_ping_seconds,
        "ws_per_message_deflate": False,
    }


def allow_open_files(connections: int) -> None:
    """Raises this process's limit on open files (``ulimit -n``, often 1024) as far as the
    hard limit allows, so the connection cap, not the system, is what refuses a
    connection; says so when the hard limit is lower."""
    wanted = connections + FILE_HEADROOM
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    allowed = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < allowed:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (allowed, hard))
            soft = allowed
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < wanted:
        log.warning(
            "this process may open %d files (ulimit -n); --limit-connections %d needs about "
            "%d: raise the limit or lower --limit-connections",
            soft,
            connections,
            wanted,
        )


class Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, websockets: WebSocketEndpoint) -> None:
        super().__init__(config)
        self.websockets = websockets

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()  # no new sockets while the open ones are closed
        await self.websockets.close_all()
        await asyncio.sleep(0.05)  # the close frames go out before uvicorn drops connections
        await super().shutdown(sockets)
