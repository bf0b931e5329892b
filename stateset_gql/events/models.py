"""Stored events and the per-account, per-mode sequence counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base
from stateset_gql.db.owner import OwnerScoped


class EventCounter(OwnerScoped, Base):
    """The last ``sequence`` given out for one account and mode.

    A transaction takes this row's lock when its events are numbered, as its last write
    (on PostgreSQL as it commits: a deferred trigger, migration 0008), and holds it until
    the commit is visible: sequences are therefore handed out in commit order, so a
    reader resuming after sequence N never misses an event committed later with a
    smaller number.
    """

    __tablename__ = "event_counters"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    livemode: Mapped[bool] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Event(OwnerScoped, Base):
    """One change, in the outbox. ``published_at`` is set once the event has been handed
    to the broadcast; what a crash left unpublished is found by that column (oldest
    first, through a partial index) and republished by the relay."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("account_id", "livemode", "sequence"),
        Index(None, "account_id", "livemode", "created"),
        # An object's events, in order (an order's timeline).
        Index(None, "account_id", "livemode", "object_id", "sequence"),
        Index(
            "ix_events_unpublished",
            "created",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    livemode: Mapped[bool]
    # Null only inside the transaction that wrote it, on PostgreSQL: its commit numbers it.
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=True)
    type: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime]
    # {"object": {...}, "previous_attributes": {...}} in the REST form. Plain JSON, not
    # JSONB: the text is kept as written, key order included.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The id of the object the event is about (``data.object.id``).
    object_id: Mapped[str | None] = mapped_column(String(40))
    request_id: Mapped[str | None] = mapped_column(String(40))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    published_at: Mapped[datetime | None]
