"""The rules an order's fields must follow; problems go to a ``Validator``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stateset_gql.currencies import currency_code
from stateset_gql.customers.service import ADDRESS_FIELDS, AddressInput
from stateset_gql.errors import Validator
from stateset_gql.unset import Unset

MAX_LINE_ITEMS = 100
MAX_QUANTITY = 1_000_000
# Money in minor units, as Stripe caps a charge (999,999.99 in a two-decimal currency);
# it also keeps every total inside GraphQL's 32-bit Int.
MAX_AMOUNT = 99_999_999


@dataclass(frozen=True, kw_only=True)
class LineItemInput:
    sku: str
    name: str
    quantity: int
    unit_amount: int


def currency(value: str, check: Validator) -> str | None:
    """An ISO 4217 code, upper-cased."""
    code = currency_code(value)
    if code is None:
        check.invalid("currency", "currency must be an ISO 4217 currency code such as USD")
    return code


def integer(value: int, param: str, check: Validator, *, low: int, high: int) -> int | None:
    if not low <= value <= high:
        check.invalid(param, f"{param} must be between {low} and {high}")
        return None
    return value


def text(value: str, param: str, limit: int, check: Validator) -> str | None:
    if not value.strip():
        check.invalid(param, f"{param} must be a non-empty string")
        return None
    if len(value.strip()) > limit:
        check.invalid(param, f"{param} can be at most {limit} characters")
        return None
    return value.strip()


def line_items(value: list[LineItemInput], check: Validator) -> list[LineItemInput]:
    """The lines, cleaned; a line with a problem is left out (and named in ``check``)."""
    if not 1 <= len(value) <= MAX_LINE_ITEMS:
        check.invalid("line_items", f"line_items must list 1 to {MAX_LINE_ITEMS} items")
        return []
    clean = []
    for index, item in enumerate(value):
        at = f"line_items.{index}"
        sku = text(item.sku, f"{at}.sku", 100, check)
        name = text(item.name, f"{at}.name", 200, check)
        quantity = integer(item.quantity, f"{at}.quantity", check, low=1, high=MAX_QUANTITY)
        unit_amount = integer(item.unit_amount, f"{at}.unit_amount", check, low=0, high=MAX_AMOUNT)
        if (
            sku is not None
            and name is not None
            and quantity is not None
            and unit_amount is not None
        ):
            clean.append(
                LineItemInput(sku=sku, name=name, quantity=quantity, unit_amount=unit_amount)
            )
    return clean


def money(value: int | Unset | None, param: str, check: Validator) -> int:
    """An amount in minor units; not given (or null) is 0."""
    if isinstance(value, Unset) or value is None:
        return 0
    return integer(value, param, check, low=0, high=MAX_AMOUNT) or 0


def location(value: str | Unset | None, check: Validator) -> str:
    if isinstance(value, Unset) or value is None:
        return "default"
    return text(value, "location", 100, check) or "default"


def address(value: AddressInput | Unset | None, check: Validator) -> dict[str, Any] | None:
    if isinstance(value, Unset) or value is None:
        return None
    address: dict[str, Any] = {}
    for key in ADDRESS_FIELDS:
        item = value.get(key)
        if item is not None and len(item.strip()) > 200:
            check.invalid(
                f"shipping_address.{key}", f"{key} must be a string of at most 200 characters"
            )
        address[key] = (item.strip() or None) if item is not None else None
    for key in sorted(set(value) - set(ADDRESS_FIELDS)):
        check.invalid(f"shipping_address.{key}", f"shipping_address has no field '{key}'")
    return address


def total(*, subtotal: int, tax: int, shipping_cost: int, check: Validator) -> int:
    amount = subtotal + tax + shipping_cost
    if amount > MAX_AMOUNT:
        check.invalid("amount", f"The order's total can be at most {MAX_AMOUNT}")
    return amount
