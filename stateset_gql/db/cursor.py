"""Keyset cursors: the sort values of a page's last row, under the sort order's
signature, so rows inserted while a client pages never shift what comes next."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from stateset_gql.db.listing import ListSpec, nullable
from stateset_gql.errors import BadRequest


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.astimezone(UTC).isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    return value


def encode_cursor(order: list[tuple[str, bool]], values: Sequence[Any]) -> str:
    signature = ",".join(f"{'-' if desc else ''}{name}" for name, desc in order)
    raw = orjson.dumps([signature, [_encode_value(v) for v in values]])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: list[tuple[str, bool]], param: str) -> list[Any]:
    signature = ",".join(f"{'-' if desc else ''}{name}" for name, desc in order)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = orjson.loads(raw)
        if not (isinstance(decoded, list) and len(decoded) == 2 and isinstance(decoded[1], list)):
            raise ValueError("shape")
        values = [_decode_value(v) for v in decoded[1]]
    except (ValueError, binascii.Error, orjson.JSONDecodeError, TypeError) as exc:
        raise BadRequest("Invalid cursor", param=param) from exc
    if decoded[0] != signature or len(values) != len(order):
        raise BadRequest("This cursor belongs to a list with another sort order", param=param)
    return values


_KIND_TYPES: dict[str, type] = {
    "string": str,
    "id": str,
    "enum": str,
    "int": int,
    "bool": bool,
    "datetime": datetime,
}


def check_cursor_values(
    spec: ListSpec, order: list[tuple[str, bool]], values: list[Any], param: str
) -> None:
    """A cursor is the client's to send back, so it may come back edited: a value of the
    wrong type would reach the database (and fail there, as a 500) unless refused here."""
    for (name, _), value in zip(order, values, strict=True):
        kind = spec.kind(name)
        if value is None:
            fits = nullable(spec.sort_column(name))
        elif kind == "int":
            fits = (
                isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
            )
        elif kind == "datetime":
            fits = isinstance(value, datetime) and _storable(value)
        elif kind in ("string", "id", "enum"):
            fits = isinstance(value, str) and "\x00" not in value
        else:
            fits = isinstance(value, _KIND_TYPES[kind])
        if not fits:
            raise BadRequest("Invalid cursor", param=param)


def _storable(value: datetime) -> bool:
    """An aware date-time that is still in years 1-9999 once shifted to UTC."""
    if value.tzinfo is None:
        return False
    try:
        value.astimezone(UTC)
    except OverflowError:
        return False
    return True
