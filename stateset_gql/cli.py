"""The ``stateset-gql`` command: serve, migrate, accounts and keys."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from stateset_gql.access import service
from stateset_gql.access.models import PLANS
from stateset_gql.access.ratelimits import effective_limits, parse_limits
from stateset_gql.access.scopes import ALL_SCOPES
from stateset_gql.db import migrate
from stateset_gql.db.engine import Database
from stateset_gql.errors import StateSetError, ValidationFailed
from stateset_gql.settings import ConfigurationError, Settings

KEY_CHOICES = ("sk_test", "sk_live", "rk_test", "rk_live", "pk_test", "pk_live")


def _print(data: Any, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        for key, value in data.items():
            sys.stdout.write(f"{key}: {value}\n")


def _key_dict(key: Any, secret: str | None = None) -> dict[str, Any]:
    data = {
        "id": key.id,
        "object": "api_key",
        "account": key.account_id,
        "livemode": key.livemode,
        "type": f"{key.type}_{'live' if key.livemode else 'test'}",
        "scopes": list(key.scopes),
        "redacted": key.redacted,
        "revoked": key.revoked_at is not None,
    }
    if secret is not None:
        data["secret"] = secret
    return data


async def _accounts_create(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    db = Database(settings.database_url)
    try:
        async with db.session(write=True) as session, session.begin():
            account, keys = await service.create_account(
                session=session, name=args.name, plan=args.plan
            )
            return {
                "account": {
                    "id": account.id,
                    "object": "account",
                    "name": account.name,
                    "plan": account.plan,
                },
                "keys": {name: created.secret for name, created in keys.items()},
            }
    finally:
        await db.dispose()


async def _accounts_update(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    try:
        limits = parse_limits(args.limits) if args.limits is not None else None
    except ValueError as exc:
        raise ValidationFailed(str(exc), param="limits") from exc
    db = Database(settings.database_url)
    try:
        async with db.session(write=True) as session, session.begin():
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
    finally:
        await db.dispose()


async def _keys_create(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    key_type, _, mode = args.type.partition("_")
    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()] if args.scopes else None
    db = Database(settings.database_url)
    try:
        async with db.session(write=True) as session, session.begin():
            created = await service.create_key(
                session=session,
                account_id=args.account,
                key_type=key_type,
                livemode=mode == "live",
                scopes=scopes,
                name=args.name,
            )
            return _key_dict(created.key, created.secret)
    finally:
        await db.dispose()


async def _keys_revoke(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    db = Database(settings.database_url)
    try:
        async with db.session(write=True) as session, session.begin():
            return _key_dict(await service.revoke_key(session=session, key_id=args.key_id))
    finally:
        await db.dispose()


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from stateset_gql.app import create_app
    from stateset_gql.bootstrap import ensure_demo_account
    from stateset_gql.http.protocol import with_header_timeout
    from stateset_gql.http.requestctx import configure_logging

    configure_logging(settings.log_level)
    if settings.is_sqlite:
        migrate.upgrade(settings.database_url)
    if settings.env == "development":
        secret = asyncio.run(_demo_key(settings, ensure_demo_account))
        if secret:
            settings = dataclasses.replace(settings, demo_key=secret)
            sys.stdout.write(
                "\nCreated the demo account. Its test key (shown once, keep it):\n\n"
                f"    {secret}\n\n"
                f"Try: curl -s http://{args.host}:{args.port}/graphql "
                f"-H 'Authorization: Bearer {secret}' -H 'Content-Type: application/json' "
                '-d \'{"query": "{ account { id mode plan } }"}\'\n'
                f"Or open http://{args.host}:{args.port}/graphql in a browser: GraphiQL's "
                "Headers tab holds this key until the server restarts.\n\n"
            )
            sys.stdout.flush()
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        limit_concurrency=args.limit_concurrency,
        timeout_keep_alive=args.timeout_keep_alive,
        backlog=args.backlog,
        http=with_header_timeout(args.header_timeout),
    )
    return 0


async def _demo_key(settings: Settings, ensure: Any) -> str | None:
    db = Database(settings.database_url)
    try:
        result: str | None = await ensure(db)
        return result
    finally:
        await db.dispose()


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0, not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stateset-gql", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API over HTTP")
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

    commands.add_parser("migrate", help="upgrade the database to the newest schema")

    accounts = commands.add_parser("accounts", help="manage accounts")
    accounts_commands = accounts.add_subparsers(dest="action", required=True)
    create = accounts_commands.add_parser("create", help="create an account and its keys")
    create.add_argument("--name", required=True)
    create.add_argument("--plan", default="free", choices=PLANS)
    create.add_argument("--json", action="store_true")

    update = accounts_commands.add_parser(
        "update", help="change an account's plan or its enterprise rate limits"
    )
    update.add_argument("account_id")
    update.add_argument("--plan", choices=PLANS)
    update.add_argument(
        "--limits",
        help="enterprise only: per_minute=N,per_day=N,burst=N,concurrent=N; "
        "a limit left out is unlimited",
    )
    update.add_argument("--json", action="store_true")

    keys = commands.add_parser("keys", help="manage API keys")
    keys_commands = keys.add_subparsers(dest="action", required=True)
    key_create = keys_commands.add_parser("create", help="create an API key")
    key_create.add_argument("--account", required=True)
    key_create.add_argument("--type", required=True, choices=KEY_CHOICES)
    key_create.add_argument(
        "--scopes", help=f"comma list for rk_ keys, of: {', '.join(sorted(ALL_SCOPES))}"
    )
    key_create.add_argument("--name")
    key_create.add_argument("--json", action="store_true")
    revoke = keys_commands.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("key_id")
    revoke.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "serve":
            return _serve(settings, args)
        if args.command == "migrate":
            migrate.upgrade(settings.database_url)
            return 0
        handler = {
            ("accounts", "create"): _accounts_create,
            ("accounts", "update"): _accounts_update,
            ("keys", "create"): _keys_create,
            ("keys", "revoke"): _keys_revoke,
        }[(args.command, args.action)]
        _print(asyncio.run(handler(settings, args)), args.json)
        return 0
    except ConfigurationError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return 2
    except StateSetError as exc:
        sys.stderr.write(f"error: {exc.code}: {exc.message}\n")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
