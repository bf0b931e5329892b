"""A real webhook receiver for tests: an HTTP server on a free local port that records
every request and answers the statuses it is told to, in order (then 200)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from tests.rest_support import Rest

# A killed worker's claims pass to another this soon.
LEASE_SECONDS = "1.5"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: list[int] = []
        # Seconds each answer waits, as a slow receiver would.
        self.delay = 0.0
        # Requests being answered now, and the most at once.
        self.open = 0
        self.most_open = 0
        self._lock = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:
                    return  # the sender went away mid-request: nothing was delivered
                with receiver._lock:
                    receiver.open += 1
                    receiver.most_open = max(receiver.most_open, receiver.open)
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append(
                        Received(self.path, dict(self.headers.items()), body, time.time())
                    )
                    receiver._lock.notify_all()
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver._lock:
                    receiver.open -= 1
                answer = f"answered {status}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    def wait(self, count: int, timeout: float = 15.0) -> list[Received]:
        """Blocks until at least ``count`` requests have arrived; returns them all."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.received)} of {count} webhooks arrived")
                self._lock.wait(left)
            return list(self.received)

    def quiet(self, seconds: float) -> list[Received]:
        """What arrived, after ``seconds`` more in which more might have."""
        time.sleep(seconds)
        with self._lock:
            return list(self.received)

    def of_type(self, event_type: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.headers["StateSet-Event-Type"] == event_type]


@contextmanager
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    made.thread.start()
    try:
        yield made
    finally:
        made.server.shutdown()
        made.server.server_close()


def add_endpoint(rest: Rest, url: str, events: list[str] | None = None) -> dict[str, Any]:
    endpoint: dict[str, Any] = rest.ok(
        rest.post("/v1/webhook_endpoints", {"url": url, "enabled_events": events or ["*"]}), 201
    )
    return endpoint


def new_customer(rest: Rest) -> dict[str, Any]:
    customer: dict[str, Any] = rest.ok(
        rest.post("/v1/customers", {"email": f"c{time.perf_counter_ns()}@example.com"}), 201
    )
    return customer


def wait_for_delivery(
    rest: Rest, delivery_id: str, status: str, timeout: float = 15.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        delivery: dict[str, Any] = rest.ok(rest.get(f"/v1/webhook_deliveries/{delivery_id}"))
        if delivery["status"] == status:
            return delivery
        if time.monotonic() > deadline:
            raise AssertionError(f"delivery is {delivery['status']}, not {status}: {delivery}")
        time.sleep(0.05)


def deliveries(rest: Rest, endpoint_id: str) -> list[dict[str, Any]]:
    page: dict[str, Any] = rest.ok(
        rest.get(f"/v1/webhook_endpoints/{endpoint_id}/deliveries", {"limit": 100})
    )
    data: list[dict[str, Any]] = page["data"]
    return data


def start_worker(database_url: str, redis_url: str, **environ: str) -> subprocess.Popen[bytes]:
    """A ``stateset-gql worker`` process, with retries 0.2 s apart and a short lease;
    ``environ``: more settings (``STATESET_DB_POOL_SIZE="2"``)."""
    env = {
        **os.environ,
        "STATESET_DATABASE_URL": database_url,
        "STATESET_BROADCAST_URL": redis_url,
        "STATESET_ENV": "test",
        "STATESET_LOG_LEVEL": "WARNING",
        "STATESET_WEBHOOK_RETRY_SCHEDULE": "0.2,0.2,0.2",
        "STATESET_WEBHOOK_POLL_SECONDS": "0.2",
        "STATESET_WEBHOOK_LEASE_SECONDS": LEASE_SECONDS,
        **environ,
    }
    return subprocess.Popen([sys.executable, "-m", "stateset_gql.cli", "worker"], env=env)


def stop(worker: subprocess.Popen[bytes]) -> int:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    return worker.wait(timeout=40)
