"""The customer table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, Owned


class Customer(Owned, Base):
    __tablename__ = "customers"
    __table_args__ = (
        # One live customer per e-mail address (any letter case) in an account and mode;
        # a deleted customer's address may be used again.
        Index(
            "uq_customers_email_key_live",
            "account_id",
            "livemode",
            "email_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # Lists walk this index; partial like the unique one, so the planner never prefers
        # that one (and a sort) when its statistics are stale.
        Index(
            "ix_customers_live_created",
            "account_id",
            "livemode",
            "created",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[dict[str, Any] | None]
    deleted_at: Mapped[datetime | None]
