"""Accounts and API keys: create, authenticate, revoke."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.authcache import account_changed, key_changed
from stateset_gql.access.keys import hash_secret, hashes_match, make_secret, parse_secret, redact
from stateset_gql.access.models import PLANS, Account, ApiKey
from stateset_gql.access.principal import Principal
from stateset_gql.access.ratelimits import PlanLimits, effective_limits
from stateset_gql.access.scopes import KEY_TYPES, closure, scopes_for_type, unknown
from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest
from stateset_gql.db.owner import Owner
from stateset_gql.db.pages import fetch_page
from stateset_gql.errors import (
    AuthenticationFailed,
    MissingApiKey,
    PermissionDenied,
    Validator,
    not_found,
)
from stateset_gql.events.models import EventCounter
from stateset_gql.ids import new_id


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    secret: str


async def create_account(
    *, session: AsyncSession, name: str, plan: str = "free"
) -> tuple[Account, dict[str, CreatedKey]]:
    """A new account with a secret and a publishable key in each mode."""
    check = Validator()
    if not name.strip():
        check.missing("name")
    if plan not in PLANS:
        check.invalid("plan", f"plan must be one of {', '.join(PLANS)}")
    check.check()
    account = Account(id=new_id("acct"), name=name.strip(), plan=plan)
    session.add(account)
    session.add_all(
        [EventCounter(account_id=account.id, livemode=mode, value=0) for mode in (False, True)]
    )
    await session.flush()
    keys: dict[str, CreatedKey] = {}
    for key_type in ("sk", "pk"):
        for livemode in (False, True):
            created = await create_key(
                session=session, account_id=account.id, key_type=key_type, livemode=livemode
            )
            keys[f"{key_type}_{'live' if livemode else 'test'}"] = created
    return account, keys


async def update_account(
    *,
    session: AsyncSession,
    account_id: str,
    plan: str | None = None,
    limits: PlanLimits | None = None,
) -> Account:
    """Change an account's plan and, for ``enterprise``, its own rate limits; after the
    commit, every process forgets the account's cached keys."""
    account = await session.get(Account, account_id)
    if account is None:
        raise not_found("account", account_id, param="account")
    check = Validator()
    if plan is not None and plan not in PLANS:
        check.invalid("plan", f"plan must be one of {', '.join(PLANS)}")
    if limits is not None and (plan or account.plan) != "enterprise":
        check.invalid("limits", "only an enterprise account has limits of its own")
    check.check()
    # Cached principals carry the plan and limits: every server forgets them.
    await account_changed(session, account.id)
    if plan is not None:
        account.plan = plan
    if limits is not None:
        account.limits = limits.to_stored()
    await session.flush()
    return account


async def create_key(
    *,
    session: AsyncSession,
    account_id: str,
    key_type: str,
    livemode: bool,
    scopes: list[str] | None = None,
    name: str | None = None,
    creator: Principal | None = None,
) -> CreatedKey:
    """Make a key; a ``creator`` may only hand out its own mode and scopes."""
    check = Validator()
    if key_type not in KEY_TYPES:
        check.invalid("type", f"type must be one of {', '.join(KEY_TYPES)}")
    if scopes is not None and (bad := unknown(scopes)):
        check.invalid("scopes", f"unknown scopes: {', '.join(bad)}")
    if key_type == "rk" and not scopes:
        check.missing("scopes")
    check.check()
    granted = scopes_for_type(key_type, scopes)
    if creator is not None:
        if creator.owner.livemode != livemode:
            raise PermissionDenied("A key can only create keys of its own mode", param="type")
        _within(creator, granted, "create", param="scopes")
    if await session.get(Account, account_id) is None:
        raise not_found("account", account_id, param="account")
    secret = make_secret(key_type, livemode)
    key = ApiKey(
        id=new_id("key"),
        account_id=account_id,
        livemode=livemode,
        type=key_type,
        name=name,
        secret_hash=hash_secret(secret),
        redacted=redact(secret),
        scopes=sorted(granted),
    )
    session.add(key)
    await session.flush()
    return CreatedKey(key=key, secret=secret)


def _within(principal: Principal, scopes: Iterable[str], action: str, *, param: str) -> None:
    """A key may create or revoke only keys whose scopes it holds itself: a restricted
    key never makes, nor unmakes, a key more powerful than itself."""
    beyond = closure(scopes) - closure(principal.scopes)
    if beyond:
        raise PermissionDenied(
            f"A key can only {action} keys within its own scopes; not held: "
            f"{', '.join(sorted(beyond))}",
            param=param,
            extra={"missing_scopes": sorted(beyond)},
        )


async def revoke_key(
    *, session: AsyncSession, key_id: str, revoker: Principal | None = None
) -> ApiKey:
    """Revoke a key; a ``revoker`` may only revoke keys of its own account and mode whose
    scopes it holds itself. After the commit, every process forgets it."""
    key = await session.get(ApiKey, key_id)
    owner = revoker.owner if revoker is not None else None
    if key is None or (owner is not None and key.owner != owner):
        raise not_found("api key", key_id)
    if revoker is not None:
        _within(revoker, key.scopes, "revoke", param="id")
    if key.revoked_at is None:
        await key_changed(session, key.id)
        key.revoked_at = utcnow()
        await session.flush()
    return key


_CHUNK = 500  # key ids one statement binds


async def revoked_keys(*, session: AsyncSession, key_ids: Iterable[str]) -> set[str]:
    """Which of these keys are revoked (the open WebSockets' keys, checked again)."""
    wanted, found = sorted(set(key_ids)), set[str]()
    for start in range(0, len(wanted), _CHUNK):
        query = select(ApiKey.id).where(
            ApiKey.id.in_(wanted[start : start + _CHUNK]), ApiKey.revoked_at.is_not(None)
        )
        found.update((await session.scalars(query)).all())
    return found


async def all_accounts(*, session: AsyncSession) -> list[Account]:
    """Every account, oldest first: the operator's view, from the command line."""
    return list((await session.scalars(select(Account).order_by(Account.id))).all())


async def account_keys(*, session: AsyncSession, account_id: str) -> list[ApiKey]:
    """Every key of an account in both modes, revoked ones included, oldest first."""
    if await session.get(Account, account_id) is None:
        raise not_found("account", account_id, param="account")
    query = select(ApiKey).where(ApiKey.account_id == account_id).order_by(ApiKey.id)
    return list((await session.scalars(query)).all())


async def authenticate(*, session: AsyncSession, secret: str | None) -> Principal:
    """The principal behind a secret, or 401: missing, malformed, unknown or revoked."""
    if not secret:
        raise MissingApiKey("No API key provided. Send it as 'Authorization: Bearer <key>'.")
    shape = parse_secret(secret)
    if shape is None:
        raise AuthenticationFailed("Invalid API key provided: the key is malformed")
    digest = hash_secret(secret)
    row = (
        await session.execute(
            select(ApiKey, Account)
            .join(Account, Account.id == ApiKey.account_id)
            .where(ApiKey.secret_hash == digest)
        )
    ).one_or_none()
    if row is None:
        raise AuthenticationFailed("Invalid API key provided")
    key, account = row
    # The index found the row by its hash; compare again in constant time regardless.
    if not hashes_match(key.secret_hash, digest) or key.revoked_at is not None:
        raise AuthenticationFailed("Invalid API key provided: the key is revoked")
    if (key.type, key.livemode) != (shape.key_type, shape.livemode):
        raise AuthenticationFailed("Invalid API key provided")
    return _principal(key, account)


async def principal_of_key(*, session: AsyncSession, key_id: str) -> Principal:
    """The principal of a key by its id (work a key began, carried on by the worker), or
    401 once the key is revoked."""
    row = (
        await session.execute(
            select(ApiKey, Account)
            .join(Account, Account.id == ApiKey.account_id)
            .where(ApiKey.id == key_id)
        )
    ).one_or_none()
    if row is None or row[0].revoked_at is not None:
        raise AuthenticationFailed("The API key is revoked")
    return _principal(*row)


def _principal(key: ApiKey, account: Account) -> Principal:
    return Principal(
        owner=Owner(account_id=key.account_id, livemode=key.livemode),
        key_id=key.id,
        key_type=key.type,
        # A secret key may do everything, also what scopes were added after it was made.
        scopes=scopes_for_type(key.type, key.scopes),
        plan=account.plan,
        account_name=account.name,
        limits=effective_limits(account.plan, account.limits),
    )


KEY_LIST_SPEC = ListSpec(
    id_column=ApiKey.id,
    fields={
        "id": ListField(ApiKey.id, "id", sortable=True),
        "type": ListField(ApiKey.type, "enum"),
        "name": ListField(ApiKey.name, "string"),
        "created": ListField(ApiKey.created, "datetime", sortable=True),
    },
)


async def list_keys(*, session: AsyncSession, owner: Owner, request: PageRequest) -> Page[ApiKey]:
    base = ApiKey.select_owned(owner)
    return await fetch_page(session=session, spec=KEY_LIST_SPEC, base=base, request=request)
