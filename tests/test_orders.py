"""Orders through GraphQL: the lifecycle and its events, totals, validation, stock,
editing rules, lists, and what a page of orders costs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.order_support import (
    CANCEL,
    CREATE,
    DELIVER,
    PROCESS,
    REFUND,
    SHIP,
    SHIPPING,
    UPDATE,
    act,
    count_orders,
    create_order,
    events,
    get_order,
    line,
    pay,
    refused,
    stock,
    stock_of,
    unique_sku,
)
from tests.support import Account, create_customer, data, gql


def test_an_order_lives_from_pending_to_refunded_with_one_event_per_step(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, 10)
    customer = create_customer(client, key)
    seen = len(events(client, key))

    created = create_order(
        client,
        key,
        customerId=customer["id"],
        lineItems=[line(sku, 3, 1500)],
        tax=300,
        shippingCost=500,
        shippingAddress={"line1": "1 Main St", "city": "Austin", "country": "US"},
        metadata={"channel": "web"},
    )
    assert created["id"].startswith("ord_")
    assert (created["object"], created["status"], created["currency"]) == (
        "order",
        "PENDING",
        "USD",
    )
    assert (created["subtotal"], created["amount"], created["amountPaid"]) == (4500, 5300, 0)
    assert created["location"] == "default"
    assert stock_of(account, sku) == {"on_hand": 10, "reserved": 3, "available": 7}

    paid = pay(client, key, created["id"])
    processing = act(client, key, PROCESS, "processOrder", id=created["id"])
    shipped = act(client, key, SHIP, "shipOrder", id=created["id"], input=SHIPPING)
    assert (shipped["carrier"], shipped["trackingNumber"]) == ("UPS", "1Z999")
    assert stock_of(account, sku) == {"on_hand": 7, "reserved": 0, "available": 7}
    delivered = act(client, key, DELIVER, "deliverOrder", id=created["id"])
    partly = act(client, key, REFUND, "refundOrder", id=created["id"], input={"amount": 1000})
    refunded = act(client, key, REFUND, "refundOrder", id=created["id"])
    assert [o["status"] for o in (paid, processing, shipped, delivered, partly, refunded)] == [
        "PAID",
        "PROCESSING",
        "SHIPPED",
        "DELIVERED",
        "DELIVERED",
        "REFUNDED",
    ]
    assert [r["amount"] for r in refunded["refunds"]] == [1000, 4300]
    assert refunded["amountRefunded"] == refunded["amount"] == 5300

    log = events(client, key)[seen:]
    assert [e["sequence"] for e in log] == list(range(log[0]["sequence"], log[0]["sequence"] + 9))
    assert [e["type"] for e in log] == [
        "order.created",
        "inventory.updated",  # the order, then its reservation
        "order.paid",
        "order.processing",
        "order.shipped",
        "inventory.updated",  # shipping consumes the reservation
        "order.delivered",
        "order.refunded",
        "order.refunded",
    ]
    objects = [e["data"]["object"] for e in log]
    previous = [e["data"].get("previous_attributes") for e in log]
    assert objects[0]["line_items"] == [
        {"sku": sku, "name": f"Item {sku}", "quantity": 3, "unit_amount": 1500, "amount": 4500}
    ]
    assert objects[0]["customer_id"] == customer["id"]
    assert objects[0]["shipping_address"]["city"] == "Austin"
    assert previous[0] is None
    assert (objects[1]["sku"], objects[1]["reserved"]) == (sku, 3)
    assert previous[1] == {"reserved": 0, "available": 10}
    # The order's payments and refunds are part of its representation (API.md section 7).
    assert previous[2] == {"status": "pending", "amount_paid": 0, "paid_at": None, "payments": []}
    assert [p["status"] for p in objects[2]["payments"]] == ["succeeded"]
    assert objects[2]["amount_paid"] == 5300
    assert previous[3] == {"status": "paid"}
    assert previous[4] == {
        "status": "processing",
        "carrier": None,
        "tracking_number": None,
        "shipped_at": None,
    }
    assert previous[5] == {"on_hand": 10, "reserved": 3}
    assert previous[6] == {"status": "shipped", "delivered_at": None}
    assert previous[7] == {"amount_refunded": 0, "refunds": []}
    assert previous[8] == {
        "amount_refunded": 1000,
        "status": "delivered",
        "refunds": objects[7]["refunds"],
    }
    assert [r["amount"] for r in objects[8]["refunds"]] == [1000, 4300]
    assert objects[8]["status"] == "refunded"
    assert all(o["id"] == created["id"] for i, o in enumerate(objects) if i not in (1, 5))


def test_cancelling_a_pending_order_releases_its_stock_and_refunds_nothing(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, 4)
    seen = len(events(client, key))
    order = create_order(client, key, lineItems=[line(sku, 4)])
    assert stock_of(account, sku)["available"] == 0
    cancelled = act(client, key, CANCEL, "cancelOrder", id=order["id"], reason="duplicate")
    assert (cancelled["status"], cancelled["cancellationReason"]) == ("CANCELLED", "duplicate")
    assert cancelled["refunds"] == []
    assert stock_of(account, sku) == {"on_hand": 4, "reserved": 0, "available": 4}
    log = events(client, key)[seen:]
    assert [e["type"] for e in log] == [
        "order.created",
        "inventory.out_of_stock",
        "order.cancelled",
        "inventory.updated",
    ]
    assert log[2]["data"]["previous_attributes"] == {
        "status": "pending",
        "cancellation_reason": None,
        "cancelled_at": None,
    }


def test_totals_add_every_line_tax_and_shipping_and_one_sku_reserves_once(
    client: httpx.Client, account: Account
) -> None:
    a, b = unique_sku("A"), unique_sku("B")
    stock(account, a, 10)
    stock(account, b, 10)
    seen = len(events(client, account.sk_test))
    order = create_order(
        client,
        account.sk_test,
        currency="eur",
        tax=199,
        shippingCost=0,
        lineItems=[line(a, 2, 250), line(b, 1, 0), line(a, 3, 100)],
    )
    assert [i["amount"] for i in order["lineItems"]] == [500, 0, 300]
    assert (order["subtotal"], order["tax"], order["shippingCost"]) == (800, 199, 0)
    assert (order["amount"], order["currency"]) == (999, "EUR")
    assert stock_of(account, a)["reserved"] == 5
    assert stock_of(account, b)["reserved"] == 1
    # One reservation per sku, however many lines name it.
    made = [e["type"] for e in events(client, account.sk_test)[seen:]]
    assert made == ["order.created", "inventory.updated", "inventory.updated"]


def test_an_order_reserves_at_its_own_location(client: httpx.Client, account: Account) -> None:
    sku = unique_sku()
    stock(account, sku, 5, location="east")
    stock(account, sku, 5, location="west")
    order = create_order(client, account.sk_test, location="west", lineItems=[line(sku, 2)])
    assert order["location"] == "west"
    assert stock_of(account, sku, location="west")["reserved"] == 2
    assert stock_of(account, sku, location="east")["reserved"] == 0


def _assert_nothing_happened(client: httpx.Client, account: Account, sku: str) -> None:
    assert count_orders(client, account.sk_test) == 0
    assert events(client, account.sk_test, "order.") == []
    assert stock_of(account, sku)["reserved"] == 0


@pytest.mark.parametrize(
    ("change", "code", "param"),
    [
        ({"currency": "dollars"}, "INVALID_FIELD_FORMAT", "input.currency"),
        ({"currency": "U$D"}, "INVALID_FIELD_FORMAT", "input.currency"),
        ({"lineItems": []}, "INVALID_FIELD_FORMAT", "input.lineItems"),
        ({"lines": 101}, "INVALID_FIELD_FORMAT", "input.lineItems"),
        ({"line": {"quantity": 0}}, "INVALID_FIELD_FORMAT", "input.lineItems.0.quantity"),
        ({"line": {"quantity": -2}}, "INVALID_FIELD_FORMAT", "input.lineItems.0.quantity"),
        ({"line": {"unitAmount": -1}}, "INVALID_FIELD_FORMAT", "input.lineItems.0.unitAmount"),
        ({"line": {"sku": "  "}}, "INVALID_FIELD_FORMAT", "input.lineItems.0.sku"),
        ({"line": {"name": ""}}, "INVALID_FIELD_FORMAT", "input.lineItems.0.name"),
        ({"tax": -1}, "INVALID_FIELD_FORMAT", "input.tax"),
        ({"shippingCost": -5}, "INVALID_FIELD_FORMAT", "input.shippingCost"),
        ({"line": {"unitAmount": 99_999_999}, "tax": 1}, "INVALID_FIELD_FORMAT", "input.amount"),
        ({"location": ""}, "INVALID_FIELD_FORMAT", "input.location"),
        ({"metadata": {"k": 1}}, "INVALID_FIELD_FORMAT", "input.metadata.k"),
        (
            {"shippingAddress": {"city": "c" * 201}},
            "INVALID_FIELD_FORMAT",
            "input.shippingAddress.city",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(
    client: httpx.Client, account: Account, change: dict[str, Any], code: str, param: str
) -> None:
    sku = unique_sku()
    stock(account, sku, 5)
    fields: dict[str, Any] = {"currency": "USD", "lineItems": [line(sku, 1)]}
    change = dict(change)  # the parameters are shared by both databases' runs
    if "line" in change:
        fields["lineItems"] = [{**line(sku, 1), **change.pop("line")}]
    if "lines" in change:
        fields["lineItems"] = [line(sku, 1)] * change.pop("lines")
    fields.update(change)
    problem = refused(client, account.sk_test, CREATE, {"input": fields})
    assert (problem["status"], problem["code"], problem["param"]) == (422, code, param)
    assert [d["param"] for d in problem["details"]] == [param]
    _assert_nothing_happened(client, account, sku)


def test_every_bad_field_is_named_at_once(client: httpx.Client, account: Account) -> None:
    fields = {
        "currency": "US",
        "tax": -1,
        "lineItems": [line("A", 0), {"sku": "B", "name": "", "quantity": 1, "unitAmount": -1}],
    }
    problem = refused(client, account.sk_test, CREATE, {"input": fields})
    assert (problem["status"], problem["code"]) == (422, "VALIDATION_ERROR")
    assert {d["param"] for d in problem["details"]} == {
        "input.currency",
        "input.tax",
        "input.lineItems.0.quantity",
        "input.lineItems.1.name",
        "input.lineItems.1.unitAmount",
    }


def test_a_missing_required_field_is_422(client: httpx.Client, account: Account) -> None:
    problem = refused(client, account.sk_test, CREATE, {"input": {"currency": "USD"}})
    assert (problem["status"], problem["code"]) == (422, "MISSING_REQUIRED_FIELD")
    assert count_orders(client, account.sk_test) == 0


def test_an_order_for_an_unknown_or_deleted_customer_is_404_naming_customer_id(
    client: httpx.Client, account: Account
) -> None:
    sku = unique_sku()
    stock(account, sku, 5)
    gone = create_customer(client, account.sk_test)
    data(
        gql(
            client,
            account.sk_test,
            "mutation($id: ID!) { deleteCustomer(id: $id) { id } }",
            {"id": gone["id"]},
        )
    )
    other_mode = create_customer(client, account.sk_live)
    for customer_id in ("cus_nope", gone["id"], other_mode["id"]):
        fields = {"currency": "USD", "lineItems": [line(sku)], "customerId": customer_id}
        problem = refused(client, account.sk_test, CREATE, {"input": fields})
        assert (problem["status"], problem["code"]) == (404, "RESOURCE_NOT_FOUND")
        assert problem["param"] == "input.customerId"
    _assert_nothing_happened(client, account, sku)


def test_insufficient_stock_is_409_naming_each_short_sku_and_creates_nothing(
    client: httpx.Client, account: Account
) -> None:
    plenty, short, missing = unique_sku("P"), unique_sku("S"), unique_sku("M")
    stock(account, plenty, 10)
    stock(account, short, 2)
    seen = len(events(client, account.sk_test))
    fields = {
        "currency": "USD",
        "lineItems": [line(plenty, 5), line(short, 2), line(short, 1), line(missing, 1)],
    }
    problem = refused(client, account.sk_test, CREATE, {"input": fields})
    assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT")
    named = {d["sku"]: d for d in problem["details"]}
    assert set(named) == {short, missing}
    assert (named[short]["code"], named[short]["requested"], named[short]["available"]) == (
        "INSUFFICIENT_STOCK", 3, 2,
    )  # fmt: skip
    # A sku with no item at all is not short of stock: there is no such item.
    assert named[missing]["code"] == "NO_SUCH_INVENTORY_ITEM"
    _assert_nothing_happened(client, account, plenty)
    assert stock_of(account, short)["reserved"] == 0
    assert len(events(client, account.sk_test)) == seen
    # The stock is reserved last, at commit; a shortage found there is still the field's
    # error, as GraphQL places any other.
    answer = gql(client, account.sk_test, CREATE, {"input": fields}).json()
    assert answer["data"] is None
    assert answer["errors"][0]["path"] == ["createOrder"]


def test_a_pending_order_can_be_edited_and_its_total_follows(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, 5)
    customer = create_customer(client, key)
    order = create_order(client, key, lineItems=[line(sku, 2, 1000)], metadata={"a": "1"})
    edited = act(
        client,
        key,
        UPDATE,
        "updateOrder",
        id=order["id"],
        input={
            "tax": 160,
            "shippingCost": 400,
            "customerId": customer["id"],
            "shippingAddress": {"line1": "9 Elm", "country": "us"},
            "metadata": {"a": "", "b": "2"},
        },
    )
    assert (edited["subtotal"], edited["tax"], edited["shippingCost"]) == (2000, 160, 400)
    assert edited["amount"] == 2560
    assert edited["customerId"] == customer["id"]
    assert edited["metadata"] == {"b": "2"}
    last = events(client, key, "order.")[-1]
    assert last["type"] == "order.updated"
    assert last["data"]["previous_attributes"] == {
        "tax": 0,
        "shipping_cost": 0,
        "amount": 2000,
        "customer_id": None,
        "shipping_address": None,
        "metadata": {"a": "1"},
    }
    # The same values again change nothing, and say nothing.
    act(client, key, UPDATE, "updateOrder", id=order["id"], input={"tax": 160})
    assert len(events(client, key, "order.")) == 2
    # Detaching the customer is an edit too.
    detached = act(client, key, UPDATE, "updateOrder", id=order["id"], input={"customerId": None})
    assert detached["customerId"] is None


def test_once_paid_only_metadata_can_change(client: httpx.Client, account: Account) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, 5)
    order = pay(client, key, create_order(client, key, lineItems=[line(sku)])["id"])
    seen = len(events(client, key))
    edits: list[dict[str, Any]] = [
        {"tax": 10},
        {"shippingCost": 0},
        {"customerId": None},
        {"shippingAddress": {"city": "Oslo"}},
        {"tax": 5, "metadata": {"x": "y"}},
    ]
    for change in edits:
        problem = refused(client, key, UPDATE, {"id": order["id"], "input": change})
        assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT"), change
        assert problem["details"][0]["status"] == "paid"
    assert get_order(client, key, order["id"]) == order
    assert len(events(client, key)) == seen
    tagged = act(client, key, UPDATE, "updateOrder", id=order["id"], input={"metadata": {"x": "y"}})
    assert (tagged["metadata"], tagged["status"]) == ({"x": "y"}, "PAID")
    assert events(client, key)[-1]["data"]["previous_attributes"] == {"metadata": {}}


def test_updating_validates_like_creating(client: httpx.Client, account: Account) -> None:
    sku = unique_sku()
    stock(account, sku, 5)
    order = create_order(client, account.sk_test, lineItems=[line(sku)])
    for change, param, status in (
        ({"tax": -1}, "input.tax", 422),
        ({"shippingCost": 100_000_000}, "input.shippingCost", 422),
        ({"customerId": "cus_nope"}, "input.customerId", 404),
    ):
        problem = refused(client, account.sk_test, UPDATE, {"id": order["id"], "input": change})
        assert (problem["status"], problem["param"]) == (status, param)
    missing = refused(client, account.sk_test, UPDATE, {"id": "ord_nope", "input": {"tax": 1}})
    assert (missing["status"], missing["code"]) == (404, "RESOURCE_NOT_FOUND")


def test_orders_are_invisible_to_other_modes_and_need_their_scopes(
    client: httpx.Client, account: Account
) -> None:
    sku = unique_sku()
    stock(account, sku, 5)
    order = create_order(client, account.sk_test, lineItems=[line(sku)])
    query = "query($id: ID!) { order(id: $id) { id } }"
    assert refused(client, account.sk_live, query, {"id": order["id"]})["status"] == 404
    reader = account.key("rk", ["orders:read"])
    assert data(gql(client, reader, query, {"id": order["id"]}))["order"]["id"] == order["id"]
    problem = refused(client, reader, CANCEL, {"id": order["id"]})
    assert (problem["status"], problem["code"]) == (403, "INSUFFICIENT_PERMISSIONS")
    node = data(
        gql(
            client,
            reader,
            "query($id: ID!) { node(id: $id) { ... on Order { status } } }",
            {"id": order["id"]},
        )
    )
    assert node["node"] == {"status": "PENDING"}
    # An order's customer is the customers' to show: it needs their scope too.
    customer = create_customer(client, account.sk_test)
    owned = create_order(client, account.sk_test, lineItems=[line(sku)], customerId=customer["id"])
    nested = gql(
        client,
        reader,
        "query($id: ID!) { order(id: $id) { id customer { id } } }",
        {"id": owned["id"]},
    ).json()
    assert nested["data"]["order"] == {"id": owned["id"], "customer": None}
    assert nested["errors"][0]["extensions"]["code"] == "INSUFFICIENT_PERMISSIONS"
    assert nested["errors"][0]["path"] == ["order", "customer"]
