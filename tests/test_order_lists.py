"""Order lists: filters and sorts on the order fields, and what a page of orders costs
in SQL statements, with its customers, line items, payments and refunds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.order_support import (
    ORDERS_PAGE,
    create_order,
    line,
    pay,
    refused,
    stock,
    unique_sku,
)
from tests.support import Account, LiveServer, create_customer, data, gql, new_account

LIST = """
query($where: OrderWhere, $orderBy: [OrderOrder!], $first: Int = 50) {
  orders(where: $where, orderBy: $orderBy, first: $first) { totalCount nodes { id amount } }
}
"""


def _ids(client: httpx.Client, key: str, **variables: Any) -> list[str]:
    nodes = data(gql(client, key, LIST, variables))["orders"]["nodes"]
    return [n["id"] for n in nodes]


def test_orders_filter_by_status_amount_currency_customer_and_created(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, 50)
    ana = create_customer(client, key)
    small = create_order(client, key, lineItems=[line(sku, 1, 100)], customerId=ana["id"])
    large = create_order(client, key, lineItems=[line(sku, 1, 9000)], currency="EUR")
    middle = create_order(client, key, lineItems=[line(sku, 1, 500)], customerId=ana["id"])
    pay(client, key, large["id"])

    assert _ids(client, key, where={"status": {"_eq": "PAID"}}) == [large["id"]]
    assert set(_ids(client, key, where={"status": {"_in": ["PENDING", "SHIPPED"]}})) == {
        small["id"],
        middle["id"],
    }
    assert _ids(client, key, where={"status": {"_ne": "PENDING"}}) == [large["id"]]
    assert _ids(client, key, where={"amount": {"_gte": 500, "_lt": 9000}}) == [middle["id"]]
    assert _ids(client, key, where={"currency": {"_eq": "EUR"}}) == [large["id"]]
    assert _ids(client, key, where={"customerId": {"_eq": ana["id"]}}) == [
        middle["id"],
        small["id"],
    ]
    today = datetime.now(UTC).date()
    assert len(_ids(client, key, where={"created": {"_lte": today.isoformat()}})) == 3
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert _ids(client, key, where={"created": {"_gte": tomorrow}}) == []
    either = {"_or": [{"amount": {"_eq": 100}}, {"currency": {"_eq": "EUR"}}]}
    assert set(_ids(client, key, where=either)) == {small["id"], large["id"]}
    bad = refused(client, key, LIST, {"where": {"status": {"_eq": "LOST"}}})
    assert bad["status"] in (400, 422)


def test_orders_sort_by_amount_created_and_id(client: httpx.Client, account: Account) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, 50)
    made = [
        create_order(client, key, lineItems=[line(sku, 1, amount)]) for amount in (300, 100, 200)
    ]
    ids = [o["id"] for o in made]
    assert _ids(client, key) == ids[::-1]  # newest first by default
    by_amount = [{"field": "AMOUNT", "direction": "DESC"}]
    assert _ids(client, key, orderBy=by_amount) == [ids[0], ids[2], ids[1]]
    assert _ids(client, key, orderBy=[{"field": "CREATED"}]) == ids
    assert _ids(client, key, orderBy=[{"field": "ID", "direction": "DESC"}]) == ids[::-1]
    page = data(gql(client, key, LIST, {"first": 2, "orderBy": [{"field": "AMOUNT"}]}))["orders"]
    assert ([n["amount"] for n in page["nodes"]], page["totalCount"]) == ([100, 200], 3)


# ------------------------------------------------------------------ what a page costs


@pytest.fixture
def big_account(server: LiveServer) -> Account:
    """Enterprise: building fifty orders takes more requests a minute than free allows."""
    return new_account(server.database_url, plan="enterprise")


def _many(client: httpx.Client, key: str, mutation: str, calls: list[str]) -> None:
    """Up to 25 aliased mutations in one request (the schema allows 30 aliases)."""
    for start in range(0, len(calls), 25):
        body = " ".join(f"m{i}: {call}" for i, call in enumerate(calls[start : start + 25]))
        data(gql(client, key, f"mutation {{ {body} }}"))


def test_a_page_of_fifty_orders_costs_the_statements_of_a_page_of_five(
    server: LiveServer, client: httpx.Client, big_account: Account
) -> None:
    key = big_account.sk_test
    sku = unique_sku()
    stock(big_account, sku, 500)
    customers = [create_customer(client, key)["id"] for _ in range(3)]
    item = f'{{sku: "{sku}", name: "Tee", quantity: 2, unitAmount: 700}}'
    _many(
        client,
        key,
        "createOrder",
        [
            f'createOrder(input: {{currency: "USD", customerId: "{customers[i % 3]}", '
            f"lineItems: [{item}, {item}]}}) {{ id }}"
            for i in range(50)
        ],
    )
    ids = _ids(client, key)
    card = '{number: "4242424242424242", expMonth: 1, expYear: 2040, cvc: "123"}'
    _many(
        client,
        key,
        "payOrder",
        [f'payOrder(id: "{order_id}", input: {{card: {card}}}) {{ id }}' for order_id in ids[::2]],
    )
    _many(
        client,
        key,
        "refundOrder",
        [
            f'refundOrder(id: "{order_id}", input: {{amount: 100}}) {{ id }}'
            for order_id in ids[::4]
        ],
    )
    data(gql(client, key, ORDERS_PAGE, {"first": 5}))  # warm anything a first request warms

    counts: dict[int, int] = {}
    for first in (5, 50):
        with server.count_statements() as statements:
            nodes = data(gql(client, key, ORDERS_PAGE, {"first": first}))["orders"]["nodes"]
        assert len(nodes) == first
        counts[first] = len(statements)
    assert counts[5] == counts[50], counts
    assert all(n["customer"] and len(n["lineItems"]) == 2 for n in nodes)
    assert sum(1 for n in nodes if n["payments"]) == 25
    assert sum(1 for n in nodes if n["refunds"]) == 13
