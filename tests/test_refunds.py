"""Refunds (API.md section 8): partial and full, the limits of what is refundable, and
cancelling a paid order, which gives its money back."""

from __future__ import annotations

import httpx
import pytest

from tests.order_support import (
    CANCEL,
    PROCESS,
    REFUND,
    act,
    create_order,
    events,
    get_order,
    line,
    paid_order,
    refused,
    stock,
    stock_of,
    unique_sku,
)
from tests.support import Account, data, gql


@pytest.fixture
def sku(account: Account) -> str:
    """A sku with plenty of stock in the account's test mode."""
    name = unique_sku()
    stock(account, name, 100)
    return name


def test_refunds_can_be_partial_then_full_and_then_the_order_is_refunded(
    client: httpx.Client, account: Account, sku: str
) -> None:
    order = paid_order(client, account.sk_test, sku, 4)  # 4000
    assert stock_of(account, sku)["reserved"] == 4
    partly = act(
        client,
        account.sk_test,
        REFUND,
        "refundOrder",
        id=order["id"],
        input={"amount": 1500, "reason": "damaged box"},
    )
    assert (partly["status"], partly["amountRefunded"]) == ("PAID", 1500)
    [first] = partly["refunds"]
    assert first["id"].startswith("re_")
    assert (first["object"], first["amount"], first["currency"]) == ("refund", 1500, "USD")
    assert (first["reason"], first["status"], first["paymentId"]) == (
        "damaged box",
        "SUCCEEDED",
        order["payments"][0]["id"],
    )
    rest = act(client, account.sk_test, REFUND, "refundOrder", id=order["id"])
    assert (rest["status"], rest["amountRefunded"]) == ("REFUNDED", 4000)
    assert [r["amount"] for r in rest["refunds"]] == [1500, 2500]
    # Refunded in full before shipping: the reservation is given back.
    assert stock_of(account, sku)["reserved"] == 0
    refunds = events(client, account.sk_test, "order.refunded")
    first_refunds = refunds[0]["data"]["object"]["refunds"]
    assert [e["data"]["previous_attributes"] for e in refunds] == [
        {"amount_refunded": 0, "refunds": []},
        {"amount_refunded": 1500, "status": "paid", "refunds": first_refunds},
    ]
    node = data(
        gql(
            client,
            account.sk_test,
            "query($id: ID!) { node(id: $id) { ... on Refund { amount } } }",
            {"id": first["id"]},
        )
    )
    assert node["node"] == {"amount": 1500}


def test_refunding_too_much_is_409_and_a_non_positive_amount_is_422(
    client: httpx.Client, account: Account, sku: str
) -> None:
    order = paid_order(client, account.sk_test, sku, 2)  # 2000
    act(client, account.sk_test, REFUND, "refundOrder", id=order["id"], input={"amount": 500})
    seen = len(events(client, account.sk_test))
    too_much = refused(
        client, account.sk_test, REFUND, {"id": order["id"], "input": {"amount": 1501}}
    )
    assert (too_much["status"], too_much["code"], too_much["param"]) == (
        409,
        "RESOURCE_CONFLICT",
        "input.amount",
    )
    assert (too_much["details"][0]["requested"], too_much["details"][0]["refundable"]) == (
        1501,
        1500,
    )
    for amount in (0, -100):
        problem = refused(
            client, account.sk_test, REFUND, {"id": order["id"], "input": {"amount": amount}}
        )
        assert (problem["status"], problem["param"]) == (422, "input.amount")
    after = get_order(client, account.sk_test, order["id"])
    assert (after["amountRefunded"], len(after["refunds"])) == (500, 1)
    assert len(events(client, account.sk_test)) == seen


def test_an_order_never_paid_or_fully_refunded_has_nothing_to_refund(
    client: httpx.Client, account: Account, sku: str
) -> None:
    pending = create_order(client, account.sk_test, lineItems=[line(sku)])["id"]
    problem = refused(client, account.sk_test, REFUND, {"id": pending})
    assert (problem["status"], problem["details"][0]["from"]) == (409, "pending")
    order = paid_order(client, account.sk_test, sku)
    act(client, account.sk_test, REFUND, "refundOrder", id=order["id"])
    problem = refused(client, account.sk_test, REFUND, {"id": order["id"], "input": {"amount": 1}})
    assert (problem["status"], problem["details"][0]["from"]) == (409, "refunded")


@pytest.mark.parametrize("processing", [False, True])
def test_cancelling_a_paid_order_refunds_it_in_full_with_both_events(
    client: httpx.Client, account: Account, sku: str, processing: bool
) -> None:
    order = paid_order(client, account.sk_test, sku, 3)
    if processing:
        act(client, account.sk_test, PROCESS, "processOrder", id=order["id"])
    act(client, account.sk_test, REFUND, "refundOrder", id=order["id"], input={"amount": 1000})
    seen = len(events(client, account.sk_test))
    cancelled = act(
        client, account.sk_test, CANCEL, "cancelOrder", id=order["id"], reason="out of stock"
    )
    assert (cancelled["status"], cancelled["amountRefunded"]) == ("CANCELLED", 3000)
    assert [(r["amount"], r["reason"]) for r in cancelled["refunds"]] == [
        (1000, None),
        (2000, "out of stock"),
    ]
    assert stock_of(account, sku) == {"on_hand": 100, "reserved": 0, "available": 100}
    log = events(client, account.sk_test)[seen:]
    assert [e["type"] for e in log] == ["order.cancelled", "inventory.updated", "order.refunded"]
    was = "processing" if processing else "paid"
    assert log[0]["data"]["previous_attributes"]["status"] == was
    assert log[2]["data"]["previous_attributes"] == {
        "amount_refunded": 1000,
        "refunds": log[2]["data"]["object"]["refunds"][:1],
    }
    assert log[2]["data"]["object"]["status"] == "cancelled"
