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
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"stateset_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        _postgres_admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        service_missing("PostgreSQL", exc)
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
