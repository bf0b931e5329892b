"""Customer subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, Owned


class CustomerSubscription(Owned, Base):
    __tablename__ = "customer_subscriptions"
    __table_args__ = (
        Index(None, "account_id", "livemode", "created", "id"),
        Index(None, "customer_id", "status"),
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    plan: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    interval: Mapped[str] = mapped_column(String(10))  # week, month or year
    status: Mapped[str] = mapped_column(String(20), default="active")
    current_period_start: Mapped[datetime]
    current_period_end: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
