"""The rules an order's fields must follow; problems go to a ``Validator``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stateset_gql.customers.service import ADDRESS_FIELDS
from stateset_gql.errors import Validator

UNSET: Any = object()
MAX_LINE_ITEMS = 100
MAX_QUANTITY = 1_000_000
# Money in minor units, as Stripe caps a charge (999,999.99 in a two-decimal currency);
# it also keeps every total inside GraphQL's 32-bit Int.
MAX_AMOUNT = 99_999_999
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


@dataclass
class LineItemInput:
    sku: Any = None
    name: Any = None
    quantity: Any = None
    unit_amount: Any = None


def currency(value: Any, check: Validator) -> str | None:
    """A three-letter code, upper-cased."""
    if value is UNSET or value is None:
        check.missing("currency")
        return None
    if not isinstance(value, str) or not _CURRENCY.match(value):
        check.invalid("currency", "currency must be a three-letter ISO code such as USD")
        return None
    return value.upper()


def integer(value: Any, param: str, check: Validator, *, low: int, high: int) -> int | None:
    if value is None:
        check.missing(param)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        check.invalid(param, f"{param} must be an integer")
        return None
    if not low <= value <= high:
        check.invalid(param, f"{param} must be between {low} and {high}")
        return None
    return value


def text(value: Any, param: str, limit: int, check: Validator) -> str | None:
    if value is None:
        check.missing(param)
        return None
    if not isinstance(value, str) or not value.strip():
        check.invalid(param, f"{param} must be a non-empty string")
        return None
    if len(value.strip()) > limit:
        check.invalid(param, f"{param} can be at most {limit} characters")
        return None
    return value.strip()


def line_items(value: Any, check: Validator) -> list[LineItemInput]:
    if value is UNSET or value is None:
        check.missing("line_items")
        return []
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_LINE_ITEMS:
        check.invalid("line_items", f"line_items must list 1 to {MAX_LINE_ITEMS} items")
        return []
    clean = []
    for index, item in enumerate(value):
        at = f"line_items[{index}]"
        sku = text(item.sku, f"{at}.sku", 100, check)
        name = text(item.name, f"{at}.name", 200, check)
        quantity = integer(item.quantity, f"{at}.quantity", check, low=1, high=MAX_QUANTITY)
        unit_amount = integer(item.unit_amount, f"{at}.unit_amount", check, low=0, high=MAX_AMOUNT)
        clean.append(LineItemInput(sku, name, quantity, unit_amount))
    return clean


def money(value: Any, param: str, check: Validator) -> int:
    """An amount in minor units; not given (or null) is 0."""
    if value is UNSET or value is None:
        return 0
    return integer(value, param, check, low=0, high=MAX_AMOUNT) or 0


def location(value: Any, check: Validator) -> str:
    if value is UNSET or value is None:
        return "default"
    return text(value, "location", 100, check) or "default"


def address(value: Any, check: Validator) -> dict[str, Any] | None:
    if value is UNSET or value is None:
        return None
    if not isinstance(value, dict):
        check.invalid("shipping_address", "shipping_address must be an object")
        return None
    address: dict[str, Any] = {}
    for key in ADDRESS_FIELDS:
        item = value.get(key)
        if item is not None and (not isinstance(item, str) or len(item.strip()) > 200):
            check.invalid(
                f"shipping_address.{key}", f"{key} must be a string of at most 200 characters"
            )
        address[key] = (item.strip() or None) if isinstance(item, str) else None
    for key in sorted(set(value) - set(ADDRESS_FIELDS)):
        check.invalid(f"shipping_address.{key}", f"shipping_address has no field '{key}'")
    return address


def total(values: Mapping[str, Any], check: Validator) -> int:
    amount = int(values["subtotal"]) + int(values["tax"]) + int(values["shipping_cost"])
    if amount > MAX_AMOUNT:
        check.invalid("amount", f"The order's total can be at most {MAX_AMOUNT}")
    return amount
