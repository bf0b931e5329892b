"""Paying and refunding orders (API.md section 8): the sandbox cards, what is kept of a
card, idempotent declines, live mode's external payments, and refunds."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from stateset_gql.db.engine import Database
from stateset_gql.payments import cards
from tests.order_support import (
    PAY,
    TEST_CARD,
    act,
    create_order,
    events,
    get_order,
    line,
    paid_order,
    pay,
    refused,
    stock,
    unique_sku,
)
from tests.support import Account, data, gql

DECLINING = [
    ("4000000000000002", "generic_decline"),
    ("4000000000009995", "insufficient_funds"),
    ("4000000000000127", "incorrect_cvc"),
]


@pytest.fixture
def sku(account: Account) -> str:
    """A sku with plenty of stock in the account's test mode."""
    name = unique_sku()
    stock(account, name, 100)
    return name


def _pending(client: httpx.Client, account: Account, sku: str, quantity: int = 1) -> str:
    order_id: str = create_order(client, account.sk_test, lineItems=[line(sku, quantity)])["id"]
    return order_id


def _pay_with(client: httpx.Client, key: str, order_id: str, **card: Any) -> httpx.Response:
    return gql(client, key, PAY, {"id": order_id, "input": {"card": {**TEST_CARD, **card}}})


# ------------------------------------------------------------------------ pure card rules


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3566002020360505", "other"),
    ],
)
def test_brands_are_told_by_the_leading_digits(number: str, brand: str) -> None:
    assert cards.luhn_valid(number)
    assert cards.brand(number) == brand


def test_the_sandbox_answers_exactly_as_the_contract_lists() -> None:
    assert cards.sandbox_decline("4242424242424242") is None
    for number, code in DECLINING:
        assert cards.sandbox_decline(number) == code
    assert cards.sandbox_decline("5555555555554444") == "test_mode_live_card"


# --------------------------------------------------------------------------- test mode


def test_the_success_card_pays_the_order_in_full_and_keeps_brand_and_last4(
    client: httpx.Client, account: Account, sku: str
) -> None:
    order_id = _pending(client, account, sku, 3)
    paid = pay(client, account.sk_test, order_id)
    assert (paid["status"], paid["amountPaid"], paid["amount"]) == ("PAID", 3000, 3000)
    [payment] = paid["payments"]
    assert payment["id"].startswith("pay_")
    assert (payment["object"], payment["status"], payment["method"]) == (
        "payment",
        "SUCCEEDED",
        "CARD",
    )
    assert (payment["amount"], payment["currency"], payment["declineCode"]) == (3000, "USD", None)
    assert payment["card"] == {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2040}
    lookup = "query($id: ID!) { node(id: $id) { ... on Payment { status } } }"
    node = data(gql(client, account.sk_test, lookup, {"id": payment["id"]}))
    assert node["node"] == {"status": "SUCCEEDED"}
    [event] = events(client, account.sk_test, "order.paid")
    assert event["data"]["previous_attributes"]["status"] == "pending"


@pytest.mark.parametrize(("number", "code"), DECLINING)
def test_each_declining_card_is_402_with_its_code_and_a_recorded_failed_payment(
    client: httpx.Client, account: Account, sku: str, number: str, code: str
) -> None:
    order_id = _pending(client, account, sku)
    response = _pay_with(client, account.sk_test, order_id, number=number)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    problem = body["errors"][0]["extensions"]
    assert (problem["status"], problem["code"], problem["type"]) == (
        402,
        "CARD_DECLINED",
        "card_error",
    )
    assert (problem["decline_code"], problem["param"]) == (code, "input.card")
    order = get_order(client, account.sk_test, order_id)
    assert (order["status"], order["amountPaid"]) == ("PENDING", 0)
    [payment] = order["payments"]
    assert payment["id"] == problem["payment_id"]
    assert (payment["status"], payment["declineCode"]) == ("FAILED", code)
    assert payment["card"]["last4"] == number[-4:]
    assert payment["failureMessage"] == problem["message"]
    assert events(client, account.sk_test, "order.paid") == []
    # A declined order can still be paid with a good card.
    assert pay(client, account.sk_test, order_id)["status"] == "PAID"


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("5555 5555 5555 4444", "mastercard"),
        ("378282246310005", "amex"),
        ("4000056655665556", "visa"),
    ],
)
def test_any_other_valid_number_is_declined_as_a_live_card_in_test_mode(
    client: httpx.Client, account: Account, sku: str, number: str, brand: str
) -> None:
    order_id = _pending(client, account, sku)
    problem = refused(
        client,
        account.sk_test,
        PAY,
        {"id": order_id, "input": {"card": {**TEST_CARD, "number": number}}},
    )
    assert (problem["code"], problem["decline_code"]) == ("CARD_DECLINED", "test_mode_live_card")
    [payment] = get_order(client, account.sk_test, order_id)["payments"]
    assert payment["card"]["brand"] == brand


def _last_month() -> tuple[int, int]:
    today = datetime.now(UTC).date()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@pytest.mark.parametrize(
    ("card", "param"),
    [
        ({"number": "4242424242424241"}, "input.card.number"),  # fails the Luhn check
        ({"number": "4242-4242-abcd-4242"}, "input.card.number"),
        ({"number": "4242"}, "input.card.number"),
        ({"expMonth": 13}, "input.card.expMonth"),
        ({"expMonth": 0}, "input.card.expMonth"),
        ({"expYear": datetime.now(UTC).year - 1}, "input.card.expYear"),
        ({"expYear": _last_month()[0], "expMonth": _last_month()[1]}, "input.card.expYear"),
        ({"cvc": "12"}, "input.card.cvc"),
        ({"cvc": "12345"}, "input.card.cvc"),
        ({"cvc": "1a3"}, "input.card.cvc"),
    ],
)
def test_a_bad_number_expiry_or_cvc_is_422_and_records_nothing(
    client: httpx.Client, account: Account, sku: str, card: dict[str, Any], param: str
) -> None:
    order_id = _pending(client, account, sku)
    problem = refused(
        client, account.sk_test, PAY, {"id": order_id, "input": {"card": {**TEST_CARD, **card}}}
    )
    assert (problem["status"], problem["code"], problem["param"]) == (
        422,
        "INVALID_FIELD_FORMAT",
        param,
    )
    assert get_order(client, account.sk_test, order_id)["payments"] == []


def test_a_card_this_month_is_not_yet_expired(
    client: httpx.Client, account: Account, sku: str
) -> None:
    today = date.today()
    order_id = _pending(client, account, sku)
    assert (
        pay(client, account.sk_test, order_id, expMonth=today.month, expYear=today.year)["status"]
        == "PAID"
    )


def test_only_a_pending_order_can_be_paid(client: httpx.Client, account: Account, sku: str) -> None:
    order = paid_order(client, account.sk_test, sku)
    problem = refused(
        client, account.sk_test, PAY, {"id": order["id"], "input": {"card": TEST_CARD}}
    )
    assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT")
    assert (problem["details"][0]["from"], problem["details"][0]["to"]) == ("paid", "paid")
    assert len(get_order(client, account.sk_test, order["id"])["payments"]) == 1
    missing = refused(
        client, account.sk_test, PAY, {"id": "ord_nope", "input": {"card": TEST_CARD}}
    )
    assert missing["status"] == 404


def test_a_retried_decline_with_the_same_idempotency_key_replays_it_and_pays_nothing_twice(
    client: httpx.Client, account: Account, sku: str
) -> None:
    order_id = _pending(client, account, sku)
    variables = {"id": order_id, "input": {"card": {**TEST_CARD, "number": "4000000000000002"}}}
    headers = {"Idempotency-Key": f"pay-{order_id}"}
    first = gql(client, account.sk_test, PAY, variables, headers=headers)
    again = gql(client, account.sk_test, PAY, variables, headers=headers)
    assert first.json()["errors"][0]["extensions"]["status"] == 402
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.content == first.content
    assert len(get_order(client, account.sk_test, order_id)["payments"]) == 1


def _rows_as_text(account: Account, table: str) -> str:
    async def read() -> str:
        db = Database(account.database_url)
        try:
            async with db.session(write=False) as session:
                rows = await session.execute(text(f"SELECT * FROM {table}"))
                return "\n".join(repr(tuple(row)) for row in rows)
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_the_full_card_number_and_cvc_are_never_stored_or_logged(
    client: httpx.Client, account: Account, sku: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    numbers = ["4242424242424242", "4000000000009995", "5555555555554444", "4242424242424241"]
    for attempt, number in enumerate(numbers):
        order_id = _pending(client, account, sku)
        gql(
            client,
            account.sk_test,
            PAY,
            {"id": order_id, "input": {"card": {**TEST_CARD, "number": number, "cvc": "9753"}}},
            headers={"Idempotency-Key": f"scan-{attempt}"},
        )
    stored = "\n".join(
        _rows_as_text(account, table) for table in ("payments", "events", "idempotency_keys")
    )
    assert "4242" in stored  # the scan does see what is kept: the last four digits
    plain = set(vars(logging.makeLogRecord({})))
    logged = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {[v for k, v in vars(r).items() if k not in plain]}"
        for r in caplog.records
    )
    assert "POST /graphql" in logged  # the server's own logs are among those scanned
    for number in numbers:
        assert number not in stored
        assert number not in logged
    # Four digits can turn up inside any id or timestamp: a kept cvc would be a value.
    for quoted in ("'9753'", '"9753"'):
        assert quoted not in stored
        assert quoted not in logged


# --------------------------------------------------------------------------- live mode


def test_live_mode_records_a_payment_taken_elsewhere(
    client: httpx.Client, account: Account
) -> None:
    sku = unique_sku()
    stock(account, sku, 5, livemode=True)
    order = create_order(client, account.sk_live, lineItems=[line(sku, 2)])
    paid = act(
        client,
        account.sk_live,
        PAY,
        "payOrder",
        id=order["id"],
        input={"externalReference": "pos-1234"},
    )
    assert (paid["livemode"], paid["status"], paid["amountPaid"]) == (True, "PAID", 2000)
    [payment] = paid["payments"]
    assert (payment["method"], payment["externalReference"], payment["card"]) == (
        "EXTERNAL",
        "pos-1234",
        None,
    )


def test_a_card_in_live_mode_or_a_reference_in_test_mode_is_422(
    client: httpx.Client, account: Account, sku: str
) -> None:
    live_sku = unique_sku()
    stock(account, live_sku, 5, livemode=True)
    live_order = create_order(client, account.sk_live, lineItems=[line(live_sku)])
    live_payments: list[tuple[dict[str, Any], str]] = [
        ({"card": TEST_CARD}, "input.card"),
        ({"card": TEST_CARD, "externalReference": "x"}, "input.card"),
        ({}, "input.externalReference"),
    ]
    for payment, param in live_payments:
        problem = refused(client, account.sk_live, PAY, {"id": live_order["id"], "input": payment})
        assert (problem["status"], problem["param"]) == (422, param), payment
    test_order = _pending(client, account, sku)
    test_payments: list[tuple[dict[str, Any], str]] = [
        ({"externalReference": "pos-1"}, "input.externalReference"),
        ({}, "input.card"),
    ]
    for payment, param in test_payments:
        problem = refused(client, account.sk_test, PAY, {"id": test_order, "input": payment})
        assert (problem["status"], problem["param"]) == (422, param), payment
    assert get_order(client, account.sk_live, live_order["id"])["payments"] == []
    assert get_order(client, account.sk_test, test_order)["payments"] == []
