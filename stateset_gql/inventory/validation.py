"""Checks of inventory input. Each adds its problems to a ``Validator``, so one 422 can
name every bad field at once; none reads the database."""

from __future__ import annotations

from stateset_gql.errors import Validator
from stateset_gql.unset import Unset

# The most a count may be: far beyond any real stock, and within GraphQL's 32-bit Int.
MAX_QUANTITY = 1_000_000_000


def text(
    value: str | Unset | None, param: str, limit: int, check: Validator, *, required: bool
) -> str | None:
    """A non-blank string of at most ``limit`` characters, stripped; blank is missing
    when the field is required."""
    if isinstance(value, Unset) or value is None:
        if required:
            check.missing(param)
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
    value: int | Unset | None,
    param: str,
    check: Validator,
    *,
    minimum: int = 0,
    required: bool = False,
) -> int | None:
    """An integer from ``minimum`` to ``MAX_QUANTITY``."""
    if isinstance(value, Unset) or value is None:
        if required:
            check.missing(param)
        return None
    if not minimum <= value <= MAX_QUANTITY:
        check.invalid(param, f"{param} must be between {minimum} and {MAX_QUANTITY}")
        return None
    return value


def adjustment(value: int, check: Validator) -> int | None:
    """A non-zero change of at most ``MAX_QUANTITY`` either way."""
    if value == 0:
        check.invalid("delta", "delta must be a non-zero integer")
        return None
    if abs(value) > MAX_QUANTITY:
        check.invalid("delta", f"delta must be between -{MAX_QUANTITY} and {MAX_QUANTITY}")
        return None
    return value
