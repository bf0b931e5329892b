"""Real sockets for the SDK's retry tests: a proxy that loses one answer, and a stub
that rate-limits once."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class LosingProxy:
    """Forwards every connection to ``upstream``; on the first one, the server's answer
    is read and thrown away and the client's socket closed, as when a connection dies
    after the server committed. ``requests`` are the raw bytes each connection sent."""

    upstream: tuple[str, int]
    listener: socket.socket = field(init=False)
    requests: list[bytes] = field(default_factory=list)
    dropped: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: bool = False

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        host, port = self.listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._closing = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                first = not self.dropped.is_set() and not self.requests
                self.requests.append(b"")
                index = len(self.requests) - 1
            threading.Thread(target=self._serve, args=(conn, index, first), daemon=True).start()

    def _serve(self, conn: socket.socket, index: int, lose: bool) -> None:
        upstream = socket.create_connection(self.upstream)

        def forward_requests() -> None:
            try:
                while chunk := conn.recv(65536):
                    with self._lock:
                        self.requests[index] += chunk
                    upstream.sendall(chunk)
            except OSError:
                pass

        threading.Thread(target=forward_requests, daemon=True).start()
        try:
            if lose:
                answer = b""
                while b"\r\n\r\n" not in answer and (chunk := upstream.recv(65536)):
                    answer += chunk
                self.dropped.set()
                conn.shutdown(socket.SHUT_RDWR)
                return
            while chunk := upstream.recv(65536):
                conn.sendall(chunk)
        except OSError:
            pass
        finally:
            conn.close()
            upstream.close()


@contextmanager
def losing_proxy(upstream: str) -> Iterator[LosingProxy]:
    host, port = upstream.removeprefix("http://").split(":")
    proxy = LosingProxy((host, int(port)))
    try:
        yield proxy
    finally:
        proxy.close()


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@contextmanager
def rate_limited_once(answer: dict[str, Any]) -> Iterator[tuple[str, list[Seen]]]:
    """A stub API that answers its first request 429 with ``Retry-After: 1`` (the error
    body as the API writes it), and every later one 200 with ``answer``."""
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            seen.append(
                Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            if len(seen) == 1:
                status, body = (
                    429,
                    {
                        "error": {
                            "type": "rate_limit_error",
                            "code": "RATE_LIMIT_EXCEEDED",
                            "message": "Too many requests",
                            "param": None,
                            "details": [{"param": "burst", "code": "RATE_LIMIT_EXCEEDED"}],
                            "request_id": "req_limited",
                        }
                    },
                )
                extra = {"Retry-After": "1"}
            else:
                status, body, extra = 200, answer, {}
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("X-Request-Id", f"req_stub_{len(seen)}")
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = _reply  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}", seen
    finally:
        server.shutdown()
        server.server_close()
