"""Webhook endpoints, their deliveries, and the fan-out cursors.

A delivery is one event for one endpoint (unique per endpoint and event). It holds the
body as it is sent, so every attempt sends the same bytes, and each attempt is appended
to ``attempts``. ``next_attempt_at`` is when a worker may take it next: while a worker
holds it, it is the end of that worker's lease (``lease_token`` says whose), so a
delivery whose worker died becomes due again by itself. A finished delivery has none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, Owned
from stateset_gql.db.owner import OwnerScoped

PENDING = "pending"


class WebhookEndpoint(Owned, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index(None, "account_id", "livemode", "created", "id"),)

    url: Mapped[str] = mapped_column(String(2048))
    enabled_events: Mapped[list[str]]
    description: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # enabled or disabled
    # Kept to sign with: an HMAC needs the secret itself.
    secret: Mapped[str] = mapped_column(String(64))
    # After a rotation with overlap, the previous secret signs too until it expires.
    previous_secret: Mapped[str | None] = mapped_column(String(64))
    previous_secret_expires_at: Mapped[datetime | None]
    # The event sequence of its account and mode when it was made: it is sent only
    # events after it.
    start_sequence: Mapped[int] = mapped_column(BigInteger)


class WebhookDelivery(Owned, Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        # Listed newest first per endpoint.
        Index(None, "endpoint_id", "created", "id"),
        # What workers claim: the due ones.
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    # The event's id; a test webhook's is an id of its own, not in the event log.
    event_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(64))
    # The request body, exactly as every attempt sends it.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    # [{attempted_at, status_code, duration_ms, error, response_body}], oldest first.
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Automatic retries still allowed after a failed attempt.
    retries_left: Mapped[int]
    next_attempt_at: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(32))


class WebhookCursor(OwnerScoped, Base):
    """How far the events of one account and mode have been turned into deliveries."""

    __tablename__ = "webhook_cursors"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    livemode: Mapped[bool] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger)
