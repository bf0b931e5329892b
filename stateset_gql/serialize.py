"""The REST (snake_case) form of values, shared by events, webhooks and the facade."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(value: datetime) -> str:
    """ISO-8601 in UTC with ``Z`` and microseconds, as every response shows it."""
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def timestamp(value: datetime) -> str:
    """A date-time as the API's ``DateTime`` writes it: in UTC with ``Z``, and with
    microseconds only when it has any (``…05Z``, ``…05.250000Z``)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
