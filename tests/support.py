"""Helpers for tests: a live server, accounts, and a small GraphQL client."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from sqlalchemy import event

from stateset_gql.access import service
from stateset_gql.app import StateSetApp, create_app
from stateset_gql.db.engine import Database, Pool, unavailable
from stateset_gql.events.models import Event
from stateset_gql.http.requestctx import request_id_var
from stateset_gql.http.server import Server, websocket_options
from stateset_gql.realtime.outbox import unpublished
from stateset_gql.settings import Settings

# The pool of every server and command a test starts (see the settings of the same
# names): the whole suite stays under ``MAX_TEST_CONNECTIONS`` of PostgreSQL's 100.
TEST_POOL: dict[str, Any] = {
    "db_pool_size": 2,
    "db_max_overflow": 4,
    "db_pool_timeout_seconds": 30.0,
}


@dataclass
class LiveServer:
    """The real app, served by uvicorn on a real socket from a background thread."""

    app: StateSetApp
    server: uvicorn.Server
    thread: threading.Thread
    database_url: str

    @property
    def base_url(self) -> str:
        sockets = self.server.servers[0].sockets
        host, port = sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    @classmethod
    def start(
        cls, *, database_url: str, broadcast_url: str = "memory://", **extra: Any
    ) -> LiveServer:
        # Webhook retries and polls short enough for tests to wait on.
        extra.setdefault("webhook_retry_schedule", (0.2, 0.2, 0.2))
        extra.setdefault("webhook_poll_seconds", 0.2)
        extra.setdefault("job_poll_seconds", 0.2)
        # Keys stay authenticated for the whole test, so no statement count depends on
        # whether a cached key expired in between; revocations drop them at once.
        extra.setdefault("auth_cache_seconds", 600.0)
        # PostgreSQL serves every session on the machine (100 connections in all): each test
        # server keeps two and opens a few more at a peak, waiting rather than refusing.
        for name, value in TEST_POOL.items():
            extra.setdefault(name, value)
        settings = Settings(
            database_url=database_url, broadcast_url=broadcast_url, env="test", **extra
        )
        app = create_app(settings)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_config=None, lifespan="on",
            **websocket_options(settings),
        )  # fmt: skip
        server = Server(config, app.state.websockets)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return cls(app=app, server=server, thread=thread, database_url=database_url)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)

    @contextmanager
    def count_statements(self) -> Iterator[list[str]]:
        """Every SQL statement the server sends for requests (HTTP, or a WebSocket's
        subscriptions) while the block runs; the background loops' (the webhook worker and
        relay that serve runs on memory://, housekeeping) are not the requests' doing. The
        published marks of earlier requests, written beside their responses, land first."""
        deadline = time.monotonic() + 5
        while self.app.state.outbox.marking and time.monotonic() < deadline:
            time.sleep(0.01)
        statements: list[str] = []
        lock = threading.Lock()

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if request_id_var.get() is None:
                return
            with lock:
                statements.append(statement)

        engines = [e.sync_engine for e in self.app.state.db.engines]
        for engine in engines:
            event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", record)


@dataclass
class Account:
    id: str
    keys: dict[str, str]
    database_url: str

    @property
    def sk_test(self) -> str:
        return self.keys["sk_test"]

    @property
    def sk_live(self) -> str:
        return self.keys["sk_live"]

    def key(self, key_type: str, scopes: list[str] | None = None, livemode: bool = False) -> str:
        """A new key of this account (``rk`` keys with the given scopes)."""

        async def make(db: Database) -> str:
            async with db.session(write=True) as session, session.begin():
                created = await service.create_key(
                    session=session,
                    account_id=self.id,
                    key_type=key_type,
                    livemode=livemode,
                    scopes=scopes,
                )
                return created.secret

        return on_database(self.database_url, make)


def new_account(database_url: str, *, name: str = "Test Shop", plan: str = "scale") -> Account:
    """A new account and its keys. The default plan is roomy enough that no test is cut
    short by a rate limit; tests of the limits ask for the plan they test."""

    async def make(db: Database) -> Account:
        async with db.session(write=True) as session, session.begin():
            account, keys = await service.create_account(session=session, name=name, plan=plan)
            return Account(
                id=account.id,
                keys={k: v.secret for k, v in keys.items()},
                database_url=database_url,
            )

    return on_database(database_url, make)


T = TypeVar("T")
# The tests' own loop and one engine a database (one connection), for the accounts and
# keys nearly every test makes first: an engine and a loop made per account cost 20-50 ms
# of each test's setup.
_LOOP: asyncio.AbstractEventLoop | None = None
_DATABASES: dict[str, Database] = {}
_LOOP_LOCK = threading.Lock()


def on_database(database_url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """``work`` on the shared engine of ``database_url``, on the tests' own loop; once more
    on a fresh engine if the database went away meanwhile (a test dropped its backends)."""
    global _LOOP
    with _LOOP_LOCK:
        if _LOOP is None:
            _LOOP = asyncio.new_event_loop()
            threading.Thread(target=_LOOP.run_forever, daemon=True).start()
        loop = _LOOP

    async def run() -> T:
        db = _DATABASES.get(database_url)
        if db is None:
            db = _DATABASES[database_url] = Database(database_url, pool=Pool(size=1))
        try:
            return await work(db)
        except Exception as exc:
            if not unavailable(exc):
                raise
            await db.dispose()
            db = _DATABASES[database_url] = Database(database_url, pool=Pool(size=1))
            return await work(db)

    return asyncio.run_coroutine_threadsafe(run(), loop).result()


def gql(
    client: httpx.Client,
    key: str | None,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST one GraphQL operation with a key; returns the raw response."""
    sent = dict(headers or {})
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return client.post("/graphql", json=body, headers=sent)


def data(response: httpx.Response) -> dict[str, Any]:
    """The ``data`` of a response that must have succeeded."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def error(response: httpx.Response) -> dict[str, Any]:
    """The extensions of the single error a response must carry."""
    body = response.json()
    assert body.get("errors"), body
    assert len(body["errors"]) == 1, body["errors"]
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return extensions


CREATE_CUSTOMER = """
mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    id object livemode created updated email name phone metadata
    address { line1 line2 city state postalCode country }
  }
}
"""


def create_customer(client: httpx.Client, key: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("email", f"c{time.perf_counter_ns()}@example.com")
    result: dict[str, Any] = data(gql(client, key, CREATE_CUSTOMER, {"input": fields}))[
        "createCustomer"
    ]
    return result


async def find_unpublished(account: Account) -> list[Event]:
    """The account's events that no broadcast took yet, oldest first."""
    db = Database(account.database_url)
    try:
        found = await unpublished(db=db, older_than=timedelta(0), limit=10_000)
        return [e for e in found if e.account_id == account.id]
    finally:
        await db.dispose()


def unpublished_of(account: Account) -> list[Event]:
    return asyncio.run(find_unpublished(account))


# -- the command line, run as a person runs it ---------------------------------------------

CLI = [sys.executable, "-m", "stateset_gql.cli"]


def cli_environ(**settings: str) -> dict[str, str]:
    """This process's environment without any StateSet setting, plus ``settings``: a
    command sees only what its test gives it (and a test server's small pool)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STATESET_")}
    pool = {
        "STATESET_DB_POOL_SIZE": str(TEST_POOL["db_pool_size"]),
        "STATESET_DB_MAX_OVERFLOW": str(TEST_POOL["db_max_overflow"]),
        "STATESET_DB_POOL_TIMEOUT_SECONDS": str(TEST_POOL["db_pool_timeout_seconds"]),
    }
    return {**clean, **pool, **settings}


def run_cli(
    *args: str,
    database_url: str | None = None,
    broadcast_url: str | None = None,
    **settings: str,
) -> subprocess.CompletedProcess[str]:
    """``stateset-gql ARGS`` as its own process: its exit code, stdout and stderr.
    ``settings`` are environment variables (``STATESET_ENV="test"``)."""
    if database_url is not None:
        settings["STATESET_DATABASE_URL"] = database_url
    if broadcast_url is not None:
        settings["STATESET_BROADCAST_URL"] = broadcast_url
    return subprocess.run(
        [*CLI, *args],
        env=cli_environ(**settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@contextmanager
def serve_cli(*args: str, port: int, log: Path, **settings: str) -> Iterator[str]:
    """``stateset-gql serve --port PORT ARGS`` as its own process, logging to ``log``,
    until ``/health`` answers: its base URL. Stopped (and killed if it must be) after."""
    with serve_cli_process(*args, port=port, log=log, **settings) as (_process, base_url):
        yield base_url


@contextmanager
def serve_cli_process(
    *args: str, port: int, log: Path, **settings: str
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``serve_cli``, with the process too, for a test that signals it."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), *args],
            env=cli_environ(**settings),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield process, base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
