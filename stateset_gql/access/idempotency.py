"""Idempotency keys (API.md section 6).

A request carrying a key first *claims* it in a short transaction of its own, so a
concurrent duplicate finds the claim and is told 409. The request then runs; if it
committed something, its response is stored *in its own transaction* (``store``), so the
change and the stored response commit together. If it changed nothing, the claim is
released and the client may simply retry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.models import IdempotencyRecord
from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.errors import BadRequest, IdempotencyKeyInUse, IdempotencyKeyMismatch

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Claim:
    record_id: int
    key: str


@dataclass(frozen=True)
class Replay:
    status: int
    body: bytes


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
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyMismatch(
                    "Keys for idempotent requests can only be used with the same method, "
                    "path and body as the first request",
                    param="Idempotency-Key",
                )
            if record.response_status is not None and record.response_body is not None:
                return Replay(status=record.response_status, body=record.response_body)
            if record.locked_until is not None and record.locked_until > now:
                raise _in_use()
            # The request that claimed it never finished (its process died): take over.
            record.locked_until = now + timedelta(seconds=lock_seconds)
            return Claim(record_id=record.id, key=key)
        record = IdempotencyRecord(
            api_key_id=api_key_id,
            key=key,
            fingerprint=fingerprint,
            created=now,
            locked_until=now + timedelta(seconds=lock_seconds),
        )
        session.add(record)
        try:
            await session.flush()
        except IntegrityError as exc:
            raise _in_use() from exc
        return Claim(record_id=record.id, key=key)


def _in_use() -> IdempotencyKeyInUse:
    return IdempotencyKeyInUse(
        "A request with this Idempotency-Key is still being processed; retry later",
        param="Idempotency-Key",
    )


async def store(*, session: AsyncSession, claim: Claim, status: int, body: bytes) -> None:
    """Keep the response, inside the transaction that commits the request's change."""
    await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == claim.record_id)
        .values(response_status=status, response_body=body, locked_until=None)
    )


async def release(*, db: Database, claim: Claim) -> None:
    async with db.session(write=True) as session, session.begin():
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == claim.record_id,
                IdempotencyRecord.response_status.is_(None),
            )
        )


async def purge_expired(*, db: Database, ttl_seconds: int) -> int:
    cutoff = utcnow() - timedelta(seconds=ttl_seconds)
    async with db.session(write=True) as session, session.begin():
        result = await session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.created < cutoff)
        )
    return int(getattr(result, "rowcount", 0) or 0)
