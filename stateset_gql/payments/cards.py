"""Cards: the checks a number must pass, its brand, and the sandbox's answers.

Pure functions. A card number lives only as long as the request that carries it: what
leaves this module is a ``CheckedCard`` holding the brand and last four digits, never
the number or the security code (API.md section 8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from stateset_gql.errors import Validator

# The sandbox (API.md section 8): these numbers decline with these codes, 4242... succeeds,
# and any other valid number is refused as a live card used in test mode.
SUCCEEDS = "4242424242424242"
DECLINES = {
    "4000000000000002": "generic_decline",
    "4000000000009995": "insufficient_funds",
    "4000000000000127": "incorrect_cvc",
}
LIVE_CARD_IN_TEST_MODE = "test_mode_live_card"
DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    LIVE_CARD_IN_TEST_MODE: (
        "Your card was declined. Your request was in test mode, but used a non-test card; "
        "use one of the test cards instead."
    ),
}


@dataclass(frozen=True, kw_only=True)
class CardInput:
    """A card as the client sent it; parsed and checked by ``check_card``. Its number
    and security code stay out of its repr, and so out of tracebacks and logs."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)


@dataclass(frozen=True)
class CheckedCard:
    """What may be kept of a card, plus the sandbox's answer for it."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    decline_code: str | None


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def brand(digits: str) -> str:
    """visa, mastercard, amex, discover or other, by the number's leading digits."""
    if digits.startswith("4"):
        return "visa"
    two, four, six = int(digits[:2] or 0), int(digits[:4] or 0), int(digits[:6] or 0)
    if 51 <= two <= 55 or 222100 <= six <= 272099:
        return "mastercard"
    if two in (34, 37):
        return "amex"
    if four == 6011 or two == 65 or 644 <= int(digits[:3] or 0) <= 649 or 622126 <= six <= 622925:
        return "discover"
    return "other"


def sandbox_decline(digits: str) -> str | None:
    """The test mode outcome: None to succeed, else the decline code."""
    if digits == SUCCEEDS:
        return None
    return DECLINES.get(digits, LIVE_CARD_IN_TEST_MODE)


def _digits(number: str, check: Validator) -> str | None:
    text = number.replace(" ", "").replace("-", "")
    # Never echo the number: it would end up in responses and logs.
    if not (text.isascii() and text.isdigit()) or not 12 <= len(text) <= 19:
        check.invalid("card.number", "Your card number is not a valid card number.")
        return None
    if not luhn_valid(text):
        check.invalid("card.number", "Your card number is incorrect.")
        return None
    return text


def check_card(card: CardInput, *, today: date) -> tuple[CheckedCard | None, Validator]:
    """The card's keepable facts, or ``None`` with the problems in the validator."""
    check = Validator()
    digits = _digits(card.number, check)
    month: int | None = card.exp_month
    year: int | None = card.exp_year
    if month is not None and not 1 <= month <= 12:
        check.invalid("card.exp_month", "Your card's expiration month is invalid.")
        month = None
    if year is not None and 0 <= year < 100:
        year += 2000  # a two-digit year, as printed on the card
    if year is not None and not 2000 <= year <= today.year + 50:
        check.invalid("card.exp_year", "Your card's expiration year is invalid.")
        year = None
    if month is not None and year is not None and (year, month) < (today.year, today.month):
        check.invalid("card.exp_year", "Your card has expired.")
    cvc = card.cvc
    if not (cvc.isascii() and cvc.isdigit() and 3 <= len(cvc) <= 4):
        check.invalid("card.cvc", "Your card's security code must be 3 or 4 digits.")
    if check.details or digits is None or month is None or year is None:
        return None, check
    return (
        CheckedCard(
            brand=brand(digits),
            last4=digits[-4:],
            exp_month=month,
            exp_year=year,
            decline_code=sandbox_decline(digits),
        ),
        check,
    )
