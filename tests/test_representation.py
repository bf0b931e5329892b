"""One representation (API.md section 7): an event's ``data.object`` is, byte for byte,
what ``GET /v1/<resource>/{id}`` answers at that commit, on both databases."""

from __future__ import annotations

import json
from typing import Any

import httpx
import orjson

from tests.rest_support import CARD, Rest, stocked_order
from tests.support import Account, data, gql


def _latest_event(rest: Rest, event_type: str | None = None) -> dict[str, Any]:
    listed = next(
        e for e in rest.ok(rest.get("/v1/events", {"limit": 10}))["data"]
        if event_type is None or e["type"] == event_type
    )  # fmt: skip
    response = rest.get(f"/v1/events/{listed['id']}")
    assert response.status_code == 200, response.text
    # Parsed keeping key order, so re-encoding gives back the bytes the server sent.
    event: dict[str, Any] = json.loads(response.content)
    return event


def assert_event_is_the_resource(rest: Rest, path: str, event_type: str) -> dict[str, Any]:
    event = _latest_event(rest, event_type)
    current = rest.get(path)
    assert current.status_code == 200, current.text
    assert orjson.dumps(event["data"]["object"]) == current.content
    return event


def test_a_customer_event_is_the_customer(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    customer = rest.ok(
        rest.post(
            "/v1/customers",
            {
                "email": "ada@example.com",
                "name": "Ada",
                "address": {"line1": "1 Loop", "city": "Austin", "country": "US"},
                # Written in an order that is not the stored one.
                "metadata": {"zeta": "1", "a": "2", "mid": "3"},
            },
        ),
        201,
    )
    path = f"/v1/customers/{customer['id']}"
    assert_event_is_the_resource(rest, path, "customer.created")
    rest.ok(rest.patch(path, {"name": "Ada L.", "metadata": {"b": "4"}}))
    event = assert_event_is_the_resource(rest, path, "customer.updated")
    assert event["data"]["previous_attributes"] == {
        "name": "Ada",
        "metadata": {"a": "2", "mid": "3", "zeta": "1"},
    }


def test_an_order_event_is_the_order_after_each_step(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    order = stocked_order(rest, "REP-1", quantity=2)
    path = f"/v1/orders/{order['id']}"
    created = assert_event_is_the_resource(rest, path, "order.created")
    assert created["data"]["object"]["line_items"][0]["sku"] == "REP-1"

    rest.ok(rest.post(f"{path}/pay", {"card": CARD}))
    paid = assert_event_is_the_resource(rest, path, "order.paid")
    assert [p["status"] for p in paid["data"]["object"]["payments"]] == ["succeeded"]
    assert paid["data"]["previous_attributes"]["payments"] == []

    rest.ok(rest.post(f"{path}/refund", {"amount": 500}))
    refunded = assert_event_is_the_resource(rest, path, "order.refunded")
    assert [r["amount"] for r in refunded["data"]["object"]["refunds"]] == [500]

    rest.ok(rest.post(f"{path}/process"))
    rest.ok(rest.post(f"{path}/ship", {"carrier": "UPS", "tracking_number": "1Z"}))
    assert_event_is_the_resource(rest, path, "order.shipped")


def test_an_inventory_event_is_the_item(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    item = rest.ok(rest.post("/v1/inventory", {"sku": "REP-INV", "name": "Mug", "on_hand": 5}), 201)
    path = f"/v1/inventory/{item['id']}"
    assert_event_is_the_resource(rest, path, "inventory.updated")
    rest.ok(rest.post(f"{path}/adjust", {"delta": 3, "reason": "count"}))
    event = assert_event_is_the_resource(rest, path, "inventory.updated")
    assert event["data"]["previous_attributes"] == {"on_hand": 5, "available": 5}


def test_a_return_event_is_the_return(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    order = stocked_order(rest, "REP-RET", quantity=2)
    path = f"/v1/orders/{order['id']}"
    rest.ok(rest.post(f"{path}/pay", {"card": CARD}))
    rest.ok(rest.post(f"{path}/process"))
    rest.ok(rest.post(f"{path}/ship", {"carrier": "UPS", "tracking_number": "1Z"}))
    ret = rest.ok(
        rest.post(
            "/v1/returns", {"order_id": order["id"], "items": [{"sku": "REP-RET", "quantity": 1}]}
        ),
        201,
    )
    return_path = f"/v1/returns/{ret['id']}"
    assert_event_is_the_resource(rest, return_path, "return.created")
    rest.ok(rest.post(f"{return_path}/approve"))
    event = assert_event_is_the_resource(rest, return_path, "return.approved")
    assert event["data"]["previous_attributes"] == {"status": "requested", "approved_at": None}


def test_a_subscription_event_is_the_subscription(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    customer = rest.ok(rest.post("/v1/customers", {"email": "sub@example.com"}), 201)
    subscription = rest.ok(
        rest.post(
            "/v1/subscriptions",
            {
                "customer_id": customer["id"],
                "plan": "pro",
                "amount": 1500,
                "currency": "usd",
                "interval": "month",
            },
        ),
        201,
    )
    path = f"/v1/subscriptions/{subscription['id']}"
    assert_event_is_the_resource(rest, path, "customer.subscription.created")
    rest.ok(rest.post(f"{path}/cancel"))
    assert_event_is_the_resource(rest, path, "customer.subscription.cancelled")


def test_graphql_event_data_is_the_rest_event_data(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    rest.ok(rest.post("/v1/customers", {"email": "gql@example.com", "metadata": {"k": "v"}}), 201)
    event = _latest_event(rest)
    query = "query($id: ID!) { event(id: $id) { data } }"
    response = gql(client, account.sk_test, query, {"id": event["id"]})
    assert data(response)["event"]["data"] == event["data"]
