"""Engines and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from stateset_gql.settings import Settings


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # LIKE is case-sensitive on every database (API.md section 5); _ilike is the other one.
    cursor.execute("PRAGMA case_sensitive_like=ON")
    cursor.close()


def _sqlite_engine(url: str, *, begin: str, echo: bool) -> AsyncEngine:
    # pysqlite's own transaction handling is switched off so that BEGIN is ours to send.
    engine = create_async_engine(
        url, echo=echo, hide_parameters=True, connect_args={"isolation_level": None}
    )
    event.listen(engine.sync_engine, "connect", _sqlite_on_connect)

    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    event.listen(engine.sync_engine, "begin", _begin)
    return engine


# A pooled connection idle longer than this is pinged before it is lent; one back from a
# request a moment ago is not (a ping is three round trips on asyncpg).
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect handling for idle connections only. A connection that died
    while busy fails its request, and SQLAlchemy then renews the whole pool."""
    returned = record.info.get("returned")
    if returned is not None and time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:
        raise DisconnectionError("the pooled connection did not answer a ping") from exc


def _returned(_dbapi_connection: Any, record: Any) -> None:
    record.info["returned"] = time.monotonic()


@dataclass(frozen=True)
class Pool:
    """How many PostgreSQL connections one process keeps, may add at a peak, and how long
    a request waits for one before the database counts as unavailable."""

    # ``Settings`` says why all 20 are pooled rather than 10 and 10 of overflow.
    size: int = 20
    max_overflow: int = 0
    timeout_seconds: float = 5.0


# Every statement is a short OLTP read or write. PostgreSQL's JIT pays off only for long
# analytic queries, and its cost model takes the compiled reads' nested JSON subqueries
# (row estimates that multiply per level) for those: it spent ~0.7 s compiling a 0.3 ms
# read on every execution.
SERVER_SETTINGS = {"jit": "off"}


class _OneSavepointName(Connection):
    """Every savepoint named alike. SQLAlchemy numbers a connection's savepoints
    (``sa_savepoint_1``, ``_2``...), and asyncpg prepares each statement text once per
    connection in a cache of 100: a bulk job's chunk, a savepoint a line, prepared 200
    new statements a chunk and pushed every other statement out of the cache. The
    savepoints SQLAlchemy takes are released or rolled back last-in first-out, which is
    what PostgreSQL does with a name used more than once (the newest one is meant)."""

    def _savepoint_impl(self, name: str | None = None) -> str:
        return super()._savepoint_impl(name or "stateset_savepoint")


def _postgres_engine(url: str, *, echo: bool, pool: Pool) -> AsyncEngine:
    engine = create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout_seconds,
        pool_recycle=1800,
        connect_args={"server_settings": dict(SERVER_SETTINGS)},
        # The connection back last goes out first: busy ones stay warm and skip the ping,
        # spare ones age and are pinged (or recycled) when next needed.
        pool_use_lifo=True,
    )
    engine.sync_engine._connection_cls = _OneSavepointName
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    event.listen(engine.sync_engine, "checkin", _returned)
    return engine


# SQLSTATEs of a database that refused or dropped the connection rather than a statement
# that failed: too many connections (53300), shutting down or starting up (57P01-57P03),
# and the connection exception class (08...).
_UNAVAILABLE_STATES = ("53300", "57P01", "57P02", "57P03")


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is out of reach for now (it refused a connection,
    lost one, or the pool had none to lend in time), so the request may be retried; a
    statement's own failure is not that."""
    pending: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (SQLAlchemyTimeout, DisconnectionError, ConnectionError)):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and (state in _UNAVAILABLE_STATES or state.startswith("08")):
            return True
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None, current.__cause__]
    return False


class SerialSession(AsyncSession):
    """An AsyncSession whose operations take turns.

    GraphQL resolves sibling fields concurrently, and they share the request's session;
    one connection cannot run two statements at once, so each operation waits for the
    one before it. Parallel work that needs no database still overlaps.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = asyncio.Lock()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().scalar(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().get(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        async with self._turn:
            await super().flush(*args, **kwargs)

    async def commit(self) -> None:
        async with self._turn:
            await super().commit()

    async def rollback(self) -> None:
        async with self._turn:
            await super().rollback()


class Database:
    """The engines of one database: ``writer`` for requests that change something.

    On SQLite a writing transaction starts with BEGIN IMMEDIATE, so concurrent writers
    queue on the database lock (busy_timeout) instead of failing when a reader upgrades;
    readers keep a plain deferred BEGIN and run beside them under WAL. On PostgreSQL both
    share one pool; readers run in autocommit, which under READ COMMITTED sees what a
    transaction would (each statement its own snapshot) without the BEGIN and ROLLBACK
    round trips.

    Every engine hides its statements' parameters from its errors and logs: they hold
    emails, names and key hashes.
    """

    def __init__(self, url: str, *, echo: bool = False, pool: Pool | None = None) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.writer = _sqlite_engine(url, begin="BEGIN IMMEDIATE", echo=echo)
            self.reader = _sqlite_engine(url, begin="BEGIN", echo=echo)
        else:
            self.writer = _postgres_engine(url, echo=echo, pool=pool or Pool())
            self.reader = self.writer.execution_options(isolation_level="AUTOCOMMIT")
        self._write_sessions = async_sessionmaker(
            self.writer, class_=SerialSession, expire_on_commit=False, autoflush=False
        )
        self._read_sessions = async_sessionmaker(
            self.reader, class_=SerialSession, expire_on_commit=False, autoflush=False
        )

    @classmethod
    def of(cls, settings: Settings) -> Database:
        """The database ``settings`` name, pooled as they say."""
        pool = Pool(
            size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            timeout_seconds=settings.db_pool_timeout_seconds,
        )
        return cls(settings.database_url, pool=pool)

    @property
    def engines(self) -> list[AsyncEngine]:
        """The engines with pools of their own (PostgreSQL's reader shares the writer's)."""
        return [self.writer, self.reader] if self.is_sqlite else [self.writer]

    def session(self, *, write: bool) -> AsyncSession:
        return (self._write_sessions if write else self._read_sessions)()

    async def dispose(self) -> None:
        for engine in self.engines:
            await engine.dispose()
