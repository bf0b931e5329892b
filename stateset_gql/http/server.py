"""uvicorn's server, closing the app's WebSockets with 1001 before it stops.

uvicorn's own shutdown closes every open WebSocket with 1012 and only then tells the app
(lifespan shutdown), too late to say anything else. API.md section 9 promises 1001
("going away"), after which clients reconnect and resume with ``since``: so the app's
sockets are closed first, then uvicorn shuts down as usual.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from stateset_gql.http.websocket import WebSocketEndpoint


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
