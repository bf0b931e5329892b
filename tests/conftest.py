"""Test servers: the real app under uvicorn on a real socket, on SQLite and PostgreSQL.

Each test session makes its own SQLite file and its own PostgreSQL database (dropped at
the end). Tests that need PostgreSQL or Redis skip when those are not answering, unless
STATESET_REQUIRE_SERVICES=1 (as in CI), when they fail instead.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis

from stateset_gql.db import migrate
from tests.compiled_support import Pair
from tests.redis_support import RedisServer, free_port
from tests.support import Account, LiveServer, new_account

PG_ADMIN_DSN = os.environ.get("STATESET_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("STATESET_TEST_REDIS", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("STATESET_REQUIRE_SERVICES") == "1"


def service_missing(what: str, why: object) -> None:
    message = f"{what} is not reachable: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (STATESET_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def _postgres_admin(sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


# Every database this session makes is named with this prefix (the pid sets it apart from
# other sessions on the same server), so its connections can be counted.
SESSION_DATABASES = f"stateset_test_{os.getpid()}_"
# PostgreSQL's 100 connections serve every session on the machine: the suite keeps under
# this many at once (each test server's pool is small: ``tests.support.TEST_POOL``).
MAX_TEST_CONNECTIONS = 30


class ConnectionPeak:
    """The most connections this session's databases held at once, sampled every 50 ms
    from ``pg_stat_activity`` by a thread of its own (its one connection is to the admin
    database, not counted)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._sample()), daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=10)
        return self.peak

    async def _sample(self) -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            while not self._stop.is_set():
                count = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE starts_with(datname, $1)",
                    SESSION_DATABASES,
                )
                self.peak = max(self.peak, int(count))
                await asyncio.sleep(0.05)
        finally:
            await conn.close()


@contextmanager
def own_database_server(broadcast_url: str, **settings: Any) -> Iterator[LiveServer]:
    """A server on a PostgreSQL database of its own (dropped after; counted with the
    session's), publishing on ``broadcast_url``."""
    name = f"{SESSION_DATABASES}{secrets.token_hex(4)}"
    try:
        _postgres_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001
        service_missing("PostgreSQL", exc)
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    server: LiveServer | None = None
    try:
        migrate.upgrade(url)
        server = LiveServer.start(database_url=url, broadcast_url=broadcast_url, **settings)
        yield server
    finally:
        if server is not None:
            server.stop()
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"{SESSION_DATABASES}{secrets.token_hex(4)}"
    try:
        _postgres_admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        service_missing("PostgreSQL", exc)
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    connections = ConnectionPeak()
    connections.start()
    try:
        migrate.upgrade(url)
        yield url
    finally:
        peak = connections.stop()
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert peak <= MAX_TEST_CONNECTIONS, (
        f"the suite held {peak} PostgreSQL connections at once (at most "
        f"{MAX_TEST_CONNECTIONS}): a test server or helper opens a pool too large"
    )


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("db") / "stateset.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing("Redis", exc)
    return REDIS_URL


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{backend}_url"))


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[LiveServer]:
    live = LiveServer.start(database_url=database_url)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        yield http


@pytest.fixture
def account(server: LiveServer) -> Account:
    """A fresh account per test: accounts isolate data, so tests never see each other's."""
    return new_account(server.database_url)


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("races are checked on PostgreSQL")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, for tests that stop or freeze it."""
    if shutil.which("redis-server") is None:
        service_missing("redis-server", "not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def rt_server(
    backend: str, database_url: str, request: pytest.FixtureRequest
) -> Iterator[LiveServer]:
    """memory:// beside SQLite (the embedded default), Redis beside PostgreSQL."""
    broadcast = "memory://" if backend == "sqlite" else str(request.getfixturevalue("redis_url"))
    live = LiveServer.start(database_url=database_url, broadcast_url=broadcast)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def unbroadcast_server(database_url: str) -> Iterator[LiveServer]:
    """A server whose broadcast is down: it commits, but cannot publish."""
    live = LiveServer.start(
        database_url=database_url, broadcast_url=f"redis://127.0.0.1:{free_port()}/0"
    )
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def servers(postgres_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two servers on one PostgreSQL database: compiled reads on, and off (the parity
    tests compare their answers byte for byte)."""
    compiled = LiveServer.start(database_url=postgres_url)
    resolver = LiveServer.start(database_url=postgres_url, compiled_reads=False)
    try:
        yield compiled, resolver
    finally:
        compiled.stop()
        resolver.stop()


@pytest.fixture(scope="module")
def pair(servers: tuple[LiveServer, LiveServer]) -> Iterator[Pair]:
    compiled, resolver = servers
    with (
        httpx.Client(base_url=compiled.base_url, timeout=30) as left,
        httpx.Client(base_url=resolver.base_url, timeout=30) as right,
    ):
        yield Pair(compiled=left, resolver=right, compiled_server=compiled)
