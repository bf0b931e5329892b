"""The file tables: one row a file, its bytes in ``file_chunks`` rows of at most
``CHUNK_BYTES`` each, numbered from 0."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, utcnow
from stateset_gql.db.owner import OwnerScoped


class File(OwnerScoped, Base):
    """A file. ``complete`` is false while its upload is under way: such a row is seen by
    no request, and the sweep removes it once it is older than an upload may take."""

    __tablename__ = "files"
    __table_args__ = (
        Index("ix_files_expires_at", "expires_at"),
        Index("ix_files_account_id_livemode_created_id", "account_id", "livemode", "created", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    livemode: Mapped[bool] = mapped_column(Boolean)
    purpose: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class FileChunk(Base):
    """``number``-th piece of a file's bytes."""

    __tablename__ = "file_chunks"

    file_id: Mapped[str] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
