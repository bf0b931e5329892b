"""The commands an operator runs on the database: accounts and keys.

Each runs in one transaction and answers what the API would show of the same objects;
what changed is announced after the commit, so running servers forget a revoked key or
an account's old limits at once.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql import startup
from stateset_gql.access import service
from stateset_gql.access.ratelimits import effective_limits, parse_limits
from stateset_gql.access.scopes import ALL_SCOPES
from stateset_gql.access.views import account_fields, api_key_fields
from stateset_gql.cli import output
from stateset_gql.cli.output import Answer, as_api
from stateset_gql.db.engine import Database
from stateset_gql.db.uow import take_notices
from stateset_gql.errors import NotFound, StateSetError, ValidationFailed
from stateset_gql.realtime.outbox import announce
from stateset_gql.settings import Settings

T = TypeVar("T")
Command = Callable[[AsyncSession, argparse.Namespace], Awaitable[Answer]]


async def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    db = Database.of(settings)
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


async def _accounts_create(session: AsyncSession, args: argparse.Namespace) -> Answer:
    account, keys = await service.create_account(session=session, name=args.name, plan=args.plan)
    shown = as_api(account_fields(account))
    secrets = {name: created.secret for name, created in keys.items()}
    return Answer({"account": shown, "keys": secrets}, output.created_account(shown, secrets))


async def _accounts_update(session: AsyncSession, args: argparse.Namespace) -> Answer:
    try:
        limits = parse_limits(args.limits) if args.limits is not None else None
    except ValueError as exc:
        raise ValidationFailed(str(exc), param="limits") from exc
    account = await service.update_account(
        session=session, account_id=args.account_id, plan=args.plan, limits=limits
    )
    effective = effective_limits(account.plan, account.limits)
    shown = {
        **as_api(account_fields(account)),
        "limits": {
            "per_minute": effective.per_minute,
            "per_day": effective.per_day,
            "burst": effective.burst_per_second,
            "concurrent": effective.concurrent,
        },
    }
    return Answer(shown, output.updated_account(shown))


async def _accounts_list(session: AsyncSession, _args: argparse.Namespace) -> Answer:
    listed = [as_api(account_fields(a)) for a in await service.all_accounts(session=session)]
    return Answer({"object": "list", "data": listed}, output.accounts(listed))


async def _keys_create(session: AsyncSession, args: argparse.Namespace) -> Answer:
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
    shown = as_api(api_key_fields(created.key, created.secret))
    return Answer(shown, output.created_key(shown, created.key.account_id))


async def _keys_list(session: AsyncSession, args: argparse.Namespace) -> Answer:
    keys = await service.account_keys(session=session, account_id=args.account)
    listed = [as_api(api_key_fields(key)) for key in keys]
    return Answer({"object": "list", "data": listed}, output.keys(listed))


async def _keys_revoke(session: AsyncSession, args: argparse.Namespace) -> Answer:
    key = await service.revoke_key(session=session, key_id=args.key_id)
    shown = as_api(api_key_fields(key))
    return Answer(shown, output.revoked_key(shown, key.account_id))


COMMANDS: dict[tuple[str, str], Command] = {
    ("accounts", "create"): _accounts_create,
    ("accounts", "list"): _accounts_list,
    ("accounts", "update"): _accounts_update,
    ("keys", "create"): _keys_create,
    ("keys", "list"): _keys_list,
    ("keys", "revoke"): _keys_revoke,
}


def _fix(exc: StateSetError) -> str | None:
    """What to run or type instead, in this command line's words."""
    if isinstance(exc, NotFound):
        if exc.param == "account":
            return "run: stateset-gql accounts list"
        return "run: stateset-gql keys list --account ACCT"
    if "scopes" in (exc.param, *(detail.param for detail in exc.details)):
        return f"--scopes takes a comma list of: {', '.join(sorted(ALL_SCOPES))}"
    return None


def run(settings: Settings, args: argparse.Namespace) -> int:
    command = COMMANDS[(args.command, args.action)]
    startup.check(settings, schema=True)
    try:
        answer = asyncio.run(_in_transaction(settings, lambda session: command(session, args)))
    except StateSetError as exc:
        fix = _fix(exc)
        if fix is None:
            raise
        worded = copy.copy(exc)
        worded.message = f"{exc.message}; {fix}"
        raise worded from exc
    output.write(answer, as_json=args.json)
    return 0
