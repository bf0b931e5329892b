"""Helpers for return tests: stock, shipped orders and returns, all through GraphQL."""

from __future__ import annotations

from typing import Any

import httpx

from tests.order_support import (
    DELIVER,
    PAY,
    SHIP,
    SHIPPING,
    TEST_CARD,
    create_order,
    line,
)
from tests.order_support import PROCESS as PROCESS_ORDER
from tests.support import data, gql

RETURN_FIELDS = """id object livemode created updated orderId status reason rejectionReason
restock refundAmount refundId currency approvedAt receivedAt processedAt rejectedAt metadata
items { sku quantity }"""
CREATE_RETURN = f"""
mutation($input: CreateReturnInput!) {{ createReturn(input: $input) {{ {RETURN_FIELDS} }} }}
"""
APPROVE = f"mutation($id: ID!) {{ approveReturn(id: $id) {{ {RETURN_FIELDS} }} }}"
RECEIVE = f"mutation($id: ID!) {{ receiveReturn(id: $id) {{ {RETURN_FIELDS} }} }}"
PROCESS = f"""
mutation($id: ID!, $input: ProcessReturnInput) {{
  processReturn(id: $id, input: $input) {{ {RETURN_FIELDS} }}
}}
"""
REJECT = f"""
mutation($id: ID!, $reason: String) {{
  rejectReturn(id: $id, reason: $reason) {{ {RETURN_FIELDS} }}
}}
"""
GET_RETURN = f"query($id: ID!) {{ return(id: $id) {{ {RETURN_FIELDS} }} }}"
ORDER_FIELDS = "id status amount amountPaid amountRefunded location refunds { id amount }"
GET_ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
STOCK = """
query($sku: String!) {
  inventoryItems(where: {sku: {_eq: $sku}}) { nodes { id sku location onHand reserved } }
}
"""
# An order's way to the customer: each status, the mutation that reaches it, its input.
ORDER_STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("paid", PAY, {"input": {"card": TEST_CARD}}),
    ("processing", PROCESS_ORDER, {}),
    ("shipped", SHIP, {"input": SHIPPING}),
    ("delivered", DELIVER, {}),
)
STATUSES = ("pending", *(status for status, _, _ in ORDER_STEPS))


def on_hand(client: httpx.Client, key: str, sku: str) -> int:
    nodes = data(gql(client, key, STOCK, {"sku": sku}))["inventoryItems"]["nodes"]
    total: int = sum(node["onHand"] for node in nodes)
    return total


def stock(client: httpx.Client, key: str, sku: str, quantity: int, location: str) -> None:
    query = """
    mutation($input: CreateInventoryItemInput!) { createInventoryItem(input: $input) { id } }
    """
    item = {"sku": sku, "name": sku, "location": location, "onHand": quantity}
    data(gql(client, key, query, {"input": item}))


def order(
    client: httpx.Client,
    key: str,
    lines: list[tuple[str, int, int]],
    *,
    location: str = "default",
    until: str = "shipped",
    currency: str = "usd",
) -> dict[str, Any]:
    """An order of ``(sku, quantity, unit_amount)`` lines, stocked (10 spare units each)
    and walked through pay, process and ship as far as ``until``."""
    for sku in dict.fromkeys(sku for sku, _, _ in lines):
        stock(client, key, sku, 10 + sum(q for s, q, _ in lines if s == sku), location)
    lines_input = [line(sku, quantity, unit) for sku, quantity, unit in lines]
    order_id = create_order(
        client, key, lineItems=lines_input, location=location, currency=currency
    )["id"]
    for _, query, variables in ORDER_STEPS[: STATUSES.index(until)]:
        data(gql(client, key, query, {"id": order_id, **variables}))
    result: dict[str, Any] = data(gql(client, key, GET_ORDER, {"id": order_id}))["order"]
    return result


def create_return(
    client: httpx.Client, key: str, order_id: str, items: list[tuple[str, int]], **fields: Any
) -> httpx.Response:
    payload = {
        "orderId": order_id,
        "items": [{"sku": sku, "quantity": quantity} for sku, quantity in items],
        **fields,
    }
    return gql(client, key, CREATE_RETURN, {"input": payload})


def new_return(
    client: httpx.Client, key: str, order_id: str, items: list[tuple[str, int]], **fields: Any
) -> dict[str, Any]:
    created: dict[str, Any] = data(create_return(client, key, order_id, items, **fields))[
        "createReturn"
    ]
    return created


def act(client: httpx.Client, key: str, query: str, return_id: str, **variables: Any) -> Any:
    """One return mutation; the response."""
    return gql(client, key, query, {"id": return_id, **variables})
