"""What a benchmark run stands on: a fresh database, a ``serve`` process on a free port,
Redis when it answers, and the SKUs every benchmark account stocks."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

PG_ADMIN = os.environ.get("STATESET_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SKUS = [f"BENCH-{i:02d}" for i in range(20)]


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def serve(
    url: str,
    port: int,
    broadcast_url: str,
    extra: tuple[str, ...] = (),
    *,
    compiled: bool = True,
    code: Path | None = None,
) -> subprocess.Popen[bytes]:
    """``stateset-gql serve`` on ``port``, once it answers ``/health``. ``code``: another
    checkout to run with this same virtualenv (first on ``PYTHONPATH``, as the cwd)."""
    env = {**os.environ, "STATESET_DATABASE_URL": url, "STATESET_ENV": "test",
           "STATESET_LOG_LEVEL": "WARNING", "STATESET_BROADCAST_URL": broadcast_url,
           "STATESET_COMPILED_READS": "1" if compiled else "0"}  # fmt: skip
    if code is not None:
        env["PYTHONPATH"] = str(code)
    server = subprocess.Popen(
        [sys.executable, "-m", "stateset_gql.cli", "serve", "--port", str(port), *extra],
        env=env, cwd=code, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_healthy(f"http://127.0.0.1:{port}")
    return server


def serve_options(code: Path | None = None) -> str:
    """What ``serve --help`` of ``code`` (this checkout when None) says: which options
    that checkout's server takes."""
    env = {**os.environ, "PYTHONPATH": str(code)} if code is not None else None
    return subprocess.run(
        [sys.executable, "-m", "stateset_gql.cli", "serve", "--help"],
        env=env, cwd=code, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


class Side:
    """One checkout's code and the server running it."""

    def __init__(self, name: str, code: Path, url: str, broadcast: str) -> None:
        self.name, self.code, self.url, self.broadcast = name, code, url, broadcast
        self.port = free_port()
        self.server: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, extra: tuple[str, ...] = ()) -> Side:
        self.server = serve(self.url, self.port, self.broadcast, extra, code=self.code)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    @property
    def dsn(self) -> str:
        return self.url.replace("postgresql+asyncpg://", "postgresql://")

    @property
    def pid(self) -> int:
        assert self.server is not None
        return self.server.pid


def fresh_database(requested: str, name: str) -> tuple[str, str, Callable[[], None]]:
    """A new, empty database for one run: PostgreSQL when it answers (``auto``) or when
    asked for, else a SQLite file. Its kind, its URL, and what drops it afterwards."""
    database = requested
    pg_name = f"stateset_{name}_{secrets.token_hex(4)}"
    if database in ("auto", "postgres"):
        try:
            asyncio.run(pg_admin(f'CREATE DATABASE "{pg_name}"'))
            database = "postgres"
        except (OSError, asyncpg.PostgresError) as exc:
            if database == "postgres":
                raise
            print(f"PostgreSQL not reachable ({exc}); SQLite instead")
            database = "sqlite"
    if database != "postgres":
        return database, f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/{name}.db", lambda: None
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")

    def drop() -> None:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))

    return database, f"{base}/{pg_name}", drop


async def pg_admin(sql: str) -> Any:
    conn = await asyncpg.connect(PG_ADMIN, timeout=5)
    try:
        return await conn.execute(sql)
    finally:
        await conn.close()


def wait_healthy(base_url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")
