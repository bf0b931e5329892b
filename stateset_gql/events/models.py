"""Stored events and the per-account, per-mode sequence counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base
from stateset_gql.serialize import iso


class EventCounter(Base):
    """The last ``sequence`` given out for one account and mode.

    A transaction takes this row's lock when it writes its events, as its last write,
    and holds it until commit: sequences are therefore handed out in commit order, so a
    reader resuming after sequence N never misses an event committed later with a
    smaller number.
    """

    __tablename__ = "event_counters"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    livemode: Mapped[bool] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("account_id", "livemode", "sequence"),
        Index(None, "account_id", "livemode", "created"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    livemode: Mapped[bool]
    sequence: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime]
    # {"object": {...}, "previous_attributes": {...}} in the REST (snake_case) form.
    data: Mapped[dict[str, Any]]
    request_id: Mapped[str | None] = mapped_column(String(40))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))

    def to_dict(self) -> dict[str, Any]:
        """The event JSON of API.md section 7, the same everywhere it is sent."""
        return {
            "id": self.id,
            "object": "event",
            "type": self.type,
            "api_version": "v1",
            "created": iso(self.created),
            "livemode": self.livemode,
            "account": self.account_id,
            "sequence": self.sequence,
            "data": self.data,
            "request": {"id": self.request_id, "idempotency_key": self.idempotency_key},
        }
