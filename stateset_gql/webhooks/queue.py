"""The delivery queue in the database: claiming due deliveries under a lease, recording
attempts, releasing what a stopping worker will not send.

A claim takes due deliveries of enabled endpoints ``FOR UPDATE SKIP LOCKED`` (on SQLite,
one process, a plain update) and moves their ``next_attempt_at`` to the end of a lease
marked with the claimer's token: a worker that dies leaves them to come due again, and
another takes them over. Recording an attempt always appends it; the delivery's state
moves only if the lease is still the recorder's.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.serialize import iso
from stateset_gql.webhooks.endpoints import active_secrets
from stateset_gql.webhooks.models import PENDING, WebhookDelivery, WebhookEndpoint

SUCCEEDED = "succeeded"
FAILED = "failed"
RETRYING = "retrying"  # an outcome, not a status: failed, another attempt scheduled


@dataclass(frozen=True)
class Claimed:
    id: str
    token: str
    endpoint_id: str
    event_id: str
    event_type: str
    body: bytes
    url: str
    livemode: bool
    secrets: list[str]


@dataclass(frozen=True)
class Attempt:
    delivery: Claimed
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    response_body: str | None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempted_at": iso(self.attempted_at),
            "status_code": self.status_code,
            "duration_ms": self.duration_ms,
            "error": self.error,
            "response_body": self.response_body,
        }


async def claim(
    *, db: Database, limit: int, lease: timedelta, room: Callable[[str], int]
) -> list[Claimed]:
    """Up to ``limit`` due deliveries, at most ``room(endpoint_id)`` of each endpoint."""
    async with db.session(write=True) as session, session.begin():
        now = utcnow()
        candidates = await session.execute(
            select(WebhookDelivery.id, WebhookDelivery.endpoint_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at <= now,
                WebhookEndpoint.status == "enabled",
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit * 4)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
        taken: dict[str, int] = {}
        chosen: list[str] = []
        for delivery_id, endpoint_id in candidates.all():
            if taken.get(endpoint_id, 0) < room(endpoint_id):
                taken[endpoint_id] = taken.get(endpoint_id, 0) + 1
                chosen.append(delivery_id)
                if len(chosen) == limit:
                    break
        if not chosen:
            return []
        token = secrets.token_hex(16)
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(chosen))
            .values(next_attempt_at=now + lease, lease_token=token)
            .execution_options(synchronize_session=False)
        )
        rows = await session.execute(
            select(
                WebhookDelivery.id, WebhookDelivery.endpoint_id, WebhookDelivery.event_id,
                WebhookDelivery.event_type, WebhookDelivery.body, WebhookEndpoint,
            )
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id.in_(chosen))
        )  # fmt: skip
        return [
            Claimed(
                id=delivery_id, token=token, endpoint_id=endpoint_id, event_id=event_id,
                event_type=event_type, body=body.encode(), url=endpoint.url,
                livemode=endpoint.livemode, secrets=active_secrets(endpoint, now),
            )
            for delivery_id, endpoint_id, event_id, event_type, body, endpoint in rows.all()
        ]  # fmt: skip


def _retry_delay(schedule: Sequence[float], retries_left: int) -> float:
    index = min(max(len(schedule) - retries_left, 0), len(schedule) - 1)
    return schedule[index]


async def record(
    *, db: Database, attempts: Sequence[Attempt], schedule: Sequence[float]
) -> list[str]:
    """Append each attempt to its delivery and move the delivery on; each attempt's
    outcome (``SUCCEEDED``, ``RETRYING``, ``FAILED``), or "" for a delivery that is gone
    or no longer this attempt's to move."""
    by_id = {a.delivery.id: a for a in attempts}
    outcomes: dict[str, str] = {}
    async with db.session(write=True) as session, session.begin():
        now = utcnow()
        rows = await session.execute(
            select(
                WebhookDelivery.id, WebhookDelivery.attempts, WebhookDelivery.retries_left,
                WebhookDelivery.lease_token, WebhookDelivery.status,
                WebhookDelivery.next_attempt_at,
            )
            .where(WebhookDelivery.id.in_(sorted(by_id)))
            .order_by(WebhookDelivery.id)
            .with_for_update()
        )  # fmt: skip
        changes: list[dict[str, Any]] = []
        for delivery_id, done, retries_left, token, status, next_at in rows.all():
            attempt = by_id[delivery_id]
            entry = attempt.to_dict()
            if entry in done:
                # Recorded already: a record that committed before its answer was lost.
                outcomes[delivery_id] = ""
                continue
            change: dict[str, Any] = {
                "id": delivery_id, "attempts": [*done, entry], "updated": now,
                "retries_left": retries_left, "lease_token": token, "status": status,
                "next_attempt_at": next_at,
            }  # fmt: skip
            outcome = ""
            if token == attempt.delivery.token:
                change["lease_token"] = None
                if attempt.ok:
                    outcome = change["status"] = SUCCEEDED
                    change["next_attempt_at"] = None
                elif retries_left > 0:
                    delay = timedelta(seconds=_retry_delay(schedule, retries_left))
                    outcome, change["next_attempt_at"] = RETRYING, now + delay
                    change["retries_left"] = retries_left - 1
                else:
                    outcome = change["status"] = FAILED
                    change["next_attempt_at"] = None
            outcomes[delivery_id] = outcome
            changes.append(change)
        if changes:
            await session.execute(update(WebhookDelivery), changes)
    return [outcomes.get(a.delivery.id, "") for a in attempts]


async def release(*, db: Database, claimed: Sequence[Claimed]) -> None:
    """Hand back deliveries claimed but not sent: due now, for any worker."""
    if not claimed:
        return
    async with db.session(write=True) as session, session.begin():
        for item in claimed:
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == item.id, WebhookDelivery.lease_token == item.token)
                .values(next_attempt_at=utcnow(), lease_token=None)
                .execution_options(synchronize_session=False)
            )


async def due(*, db: Database) -> tuple[int, float]:
    """How many deliveries a claim would take now (due, of enabled endpoints), and how
    long the oldest has been due (seconds)."""
    async with db.session(write=False) as session:
        now = utcnow()
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(WebhookDelivery.next_attempt_at))
                .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                .where(
                    WebhookDelivery.status == PENDING,
                    WebhookDelivery.next_attempt_at <= now,
                    WebhookEndpoint.status == "enabled",
                )
            )
        ).one()
    if not count or oldest is None:
        return 0, 0.0
    if isinstance(oldest, str):  # SQLite hands an aggregate back as text
        oldest = datetime.fromisoformat(oldest).replace(tzinfo=now.tzinfo)
    return int(count), max((now - oldest).total_seconds(), 0.0)
