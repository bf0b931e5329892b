"""Idempotency keys (API.md section 6): a request never runs twice.

A request carrying a key first *claims* it in a short transaction of its own, so a
concurrent duplicate finds the claim and is told 409. The request then runs; if it
committed something, its response is stored *in its own transaction* (``store``), so the
change and the stored response commit together. If it changed nothing, the claim is
released and the client may simply retry.

A claim is a lease (``locked_until``) that the running request keeps renewing
(``kept``), so it lapses only when its request is gone (its process died). Only then may
a retry take it over, and taking over writes a new ``claim_token``. Storing the response
and releasing the claim are fenced by the token: a late original whose claim was taken
over stores nothing, and its transaction is rolled back instead of committing beside the
retry's.

A secret shown once (a new API key's) is never stored: the stored body holds ``null``
in its place, so a replay answers the key without it.

An upload's fingerprint is known only once its body is read, and its body may be 100 MB:
``claim_unread`` claims the key before reading (so a concurrent duplicate is told 409 at
once, unread), with the fingerprint ``UNREAD`` until ``store`` writes the real one beside
the response. A later retry finds that response as ``Answered``: it reads its body (to
discard it) and ``Answered.replay`` tells the same request from another.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import orjson
from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.models import IdempotencyRecord
from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.errors import BadRequest, IdempotencyKeyInUse, IdempotencyKeyMismatch

log = logging.getLogger("stateset_gql.idempotency")

MAX_KEY_LENGTH = 255
# The fingerprint of a claim made before its request was read (``claim_unread``).
UNREAD = ""
# A running request renews its lease this many times per lease.
RENEWALS_PER_LEASE = 3


@dataclass(frozen=True)
class Claim:
    record_id: int
    key: str
    # This request's token: the record is ours while it still holds it.
    token: str


@dataclass(frozen=True)
class Replay:
    status: int
    body: bytes


@dataclass(frozen=True)
class Answered:
    """A stored response, found before the retry's body was read (``claim_unread``)."""

    fingerprint: str
    status: int
    body: bytes

    def replay(self, fingerprint: str) -> Replay:
        """The response, for a retry whose request, read, has ``fingerprint``; else 400."""
        if fingerprint != self.fingerprint:
            raise _mismatch()
        return Replay(status=self.status, body=self.body)


def fingerprint(method: str, path: str, body: object) -> str:
    """The request a key was first used for: method, path and the JSON body, canonical."""
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(
        method.upper().encode() + b" " + path.encode() + b"\n" + canonical
    ).hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters", param="Idempotency-Key"
        )
    return key


async def claim(
    *,
    db: Database,
    api_key_id: str,
    key: str,
    fingerprint: str,
    ttl_seconds: int,
    lock_seconds: int,
) -> Claim | Replay:
    """The key, claimed for the request ``fingerprint`` names, or its stored response."""
    found = await _claim(
        db=db,
        api_key_id=api_key_id,
        key=key,
        fingerprint=fingerprint,
        ttl_seconds=ttl_seconds,
        lock_seconds=lock_seconds,
    )
    return found.replay(fingerprint) if isinstance(found, Answered) else found


async def claim_unread(
    *, db: Database, api_key_id: str, key: str, ttl_seconds: int, lock_seconds: int
) -> Claim | Answered:
    """The key, claimed before the request's body is read (its fingerprint is ``store``d
    with its response), or the response stored under it, which the caller replays only
    once the body it read has the first request's fingerprint (``Answered.replay``)."""
    return await _claim(
        db=db,
        api_key_id=api_key_id,
        key=key,
        fingerprint=None,
        ttl_seconds=ttl_seconds,
        lock_seconds=lock_seconds,
    )


async def _claim(
    *,
    db: Database,
    api_key_id: str,
    key: str,
    fingerprint: str | None,
    ttl_seconds: int,
    lock_seconds: int,
) -> Claim | Answered:
    """``fingerprint`` None: not known until the request is read (``claim_unread``)."""
    now = utcnow()
    async with db.session(write=True) as session, session.begin():
        record = (
            await session.execute(
                select(IdempotencyRecord)
                .where(IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key)
                .with_for_update()
            )
        ).scalar_one_or_none()
        if record is not None and record.created < now - timedelta(seconds=ttl_seconds):
            await session.delete(record)
            await session.flush()
            record = None
        if record is not None:
            if fingerprint is not None and record.fingerprint != fingerprint:
                raise _mismatch()
            if record.response_status is not None and record.response_body is not None:
                return Answered(
                    fingerprint=record.fingerprint,
                    status=record.response_status,
                    body=record.response_body,
                )
            if record.locked_until is not None and record.locked_until > now:
                raise _in_use()
            # Its request stopped renewing the lease, so it is gone (its process died):
            # take over, under a new token that fences the old one out. It stored
            # nothing, so the key is this request's now, whatever the other one was.
            token = _token()
            record.locked_until = now + timedelta(seconds=lock_seconds)
            record.claim_token = token
            record.fingerprint = UNREAD if fingerprint is None else fingerprint
            return Claim(record_id=record.id, key=key, token=token)
        token = _token()
        record = IdempotencyRecord(
            api_key_id=api_key_id,
            key=key,
            fingerprint=UNREAD if fingerprint is None else fingerprint,
            created=now,
            locked_until=now + timedelta(seconds=lock_seconds),
            claim_token=token,
        )
        session.add(record)
        try:
            await session.flush()
        except IntegrityError as exc:
            raise _in_use() from exc
        return Claim(record_id=record.id, key=key, token=token)


def _token() -> str:
    return secrets.token_hex(16)


def _mismatch() -> IdempotencyKeyMismatch:
    return IdempotencyKeyMismatch(
        "Keys for idempotent requests can only be used with the same method, "
        "path and body as the first request",
        param="Idempotency-Key",
    )


def _in_use() -> IdempotencyKeyInUse:
    return IdempotencyKeyInUse(
        "A request with this Idempotency-Key is still being processed; retry later",
        param="Idempotency-Key",
    )


def _ours(claim: Claim) -> tuple[ColumnElement[bool], ...]:
    """The claim's record, while it is still this request's and has no response."""
    return (
        IdempotencyRecord.id == claim.record_id,
        IdempotencyRecord.claim_token == claim.token,
        IdempotencyRecord.response_status.is_(None),
    )


async def renew(*, db: Database, claim: Claim, lock_seconds: int) -> bool:
    """Extend the lease of a running request; False once the claim is no longer its own."""
    async with db.session(write=True) as session, session.begin():
        result = await session.execute(
            update(IdempotencyRecord)
            .where(*_ours(claim))
            .values(locked_until=utcnow() + timedelta(seconds=lock_seconds))
            .execution_options(synchronize_session=False)
        )
    return _rowcount(result) == 1


@asynccontextmanager
async def kept(*, db: Database, claim: Claim | None, lock_seconds: int) -> AsyncIterator[None]:
    """Keeps renewing ``claim``'s lease while the block runs (nothing for no claim)."""
    if claim is None:
        yield
        return
    done = asyncio.Event()
    heartbeat = asyncio.create_task(_renew_until(done, db=db, claim=claim, seconds=lock_seconds))
    try:
        yield
    finally:
        # Not cancelled: a renewal under way finishes, so its connection goes back clean.
        done.set()
        await heartbeat


async def _renew_until(done: asyncio.Event, *, db: Database, claim: Claim, seconds: int) -> None:
    interval = seconds / RENEWALS_PER_LEASE
    while True:
        try:
            await asyncio.wait_for(done.wait(), timeout=interval)
            return
        except TimeoutError:
            pass
        try:
            if not await renew(db=db, claim=claim, lock_seconds=seconds):
                return  # taken over: the fence in ``store`` keeps this request out
        except Exception:
            # The next beat tries again; the lease still has time left.
            log.warning("could not renew the claim on an idempotency key", exc_info=True)


def without_secrets(body: bytes, shown_once: Iterable[str]) -> bytes:
    """``body`` with every JSON string that is a secret shown once replaced by null."""
    for secret in shown_once:
        body = body.replace(orjson.dumps(secret), b"null")
    return body


async def store(
    *,
    session: AsyncSession,
    claim: Claim,
    status: int,
    body: bytes,
    shown_once: Iterable[str] = (),
    fingerprint: str | None = None,
) -> None:
    """Keep the response, inside the transaction that commits the request's change, and
    for a claim made unread (``claim_unread``) the request's ``fingerprint``, read.

    Fenced: if the claim was taken over, nothing is stored and ``IdempotencyKeyInUse``
    is raised, so the caller rolls its change back instead of committing it."""
    read = {} if fingerprint is None else {"fingerprint": fingerprint}
    result = await session.execute(
        update(IdempotencyRecord)
        .where(*_ours(claim))
        .values(
            response_status=status,
            response_body=without_secrets(body, shown_once),
            locked_until=None,
            **read,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        log.warning("an idempotency key's claim was taken over; the request is rolled back")
        raise _in_use()


# How often a release the database refused is tried again.
RELEASE_RETRY_SECONDS = 0.2
# Releases still waiting for the database (a task nobody holds may be collected).
_releasing: set[asyncio.Task[None]] = set()


async def release(*, db: Database, claim: Claim, lock_seconds: int) -> None:
    """Give the key up: the request changed nothing (and only if it is still ours).

    Often the request failed because the database refused it, and then it refuses this
    too: the release keeps being tried in the background until the database answers, so
    the client's retry finds the key free then rather than when the lease lapses."""
    try:
        await _delete(db, claim)
    except Exception as exc:  # noqa: BLE001 - whatever stopped it, try again later
        log.warning("could not release an idempotency key yet: %s", type(exc).__name__)
        task = asyncio.create_task(_release_later(db, claim, lock_seconds))
        _releasing.add(task)
        task.add_done_callback(_releasing.discard)


async def _delete(db: Database, claim: Claim) -> None:
    async with db.session(write=True) as session, session.begin():
        await session.execute(delete(IdempotencyRecord).where(*_ours(claim)))


async def _release_later(db: Database, claim: Claim, lock_seconds: int) -> None:
    # Past the lease a retry takes the key over anyway, and the fence keeps this one out.
    deadline = asyncio.get_running_loop().time() + lock_seconds
    while asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(RELEASE_RETRY_SECONDS)
        try:
            await _delete(db, claim)
            return
        except Exception:  # noqa: BLE001 - the database is still out of reach; try again
            continue


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_expired(*, db: Database, ttl_seconds: int) -> int:
    cutoff = utcnow() - timedelta(seconds=ttl_seconds)
    async with db.session(write=True) as session, session.begin():
        result = await session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.created < cutoff)
        )
    return _rowcount(result)
