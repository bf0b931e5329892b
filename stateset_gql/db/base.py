"""The declarative base, its naming convention, column types and mixins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Dialect, ForeignKey, MetaData, String, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

from stateset_gql.db.owner import OwnerScoped
from stateset_gql.errors import ErrorDetail, ValidationFailed

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored in UTC everywhere; always read back as an aware UTC datetime.

    SQLite keeps no zone, so the value is stored naive there (in UTC); the fixed-width
    text SQLAlchemy writes sorts in time order, which keyset pagination relies on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[str]: JSONType,
    }


class Timestamped:
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Owned(OwnerScoped, Timestamped):
    """A resource that belongs to one account and one mode, with metadata."""

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    livemode: Mapped[bool] = mapped_column(Boolean)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)


# ------------------------------------------------------------------- column lengths


def _refuse_overlong(key: str, length: int) -> Callable[[Any, Any, Any, Any], None]:
    def check(_target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        if isinstance(value, str) and len(value) > length:
            raise ValidationFailed.from_details(
                [
                    ErrorDetail(
                        key, "INVALID_FIELD_FORMAT", f"{key} can be at most {length} characters"
                    )
                ]
            )

    return check


@event.listens_for(Base, "mapper_configured", propagate=True)
def _guard_lengths(mapper: Mapper[Any], class_: type) -> None:
    """Every string longer than its column is refused as it is set (a 422), the limit
    read from the column itself: a service cannot forget a field, and the database is
    never the one to find out (PostgreSQL fails, SQLite stores it)."""
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        length = getattr(column.type, "length", None)
        if isinstance(column.type, String) and isinstance(length, int):
            event.listen(
                getattr(class_, attribute.key), "set", _refuse_overlong(attribute.key, length)
            )
