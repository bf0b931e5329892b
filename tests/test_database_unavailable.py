"""When PostgreSQL refuses connections (too many clients, a pool with none to lend in
time), a request is answered 503 ``SERVICE_UNAVAILABLE`` with ``Retry-After``, never 500;
the process recovers by itself once the database answers again; and a write that failed
before changing anything gives its Idempotency-Key up, so the client's retry after
``Retry-After`` runs instead of being told 409 ``IDEMPOTENCY_KEY_IN_USE``.

Each test owns its database and a role of its own (connection limits do not bind a
superuser): the refusal is ``ALTER DATABASE ... CONNECTION LIMIT 0`` on that database and
its backends terminated, never a server-wide setting."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout

from stateset_gql.db import migrate
from stateset_gql.db.engine import Database, unavailable
from stateset_gql.settings import ConfigurationError, Settings
from tests.conftest import PG_ADMIN_DSN, SESSION_DATABASES, service_missing
from tests.support import LiveServer, create_customer, new_account


def _admin(*statements: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def _in_database(dsn: str, statement: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(dsn, timeout=5)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


class Own:
    """A database and the role that owns it, both this test's."""

    def __init__(self) -> None:
        token = secrets.token_hex(4)
        self.name = f"{SESSION_DATABASES}refuse_{token}"
        self.role = self.name
        host = PG_ADMIN_DSN.split("@", 1)[1].rsplit("/", 1)[0]
        self.dsn = f"postgresql://{self.role}@{host}/{self.name}"
        self.admin_dsn = f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{self.name}"
        self.url = self.dsn.replace("postgresql://", "postgresql+asyncpg://")

    def refuse(self) -> None:
        """No new connection, and the open ones closed."""
        _admin(
            f'ALTER DATABASE "{self.name}" CONNECTION LIMIT 0',
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()",
        )

    def accept(self) -> None:
        _admin(f'ALTER DATABASE "{self.name}" CONNECTION LIMIT -1')


@pytest.fixture
def own() -> Iterator[Own]:
    own = Own()
    try:
        _admin(
            f'CREATE ROLE "{own.role}" LOGIN',
            f'CREATE DATABASE "{own.name}" OWNER "{own.role}"',
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        service_missing("PostgreSQL", exc)
    try:
        migrate.upgrade(own.url)
        yield own
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{own.name}" WITH (FORCE)', f'DROP ROLE "{own.role}"')


@pytest.fixture
def small(own: Own) -> Iterator[LiveServer]:
    """A server with a tiny pool that waits briefly for a connection."""
    live = LiveServer.start(
        database_url=own.url, db_pool_size=2, db_max_overflow=0, db_pool_timeout_seconds=1.0
    )
    try:
        yield live
    finally:
        live.stop()


def test_a_database_refusing_connections_is_a_503_with_retry_after_and_then_recovers(
    own: Own, small: LiveServer
) -> None:
    key = new_account(own.url).sk_test
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=small.base_url, timeout=30) as client:
        create_customer(client, key)
        own.refuse()
        try:
            for _ in range(3):
                response = client.get("/v1/customers", headers=auth)
                assert response.status_code == 503, response.text
                assert response.headers["Retry-After"] == "1"
                body = response.json()["error"]
                assert body["code"] == "SERVICE_UNAVAILABLE"
                assert body["type"] == "api_error"
                assert body["request_id"] == response.headers["X-Request-Id"]
            posted = client.post("/v1/customers", json={"email": "a@example.com"}, headers=auth)
            assert posted.status_code == 503, posted.text
            answered = client.post("/graphql", json={"query": "{ customers { totalCount } }"},
                                   headers=auth)  # fmt: skip
            assert answered.headers["Retry-After"] == "1"
            assert answered.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        finally:
            own.accept()
        deadline = time.monotonic() + 5
        while (response := client.get("/v1/customers", headers=auth)).status_code != 200:
            assert time.monotonic() < deadline, response.text
            time.sleep(0.1)


DIE_ON_INSERT = """
CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
CREATE TRIGGER die BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION die();
"""


def test_a_write_the_database_dropped_gives_its_idempotency_key_up_for_the_retry(
    own: Own, small: LiveServer
) -> None:
    key = new_account(own.url).sk_test
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "dropped-once"}
    body = {"email": "dropped@example.com"}
    with httpx.Client(base_url=small.base_url, timeout=30) as client:
        create_customer(client, key)
        # The key is claimed on a pooled connection; the insert then loses its connection
        # and no new one is let in, so the claim cannot be given up at once.
        _in_database(own.admin_dsn, DIE_ON_INSERT)
        _admin(f'ALTER DATABASE "{own.name}" CONNECTION LIMIT 0')
        try:
            failed = client.post("/v1/customers", json=body, headers=headers)
            assert failed.status_code == 503, failed.text
            retry_after = int(failed.headers["Retry-After"])
        finally:
            _in_database(own.admin_dsn, "DROP TRIGGER die ON customers")
            own.accept()
        time.sleep(retry_after)
        retried = client.post("/v1/customers", json=body, headers=headers)
        assert retried.status_code == 201, retried.text
        assert "Idempotent-Replayed" not in retried.headers
        replayed = client.post("/v1/customers", json=body, headers=headers)
        assert replayed.headers["Idempotent-Replayed"] == "true"
        assert replayed.json()["id"] == retried.json()["id"]
        listed = client.get("/v1/customers?limit=100", headers={"Authorization": f"Bearer {key}"})
        emails = [c["email"] for c in listed.json()["data"]]
        assert emails.count("dropped@example.com") == 1


def test_a_pool_with_no_connection_to_lend_in_time_counts_as_unavailable(
    postgres_url: str,
) -> None:
    settings = Settings(
        database_url=postgres_url,
        env="test",
        db_pool_size=1,
        db_max_overflow=0,
        db_pool_timeout_seconds=0.2,
    )

    async def run() -> BaseException:
        db = Database.of(settings)
        try:
            async with db.writer.connect():
                with pytest.raises(SQLAlchemyTimeout) as waited:
                    async with db.writer.connect():
                        pass
            return waited.value
        finally:
            await db.dispose()

    assert unavailable(asyncio.run(run()))


def test_the_pool_is_read_from_the_environment_and_checked() -> None:
    settings = Settings.from_env(
        {
            "STATESET_DB_POOL_SIZE": "4",
            "STATESET_DB_MAX_OVERFLOW": "3",
            "STATESET_DB_POOL_TIMEOUT_SECONDS": "2.5",
        }
    )
    assert (settings.db_pool_size, settings.db_max_overflow) == (4, 3)
    assert settings.db_pool_timeout_seconds == 2.5
    # 20 pooled, none of overflow: the same 20 at most, none opened and closed per request.
    assert (Settings().db_pool_size, Settings().db_max_overflow) == (20, 0)
    assert Settings.from_env({}).db_pool_size == 20
    assert Settings.from_env({}).db_max_overflow == 0
    for name, value in [
        ("STATESET_DB_POOL_SIZE", "0"),
        ("STATESET_DB_POOL_SIZE", "ten"),
        ("STATESET_DB_MAX_OVERFLOW", "-1"),
        ("STATESET_DB_POOL_TIMEOUT_SECONDS", "0"),
    ]:
        with pytest.raises(ConfigurationError, match=name):
            Settings.from_env({name: value})
