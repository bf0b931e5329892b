"""The PostgreSQL pool lends no dead connection: one idle a while is pinged first (and
replaced if it does not answer); one back from a request a moment ago is not."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from stateset_gql.db import engine as engine_module
from stateset_gql.db.engine import Database


async def _backend_pid(db: Database) -> int:
    async with db.session(write=False) as session:
        pid: int = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        return pid


def test_an_idle_connection_killed_by_the_server_is_replaced_before_use(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)

    async def run() -> None:
        db = Database(postgres_url)
        try:
            first = await _backend_pid(db)
            # Another client kills it while it waits in the pool.
            other = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
            try:
                await other.execute("SELECT pg_terminate_backend($1)", first)
            finally:
                await other.close()
            assert await _backend_pid(db) != first
        finally:
            await db.dispose()

    asyncio.run(run())


def test_a_connection_back_a_moment_ago_is_lent_without_a_ping(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[str] = []
    fetchrow = asyncpg.connection.Connection.fetchrow

    here = threading.get_ident()

    async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        # SQLAlchemy's ping on asyncpg: BEGIN; ";"; ROLLBACK. Only this test's: servers of
        # other tests, in threads of their own, ping their idle connections meanwhile.
        if query == ";" and threading.get_ident() == here:
            pings.append(query)
        return await fetchrow(self, query, *args, **kwargs)

    monkeypatch.setattr(asyncpg.connection.Connection, "fetchrow", counted)

    async def run() -> None:
        db = Database(postgres_url)
        try:
            await _backend_pid(db)
            pings.clear()
            await _backend_pid(db)
            assert pings == []
            monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
            await _backend_pid(db)
            assert pings == [";"]
        finally:
            await db.dispose()

    asyncio.run(run())
