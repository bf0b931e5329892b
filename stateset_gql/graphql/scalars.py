"""Scalars beyond the built-in ones, given to the schema through ``SCALARS``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NewType

import strawberry
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

from stateset_gql.errors import BadRequest
from stateset_gql.serialize import timestamp

__all__ = ["JSON", "SCALARS", "DateOrDateTime", "parse_date_or_datetime"]

DateOrDateTime = NewType("DateOrDateTime", object)


def parse_date_or_datetime(value: Any) -> date | datetime:
    """``2024-01-31`` (a whole UTC day) or an ISO-8601 date-time (naive means UTC), in
    years 1-9999 once shifted to UTC: ``0001-01-01T00:00:00+05:00`` is not a time any
    database can store, so it is refused here rather than overflowing later."""
    if isinstance(value, datetime):
        parsed = value
    elif not isinstance(value, str):
        raise ValueError("expected an ISO-8601 date or date-time string")
    elif len(text := value.strip()) == 10:
        return date.fromisoformat(text)
    else:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("expected a time between the years 1 and 9999 in UTC") from None
    return parsed


def _parse_filter_time(value: Any) -> date | datetime:
    """A filter's bound: a bad one is a bad query (400), as on REST."""
    try:
        return parse_date_or_datetime(value)
    except ValueError:
        raise BadRequest("Expected an ISO-8601 date or date-time in the years 1-9999") from None


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
        parse_value=_parse_filter_time,
    ),
    # Strawberry's DateTime under the same name, but always UTC and written with a ``Z``.
    datetime: strawberry.scalar(
        name="DateTime",
        description="An ISO-8601 date-time in UTC, written with a `Z`.",
        serialize=timestamp,
        parse_value=_parse_utc,
    ),
}
