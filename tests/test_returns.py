"""Returns through GraphQL: the lifecycle and its events, quantities, refunds and stock."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from tests.order_support import events, unique_sku
from tests.rest_support import Rest, error_of
from tests.returns_support import (
    APPROVE,
    GET_ORDER,
    GET_RETURN,
    PROCESS,
    RECEIVE,
    REJECT,
    act,
    create_return,
    new_return,
    on_hand,
    order,
)
from tests.support import Account, LiveServer, data, error, gql

LIST = """
query($where: ReturnWhere, $orderBy: [ReturnOrder!]) {
  returns(where: $where, orderBy: $orderBy) { totalCount nodes { id status } }
}
"""
ITEMS_PAGE = "query($first: Int!) { returns(first: $first) { nodes { items { sku } } } }"


def new_events(client: httpx.Client, key: str, seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events written since ``seen`` was taken; ``seen`` grows to include them."""
    every = events(client, key)
    fresh = every[len(seen) :]
    seen[:] = every
    return fresh


def test_the_whole_lifecycle_restocks_refunds_and_emits_one_event_per_change(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    tee, mug = unique_sku("tee"), unique_sku("mug")
    shipped = order(client, key, [(tee, 3, 1500), (mug, 1, 4000)])
    stock_before = on_hand(client, key, tee)
    seen = events(client, key)

    created = new_return(client, key, shipped["id"], [(tee, 2)], reason="Too small")
    assert created["id"].startswith("ret_")
    assert (created["object"], created["status"], created["orderId"]) == (
        "return", "REQUESTED", shipped["id"],
    )  # fmt: skip
    assert (created["reason"], created["restock"], created["currency"]) == (
        "Too small",
        True,
        "USD",
    )
    assert (created["refundAmount"], created["refundId"]) == (None, None)
    assert created["items"] == [{"sku": tee, "quantity": 2}]
    [event] = new_events(client, key, seen)
    assert event["type"] == "return.created"
    assert event["data"]["object"]["items"] == [{"sku": tee, "quantity": 2}]
    assert event["data"]["object"]["status"] == "requested"
    assert "previous_attributes" not in event["data"]

    approved = data(act(client, key, APPROVE, created["id"]))["approveReturn"]
    assert approved["status"] == "APPROVED"
    assert approved["approvedAt"] is not None
    [event] = new_events(client, key, seen)
    assert event["type"] == "return.approved"
    assert event["data"]["previous_attributes"] == {"status": "requested", "approved_at": None}

    received = data(act(client, key, RECEIVE, created["id"]))["receiveReturn"]
    assert received["status"] == "RECEIVED"
    assert on_hand(client, key, tee) == stock_before + 2
    restocked, event = new_events(client, key, seen)
    assert restocked["type"] == "inventory.updated"
    assert restocked["data"]["object"]["sku"] == tee
    assert restocked["data"]["object"]["on_hand"] == stock_before + 2
    assert restocked["data"]["previous_attributes"]["on_hand"] == stock_before
    assert event["type"] == "return.received"
    assert event["data"]["previous_attributes"] == {"status": "approved", "received_at": None}

    processed = data(act(client, key, PROCESS, created["id"]))["processReturn"]
    assert processed["status"] == "PROCESSED"
    assert processed["refundAmount"] == 3000  # 2 x 1500, the items' value
    assert processed["refundId"].startswith("re_")
    refunded, event = new_events(client, key, seen)
    assert refunded["type"] == "order.refunded"
    assert refunded["data"]["object"]["amount_refunded"] == 3000
    assert event["type"] == "return.processed"
    assert event["data"]["object"]["refund_id"] == processed["refundId"]
    assert event["data"]["previous_attributes"] == {
        "status": "received", "refund_amount": None, "refund_id": None, "processed_at": None,
    }  # fmt: skip

    after = data(gql(client, key, GET_ORDER, {"id": shipped["id"]}))["order"]
    assert (after["amountRefunded"], after["status"]) == (3000, "SHIPPED")
    assert after["refunds"] == [{"id": processed["refundId"], "amount": 3000}]
    assert data(gql(client, key, GET_RETURN, {"id": created["id"]}))["return"] == processed


def test_rejecting_keeps_the_reason_and_emits_return_rejected(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 1, 1000)])
    created = new_return(client, key, shipped["id"], [(sku, 1)])
    rejected = data(act(client, key, REJECT, created["id"], reason="Worn"))["rejectReturn"]
    assert (rejected["status"], rejected["rejectionReason"]) == ("REJECTED", "Worn")
    event = events(client, key)[-1]
    assert event["type"] == "return.rejected"
    assert event["data"]["previous_attributes"] == {
        "status": "requested", "rejection_reason": None, "rejected_at": None,
    }  # fmt: skip


def test_restock_false_leaves_stock_alone(client: httpx.Client, account: Account) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 2, 1000)])
    stock_before = on_hand(client, key, sku)
    created = new_return(client, key, shipped["id"], [(sku, 2)], restock=False)
    data(act(client, key, APPROVE, created["id"]))
    received = data(act(client, key, RECEIVE, created["id"]))["receiveReturn"]
    assert (received["status"], received["restock"]) == ("RECEIVED", False)
    assert on_hand(client, key, sku) == stock_before
    assert [e["type"] for e in events(client, key)[-2:]] == ["return.approved", "return.received"]


def test_processing_refunds_a_given_amount_or_nothing_for_zero(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 2, 1000)])
    first, second = (new_return(client, key, shipped["id"], [(sku, 1)]) for _ in range(2))
    for ret in (first, second):
        data(act(client, key, APPROVE, ret["id"]))
        data(act(client, key, RECEIVE, ret["id"]))

    partial = data(act(client, key, PROCESS, first["id"], input={"refundAmount": 250}))
    assert partial["processReturn"]["refundAmount"] == 250
    free = data(act(client, key, PROCESS, second["id"], input={"refundAmount": 0}))
    assert (free["processReturn"]["refundAmount"], free["processReturn"]["refundId"]) == (0, None)
    assert events(client, key)[-1]["type"] == "return.processed"
    after = data(gql(client, key, GET_ORDER, {"id": shipped["id"]}))["order"]
    assert (after["amountRefunded"], len(after["refunds"])) == (250, 1)


def test_more_than_is_refundable_is_409_and_changes_nothing(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 1, 1000)])
    created = new_return(client, key, shipped["id"], [(sku, 1)])
    data(act(client, key, APPROVE, created["id"]))
    data(act(client, key, RECEIVE, created["id"]))
    seen = events(client, key)
    problem = error(act(client, key, PROCESS, created["id"], input={"refundAmount": 1001}))
    assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT")
    assert events(client, key) == seen
    assert data(gql(client, key, GET_RETURN, created))["return"]["status"] == "RECEIVED"
    negative = error(act(client, key, PROCESS, created["id"], input={"refundAmount": -1}))
    assert (negative["status"], negative["param"]) == (422, "input.refundAmount")


def test_the_default_refund_prices_each_unit_at_its_order_line(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 1, 1000), (sku, 2, 800)])
    created = new_return(client, key, shipped["id"], [(sku, 3)])
    for step in (APPROVE, RECEIVE):
        data(act(client, key, step, created["id"]))
    processed = data(act(client, key, PROCESS, created["id"]))["processReturn"]
    assert processed["refundAmount"] == 1000 + 2 * 800
    # The whole order came back: it is refunded in full.
    after = data(gql(client, key, GET_ORDER, {"id": shipped["id"]}))["order"]
    assert (after["amountRefunded"], after["status"]) == (2600, "REFUNDED")


def test_claims_never_exceed_what_was_shipped_and_rejected_returns_free_theirs(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    tee, mug = unique_sku("tee"), unique_sku("mug")
    shipped = order(client, key, [(tee, 3, 1000), (mug, 1, 500)])
    first = new_return(client, key, shipped["id"], [(tee, 2)])

    problem = error(create_return(client, key, shipped["id"], [(mug, 1), (tee, 2)]))
    assert (problem["status"], problem["code"], problem["param"]) == (
        409, "RESOURCE_CONFLICT", "input.items",
    )  # fmt: skip
    [detail] = problem["details"]
    assert detail["param"] == "input.items.1.quantity"
    assert (detail["sku"], detail["requested"], detail["shipped"]) == (tee, 2, 3)
    assert (detail["claimed"], detail["returnable"]) == (2, 1)

    data(act(client, key, REJECT, first["id"]))
    again = new_return(client, key, shipped["id"], [(mug, 1), (tee, 3)])
    assert again["status"] == "REQUESTED"
    # Processed returns keep their claim.
    for step in (APPROVE, RECEIVE, PROCESS):
        data(act(client, key, step, again["id"]))
    assert error(create_return(client, key, shipped["id"], [(tee, 1)]))["status"] == 409
    listed = data(gql(client, key, LIST, {"where": {"orderId": {"_eq": shipped["id"]}}}))
    assert listed["returns"]["totalCount"] == 2


def test_a_sku_not_on_the_order_is_422(client: httpx.Client, account: Account) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 1, 1000)])
    problem = error(create_return(client, key, shipped["id"], [(sku, 1), ("nope", 1)]))
    assert (problem["status"], problem["param"]) == (422, "input.items.1.sku")
    assert data(gql(client, key, LIST))["returns"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("items", "param"),
    [
        ([], "input.items"),
        ([("SKU", 0)], "input.items.0.quantity"),
        ([("SKU", 1), ("SKU", 1)], "input.items.1.sku"),
        ([(f"s{i}", 1) for i in range(101)], "input.items"),
    ],
)
def test_bad_items_are_422(
    client: httpx.Client, account: Account, items: list[tuple[str, int]], param: str
) -> None:
    problem = error(create_return(client, account.sk_test, "ord_anything", items))
    assert (problem["status"], problem["param"]) == (422, param)


def test_an_unknown_order_is_404(client: httpx.Client, account: Account) -> None:
    problem = error(create_return(client, account.sk_test, "ord_missing", [("x", 1)]))
    assert (problem["status"], problem["param"]) == (404, "input.orderId")


def test_only_shipped_or_delivered_orders_can_be_returned(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    for status in ("pending", "paid", "processing", "delivered"):
        sku = unique_sku("tee")
        placed = order(client, key, [(sku, 1, 1000)], until=status)
        response = create_return(client, key, placed["id"], [(sku, 1)])
        if status == "delivered":
            assert data(response)["createReturn"]["status"] == "REQUESTED"
            continue
        problem = error(response)
        assert (problem["status"], problem["code"], problem["param"]) == (
            409, "RESOURCE_CONFLICT", "input.orderId",
        )  # fmt: skip
        assert problem["details"][0]["order_status"] == status


def test_returns_are_listed_found_by_node_and_guarded_by_scopes(
    client: httpx.Client, account: Account, server: LiveServer
) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 2, 1000)])
    first = new_return(client, key, shipped["id"], [(sku, 1)])
    second = new_return(client, key, shipped["id"], [(sku, 1)])
    data(act(client, key, APPROVE, second["id"]))

    def ids(variables: dict[str, Any]) -> list[str]:
        return [n["id"] for n in data(gql(client, key, LIST, variables))["returns"]["nodes"]]

    assert ids({}) == [second["id"], first["id"]]
    assert ids({"where": {"status": {"_in": ["APPROVED"]}}}) == [second["id"]]
    assert ids({"orderBy": [{"field": "CREATED", "direction": "ASC"}]}) == [
        first["id"], second["id"],
    ]  # fmt: skip
    # Items come through one batched statement, however many returns the page holds.
    counts = []
    for size in (1, 2):
        with server.count_statements() as statements:
            page = data(gql(client, key, ITEMS_PAGE, {"first": size}))["returns"]["nodes"]
        assert [len(node["items"]) for node in page] == [1] * size
        assert len([s for s in statements if "FROM return_items" in s]) == 1, statements
        counts.append(len(statements))
    assert counts[0] == counts[1]
    node = data(gql(client, key, "query($id: ID!) { node(id: $id) { id } }", {"id": first["id"]}))
    assert node["node"] == {"id": first["id"]}
    assert data(gql(client, account.sk_live, LIST))["returns"]["totalCount"] == 0

    reader = account.key("rk", ["returns:read"])
    assert data(gql(client, reader, GET_RETURN, {"id": first["id"]}))["return"]["items"]
    assert error(act(client, reader, APPROVE, first["id"]))["status"] == 403
    outsider = account.key("rk", ["orders:read"])
    assert error(gql(client, outsider, GET_RETURN, {"id": first["id"]}))["status"] == 403


def test_returns_filter_by_restock_and_sort_by_currency_in_graphql_and_rest(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test

    def returned(currency: str, **fields: Any) -> str:
        sku = unique_sku(currency)
        shipped = order(client, key, [(sku, 1, 1000)], currency=currency)
        return str(new_return(client, key, shipped["id"], [(sku, 1)], **fields)["id"])

    gbp, usd, eur = returned("gbp"), returned("usd", restock=False), returned("eur")

    def ids(variables: dict[str, Any]) -> list[str]:
        return [n["id"] for n in data(gql(client, key, LIST, variables))["returns"]["nodes"]]

    assert ids({"where": {"restock": {"_eq": False}}}) == [usd]
    assert ids({"where": {"restock": {"_ne": False}}}) == [eur, gbp]
    assert ids({"orderBy": [{"field": "CURRENCY"}]}) == [eur, gbp, usd]
    assert ids({"orderBy": [{"field": "CURRENCY", "direction": "DESC"}]}) == [usd, gbp, eur]

    rest = Rest(client, key)

    def rest_ids(params: dict[str, str]) -> list[str]:
        return [r["id"] for r in rest.ok(rest.get("/v1/returns", params))["data"]]

    assert rest_ids({"restock_eq": "false"}) == [usd]
    assert rest_ids({"restock_eq": "true", "sort": "currency"}) == [eur, gbp]
    assert rest_ids({"sort": "-currency"}) == [usd, gbp, eur]
    assert error_of(rest.get("/v1/returns", {"restock_gt": "true"}), 400)["param"] == "restock_gt"


def test_concurrent_returns_never_claim_more_than_was_shipped(
    client: httpx.Client, account: Account, server: LiveServer, postgres_only: None
) -> None:
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, 5, 1000)])
    workers = 8
    barrier = threading.Barrier(workers)
    codes: list[str] = []
    lock = threading.Lock()

    def claim() -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as own:
            barrier.wait()
            body = create_return(own, key, shipped["id"], [(sku, 2)]).json()
            with lock:
                codes.append("ok" if body.get("data") else body["errors"][0]["extensions"]["code"])

    threads = [threading.Thread(target=claim) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == ["RESOURCE_CONFLICT"] * (workers - 2) + ["ok", "ok"]
    listed = data(gql(client, key, LIST, {"where": {"orderId": {"_eq": shipped["id"]}}}))
    assert listed["returns"]["totalCount"] == 2
    created = [e for e in events(client, key) if e["type"] == "return.created"]
    assert sum(e["data"]["object"]["items"][0]["quantity"] for e in created) == 4
