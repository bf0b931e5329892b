"""Real sockets between an SDK and the live server, for the conformance scenario: a TCP
proxy that passes everything through but may lose the answer to, or rate-limit, the
first request it receives, and can cut every connection open through it at once."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

First = Literal["pass", "lose", "limit"]

RATE_LIMITED = {
    "error": {
        "type": "rate_limit_error",
        "code": "RATE_LIMIT_EXCEEDED",
        "message": "Too many requests: retry after 1 second",
        "param": None,
        "details": [{"param": "burst", "code": "RATE_LIMIT_EXCEEDED"}],
        "request_id": "req_proxy_limited",
    }
}


def _read_request(conn: socket.socket) -> bytes:
    """One HTTP request's bytes: the head, then as much body as Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length and (chunk := conn.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def header_of(request: bytes, name: str) -> str | None:
    head = request.partition(b"\r\n\r\n")[0].decode("latin-1")
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


@dataclass
class Proxy:
    """Forwards each connection to ``upstream``. The first request it receives is, by
    ``first``: passed through; forwarded, its answer read and thrown away and the client's
    socket closed (as when a connection dies after the server committed); or answered 429
    ``RATE_LIMIT_EXCEEDED`` with ``Retry-After: 1`` without reaching the server.
    ``firsts`` are the first requests of each connection, as sent."""

    upstream: tuple[str, int]
    first: First = "pass"
    firsts: list[bytes] = field(default_factory=list)
    listener: socket.socket = field(init=False)
    _open: set[socket.socket] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: bool = False

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        host, port = self.listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def cut(self) -> int:
        """Closes every connection open through the proxy; returns how many."""
        with self._lock:
            conns, self._open = list(self._open), set()
        for conn in conns:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        return len(conns) // 2

    def close(self) -> None:
        self._closing = True
        self.listener.close()
        self.cut()

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            request = _read_request(conn)
        except OSError:
            conn.close()
            return
        with self._lock:
            self.firsts.append(request)
            special = self.first if len(self.firsts) == 1 else "pass"
        if special == "limit":
            self._limit(conn)
            return
        try:
            upstream = socket.create_connection(self.upstream)
        except OSError:
            conn.close()
            return
        with self._lock:
            self._open |= {conn, upstream}
        try:
            upstream.sendall(request)
            if special == "lose":
                answer = b""
                while b"\r\n\r\n" not in answer and (chunk := upstream.recv(65536)):
                    answer += chunk
                return
            threading.Thread(target=self._pipe, args=(conn, upstream), daemon=True).start()
            self._pipe(upstream, conn)
        except OSError:
            pass
        finally:
            for sock in (conn, upstream):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self._lock:
                self._open -= {conn, upstream}

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    @staticmethod
    def _limit(conn: socket.socket) -> None:
        body = json.dumps(RATE_LIMITED).encode()
        head = (
            "HTTP/1.1 429 Too Many Requests\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Retry-After: 1\r\n"
            "X-Request-Id: req_proxy_limited\r\n"
            "Connection: close\r\n\r\n"
        )
        try:
            conn.sendall(head.encode() + body)
        except OSError:
            pass
        finally:
            conn.close()


@contextmanager
def proxy(upstream: str, first: First = "pass") -> Iterator[Proxy]:
    host, port = upstream.removeprefix("http://").rsplit(":", 1)
    made = Proxy((host, int(port)), first)
    try:
        yield made
    finally:
        made.close()


@contextmanager
def cut_control(target: Proxy) -> Iterator[str]:
    """An HTTP endpoint whose POST cuts every connection open through ``target``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            answer = str(target.cut()).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/cut"
    finally:
        server.shutdown()
        server.server_close()
