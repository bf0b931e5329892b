"""Helpers for the order and payment tests: stock, orders and their events.

Stock is put in place through the inventory domain directly, so these tests depend on
the order API alone; what happened to it is read back the same way.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from sqlalchemy import select

from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.graphql.render import standalone_renderer
from stateset_gql.inventory import service as inventory
from stateset_gql.inventory.models import InventoryItem
from tests.support import Account, data, error, gql

TEST_CARD = {"number": "4242 4242 4242 4242", "expMonth": 12, "expYear": 2040, "cvc": "123"}

# A page of orders with what hangs off each: customer, lines, payments, refunds.
ORDERS_PAGE = """
query($first: Int!) {
  orders(first: $first) {
    nodes {
      id status
      customer { id email }
      lineItems { sku quantity amount }
      payments { id status card { last4 } }
      refunds { id amount }
    }
  }
}
"""


ORDER_FIELDS = """
  id object livemode created updated customerId currency subtotal tax shippingCost amount
  amountPaid amountRefunded status location carrier trackingNumber cancellationReason
  metadata shippingAddress { line1 city postalCode country }
  lineItems { sku name quantity unitAmount amount }
  payments { id object status method amount currency declineCode failureMessage
             externalReference card { brand last4 expMonth expYear } }
  refunds { id object amount currency reason status paymentId }
"""

CREATE = f"""mutation($input: CreateOrderInput!) {{
  createOrder(input: $input) {{ {ORDER_FIELDS} }} }}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateOrderInput!) {{
  updateOrder(id: $id, input: $input) {{ {ORDER_FIELDS} }} }}"""
PAY = f"""mutation($id: ID!, $input: PayOrderInput!) {{
  payOrder(id: $id, input: $input) {{ {ORDER_FIELDS} }} }}"""
PROCESS = f"mutation($id: ID!) {{ processOrder(id: $id) {{ {ORDER_FIELDS} }} }}"
SHIP = f"""mutation($id: ID!, $input: ShipOrderInput!) {{
  shipOrder(id: $id, input: $input) {{ {ORDER_FIELDS} }} }}"""
DELIVER = f"mutation($id: ID!) {{ deliverOrder(id: $id) {{ {ORDER_FIELDS} }} }}"
CANCEL = f"""mutation($id: ID!, $reason: String) {{
  cancelOrder(id: $id, reason: $reason) {{ {ORDER_FIELDS} }} }}"""
REFUND = f"""mutation($id: ID!, $input: RefundOrderInput) {{
  refundOrder(id: $id, input: $input) {{ {ORDER_FIELDS} }} }}"""
GET = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
EVENTS = "{ events(first: 100) { nodes { id type sequence data } } }"
SHIPPING = {"carrier": "UPS", "trackingNumber": "1Z999"}


# ---------------------------------------------------------------------------- stock


def _run_in_uow(account: Account, livemode: bool, work: Any) -> Any:
    async def run() -> Any:
        db = Database(account.database_url)
        try:
            async with db.session(write=True) as session:
                uow = UnitOfWork(session=session, render=standalone_renderer())
                result = await work(uow, Owner(account.id, livemode))
                await uow.commit()
                return result
        finally:
            await db.dispose()

    return asyncio.run(run())


def stock(
    account: Account,
    sku: str,
    on_hand: int,
    *,
    location: str = "default",
    livemode: bool = False,
) -> str:
    """An inventory item with ``on_hand`` units; returns its id."""

    async def create(uow: UnitOfWork, owner: Owner) -> str:
        item = await inventory.create(
            uow=uow,
            owner=owner,
            data=inventory.InventoryInput(
                sku=sku, name=f"Item {sku}", location=location, on_hand=on_hand
            ),
        )
        return item.id

    item_id: str = _run_in_uow(account, livemode, create)
    return item_id


def stock_of(
    account: Account, sku: str, *, location: str = "default", livemode: bool = False
) -> dict[str, int]:
    """``on_hand``, ``reserved`` and ``available`` of one item, as committed."""

    async def read() -> dict[str, int]:
        db = Database(account.database_url)
        try:
            async with db.session(write=False) as session:
                item = (
                    await session.execute(
                        select(InventoryItem).where(
                            InventoryItem.account_id == account.id,
                            InventoryItem.livemode == livemode,
                            InventoryItem.sku == sku,
                            InventoryItem.location == location,
                        )
                    )
                ).scalar_one()
                return {
                    "on_hand": item.on_hand,
                    "reserved": item.reserved,
                    "available": item.on_hand - item.reserved,
                }
        finally:
            await db.dispose()

    return asyncio.run(read())


def unique_sku(prefix: str = "SKU") -> str:
    return f"{prefix}-{time.perf_counter_ns()}"


# --------------------------------------------------------------------------- orders


def line(sku: str, quantity: int = 1, unit_amount: int = 1000, name: str = "") -> dict[str, Any]:
    return {
        "sku": sku,
        "name": name or f"Item {sku}",
        "quantity": quantity,
        "unitAmount": unit_amount,
    }


def create_order(client: httpx.Client, key: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("currency", "usd")
    result: dict[str, Any] = data(gql(client, key, CREATE, {"input": fields}))["createOrder"]
    return result


def act(client: httpx.Client, key: str, query: str, field: str, **variables: Any) -> dict[str, Any]:
    """Runs one order mutation that must succeed; returns the order it answers."""
    result: dict[str, Any] = data(gql(client, key, query, variables))[field]
    return result


def refused(
    client: httpx.Client, key: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """Runs an operation that must fail; returns its error's extensions."""
    response = gql(client, key, query, variables)
    assert response.status_code == 200, response.text
    return error(response)


def pay(client: httpx.Client, key: str, order_id: str, **card: Any) -> dict[str, Any]:
    return act(client, key, PAY, "payOrder", id=order_id, input={"card": {**TEST_CARD, **card}})


def paid_order(
    client: httpx.Client, key: str, sku: str, quantity: int = 1, **fields: Any
) -> dict[str, Any]:
    order = create_order(client, key, lineItems=[line(sku, quantity)], **fields)
    return pay(client, key, order["id"])


def get_order(client: httpx.Client, key: str, order_id: str) -> dict[str, Any]:
    result: dict[str, Any] = data(gql(client, key, GET, {"id": order_id}))["order"]
    return result


def events(client: httpx.Client, key: str, prefix: str = "") -> list[dict[str, Any]]:
    """The account's events, oldest first; only types starting with ``prefix``."""
    nodes: list[dict[str, Any]] = data(gql(client, key, EVENTS))["events"]["nodes"]
    return [e for e in reversed(nodes) if e["type"].startswith(prefix)]


def count_orders(client: httpx.Client, key: str) -> int:
    total: int = data(gql(client, key, "{ orders { totalCount } }"))["orders"]["totalCount"]
    return total


def count_events(client: httpx.Client, key: str, type: str) -> int:
    """How many events of one type the account has (all of them, not one page)."""
    query = "query($t: String!) { events(where: {type: {_eq: $t}}) { totalCount } }"
    total: int = data(gql(client, key, query, {"t": type}))["events"]["totalCount"]
    return total
