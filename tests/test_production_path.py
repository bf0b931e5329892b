"""The way from a fresh start to a running service: the database URL as other tools
write it, a port already taken, Redis configured but down, what ``/`` answers, and
command-line errors that name their fix."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest

from stateset_gql.access.scopes import ALL_SCOPES
from stateset_gql.settings import Settings
from tests.redis_support import free_port
from tests.support import run_cli
from tests.test_cli import _serve_until_healthy, assert_one_line_failure

# -- the database URL ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("postgresql://u:p@db.example:5432/shop", "postgresql+asyncpg://u:p@db.example:5432/shop"),
        ("postgres://u:p@db.example/shop?ssl=require", "postgresql+asyncpg://u:p@db.example/shop?ssl=require"),
        ("postgresql+asyncpg://u@db.example/shop", "postgresql+asyncpg://u@db.example/shop"),
        ("sqlite:///./stateset.db", "sqlite+aiosqlite:///./stateset.db"),
        ("sqlite:////var/lib/stateset.db", "sqlite+aiosqlite:////var/lib/stateset.db"),
    ],
)  # fmt: skip
def test_a_database_url_without_its_driver_means_the_one_this_service_uses(
    given: str, meant: str
) -> None:
    assert Settings.from_env({"STATESET_DATABASE_URL": given}).database_url == meant
    assert Settings(database_url=given).database_url == meant


def _short_forms(database_url: str) -> list[str]:
    if database_url.startswith("sqlite+aiosqlite://"):
        return [database_url.replace("sqlite+aiosqlite://", "sqlite://", 1)]
    rest = database_url.removeprefix("postgresql+asyncpg://")
    return [f"postgresql://{rest}", f"postgres://{rest}"]


def test_migrate_and_the_commands_take_the_url_as_other_tools_write_it(database_url: str) -> None:
    for url in _short_forms(database_url):
        migrated = run_cli("migrate", STATESET_DATABASE_URL=url)
        assert migrated.returncode == 0, migrated.stderr
        listed = run_cli("accounts", "list", "--json", STATESET_DATABASE_URL=url)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["object"] == "list"


def test_a_database_url_of_another_kind_names_the_forms_taken() -> None:
    run = run_cli("migrate", STATESET_DATABASE_URL="mysql://u@h/db")
    assert_one_line_failure(run, "postgresql://", "postgres://", "sqlite:///", "not mysql://")
    assert run.returncode == 2


# -- serve's port ----------------------------------------------------------------------------


def test_a_port_in_use_is_one_line_before_anything_is_made(tmp_path: Path) -> None:
    database = tmp_path / "stateset.db"
    url = f"sqlite+aiosqlite:///{database}"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        run = run_cli("serve", "--port", str(port), STATESET_DATABASE_URL=url)
    assert run.returncode == 1
    assert run.stdout == ""  # no demo key, nothing printed
    assert_one_line_failure(run, f"port {port}", "in use", "--port", "make run PORT=")
    assert not database.exists()  # nothing migrated, no account made
    # The next start, on a free port, makes the demo account and shows its key.
    printed, key = _serve_until_healthy(url, tmp_path / "serve.log")
    assert key.startswith("sk_test_"), printed


# -- Redis configured but down ---------------------------------------------------------------


def test_redis_configured_but_down_is_one_line_in_development(tmp_path: Path) -> None:
    broadcast = f"redis://127.0.0.1:{free_port()}/0"
    url = f"sqlite+aiosqlite:///{tmp_path / 'stateset.db'}"
    assert run_cli("migrate", STATESET_DATABASE_URL=url).returncode == 0
    for command in (["serve", "--port", str(free_port())], ["worker"]):
        run = run_cli(*command, STATESET_DATABASE_URL=url, STATESET_BROADCAST_URL=broadcast)
        assert run.returncode == 1
        assert len(run.stderr) < 300, run.stderr
        assert "Task was destroyed" not in run.stderr
        assert_one_line_failure(
            run, f"cannot reach Redis at {broadcast[8:-2]}", "start it", "STATESET_BROADCAST_URL"
        )


# -- GET / -----------------------------------------------------------------------------------


def test_the_root_says_where_things_are(client: httpx.Client) -> None:
    answer = client.get("/", headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    links = answer.json()["links"]
    assert links == {
        "graphql": "/graphql",
        "rest": "/v1",
        "openapi": "/openapi.json",
        "schema": "/schema.graphql",
        "health": "/health",
        "ready": "/ready",
    }
    for path in ("/openapi.json", "/schema.graphql", "/health"):
        assert client.get(path).status_code == 200
    assert client.get("/").json() == answer.json()  # curl's */* too


def test_a_browser_at_the_root_is_sent_to_graphiql(client: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = client.get("/", headers={"Accept": browser})
    assert answer.status_code == 302
    assert answer.headers["location"] == "/graphql"
    page = client.get("/graphql", headers={"Accept": browser})
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]


# -- command-line errors name their fix ------------------------------------------------------


def test_command_line_errors_name_their_fix(database_url: str) -> None:
    made = run_cli("accounts", "create", "--name", "Fix Shop", "--json", database_url=database_url)
    assert made.returncode == 0, made.stderr
    account = json.loads(made.stdout)["account"]["id"]
    for command in (
        ["keys", "create", "--account", "acct_nope", "--type", "sk_test"],
        ["keys", "list", "--account", "acct_nope"],
        ["accounts", "update", "acct_nope", "--plan", "growth"],
    ):
        run = run_cli(*command, database_url=database_url)
        assert_one_line_failure(run, "acct_nope", "run: stateset-gql accounts list")
    revoke = run_cli("keys", "revoke", "key_nope", database_url=database_url)
    assert_one_line_failure(revoke, "key_nope", "run: stateset-gql keys list --account")

    every_scope = ", ".join(sorted(ALL_SCOPES))
    unknown = run_cli("keys", "create", "--account", account, "--type", "rk_test",
                      "--scopes", "orders:reed", database_url=database_url)  # fmt: skip
    assert_one_line_failure(
        unknown, "orders:reed", f"--scopes takes a comma list of: {every_scope}"
    )
    missing = run_cli("keys", "create", "--account", account, "--type", "rk_test",
                      database_url=database_url)  # fmt: skip
    assert_one_line_failure(missing, "--scopes", every_scope)
