"""Accounts, their API keys and stored idempotent responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, Timestamped
from stateset_gql.db.owner import OwnerScoped

PLANS = ("free", "starter", "growth", "scale", "enterprise")


class Account(Timestamped, Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(20), default="free")
    # An enterprise account's own rate limits (``ratelimits.effective_limits``).
    limits: Mapped[dict[str, Any] | None]


class ApiKey(OwnerScoped, Timestamped, Base):
    __tablename__ = "api_keys"
    __table_args__ = (Index(None, "account_id", "livemode"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    livemode: Mapped[bool]
    type: Mapped[str] = mapped_column(String(2))  # sk, rk or pk
    name: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the secret; the secret itself is shown once and never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The prefix and last four characters, enough for a person to recognise the key.
    redacted: Mapped[str] = mapped_column(String(40))
    scopes: Mapped[list[str]]
    revoked_at: Mapped[datetime | None]


class AccessVersion(Base):
    """One row, one number: moved in the same transaction as every revocation and every
    change of an account's plan or limits, and read by each server twice a second, so a
    server whatever its pub/sub (memory:// included) knows its cached principals are
    still true (``access/authcache.py``)."""

    __tablename__ = "access_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class IdempotencyRecord(Base):
    """One Idempotency-Key of one API key: claimed while running, then its response."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("api_key_id", "key"), Index(None, "created"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    api_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of method, path and canonical body: a retry must match it exactly.
    fingerprint: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime]
    # Renewed by the running request while it runs: only a dead request's claim expires.
    locked_until: Mapped[datetime | None]
    # Whose claim it is: a take-over writes a new token, and a response is stored only
    # under the token that claimed it (a fence against a late original).
    claim_token: Mapped[str | None] = mapped_column(String(32))
    response_status: Mapped[int | None]
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
