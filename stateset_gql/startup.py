"""Checks before a command starts, each failure one line naming the problem and the fix.

A command that needs the database first connects once, briefly, with the driver itself
(asyncpg or sqlite3, so the driver's own error is what is read), and reads the migration
revision; a process that publishes pings Redis when it is configured (in any
environment: one that starts without it only logs, and is never ready); ``serve`` first
makes sure its port is free. What a driver says is turned into a sentence here and
nowhere else: ``StartupError`` carries that sentence, and ``explain`` words anything else
that escapes a command.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import sqlite3
from pathlib import Path

import asyncpg
import redis
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from stateset_gql.db import migrate
from stateset_gql.settings import Settings

CONNECT_TIMEOUT = 5.0
MIGRATE = "run: stateset-gql migrate"


class StartupError(Exception):
    """What stops a command from starting, in one line: the problem, then the fix."""


def check(settings: Settings, *, schema: bool, broadcast: bool = False) -> None:
    """Raises StartupError unless the migrations are installed and the database answers;
    with ``broadcast``, Redis too (when configured); and with ``schema``, the database is
    at the newest migration."""
    try:
        migrate.migrations()
    except migrate.MigrationsMissing as exc:
        raise StartupError(str(exc)) from exc
    revision = (
        _sqlite_revision(settings.database_url, schema=schema)
        if settings.is_sqlite
        else asyncio.run(_postgres_revision(settings.database_url))
    )
    if broadcast and settings.broadcast_url.startswith("redis"):
        check_redis(settings.broadcast_url)
    if schema:
        _check_revision(revision, settings.database_url)


def _check_revision(revision: str | None, database_url: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    heads = script.get_heads()
    if revision is None:
        raise StartupError(f"the database has no tables yet; {MIGRATE}")
    if revision in heads:
        return
    newest = ", ".join(heads)
    if script.get_revision(revision) is None:
        raise StartupError(
            f"the database is at migration {revision}, which this version does not know "
            f"(its newest is {newest}); run the version that migrated it, or a newer one"
        )
    raise StartupError(
        f"the database is at migration {revision}, this version needs {newest}; {MIGRATE}"
    )


def _sqlite_revision(database_url: str, *, schema: bool) -> str | None:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return None
    path = Path(database)
    if not path.exists():
        if schema:
            raise StartupError(f"the database file {path} does not exist yet; {MIGRATE}")
        if not path.parent.is_dir():
            raise StartupError(
                f"the folder of the database file {path} does not exist; "
                "create it or fix STATESET_DATABASE_URL"
            )
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=CONNECT_TIMEOUT)
    except sqlite3.Error as exc:
        raise StartupError(
            f"cannot open the SQLite database {path} ({exc}); fix STATESET_DATABASE_URL"
        ) from exc
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise StartupError(
            f"cannot read the SQLite database {path} ({exc}); fix STATESET_DATABASE_URL"
        ) from exc
    except sqlite3.DatabaseError as exc:
        raise StartupError(
            f"{path} is not an SQLite database ({exc}); fix STATESET_DATABASE_URL"
        ) from exc
    finally:
        connection.close()
    return None if row is None else str(row[0])


def _where(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


async def _postgres_revision(database_url: str) -> str | None:
    url = make_url(database_url)
    where = _where(url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT)
    except asyncpg.InvalidCatalogNameError as exc:
        raise StartupError(
            f"PostgreSQL at {where} has no database {url.database!r}; fix the name in "
            f"STATESET_DATABASE_URL, or create it (createdb -h {url.host or 'localhost'} "
            f"-p {url.port or 5432} -U {url.username} {url.database}) and {MIGRATE}"
        ) from exc
    except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError) as exc:
        raise StartupError(
            f"PostgreSQL at {where} refused user {url.username!r} ({exc}); "
            "fix the user or password in STATESET_DATABASE_URL"
        ) from exc
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise StartupError(
            f"cannot reach PostgreSQL at {where} ({_reason(exc)}); "
            "start it, or fix the host and port in STATESET_DATABASE_URL"
        ) from exc
    try:
        return str(await connection.fetchval("SELECT version_num FROM alembic_version"))
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await connection.close()


def check_port(host: str, port: int, *, option: str = "--port") -> None:
    """Raises StartupError unless ``serve`` can listen on host:port, before it makes or
    prints anything (a demo key printed by a process that then dies is lost). ``option``
    is the one that chose the port (``--metrics-port``), named in the fix."""
    another = "--port 8001 (make run PORT=8001)" if option == "--port" else f"{option} {port + 100}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise StartupError(f"cannot listen on {host}:{port} (no such host); fix --host") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server sets it: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError as exc:
            raise StartupError(
                f"not allowed to listen on port {port}; choose one above 1023: {another}"
            ) from exc
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(
                    f"port {port} on {host} is in use (another stateset-gql serve?); stop "
                    f"what holds it, or choose another: {another}"
                ) from exc
            raise StartupError(
                f"cannot listen on {host}:{port} ({_reason(exc)}); fix --host or {option}"
            ) from exc


def check_redis(broadcast_url: str) -> None:
    parts = make_url(broadcast_url)
    where = f"{parts.host or 'localhost'}:{parts.port or 6379}"
    client = redis.Redis.from_url(
        broadcast_url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT
    )
    try:
        client.ping()
    except redis.AuthenticationError as exc:
        raise StartupError(
            f"Redis at {where} refused the credentials ({exc}); fix STATESET_BROADCAST_URL"
        ) from exc
    except redis.RedisError as exc:
        raise StartupError(
            f"cannot reach Redis at {where} ({_reason(exc)}); "
            "start it, or fix STATESET_BROADCAST_URL"
        ) from exc
    finally:
        client.close()


def _reason(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, OSError) and not isinstance(exc, OSError):
        exc = cause
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "no such host"
    if isinstance(exc, TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT:g} s"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def explain(exc: BaseException) -> str:
    """One line for a failure nothing above foresaw."""
    return f"{type(exc).__name__}: {_reason(exc)}; run again with --debug for the details"
