"""The command line, run as a person runs it: a process, its exit code, its stdout and
stderr. A command that cannot start says so in one line naming the fix, never a
traceback unless asked; answers read as lines and tables, or as JSON with --json."""

from __future__ import annotations

import json
import re
import secrets
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from stateset_gql.db import migrate
from tests.conftest import PG_ADMIN_DSN, _postgres_admin
from tests.rest_support import Rest
from tests.support import CLI, cli_environ, gql, run_cli

PG_BASE = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_one_line_failure(run: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert run.returncode != 0, run.stdout
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.fixture
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database that exists and is empty: an SQLite file not yet made, or a new
    PostgreSQL database with no tables."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"stateset_cli_{secrets.token_hex(4)}"
    _postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_BASE}/{name}"
    finally:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- start-up failures ---------------------------------------------------------------------


def test_a_database_without_tables_says_to_migrate(
    backend: str, fresh_database: str, tmp_path: Path
) -> None:
    commands = [["accounts", "list"], ["keys", "list", "--account", "acct_x"]]
    if backend == "sqlite":
        sqlite3.connect(tmp_path / "fresh.db").close()  # a file, and no tables in it
    else:
        commands.append(["serve", "--port", str(_free_port())])
    for command in commands:
        run = run_cli(*command, STATESET_DATABASE_URL=fresh_database)
        assert_one_line_failure(run, "the database has no tables yet; run: stateset-gql migrate")


def test_a_database_behind_the_newest_migration_says_to_migrate(fresh_database: str) -> None:
    migrate.upgrade(fresh_database, "0003")
    behind = run_cli("accounts", "list", STATESET_DATABASE_URL=fresh_database)
    assert_one_line_failure(behind, "at migration 0003", "run: stateset-gql migrate")

    migrated = run_cli("migrate", STATESET_DATABASE_URL=fresh_database)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout == "The database is at the newest migration.\n"
    listed = run_cli("accounts", "list", "--json", STATESET_DATABASE_URL=fresh_database)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == {"object": "list", "data": []}


def test_a_database_file_not_made_yet_says_to_migrate(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'never.db'}"
    run = run_cli("accounts", "list", STATESET_DATABASE_URL=url)
    assert_one_line_failure(run, "does not exist yet; run: stateset-gql migrate")
    assert not (tmp_path / "never.db").exists()


DEAD_PORT = _free_port()
PG_HOST = PG_BASE.rsplit("@", 1)[1]
PRODUCTION = {"STATESET_ENV": "production", "STATESET_DATABASE_URL": f"{PG_BASE}/postgres"}


@pytest.mark.parametrize(
    ("settings", "fragments"),
    [
        pytest.param(
            {"STATESET_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{DEAD_PORT}/x"},
            [f"cannot reach PostgreSQL at 127.0.0.1:{DEAD_PORT} (connection refused)",
             "STATESET_DATABASE_URL"],
            id="database unreachable",
        ),
        pytest.param(
            {"STATESET_DATABASE_URL": "postgresql+asyncpg://postgres@nohost.invalid/x"},
            ["cannot reach PostgreSQL at nohost.invalid:5432 (no such host)"],
            id="database host unknown",
        ),
        pytest.param(
            {"STATESET_DATABASE_URL": f"postgresql+asyncpg://nobody_here:pw@{PG_HOST}/postgres"},
            ["refused user 'nobody_here'", "fix the user or password in STATESET_DATABASE_URL"],
            id="wrong credentials",
        ),
        pytest.param(
            {"STATESET_DATABASE_URL": f"{PG_BASE}/stateset_mistyped_name"},
            ["has no database 'stateset_mistyped_name'", "fix the name in STATESET_DATABASE_URL",
             "run: stateset-gql migrate"],
            id="mistyped database name",
        ),
        pytest.param(
            {**PRODUCTION, "STATESET_BROADCAST_URL": f"redis://127.0.0.1:{DEAD_PORT}/0"},
            [f"cannot reach Redis at 127.0.0.1:{DEAD_PORT} (connection refused)",
             "STATESET_BROADCAST_URL"],
            id="redis unreachable in production",
        ),
        pytest.param(
            {"STATESET_WEBHOOK_RETRY_SCHEDULE": "abc"},
            ["STATESET_WEBHOOK_RETRY_SCHEDULE must be a comma list of seconds", "'abc'"],
            id="bad retry schedule",
        ),
        pytest.param(
            {"STATESET_ENV": "staging"},
            ["STATESET_ENV must be development, test or production, not 'staging'"],
            id="unknown environment",
        ),
        pytest.param(
            {"STATESET_LOG_LEVEL": "loud"},
            ["STATESET_LOG_LEVEL must be one of"],
            id="unknown log level",
        ),
        pytest.param(
            {"STATESET_ENV": "production"},
            ["STATESET_DATABASE_URL is SQLite; production needs PostgreSQL "
             "(or set STATESET_ALLOW_EMBEDDED=1)"],
            id="production on sqlite",
        ),
        pytest.param(
            {"STATESET_ENV": "production", "STATESET_DATABASE_URL": f"{PG_BASE}/postgres"},
            ["STATESET_BROADCAST_URL is memory://; production needs Redis"],
            id="production without redis",
        ),
        pytest.param(
            {"STATESET_DATABASE_URL": "sqlite+aiosqlite:////nonexistent-folder/stateset.db"},
            ["the folder of the database file /nonexistent-folder/stateset.db does not exist"],
            id="sqlite folder missing",
        ),
    ],
)  # fmt: skip
def test_a_command_that_cannot_start_says_why_in_one_line(
    settings: dict[str, str], fragments: list[str]
) -> None:
    commands = [["serve", "--port", str(_free_port())], ["migrate"]]
    if settings.get("STATESET_BROADCAST_URL", "").startswith("redis"):
        commands = commands[:1]  # only serve needs Redis
    for command in commands:
        assert_one_line_failure(run_cli(*command, **settings), *fragments)


def test_debug_shows_the_traceback_as_well() -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{DEAD_PORT}/x"
    for run in (
        run_cli("migrate", "--debug", STATESET_DATABASE_URL=url),
        run_cli("migrate", STATESET_DATABASE_URL=url, STATESET_LOG_LEVEL="DEBUG"),
    ):
        assert run.returncode == 1
        assert run.stderr.startswith("Traceback")
        assert "ConnectionRefusedError" in run.stderr
        assert run.stderr.splitlines()[-1].startswith("error: cannot reach PostgreSQL")


# -- the demo account ------------------------------------------------------------------------


def _serve_until_healthy(
    database_url: str, log: Path, *args: str, **settings: str
) -> tuple[str, str]:
    """Serves in development until /health answers; what it printed, and the demo key
    it printed (checked against the running server), or ""."""
    port = _free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), *args],
            env=cli_environ(STATESET_DATABASE_URL=database_url, **settings),
            stdout=output,
            stderr=subprocess.DEVNULL,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "serve stopped"
            assert time.monotonic() < deadline, "serve never answered /health"
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        printed = log.read_text()
        words = printed.replace('"', " ").split()
        key = next((word for word in words if word.startswith("sk_test_")), "")
        if key:
            with httpx.Client(base_url=base_url, timeout=10) as client:
                me = gql(client, key, "{ account { name } }")
                assert me.json()["data"]["account"] == {"name": "Demo"}, me.text
        return printed, key
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_demo_account_is_made_only_in_development_on_sqlite(
    backend: str, fresh_database: str, tmp_path: Path
) -> None:
    migrate.upgrade(fresh_database)
    printed, key = _serve_until_healthy(fresh_database, tmp_path / "first.log")
    listed = run_cli("accounts", "list", "--json", STATESET_DATABASE_URL=fresh_database)
    accounts = json.loads(listed.stdout)["data"]
    if backend == "sqlite":
        assert "Created the demo account" in printed
        assert key.startswith("sk_test_")
        assert [account["name"] for account in accounts] == ["Demo"]
        again, _ = _serve_until_healthy(fresh_database, tmp_path / "again.log")
        assert "sk_test_" not in again
    else:
        assert "sk_test_" not in printed
        assert accounts == []


def test_serve_json_prints_the_demo_key_as_one_json_line(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'json.db'}"
    printed, key = _serve_until_healthy(url, tmp_path / "serve.log", "--json")
    first = json.loads(printed.splitlines()[0])
    assert first == {"object": "demo_account", "secret": key, "url": first["url"]}
    assert first["url"].startswith("http://127.0.0.1:")


def test_the_demo_account_is_not_made_outside_development(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'test-env.db'}"
    printed, _ = _serve_until_healthy(url, tmp_path / "serve.log", STATESET_ENV="test")
    assert "sk_test_" not in printed
    listed = run_cli("accounts", "list", "--json", STATESET_DATABASE_URL=url)
    assert json.loads(listed.stdout)["data"] == []


# -- accounts and keys, read by a person and by a script -------------------------------------


def _json(run: subprocess.CompletedProcess[str]) -> Any:
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _text(run: subprocess.CompletedProcess[str]) -> list[str]:
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    for repr_only in ("{'", "['", "False", "True", "None"):
        assert repr_only not in run.stdout, run.stdout
    return run.stdout.splitlines()


def test_accounts_read_as_lines_and_a_table_or_as_json(
    database_url: str, client: httpx.Client
) -> None:
    name = f"Shop {secrets.token_hex(3)}"
    made = _text(run_cli("accounts", "create", "--name", name, "--plan", "growth",
                         STATESET_DATABASE_URL=database_url))  # fmt: skip
    assert made[0].startswith("Created account acct_")
    assert made[0].endswith(f"({name}, plan growth).")
    account_id = made[0].split()[2]
    assert made[1] == "Its keys (shown once, keep them):"
    assert made[2].split() == ["type", "mode", "secret"]
    rows = {tuple(line.split()[:2]): line.split()[2] for line in made[3:]}
    assert sorted(rows) == [("pk", "live"), ("pk", "test"), ("sk", "live"), ("sk", "test")]
    me = gql(client, rows[("sk", "test")], "{ account { id plan } }").json()["data"]["account"]
    assert me["id"] == account_id

    created = _json(run_cli("accounts", "create", "--name", name + " 2", "--json",
                            STATESET_DATABASE_URL=database_url))  # fmt: skip
    assert created["account"]["object"] == "account"
    assert created["account"]["created"].endswith("Z")
    # The account as the API shows it to one of its own keys.
    as_owner = Rest(client, created["keys"]["sk_test"])
    shown = as_owner.ok(as_owner.get("/v1/account"))
    assert {name: shown[name] for name in ("id", "object", "name", "plan")} == {
        name: created["account"][name] for name in ("id", "object", "name", "plan")
    }
    assert set(created["account"]) == {"id", "object", "name", "plan", "created", "updated"}
    assert sorted(created["keys"]) == ["pk_live", "pk_test", "sk_live", "sk_test"]

    table = _text(run_cli("accounts", "list", STATESET_DATABASE_URL=database_url))
    assert table[0].split() == ["id", "name", "plan", "created"]
    row = next(line for line in table if line.startswith(account_id))
    assert re.split(r"\s{2,}", row)[1:3] == [name, "growth"]
    listed = _json(run_cli("accounts", "list", "--json", STATESET_DATABASE_URL=database_url))
    assert listed["object"] == "list"
    ids = [account["id"] for account in listed["data"]]
    assert ids.index(account_id) < ids.index(created["account"]["id"])  # oldest first


def test_keys_read_as_lines_and_a_table_or_as_json_with_the_types_rest_uses(
    database_url: str, client: httpx.Client
) -> None:
    made = _json(run_cli("accounts", "create", "--name", "Key Shop", "--json",
                         STATESET_DATABASE_URL=database_url))  # fmt: skip
    account_id = made["account"]["id"]

    created = _text(run_cli("keys", "create", "--account", account_id, "--type", "rk_test",
                            "--scopes", "orders:read", "--name", "ci",
                            STATESET_DATABASE_URL=database_url))  # fmt: skip
    assert created[0].startswith("Created key key_")
    assert created[0].endswith(f"(type rk, test mode) for {account_id}.")
    key_id = created[0].split()[2]
    secret = created[1].removeprefix("secret (shown once, keep it): ")
    assert secret.startswith("rk_test_")
    assert created[2] == "scopes: orders:read"

    scripted = _json(run_cli("keys", "create", "--account", account_id, "--type", "sk_live",
                             "--json", STATESET_DATABASE_URL=database_url))  # fmt: skip
    assert (scripted["type"], scripted["livemode"]) == ("sk", True)
    assert scripted["secret"].startswith("sk_live_")

    table = _text(
        run_cli("keys", "list", "--account", account_id, STATESET_DATABASE_URL=database_url)
    )
    assert table[0].split() == ["id", "type", "mode", "key", "status", "name", "scopes"]
    row = next(line for line in table if line.startswith(key_id)).split()
    assert row[1:3] == ["rk", "test"]
    assert row[4:] == ["active", "ci", "orders:read"]
    assert secret not in "\n".join(table)

    listed = _json(run_cli("keys", "list", "--account", account_id, "--json",
                           STATESET_DATABASE_URL=database_url))  # fmt: skip
    assert len(listed["data"]) == 6
    assert all(key["secret"] is None for key in listed["data"])
    # The same names as REST: type sk/rk/pk beside livemode.
    as_owner = Rest(client, made["keys"]["sk_test"])
    rest = as_owner.ok(as_owner.get("/v1/api_keys", {"limit": 10}))
    by_id = {key["id"]: key for key in listed["data"]}
    # Each key exactly as the API answers it: the same fields, times written alike.
    assert [by_id[key["id"]] for key in rest["data"]] == rest["data"]
    assert by_id[scripted["id"]] == {**scripted, "secret": None}
    for key in rest["data"]:
        assert (by_id[key["id"]]["type"], by_id[key["id"]]["livemode"]) == (
            key["type"],
            key["livemode"],
        )
    assert {key["type"] for key in rest["data"]} == {"sk", "pk", "rk"}

    revoked = _text(run_cli("keys", "revoke", key_id, STATESET_DATABASE_URL=database_url))
    assert revoked == [f"Revoked key {key_id} ({by_id[key_id]['redacted']}, {account_id})."]
    assert gql(client, secret, "{ account { id } }").status_code == 401
    again = _json(run_cli("keys", "revoke", key_id, "--json", STATESET_DATABASE_URL=database_url))
    assert again["revoked"] is True
    after_rest = as_owner.ok(as_owner.get("/v1/api_keys", {"limit": 10}))
    assert next(key for key in after_rest["data"] if key["id"] == key_id) == again
    after = _text(
        run_cli("keys", "list", "--account", account_id, STATESET_DATABASE_URL=database_url)
    )
    assert next(line for line in after if line.startswith(key_id)).split()[4] == "revoked"

    unknown = run_cli("keys", "list", "--account", "acct_nope", STATESET_DATABASE_URL=database_url)
    assert_one_line_failure(unknown, "RESOURCE_NOT_FOUND", "acct_nope")


@pytest.mark.parametrize(
    "command",
    [[], ["serve"], ["migrate"], ["accounts"], ["accounts", "create"], ["accounts", "list"],
     ["keys"], ["keys", "create"], ["keys", "list"], ["keys", "revoke"]],
)  # fmt: skip
def test_help_reads_without_markup(command: list[str]) -> None:
    run = run_cli(*command, "--help")
    assert run.returncode == 0, run.stderr
    assert "``" not in run.stdout
    assert "usage: stateset-gql" in run.stdout
    if command and command[0] in ("accounts", "keys") and len(command) == 2:
        assert "--json" in run.stdout
