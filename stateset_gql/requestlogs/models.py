"""The request log table: one row per API request whose key authenticated, its id the
response's ``X-Request-Id``. Rows are written by ``requestlogs.writer`` in batches, off
the request's path, and deleted after 30 days (``ops.maintenance``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, utcnow
from stateset_gql.db.owner import OwnerScoped

# Column widths: what is longer is cut (a path template and a method are the server's
# own; an operation name and an Idempotency-Key are the client's, the key at most 255).
PATH_LENGTH = 200
OPERATION_LENGTH = 200
KEY_LENGTH = 255


class RequestLog(OwnerScoped, Base):
    """A request as it was answered: never its body, a key's secret or a card number
    (``requestlogs.record`` decides what a row holds)."""

    __tablename__ = "request_logs"
    __table_args__ = (
        Index(
            "ix_request_logs_account_id_livemode_created_id",
            "account_id", "livemode", "created", "id",
        ),
        Index(
            "ix_request_logs_account_id_livemode_path_created",
            "account_id", "livemode", "path", "created",
        ),
        Index("ix_request_logs_created", "created"),
    )  # fmt: skip

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    livemode: Mapped[bool] = mapped_column(Boolean)
    api_key_id: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(PATH_LENGTH))
    status: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    idempotency_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH), nullable=True)
    graphql_operation: Mapped[str | None] = mapped_column(String(OPERATION_LENGTH), nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
