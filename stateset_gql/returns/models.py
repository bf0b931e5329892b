"""Returns and the items they claim."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, Owned


class Return(Owned, Base):
    __tablename__ = "returns"
    __table_args__ = (
        Index(None, "account_id", "livemode", "created", "id"),
        Index(None, "order_id"),
    )

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    reason: Mapped[str | None] = mapped_column(String(500))
    restock: Mapped[bool] = mapped_column(Boolean, default=True)
    refund_amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    refund_id: Mapped[str | None] = mapped_column(ForeignKey("refunds.id"))
    approved_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]


class ReturnItem(Base):
    __tablename__ = "return_items"
    __table_args__ = (Index(None, "return_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    return_id: Mapped[str] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(BigInteger)
