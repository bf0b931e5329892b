"""The transport (issue: guards): JSON only on /graphql, slow bodies answered 408 and
cut off, no SQL parameters in the logs, and a client that goes away is an info line.
Everything over real sockets, some against a real ``serve``. (The budgets of requests in
flight and of sockets: ``test_budgets``.)"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import text

from stateset_gql.db.engine import Database
from tests.support import CREATE_CUSTOMER, Account, LiveServer, data, gql, new_account, serve_cli

COUNT = "{ customers { totalCount } }"
LIMIT = 4  # the requests in flight the served process allows
HEADER_TIMEOUT = 2  # seconds the served process allows for a request's headers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _customers(client: httpx.Client, key: str) -> int:
    total: int = data(gql(client, key, COUNT))["customers"]["totalCount"]
    return total


def _mutation(email: str, name: str = "Form Post") -> bytes:
    return orjson.dumps(
        {"query": CREATE_CUSTOMER, "variables": {"input": {"email": email, "name": name}}}
    )


class HealthWatch:
    """Times ``/health`` from another thread while something hostile runs."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.slowest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            while not self._stop.is_set():
                started = time.perf_counter()
                assert http.get("/health").status_code == 200
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self._stop.wait(0.1)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        assert self.slowest < 1.0, f"/health waited {self.slowest:.2f} s"


def _connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _read_until_closed(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _partial_post(path: str, key: str, base_url: str, declared: int = 1000) -> bytes:
    host = base_url.removeprefix("http://")
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    ).encode() + b'{"query": "{ customers { total'


# JSON only


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_graphql_post_that_is_not_json_is_a_415_and_runs_nothing(
    client: httpx.Client, account: Account, content_type: str | None
) -> None:
    before = _customers(client, account.sk_test)
    headers = {"Authorization": f"Bearer {account.sk_test}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = client.post("/graphql", content=_mutation("form@example.com"), headers=headers)
    assert response.status_code == 415, response.text
    extensions = response.json()["errors"][0]["extensions"]
    assert extensions["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert extensions["type"] == "invalid_request_error"
    assert _customers(client, account.sk_test) == before


def test_a_graphql_post_as_json_with_a_charset_runs(client: httpx.Client, account: Account) -> None:
    response = client.post(
        "/graphql",
        content=orjson.dumps({"query": COUNT}),
        headers={
            "Authorization": f"Bearer {account.sk_test}",
            "Content-Type": "application/json; charset=utf-8",
        },
    )
    assert data(response)["customers"]["totalCount"] >= 0


def test_a_rest_action_without_a_body_needs_no_content_type(
    client: httpx.Client, account: Account
) -> None:
    headers = {"Authorization": f"Bearer {account.sk_test}"}
    empty = client.post("/v1/customers", headers=headers)
    # Read as an empty body: a validation error about the fields, not about the type.
    assert empty.status_code == 422, empty.text
    assert empty.json()["error"]["param"] == "email"
    form = client.post("/v1/customers", content=b"email=a@example.com", headers=headers)
    assert form.status_code == 415, form.text


# Slow bodies


@pytest.fixture(scope="module")
def impatient_server(database_url: str) -> Iterator[LiveServer]:
    live = LiveServer.start(database_url=database_url, body_timeout_seconds=1.5)
    try:
        yield live
    finally:
        live.stop()


@pytest.mark.parametrize("path", ["/graphql", "/v1/customers"])
def test_a_body_that_stalls_is_a_408_and_the_connection_is_closed(
    impatient_server: LiveServer, path: str
) -> None:
    account = new_account(impatient_server.database_url)
    base_url = impatient_server.base_url
    with HealthWatch(base_url), _connect(base_url) as sock:
        started = time.monotonic()
        sock.sendall(_partial_post(path, account.sk_test, base_url))
        answer = _read_until_closed(sock, timeout=10)
        waited = time.monotonic() - started
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer[:500]
    assert b"connection: close" in head.lower()
    assert 1.4 < waited < 5, waited
    payload = orjson.loads(body)
    error = payload["errors"][0]["extensions"] if path == "/graphql" else payload["error"]
    assert error["code"] == "REQUEST_TIMEOUT"
    assert error["type"] == "invalid_request_error"


def test_a_body_that_trickles_in_is_cut_off_at_the_same_deadline(
    impatient_server: LiveServer,
) -> None:
    account = new_account(impatient_server.database_url)
    base_url = impatient_server.base_url
    with _connect(base_url) as sock:
        started = time.monotonic()
        sock.sendall(_partial_post("/graphql", account.sk_test, base_url))
        answer = b""
        sock.settimeout(0.25)
        while time.monotonic() - started < 10:
            try:
                sock.sendall(b" ")
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:500]
    assert waited < 5, waited


def test_a_body_in_time_is_answered(impatient_server: LiveServer) -> None:
    account = new_account(impatient_server.database_url)
    with httpx.Client(base_url=impatient_server.base_url, timeout=30) as http:
        assert _customers(http, account.sk_test) == 0


# The served process: a budget of requests in flight, and its log


@dataclass
class Served:
    base_url: str
    log: Path
    database_url: str

    def log_text(self) -> str:
        return self.log.read_text()

    def wait_for_log(self, needle: str, *, since: int = 0, timeout: float = 10) -> str:
        """What was logged after the first ``since`` characters, once it holds ``needle``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in (found := self.log_text()[since:]):
                return found
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never logged:\n{self.log_text()[-3000:]}")


@pytest.fixture(scope="module")
def served(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``stateset-gql serve`` with a budget of requests in flight and a deadline on headers, in its
    own process, logging to a file."""
    log = tmp_path_factory.mktemp("serve") / "server.log"
    with serve_cli(
        "--limit-concurrency",
        str(LIMIT),
        "--header-timeout",
        str(HEADER_TIMEOUT),
        port=_free_port(),
        log=log,
        STATESET_DATABASE_URL=database_url,
        STATESET_ENV="test",
        STATESET_LOG_LEVEL="INFO",
    ) as base_url:
        yield Served(base_url=base_url, log=log, database_url=database_url)


def test_a_client_sending_its_headers_slowly_is_cut_off(served: Served) -> None:
    started = time.monotonic()
    with HealthWatch(served.base_url), _connect(served.base_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        sock.settimeout(HEADER_TIMEOUT + 5)
        for _ in range(20):  # a header line a quarter of a second, never the blank line
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
            time.sleep(0.25)
        assert _read_until_closed(sock, HEADER_TIMEOUT + 5) == b""
    assert time.monotonic() - started < HEADER_TIMEOUT + 2


def _refusing_trigger(database_url: str, *, install: bool) -> None:
    """A trigger that makes the database refuse a customer named 'Leak probe ...': a
    database error whose statement carries the customer's email and name."""
    if database_url.startswith("sqlite"):
        statements = (
            [
                "CREATE TRIGGER test_refuse_probe BEFORE INSERT ON customers "
                "WHEN NEW.name LIKE 'Leak probe%' "
                "BEGIN INSERT INTO refused_by_a_test_trigger VALUES (1); END"
            ]
            if install
            else ["DROP TRIGGER IF EXISTS test_refuse_probe"]
        )
    else:
        statements = (
            [
                "CREATE OR REPLACE FUNCTION test_refuse_probe() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'refused_by_a_test_trigger'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER test_refuse_probe BEFORE INSERT ON customers FOR EACH ROW "
                "WHEN (NEW.name LIKE 'Leak probe%') EXECUTE FUNCTION test_refuse_probe()",
            ]
            if install
            else [
                "DROP TRIGGER IF EXISTS test_refuse_probe ON customers",
                "DROP FUNCTION IF EXISTS test_refuse_probe()",
            ]
        )

    async def run() -> None:
        db = Database(database_url)
        try:
            async with db.session(write=True) as session, session.begin():
                for statement in statements:
                    await session.execute(text(statement))
        finally:
            await db.dispose()

    asyncio.run(run())


def test_a_database_error_is_logged_without_its_parameters(served: Served) -> None:
    account = new_account(served.database_url)
    token = secrets.token_hex(6)
    email, name = f"leak{token}@example.com", f"Leak probe {token}"
    _refusing_trigger(served.database_url, install=True)
    try:
        with httpx.Client(base_url=served.base_url, timeout=30) as http:
            response = http.post(
                "/graphql",
                content=_mutation(email, name),
                headers={
                    "Authorization": f"Bearer {account.sk_test}",
                    "Content-Type": "application/json",
                },
            )
    finally:
        _refusing_trigger(served.database_url, install=False)
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    logged = served.wait_for_log("refused_by_a_test_trigger")
    assert "INSERT INTO customers" in logged  # the statement is there to debug with
    assert email not in logged
    assert token not in logged


def test_a_client_that_goes_away_is_an_info_line_and_no_500(served: Served) -> None:
    account = new_account(served.database_url)
    since = len(served.log_text())
    with _connect(served.base_url) as sock:
        sock.sendall(_partial_post("/graphql", account.sk_test, served.base_url))
        time.sleep(0.3)
    logged = served.wait_for_log('"status":499', since=since)
    lines = [orjson.loads(line) for line in logged.splitlines() if line.startswith("{")]
    gone = [line for line in lines if line.get("status") == 499]
    assert len(gone) == 1, gone
    assert gone[0]["level"] == "info"
    assert gone[0]["path"] == "/graphql"
    assert "exception" not in gone[0]
    assert not [line for line in lines if "unhandled" in str(line["message"])]
    assert "Traceback" not in logged
    metrics = httpx.get(f"{served.base_url}/metrics", timeout=10).text
    assert 'route="/graphql",status="499"' in metrics
    assert 'status="500"' not in metrics
