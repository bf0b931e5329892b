"""Scalars beyond the built-in ones, given to the schema through ``SCALARS``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NewType

import strawberry
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

__all__ = ["JSON", "SCALARS", "DateOrDateTime", "parse_date_or_datetime"]

DateOrDateTime = NewType("DateOrDateTime", object)


def parse_date_or_datetime(value: Any) -> date | datetime:
    """``2024-01-31`` (a whole UTC day) or an ISO-8601 date-time (naive means UTC)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError("expected an ISO-8601 date or date-time string")
    text = value.strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _serialize_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_utc(value: Any) -> datetime:
    parsed = parse_date_or_datetime(value)
    if not isinstance(parsed, datetime):
        raise ValueError("expected an ISO-8601 date-time")
    return parsed


SCALARS: dict[object, ScalarDefinition] = {
    DateOrDateTime: strawberry.scalar(
        name="DateOrDateTime",
        description=(
            "An ISO-8601 date-time, or a date alone meaning that whole UTC day "
            '(so `created: {_lte: "2024-01-31"}` includes all of January 31).'
        ),
        serialize=lambda value: value.isoformat(),
        parse_value=parse_date_or_datetime,
    ),
    # Strawberry's DateTime under the same name, but always UTC and written with a ``Z``.
    datetime: strawberry.scalar(
        name="DateTime",
        description="An ISO-8601 date-time in UTC, written with a `Z`.",
        serialize=_serialize_utc,
        parse_value=_parse_utc,
    ),
}
