"""The stateset-gql command: serve, worker, migrate, accounts and keys.

Every command prints readable lines or a small table, or JSON with --json. A command
that cannot start says why in one line on stderr, with the fix, and exits non-zero;
--debug (or STATESET_LOG_LEVEL=DEBUG) adds the traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql import startup
from stateset_gql.access import service
from stateset_gql.access.models import PLANS, Account, ApiKey
from stateset_gql.access.ratelimits import effective_limits, parse_limits
from stateset_gql.access.scopes import ALL_SCOPES
from stateset_gql.db import migrate
from stateset_gql.db.engine import Database
from stateset_gql.db.uow import take_notices
from stateset_gql.errors import StateSetError, ValidationFailed
from stateset_gql.realtime.outbox import announce
from stateset_gql.serialize import iso
from stateset_gql.settings import ConfigurationError, Settings

# What --type takes: a key's prefix. What the command prints is what REST and GraphQL
# answer: the type (sk, rk, pk) and livemode.
KEY_CHOICES = ("sk_test", "sk_live", "rk_test", "rk_live", "pk_test", "pk_live")
T = TypeVar("T")
log = logging.getLogger("stateset_gql.worker")


# -- what a command answers: JSON, and the same as readable text ---------------------------


def _account_dict(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "object": "account",
        "name": account.name,
        "plan": account.plan,
        "created": iso(account.created),
    }


def _key_dict(key: ApiKey, secret: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": key.id,
        "object": "api_key",
        "account": key.account_id,
        "livemode": key.livemode,
        "type": key.type,
        "name": key.name,
        "scopes": list(key.scopes),
        "redacted": key.redacted,
        "revoked": key.revoked_at is not None,
        "created": iso(key.created),
    }
    if secret is not None:
        data["secret"] = secret
    return data


def _mode(livemode: bool) -> str:
    return "live" if livemode else "test"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    )


def _show_created_account(data: dict[str, Any]) -> str:
    account = data["account"]
    lines = [
        f"Created account {account['id']} ({account['name']}, plan {account['plan']}).",
        "Its keys (shown once, keep them):",
        _table(["type", "mode", "secret"], [[n[:2], n[3:], s] for n, s in data["keys"].items()]),
    ]
    return "\n".join(lines)


def _show_updated_account(data: dict[str, Any]) -> str:
    limits = ", ".join(
        f"{name} {'unlimited' if value is None else value}"
        for name, value in data["limits"].items()
    )
    return f"Updated account {data['id']} ({data['name']}): plan {data['plan']}; {limits}."


def _show_accounts(data: dict[str, Any]) -> str:
    if not data["data"]:
        return "No accounts yet; create one: stateset-gql accounts create --name NAME"
    rows = [[a["id"], a["name"], a["plan"], a["created"][:19] + "Z"] for a in data["data"]]
    return _table(["id", "name", "plan", "created"], rows)


def _show_keys(data: dict[str, Any]) -> str:
    rows = [
        [
            k["id"], k["type"], _mode(k["livemode"]), k["redacted"],
            "revoked" if k["revoked"] else "active", k["name"] or "-",
            "all" if k["type"] == "sk" else ",".join(k["scopes"]),
        ]
        for k in data["data"]
    ]  # fmt: skip
    return _table(["id", "type", "mode", "key", "status", "name", "scopes"], rows)


def _show_created_key(key: dict[str, Any]) -> str:
    lines = [
        f"Created key {key['id']} (type {key['type']}, {_mode(key['livemode'])} mode) "
        f"for {key['account']}.",
        f"secret (shown once, keep it): {key['secret']}",
    ]
    if key["type"] == "rk":
        lines.append(f"scopes: {', '.join(key['scopes'])}")
    return "\n".join(lines)


def _show_revoked_key(key: dict[str, Any]) -> str:
    return f"Revoked key {key['id']} ({key['redacted']}, {key['account']})."


# -- the commands on the database -------------------------------------------------------


async def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    db = Database(settings.database_url)
    try:
        async with db.session(write=True) as session:
            async with session.begin():
                done = await work(session)
            notices = take_notices(session)
    finally:
        await db.dispose()
    # A key revoked, an account changed: servers listening on Redis forget it at once.
    await announce(settings.broadcast_url, notices)
    return done


async def _accounts_create(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    account, keys = await service.create_account(session=session, name=args.name, plan=args.plan)
    return {
        "account": _account_dict(account),
        "keys": {name: created.secret for name, created in keys.items()},
    }


async def _accounts_update(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    try:
        limits = parse_limits(args.limits) if args.limits is not None else None
    except ValueError as exc:
        raise ValidationFailed(str(exc), param="limits") from exc
    account = await service.update_account(
        session=session, account_id=args.account_id, plan=args.plan, limits=limits
    )
    effective = effective_limits(account.plan, account.limits)
    return {
        "id": account.id,
        "object": "account",
        "name": account.name,
        "plan": account.plan,
        "limits": {
            "per_minute": effective.per_minute,
            "per_day": effective.per_day,
            "burst": effective.burst_per_second,
            "concurrent": effective.concurrent,
        },
    }


async def _accounts_list(session: AsyncSession, _args: argparse.Namespace) -> dict[str, Any]:
    accounts = await service.all_accounts(session=session)
    return {"object": "list", "data": [_account_dict(account) for account in accounts]}


async def _keys_create(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    key_type, _, mode = args.type.partition("_")
    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()] if args.scopes else None
    created = await service.create_key(
        session=session,
        account_id=args.account,
        key_type=key_type,
        livemode=mode == "live",
        scopes=scopes,
        name=args.name,
    )
    return _key_dict(created.key, created.secret)


async def _keys_list(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    keys = await service.account_keys(session=session, account_id=args.account)
    return {"object": "list", "data": [_key_dict(key) for key in keys]}


async def _keys_revoke(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    return _key_dict(await service.revoke_key(session=session, key_id=args.key_id))


@dataclass(frozen=True)
class Action:
    """A command on the database: what it does in one transaction, and how its answer
    reads without --json."""

    run: Callable[[AsyncSession, argparse.Namespace], Awaitable[dict[str, Any]]]
    show: Callable[[dict[str, Any]], str]


ACTIONS: dict[tuple[str, str], Action] = {
    ("accounts", "create"): Action(_accounts_create, _show_created_account),
    ("accounts", "list"): Action(_accounts_list, _show_accounts),
    ("accounts", "update"): Action(_accounts_update, _show_updated_account),
    ("keys", "create"): Action(_keys_create, _show_created_key),
    ("keys", "list"): Action(_keys_list, _show_keys),
    ("keys", "revoke"): Action(_keys_revoke, _show_revoked_key),
}


def _act(settings: Settings, args: argparse.Namespace) -> int:
    action = ACTIONS[(args.command, args.action)]
    startup.check(settings, schema=True)
    data = asyncio.run(_in_transaction(settings, lambda session: action.run(session, args)))
    if args.json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(action.show(data) + "\n")
    return 0


# -- serve and migrate --------------------------------------------------------------------


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    startup.check(settings, schema=False)
    migrate.upgrade(settings.database_url)
    if args.json:
        sys.stdout.write(orjson.dumps({"migrated": True}).decode() + "\n")
    else:
        sys.stdout.write("The database is at the newest migration.\n")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from stateset_gql.app import create_app
    from stateset_gql.bootstrap import ensure_demo_account, makes_demo_account
    from stateset_gql.http.protocol import with_header_timeout
    from stateset_gql.http.requestctx import configure_logging
    from stateset_gql.http.server import Server, websocket_options

    # The embedded database migrates itself; any other is migrated by `migrate`, once
    # per release, and is only checked here.
    startup.check(settings, schema=not settings.is_sqlite, broadcast=True)
    if settings.is_sqlite:
        migrate.upgrade(settings.database_url)
    configure_logging(settings.log_level)
    if makes_demo_account(settings):
        secret = asyncio.run(_demo_key(settings, ensure_demo_account))
        if secret:
            # GraphiQL's headers start with it while this process runs.
            settings = dataclasses.replace(settings, demo_key=secret)
        if secret and args.json:
            demo = {
                "object": "demo_account",
                "secret": secret,
                "url": f"http://{args.host}:{args.port}",
            }
            sys.stdout.write(orjson.dumps(demo).decode() + "\n")
            sys.stdout.flush()
        elif secret:
            sys.stdout.write(
                "\nCreated the demo account. Its test key (shown once, keep it):\n\n"
                f"    {secret}\n\n"
                f"Try: curl -s http://{args.host}:{args.port}/graphql "
                f"-H 'Authorization: Bearer {secret}' -H 'Content-Type: application/json' "
                '-d \'{"query": "{ account { id mode plan } }"}\'\n'
                f"Or open http://{args.host}:{args.port}/graphql in a browser: GraphiQL's "
                "Headers tab holds this key until the server restarts.\n\n"
                "Lost it? .venv/bin/stateset-gql accounts list, then "
                "keys create --account ACCT --type sk_test\n\n"
            )
            sys.stdout.flush()
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        limit_concurrency=args.limit_concurrency,
        timeout_keep_alive=args.timeout_keep_alive,
        backlog=args.backlog,
        http=with_header_timeout(args.header_timeout),
        **websocket_options(settings),
    )
    Server(config, app.state.websockets).run()
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from stateset_gql.http.requestctx import configure_logging

    startup.check(settings, schema=True, broadcast=True)
    configure_logging(settings.log_level)
    asyncio.run(_run_worker(settings, metrics_port=args.metrics_port))
    return 0


async def _run_worker(settings: Settings, *, metrics_port: int | None) -> None:
    """The worker process: its loops until SIGTERM or SIGINT."""
    from prometheus_client import start_http_server

    from stateset_gql.app import build_state

    state = build_state(settings)
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        running.add_signal_handler(signum, stop.set)
    await state.hub.connect()
    if metrics_port is not None:
        start_http_server(metrics_port, addr="127.0.0.1", registry=state.metrics.registry)
    log.info("worker started")
    try:
        await asyncio.gather(*state.worker_loops(stop))
    finally:
        await state.hub.disconnect()
        await state.pipeline.gate.limiter.close()
        await state.db.dispose()
        log.info("worker stopped")


async def _demo_key(settings: Settings, ensure: Any) -> str | None:
    db = Database(settings.database_url)
    try:
        result: str | None = await ensure(db)
        return result
    finally:
        await db.dispose()


# -- the parser ------------------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0, not {text!r}")
    return value


def _common() -> argparse.ArgumentParser:
    """The options of every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="on a failure, print the traceback too"
    )
    return common


def _output() -> argparse.ArgumentParser:
    """The options of every command that answers something."""
    output = argparse.ArgumentParser(add_help=False, parents=[_common()])
    output.add_argument("--json", action="store_true", help="print JSON, for scripts")
    return output


def _add_serve(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the API over HTTP", parents=[_output()])
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--limit-concurrency",
        type=_positive,
        default=1000,
        metavar="N",
        help="open connections and running requests at most; beyond it, 503 (default 1000)",
    )
    serve.add_argument(
        "--timeout-keep-alive",
        type=_positive,
        default=5,
        metavar="SECONDS",
        help="close a connection idle this long between requests (default 5)",
    )
    serve.add_argument(
        "--header-timeout",
        type=_positive,
        default=10,
        metavar="SECONDS",
        help="close a connection whose request headers take longer than this (default 10)",
    )
    serve.add_argument(
        "--backlog",
        type=_positive,
        default=2048,
        metavar="N",
        help="connections waiting to be accepted at most (default 2048)",
    )


def _add_worker(commands: Any) -> None:
    worker = commands.add_parser(
        "worker",
        help="deliver webhooks and republish unpublished events (any number may run)",
        parents=[_common()],
    )
    worker.add_argument(
        "--metrics-port",
        type=_positive,
        metavar="PORT",
        help="serve this worker's Prometheus metrics on 127.0.0.1:PORT/metrics",
    )


def _add_accounts(commands: Any) -> None:
    accounts = commands.add_parser("accounts", help="create, list and update accounts")
    actions = accounts.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create", help="create an account and its sk_ and pk_ keys", parents=[_output()]
    )
    create.add_argument("--name", required=True)
    create.add_argument("--plan", default="free", choices=PLANS)
    actions.add_parser("list", help="list every account", parents=[_output()])
    update = actions.add_parser(
        "update", help="change an account's plan or its enterprise rate limits", parents=[_output()]
    )
    update.add_argument("account_id", metavar="ACCT")
    update.add_argument("--plan", choices=PLANS)
    update.add_argument(
        "--limits",
        help="enterprise only: per_minute=N,per_day=N,burst=N,concurrent=N; "
        "a limit left out is unlimited",
    )


def _add_keys(commands: Any) -> None:
    keys = commands.add_parser("keys", help="create, list and revoke API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create an API key", parents=[_output()])
    create.add_argument("--account", required=True, metavar="ACCT")
    create.add_argument(
        "--type", required=True, choices=KEY_CHOICES, help="the key's prefix: type and mode"
    )
    create.add_argument(
        "--scopes", help=f"comma list for rk_ keys, of: {', '.join(sorted(ALL_SCOPES))}"
    )
    create.add_argument("--name")
    listed = actions.add_parser(
        "list", help="list an account's keys, revoked ones too", parents=[_output()]
    )
    listed.add_argument("--account", required=True, metavar="ACCT")
    revoke = actions.add_parser("revoke", help="revoke an API key", parents=[_output()])
    revoke.add_argument("key_id", metavar="KEY_ID")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stateset-gql",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_serve(commands)
    _add_worker(commands)
    commands.add_parser(
        "migrate", help="upgrade the database to the newest schema", parents=[_output()]
    )
    _add_accounts(commands)
    _add_keys(commands)
    return parser


# -- running one command ---------------------------------------------------------------------


def _fail(message: str, exc: BaseException, debug: bool, code: int) -> int:
    if debug:
        traceback.print_exception(exc)
    sys.stderr.write(f"error: {message}\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get("STATESET_LOG_LEVEL", "").upper() == "DEBUG"
    try:
        settings = Settings.from_env()
        if args.command == "serve":
            return _serve(settings, args)
        if args.command == "worker":
            return _worker(settings, args)
        if args.command == "migrate":
            return _migrate(settings, args)
        return _act(settings, args)
    except ConfigurationError as exc:
        return _fail(str(exc), exc, debug, 2)
    except startup.StartupError as exc:
        return _fail(str(exc), exc, debug, 1)
    except StateSetError as exc:
        return _fail(f"{exc.code}: {exc.message}", exc, debug, 1)
    except Exception as exc:  # noqa: BLE001 -- one line instead of a traceback, by design
        return _fail(startup.explain(exc), exc, debug, 1)


if __name__ == "__main__":
    raise SystemExit(main())
