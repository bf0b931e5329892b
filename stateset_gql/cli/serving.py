"""How a ``serve`` process builds its server: alone, or as one of ``--workers N``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import uvicorn
from prometheus_client import start_http_server

from stateset_gql.app import create_app
from stateset_gql.http.protocol import with_header_timeout
from stateset_gql.http.server import Server, websocket_options
from stateset_gql.settings import Settings


@dataclass(frozen=True)
class ServeOptions:
    """What a server process is built from: plain values, so that ``--workers`` can hand
    the same to every process it starts."""

    settings: Settings
    host: str
    port: int
    # uvicorn's limit counts connections, idle and WebSocket ones too, and answers past
    # it with a plain 503: it is only the cap on connections, far above the budgets the
    # app keeps (requests in flight, WebSockets), so those bite first.
    connections: int
    timeout_keep_alive: int
    header_timeout: int
    backlog: int
    # The first of the ports the processes serve their own metrics on (127.0.0.1).
    metrics_port: int | None = None


AnyServer = TypeVar("AnyServer", bound=Server)


def build_server(options: ServeOptions, kind: type[AnyServer], *, index: int = 0) -> AnyServer:
    """The app and the uvicorn server around it, in this process: the ``index``-th of
    ``--workers`` (0 alone), whose metrics port is the first plus ``index``."""
    app = create_app(options.settings)
    if options.metrics_port is not None:
        port = options.metrics_port + index
        start_http_server(port, addr="127.0.0.1", registry=app.state.metrics.registry)
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        log_config=None,
        limit_concurrency=options.connections,
        timeout_keep_alive=options.timeout_keep_alive,
        backlog=options.backlog,
        http=with_header_timeout(options.header_timeout),
        **websocket_options(options.settings),
    )
    return kind(config, app.state.websockets)
