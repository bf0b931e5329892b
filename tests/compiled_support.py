"""Parity: one document through the compiled read engine and the resolver path.

Two servers on one PostgreSQL database, one with ``compiled_reads`` off, answer the
same request with the same key; their bodies must be the same bytes, and the header
says which engine answered each.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from tests.order_support import TEST_CARD, create_order, line, stock, unique_sku
from tests.support import Account, LiveServer, create_customer, data, gql

ENGINE = "x-stateset-engine"
_REQUEST_ID = re.compile(rb'"request_id":"req_[A-Za-z0-9]+"')


@dataclass
class Pair:
    compiled: httpx.Client
    resolver: httpx.Client
    compiled_server: LiveServer

    def graphql(
        self, key: str, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[httpx.Response, httpx.Response]:
        return (
            gql(self.compiled, key, query, variables),
            gql(self.resolver, key, query, variables),
        )

    def get(self, key: str, path: str) -> tuple[httpx.Response, httpx.Response]:
        headers = {"Authorization": f"Bearer {key}"}
        return self.compiled.get(path, headers=headers), self.resolver.get(path, headers=headers)

    def same(
        self,
        key: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        engine: str | None = "compiled",
    ) -> bytes:
        """Both answers, byte for byte; ``engine``: which one the compiled server ran."""
        compiled, resolver = self.graphql(key, query, variables)
        return self._compare(compiled, resolver, engine)

    def same_get(self, key: str, path: str, *, engine: str | None = "compiled") -> bytes:
        compiled, resolver = self.get(key, path)
        return self._compare(compiled, resolver, engine)

    @staticmethod
    def _compare(compiled: httpx.Response, resolver: httpx.Response, engine: str | None) -> bytes:
        # Refused before the engine ran (a bad parameter), an answer names no engine.
        assert resolver.headers.get(ENGINE, "resolver") == "resolver"
        left = _REQUEST_ID.sub(b'"request_id":"-"', compiled.content)
        right = _REQUEST_ID.sub(b'"request_id":"-"', resolver.content)
        assert (compiled.status_code, left) == (resolver.status_code, right)
        if engine is not None:
            assert compiled.headers[ENGINE] == engine, compiled.content[:300]
        return compiled.content


PAY = "mutation($id: ID!, $input: PayOrderInput!) { payOrder(id: $id, input: $input) { id } }"
REFUND = """mutation($id: ID!, $input: RefundOrderInput) {
  refundOrder(id: $id, input: $input) { id } }"""
SHIP = """mutation($id: ID!) { processOrder(id: $id) { id } }"""
CANCEL = 'mutation($id: ID!) { cancelOrder(id: $id, reason: "changed mind") { id } }'
DELETE = "mutation($id: ID!) { deleteCustomer(id: $id) { id } }"


def seed(client: httpx.Client, account: Account) -> dict[str, Any]:
    """Customers and orders with every shape a field can take: nulls, addresses, metadata
    of several keys, payments (succeeded and declined), refunds, and times with and
    without microseconds."""
    key = account.sk_test
    skus = [unique_sku("PAR") for _ in range(3)]
    for sku in skus:
        stock(account, sku, 1000)
    customers = [
        create_customer(
            client, key, name="Ada Lovelace", phone="+44 20 7946 0000",
            address={"line1": "12 St James's Sq", "city": "London", "postalCode": "SW1Y",
                     "country": "GB"},
            metadata={"zeta": "1", "a": "two", "mid": "quote \" and \\ and\nnewline", "ü": "é"},
        ),
        create_customer(client, key),
        create_customer(client, key, name="Grace", metadata={"tier": "gold"}),
    ]  # fmt: skip
    orders = []
    for i in range(7):
        fields: dict[str, Any] = {
            "lineItems": [line(skus[j % 3], quantity=j + 1, unit_amount=250 * (j + 1))
                          for j in range(1 + i % 3)],
            "metadata": {"n": str(i), "b": "x", "aa": "y"} if i % 2 else {},
        }  # fmt: skip
        if i % 3 != 2:
            fields["customerId"] = customers[i % 3]["id"]
        if i % 2 == 0:
            fields["shippingAddress"] = {"line1": f"{i} Main St", "city": "Springfield"}
        orders.append(create_order(client, key, **fields))
    declined = {**TEST_CARD, "number": "4000000000000002"}
    gql(client, key, PAY, {"id": orders[0]["id"], "input": {"card": declined}})
    for order in orders[:4]:
        data(gql(client, key, PAY, {"id": order["id"], "input": {"card": TEST_CARD}}))
    data(gql(client, key, REFUND, {"id": orders[1]["id"], "input": {"amount": 100, "reason": "x"}}))
    data(gql(client, key, REFUND, {"id": orders[1]["id"], "input": {"amount": 50}}))
    data(gql(client, key, SHIP, {"id": orders[2]["id"]}))
    data(gql(client, key, CANCEL, {"id": orders[5]["id"]}))
    data(gql(client, key, DELETE, {"id": customers[2]["id"]}))
    _whole_seconds(account.database_url, [o["id"] for o in orders[::2]])
    return {"customers": customers, "orders": orders, "skus": skus}


def _whole_seconds(database_url: str, order_ids: list[str]) -> None:
    """Some times without microseconds, which ``DateTime`` writes without a fraction."""

    async def run() -> None:
        conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
        try:
            await conn.execute(
                "UPDATE orders SET created = date_trunc('second', created), "
                "paid_at = date_trunc('second', paid_at) WHERE id = ANY($1)",
                order_ids,
            )
            await conn.execute(
                "UPDATE payments SET created = date_trunc('second', created) "
                "WHERE order_id = ANY($1)",
                order_ids,
            )
        finally:
            await conn.close()

    asyncio.run(run())


CREATE_ITEM = """mutation($input: CreateInventoryItemInput!) {
  createInventoryItem(input: $input) { id } }"""
ADJUST = """mutation($id: ID!, $input: AdjustInventoryInput!) {
  adjustInventory(id: $id, input: $input) { id } }"""
SUBSCRIBE = """mutation($input: CreateCustomerSubscriptionInput!) {
  createCustomerSubscription(input: $input) { id } }"""
CANCEL_SUBSCRIPTION = "mutation($id: ID!) { cancelCustomerSubscription(id: $id) { id } }"


def seed_more(client: httpx.Client, account: Account) -> dict[str, Any]:
    """Inventory items (zero and empty fields, metadata, reservations), returns in every
    state with several items, subscriptions active and cancelled, and the events of all of
    it (one written under an idempotency key)."""
    from tests.returns_support import APPROVE, PROCESS, RECEIVE, REJECT, new_return, order

    key = account.sk_test
    sku = unique_sku("INV")
    items = [
        data(gql(client, key, CREATE_ITEM, {"input": {"sku": sku, "name": "Bare"}})),
        data(gql(client, key, CREATE_ITEM, {"input": {
            "sku": unique_sku("INV"), "name": "Widget \"ü\"", "location": "east", "onHand": 50,
            "lowStockThreshold": 5, "metadata": {"z": "1", "a": "é\n"}}})),
        data(gql(client, key, CREATE_ITEM, {"input": {
            "sku": sku, "name": "Bare west", "location": "west", "onHand": 3}})),
    ]  # fmt: skip
    items = [i["createInventoryItem"] for i in items]
    data(gql(client, key, ADJUST, {"id": items[1]["id"], "input": {"delta": -7}}))
    skus = [(unique_sku("RET"), unique_sku("RET")) for _ in range(6)]
    shipped = [
        order(client, key, [(a, 3, 500), (b, 2, 1200)], until=until)
        for (a, b), until in zip(
            skus[:5], ("shipped", "delivered", "shipped", "shipped", "delivered"), strict=True
        )
    ]
    # An order left pending holds a reservation.
    order(client, key, [(skus[5][0], 2, 500)], until="pending")
    returns = [
        new_return(client, key, shipped[0]["id"], [(skus[0][0], 1), (skus[0][1], 2)],
                   reason="too big"),
        new_return(client, key, shipped[1]["id"], [(skus[1][1], 1)], restock=False,
                   metadata={"ticket": "T-1", "note": "ß"}),
        new_return(client, key, shipped[2]["id"], [(skus[2][0], 2)]),
        new_return(client, key, shipped[3]["id"], [(skus[3][0], 1), (skus[3][1], 1)],
                   reason="late"),
        new_return(client, key, shipped[4]["id"], [(skus[4][0], 3)]),
    ]  # fmt: skip
    for ret in returns[1:4]:
        data(gql(client, key, APPROVE, {"id": ret["id"]}))
    for ret in returns[2:4]:
        data(gql(client, key, RECEIVE, {"id": ret["id"]}))
    data(gql(client, key, PROCESS, {"id": returns[2]["id"], "input": {"refundAmount": 0}}))
    data(gql(client, key, PROCESS, {"id": returns[3]["id"]}))
    data(gql(client, key, REJECT, {"id": returns[4]["id"], "reason": "worn"}))
    customer = create_customer(client, key, name="Sub Scriber")
    subscriptions = []
    for i, interval in enumerate(("WEEK", "MONTH", "YEAR", "MONTH")):
        payload = {"customerId": customer["id"], "plan": f"plan {i}", "amount": 900 * i,
                   "currency": "usd", "interval": interval,
                   **({"metadata": {"seat": str(i)}} if i % 2 else {})}  # fmt: skip
        headers = {"Idempotency-Key": f"sub-{account.id}-{i}"} if i == 0 else None
        created = data(gql(client, key, SUBSCRIBE, {"input": payload}, headers=headers))
        subscriptions.append(created["createCustomerSubscription"])
    data(gql(client, key, CANCEL_SUBSCRIPTION, {"id": subscriptions[1]["id"]}))
    _whole_seconds_more(account.database_url, items[0]["id"], subscriptions[2]["id"])
    return {"items": items, "returns": returns, "subscriptions": subscriptions}


def _whole_seconds_more(database_url: str, item_id: str, subscription_id: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
        try:
            await conn.execute(
                "UPDATE inventory_items SET created = date_trunc('second', created) WHERE id = $1",
                item_id,
            )
            await conn.execute(
                "UPDATE customer_subscriptions SET current_period_start = "
                "date_trunc('second', current_period_start), current_period_end = "
                "date_trunc('second', current_period_end) WHERE id = $1",
                subscription_id,
            )
        finally:
            await conn.close()

    asyncio.run(run())


class RandomSelections:
    """Random documents for the parity tests, one seed each: fields sampled with aliases
    and ``@include``/``@skip``, ``__typename``, inline and named fragments, and every
    form of a connection. A test's subclass says which roots and fields it picks."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fragments: list[str] = []

    def selection(self, type_name: str, leaves: list[str]) -> str:
        raise NotImplementedError

    def directive(self) -> str:
        return self.rng.choice(["", "", "", " @include(if: $yes)", " @skip(if: $yes)",
                                " @include(if: $no)", " @skip(if: $no)"])  # fmt: skip

    def fields(self, leaves: list[str], most: int) -> list[str]:
        rng = self.rng
        parts = []
        for name in rng.sample(leaves, rng.randint(1, min(most, len(leaves)))):
            alias = f"{name}Alias{rng.randint(1, 9)}: " if rng.random() < 0.2 else ""
            parts.append(f"{alias}{name}{self.directive()}")
        if rng.random() < 0.3:
            parts.append("__typename")
        return parts

    def wrapped(self, type_name: str, parts: list[str], *, node: bool = False) -> str:
        """``parts`` shuffled, one perhaps in an inline fragment, one perhaps in a named one
        (and, with ``node``, perhaps ``... on Node { id }``)."""
        rng = self.rng
        rng.shuffle(parts)
        if rng.random() < 0.25:
            parts.insert(0, f"... on {type_name} {{ {parts.pop()} }}")
        if node and rng.random() < 0.15:
            parts.append("... on Node { id }")
        if rng.random() < 0.2 and len(parts) > 1:
            name = f"F{len(self.fragments)}"
            self.fragments.append(f"fragment {name} on {type_name} {{ {parts.pop()} }}")
            parts.append(f"...{name}")
        return " ".join(parts)

    def connection(self, type_name: str, leaves: list[str]) -> str:
        rng = self.rng
        node = self.selection(type_name, leaves)
        parts = []
        if rng.random() < 0.6:
            parts.append(f"nodes {{ {node} }}")
        if rng.random() < 0.5 or not parts:
            parts.append(f"edges {{ cursor node {{ {node} }} }}")
        if rng.random() < 0.5:
            parts.append("pageInfo { hasNextPage hasPreviousPage startCursor endCursor }")
        if rng.random() < 0.4:
            parts.append("totalCount")
        rng.shuffle(parts)
        return " ".join(parts)

    def query(self, roots: list[str]) -> str:
        body = " ".join(
            ["__typename @include(if: $yes)", "again: __typename @skip(if: $no)", *roots]
        )
        return f"query Q($yes: Boolean!, $no: Boolean!) {{ {body} }} " + " ".join(self.fragments)


def random_parity(pair: Pair, key: str, document: Callable[[int], str]) -> int:
    """200 random documents through both engines, the same bytes each; how many the
    compiled engine answered (one refused for its cost is refused alike by both)."""
    compiled = 0
    for seed_value in range(200):
        variables = {"yes": seed_value % 2 == 0, "no": seed_value % 3 == 0}
        left, right = pair.graphql(key, document(seed_value), variables)
        assert right.status_code == 200
        if b"QUERY_TOO_COMPLEX" in right.content:
            pair._compare(left, right, None)
            continue
        assert "errors" not in right.json(), right.text
        pair._compare(left, right, "compiled")
        compiled += 1
    return compiled
