"""The inventory table: one row per (sku, location) in an account and mode."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, ColumnElement, Index, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, Owned


class InventoryItem(Owned, Base):
    __tablename__ = "inventory_items"
    __table_args__ = (
        UniqueConstraint("account_id", "livemode", "sku", "location"),
        # The database refuses what the domain never does: stock below zero, or more
        # reserved than there is.
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= reserved", name="available_not_negative"),
        Index(None, "account_id", "livemode", "created", "id"),
    )

    sku: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(100), default="default")
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    low_stock_threshold: Mapped[int] = mapped_column(BigInteger, default=0)

    # One definition for both sides: on a row it is computed from the current values (so
    # it is right straight after a change, with no reload), and in a query it is the same
    # arithmetic in SQL, which lists filter and sort by.
    @hybrid_property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @available.inplace.expression
    @classmethod
    def _available_expression(cls) -> ColumnElement[int]:
        return cls.on_hand - cls.reserved
