"""Checks of inventory input. Each adds its problems to a ``Validator``, so one 422 can
name every bad field at once; none reads the database."""

from __future__ import annotations

from typing import Any

from stateset_gql.errors import Validator

# "Not given", as opposed to an explicit null.
UNSET: Any = object()
# The most a count may be: far beyond any real stock, and within GraphQL's 32-bit Int.
MAX_QUANTITY = 1_000_000_000


def text(value: Any, param: str, limit: int, check: Validator, *, required: bool) -> str | None:
    """A non-blank string of at most ``limit`` characters, stripped; blank is missing
    when the field is required."""
    if value is UNSET or value is None:
        if required:
            check.missing(param)
        return None
    if not isinstance(value, str):
        check.invalid(param, f"{param} must be a string")
        return None
    if not value.strip():
        if required:
            check.missing(param)
        else:
            check.invalid(param, f"{param} cannot be blank")
        return None
    if len(value.strip()) > limit:
        check.invalid(param, f"{param} can be at most {limit} characters")
        return None
    return value.strip()


def count(
    value: Any, param: str, check: Validator, *, minimum: int = 0, required: bool = False
) -> int | None:
    """An integer from ``minimum`` to ``MAX_QUANTITY``."""
    if value is UNSET or value is None:
        if required:
            check.missing(param)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        check.invalid(param, f"{param} must be an integer")
        return None
    if not minimum <= value <= MAX_QUANTITY:
        check.invalid(param, f"{param} must be between {minimum} and {MAX_QUANTITY}")
        return None
    return value


def adjustment(value: Any, check: Validator) -> int | None:
    """A non-zero change of at most ``MAX_QUANTITY`` either way."""
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        check.invalid("delta", "delta must be a non-zero integer")
        return None
    if abs(value) > MAX_QUANTITY:
        check.invalid("delta", f"delta must be between -{MAX_QUANTITY} and {MAX_QUANTITY}")
        return None
    return value
