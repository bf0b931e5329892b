"""Inventory through GraphQL: API.md section 8 "Inventory item", its events and scopes.

Reservations are made through the domain (``inventory.service.reserve``), as an order
would make them, so the rules about reserved stock can be checked on their own.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.graphql.render import standalone_renderer
from stateset_gql.inventory import service as inventory
from tests.support import Account, LiveServer, data, error, gql, new_account

FIELDS = (
    "id object livemode created updated sku name location onHand reserved available "
    "lowStockThreshold metadata"
)
CREATE = f"""
mutation($input: CreateInventoryItemInput!) {{ createInventoryItem(input: $input) {{ {FIELDS} }} }}
"""
UPDATE = f"""
mutation($id: ID!, $input: UpdateInventoryItemInput!) {{
  updateInventoryItem(id: $id, input: $input) {{ {FIELDS} }}
}}
"""
ADJUST = """
mutation($id: ID!, $delta: Int!, $reason: String) {
  adjustInventory(id: $id, input: {delta: $delta, reason: $reason}) {
    id onHand reserved available
  }
}
"""
TRANSFER = """
mutation($input: TransferInventoryInput!) {
  transferInventory(input: $input) {
    id sku name location onHand reserved available lowStockThreshold
  }
}
"""
GET = f"query($id: ID!) {{ inventoryItem(id: $id) {{ {FIELDS} }} }}"
LIST = """
query($first: Int, $after: String, $where: InventoryItemWhere, $orderBy: [InventoryItemOrder!]) {
  inventoryItems(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id sku location available }
  }
}
"""
EVENTS = "{ events(first: 100) { nodes { type data } } }"


# ------------------------------------------------------------------------------ helpers


def create_item(client: httpx.Client, key: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("sku", "TEE-RED")
    fields.setdefault("name", "Red tee")
    item: dict[str, Any] = data(gql(client, key, CREATE, {"input": fields}))["createInventoryItem"]
    return item


def adjust(client: httpx.Client, key: str, item_id: str, delta: int) -> httpx.Response:
    return gql(client, key, ADJUST, {"id": item_id, "delta": delta, "reason": "count"})


def transfer(
    client: httpx.Client,
    key: str,
    quantity: int,
    *,
    sku: str = "TEE-RED",
    source: str = "default",
    to: str = "store",
) -> httpx.Response:
    fields = {"sku": sku, "fromLocation": source, "toLocation": to, "quantity": quantity}
    return gql(client, key, TRANSFER, {"input": fields})


def get_item(client: httpx.Client, key: str, item_id: str) -> dict[str, Any]:
    item: dict[str, Any] = data(gql(client, key, GET, {"id": item_id}))["inventoryItem"]
    return item


def list_items(client: httpx.Client, key: str, **variables: Any) -> dict[str, Any]:
    variables.setdefault("first", 100)
    page: dict[str, Any] = data(gql(client, key, LIST, variables))["inventoryItems"]
    return page


def skus_at(page: dict[str, Any]) -> list[tuple[str, str]]:
    return [(node["sku"], node["location"]) for node in page["nodes"]]


def events(client: httpx.Client, key: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = data(gql(client, key, EVENTS))["events"]["nodes"]
    return list(reversed(nodes))  # oldest first


def event_types(client: httpx.Client, key: str) -> list[str]:
    return [event["type"] for event in events(client, key)]


def reserve(account: Account, sku: str, quantity: int, location: str = "default") -> None:
    """Holds stock as an order does: ``inventory.service.reserve`` in its own transaction."""

    async def run() -> None:
        db = Database(account.database_url)
        try:
            async with db.session(write=True) as session:
                uow = UnitOfWork(session=session, render=standalone_renderer())
                await inventory.reserve(
                    uow=uow,
                    owner=Owner(account_id=account.id, livemode=False),
                    location=location,
                    quantities={sku: quantity},
                )
                await uow.commit()
        finally:
            await db.dispose()

    asyncio.run(run())


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The single error of a response, checked to carry ``status`` and ``code``."""
    assert response.status_code == 200, response.text
    # Refused before execution (variables, scopes), an answer carries no ``data``.
    assert not any((response.json().get("data") or {}).values())
    problem = error(response)
    assert (problem["status"], problem["code"]) == (status, code), problem
    assert problem["request_id"].startswith("req_")
    return problem


def run_together(count: int, work: Callable[[httpx.Client, int], Any], server: LiveServer) -> None:
    """``work(client, n)`` in ``count`` threads, each with its own client, started at once."""
    barrier = threading.Barrier(count)
    failures: list[Exception] = []

    def run(n: int) -> None:
        try:
            with httpx.Client(base_url=server.base_url, timeout=60) as own:
                barrier.wait()
                work(own, n)
        except (AssertionError, httpx.HTTPError, KeyError) as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


# ------------------------------------------------------------------ create, get, update


def test_creating_an_item_returns_it_and_emits_inventory_updated(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(
        client, account.sk_test, sku=" TEE-RED ", name="Red tee", location="east",
        onHand=12, lowStockThreshold=3, metadata={"bin": "A4"},
    )  # fmt: skip
    assert item["id"].startswith("inv_")
    assert item["object"] == "inventory_item"
    assert item["livemode"] is False
    assert (item["sku"], item["location"]) == ("TEE-RED", "east")
    assert (item["onHand"], item["reserved"], item["available"]) == (12, 0, 12)
    assert item["lowStockThreshold"] == 3
    assert item["metadata"] == {"bin": "A4"}
    assert item["created"].endswith("Z")
    assert get_item(client, account.sk_test, item["id"]) == item

    [event] = events(client, account.sk_test)
    assert event["type"] == "inventory.updated"  # the contract has no inventory.created
    assert event["data"]["object"]["on_hand"] == 12  # the REST (snake_case) form
    assert event["data"]["object"]["available"] == 12
    assert event["data"]["previous_attributes"] == {}


def test_an_item_given_only_sku_and_name_is_empty_at_the_default_location(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, sku="MUG", name="Mug")
    assert item["location"] == "default"
    assert (item["onHand"], item["reserved"], item["available"]) == (0, 0, 0)
    assert (item["lowStockThreshold"], item["metadata"]) == (0, {})


def test_items_are_found_by_id_and_through_node(client: httpx.Client, account: Account) -> None:
    item = create_item(client, account.sk_test)
    node = data(
        gql(
            client,
            account.sk_test,
            "query($id: ID!) { node(id: $id) { id ... on InventoryItem { sku onHand } } }",
            {"id": item["id"]},
        )
    )["node"]
    assert node == {"id": item["id"], "sku": "TEE-RED", "onHand": 0}
    missing = gql(client, account.sk_test, GET, {"id": "inv_missing"})
    problem = refused(missing, 404, "RESOURCE_NOT_FOUND")
    assert problem["type"] == "not_found_error"


@pytest.mark.parametrize(
    ("fields", "code", "param"),
    [
        ({"sku": "   "}, "MISSING_REQUIRED_FIELD", "input.sku"),
        ({"sku": "S" * 101}, "INVALID_FIELD_FORMAT", "input.sku"),
        ({"name": ""}, "MISSING_REQUIRED_FIELD", "input.name"),
        ({"name": "n" * 201}, "INVALID_FIELD_FORMAT", "input.name"),
        ({"location": "  "}, "INVALID_FIELD_FORMAT", "input.location"),
        ({"onHand": -1}, "INVALID_FIELD_FORMAT", "input.onHand"),
        ({"onHand": 1_000_000_001}, "INVALID_FIELD_FORMAT", "input.onHand"),
        ({"onHand": 2**31}, "INVALID_FIELD_FORMAT", None),  # beyond GraphQL's Int
        ({"lowStockThreshold": -1}, "INVALID_FIELD_FORMAT", "input.lowStockThreshold"),
        ({"metadata": {"bin": 4}}, "INVALID_FIELD_FORMAT", "input.metadata.bin"),
        ({"name": ...}, "MISSING_REQUIRED_FIELD", "input.name"),  # left out
    ],
)
def test_bad_input_is_refused_with_422_and_writes_nothing(
    client: httpx.Client, account: Account, fields: dict[str, Any], code: str, param: str | None
) -> None:
    given = {k: v for k, v in {"sku": "TEE-RED", "name": "Red tee", **fields}.items() if v != ...}
    problem = refused(gql(client, account.sk_test, CREATE, {"input": given}), 422, code)
    assert problem["type"] == "invalid_request_error"
    assert problem["details"], "every field problem is listed in details"
    if param is not None:
        assert problem["param"] == param
        assert [d["param"] for d in problem["details"]] == [param]
    assert list_items(client, account.sk_test)["totalCount"] == 0
    assert events(client, account.sk_test) == []


def test_every_bad_field_is_named_at_once(client: httpx.Client, account: Account) -> None:
    fields = {"sku": "", "name": "Tee", "onHand": -5, "lowStockThreshold": -1}
    response = gql(client, account.sk_test, CREATE, {"input": fields})
    problem = refused(response, 422, "VALIDATION_ERROR")
    assert {d["param"] for d in problem["details"]} == {
        "input.sku",
        "input.onHand",
        "input.lowStockThreshold",
    }


def test_a_sku_has_one_item_per_location_account_and_mode(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    create_item(client, account.sk_test, sku="TEE-RED", location="east", onHand=1)
    again = {"sku": "TEE-RED", "name": "Again", "location": " east "}
    response = gql(client, account.sk_test, CREATE, {"input": again})
    problem = refused(response, 409, "RESOURCE_ALREADY_EXISTS")
    assert problem["param"] == "input.sku"
    # The same sku elsewhere, in the other mode, or in another account is another item.
    create_item(client, account.sk_test, sku="TEE-RED", location="west")
    create_item(client, account.sk_live, sku="TEE-RED", location="east")
    create_item(client, new_account(server.database_url).sk_test, sku="TEE-RED", location="east")
    assert list_items(client, account.sk_test)["totalCount"] == 2
    assert event_types(client, account.sk_test) == ["inventory.updated"] * 2


def test_updating_changes_name_threshold_and_metadata_and_records_previous_attributes(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, onHand=4, metadata={"a": "1", "b": "2"})
    changes = {"name": "Crimson tee", "lowStockThreshold": 10, "metadata": {"a": "", "c": "3"}}
    updated = data(gql(client, account.sk_test, UPDATE, {"id": item["id"], "input": changes}))[
        "updateInventoryItem"
    ]
    assert (updated["name"], updated["lowStockThreshold"]) == ("Crimson tee", 10)
    assert updated["metadata"] == {"b": "2", "c": "3"}
    assert (updated["sku"], updated["onHand"]) == ("TEE-RED", 4)
    assert updated["updated"] > item["updated"]
    event = events(client, account.sk_test)[-1]
    # Raising the threshold above what is available is not stock falling: no low_stock.
    assert event["type"] == "inventory.updated"
    assert event["data"]["previous_attributes"] == {
        "name": "Red tee", "low_stock_threshold": 0, "metadata": {"a": "1", "b": "2"},
    }  # fmt: skip


def test_an_update_that_changes_nothing_emits_no_event(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, name="Same")
    data(gql(client, account.sk_test, UPDATE, {"id": item["id"], "input": {"name": "Same"}}))
    assert event_types(client, account.sk_test) == ["inventory.updated"]


@pytest.mark.parametrize(
    ("changes", "code", "param"),
    [
        ({"name": " "}, "MISSING_REQUIRED_FIELD", "input.name"),
        ({"lowStockThreshold": -2}, "INVALID_FIELD_FORMAT", "input.lowStockThreshold"),
        ({"metadata": {"k": "v" * 501}}, "INVALID_FIELD_FORMAT", "input.metadata.k"),
    ],
)
def test_update_validates_like_create_and_writes_nothing(
    client: httpx.Client, account: Account, changes: dict[str, Any], code: str, param: str
) -> None:
    item = create_item(client, account.sk_test)
    response = gql(client, account.sk_test, UPDATE, {"id": item["id"], "input": changes})
    assert refused(response, 422, code)["param"] == param
    assert get_item(client, account.sk_test, item["id"]) == item
    assert len(events(client, account.sk_test)) == 1


def test_updating_an_unknown_item_is_404(client: httpx.Client, account: Account) -> None:
    response = gql(client, account.sk_test, UPDATE, {"id": "inv_nope", "input": {"name": "x"}})
    refused(response, 404, "RESOURCE_NOT_FOUND")


# ------------------------------------------------------------------------------ adjust


def test_adjusting_adds_and_removes_stock_and_records_what_it_was(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, onHand=10)
    up = data(adjust(client, account.sk_test, item["id"], 5))["adjustInventory"]
    assert (up["onHand"], up["available"]) == (15, 15)
    down = data(adjust(client, account.sk_test, item["id"], -15))["adjustInventory"]
    assert (down["onHand"], down["available"]) == (0, 0)
    added, removed = events(client, account.sk_test)[1:]
    assert added["type"] == "inventory.updated"
    assert added["data"]["previous_attributes"] == {"on_hand": 10, "available": 10}
    assert added["data"]["object"]["on_hand"] == 15
    assert removed["type"] == "inventory.out_of_stock"
    assert removed["data"]["previous_attributes"] == {"on_hand": 15, "available": 15}


def test_on_hand_cannot_fall_below_reserved(client: httpx.Client, account: Account) -> None:
    item = create_item(client, account.sk_test, onHand=10)
    reserve(account, "TEE-RED", 6)
    before = get_item(client, account.sk_test, item["id"])
    assert (before["onHand"], before["reserved"], before["available"]) == (10, 6, 4)
    seen = len(events(client, account.sk_test))

    problem = refused(adjust(client, account.sk_test, item["id"], -5), 409, "RESOURCE_CONFLICT")
    assert problem["param"] == "input.delta"
    [detail] = problem["details"]
    assert detail["code"] == "INSUFFICIENT_STOCK"
    assert (detail["requested"], detail["on_hand"], detail["reserved"], detail["available"]) == (
        5, 10, 6, 4,
    )  # fmt: skip
    assert get_item(client, account.sk_test, item["id"]) == before
    assert len(events(client, account.sk_test)) == seen

    exact = data(adjust(client, account.sk_test, item["id"], -4))["adjustInventory"]
    assert (exact["onHand"], exact["reserved"], exact["available"]) == (6, 6, 0)


def test_stock_an_order_holds_cannot_be_adjusted_away_until_it_is_released(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, onHand=5, lowStockThreshold=2)
    line = {"sku": "TEE-RED", "name": "Red tee", "quantity": 3, "unitAmount": 1500}
    order = data(
        gql(
            client,
            account.sk_test,
            "mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }",
            {"input": {"currency": "USD", "lineItems": [line]}},
        )
    )["createOrder"]
    held = get_item(client, account.sk_test, item["id"])
    assert (held["onHand"], held["reserved"], held["available"]) == (5, 3, 2)
    assert "inventory.low_stock" in event_types(client, account.sk_test)
    refused(adjust(client, account.sk_test, item["id"], -3), 409, "RESOURCE_CONFLICT")

    cancel = "mutation($id: ID!) { cancelOrder(id: $id) { id } }"
    data(gql(client, account.sk_test, cancel, {"id": order["id"]}))
    freed = data(adjust(client, account.sk_test, item["id"], -5))["adjustInventory"]
    assert (freed["onHand"], freed["reserved"], freed["available"]) == (0, 0, 0)


@pytest.mark.parametrize(
    ("delta", "reason", "status", "code"),
    [
        (0, None, 422, "INVALID_FIELD_FORMAT"),
        (-1_000_000_001, None, 422, "INVALID_FIELD_FORMAT"),
        (1, "r" * 501, 422, "INVALID_FIELD_FORMAT"),
        (-3, None, 409, "RESOURCE_CONFLICT"),  # below zero
        (999_999_999, None, 409, "RESOURCE_CONFLICT"),  # more than any count may hold
    ],
)
def test_impossible_adjustments_are_refused_and_change_nothing(
    client: httpx.Client, account: Account, delta: int, reason: str | None, status: int, code: str
) -> None:
    item = create_item(client, account.sk_test, onHand=2)
    variables = {"id": item["id"], "delta": delta, "reason": reason}
    response = gql(client, account.sk_test, ADJUST, variables)
    refused(response, status, code)
    assert get_item(client, account.sk_test, item["id"])["onHand"] == 2
    assert len(events(client, account.sk_test)) == 1
    refused(adjust(client, account.sk_test, "inv_missing", 1), 404, "RESOURCE_NOT_FOUND")


# ---------------------------------------------------------------------------- transfer


def test_a_transfer_creates_the_destination_and_moves_available_stock(
    client: httpx.Client, account: Account
) -> None:
    source = create_item(client, account.sk_test, location="main", onHand=10, lowStockThreshold=2)
    moved = data(transfer(client, account.sk_test, 4, source="main"))["transferInventory"]
    assert moved["id"] != source["id"]
    assert (moved["sku"], moved["name"], moved["location"]) == ("TEE-RED", "Red tee", "store")
    assert (moved["onHand"], moved["available"], moved["lowStockThreshold"]) == (4, 4, 2)
    assert get_item(client, account.sk_test, source["id"])["onHand"] == 6

    out, into = events(client, account.sk_test)[1:]
    assert (out["type"], into["type"]) == ("inventory.transfer", "inventory.transfer")
    assert out["data"]["object"]["id"] == source["id"]
    assert out["data"]["previous_attributes"] == {"on_hand": 10, "available": 10}
    assert into["data"]["object"]["id"] == moved["id"]
    assert into["data"]["previous_attributes"] == {"on_hand": 0, "available": 0}

    again = data(transfer(client, account.sk_test, 6, source="main"))["transferInventory"]
    assert (again["id"], again["onHand"]) == (moved["id"], 10)
    assert list_items(client, account.sk_test)["totalCount"] == 2


def test_a_transfer_cannot_take_reserved_stock(client: httpx.Client, account: Account) -> None:
    create_item(client, account.sk_test, onHand=10)
    reserve(account, "TEE-RED", 7)
    seen = len(events(client, account.sk_test))
    problem = refused(transfer(client, account.sk_test, 4), 409, "RESOURCE_CONFLICT")
    [detail] = problem["details"]
    assert (detail["code"], detail["requested"], detail["available"]) == (
        "INSUFFICIENT_STOCK",
        4,
        3,
    )
    # Nothing was written, not even the destination.
    assert skus_at(list_items(client, account.sk_test)) == [("TEE-RED", "default")]
    assert len(events(client, account.sk_test)) == seen


@pytest.mark.parametrize(
    ("fields", "status", "code", "param"),
    [
        ({"to": "default"}, 422, "INVALID_FIELD_FORMAT", "input.toLocation"),  # same place
        ({"source": "nowhere"}, 404, "RESOURCE_NOT_FOUND", "input.fromLocation"),
        ({"sku": "UNKNOWN"}, 404, "RESOURCE_NOT_FOUND", "input.fromLocation"),
        ({"quantity": 0}, 422, "INVALID_FIELD_FORMAT", "input.quantity"),
        ({"sku": " "}, 422, "MISSING_REQUIRED_FIELD", "input.sku"),
    ],
)
def test_impossible_transfers_are_refused(
    client: httpx.Client,
    account: Account,
    fields: dict[str, Any],
    status: int,
    code: str,
    param: str,
) -> None:
    create_item(client, account.sk_test, onHand=5)
    given: dict[str, Any] = {"quantity": 1, **fields}
    problem = refused(transfer(client, account.sk_test, **given), status, code)
    assert problem["param"] == param
    assert list_items(client, account.sk_test)["totalCount"] == 1


def test_a_transfer_that_drains_the_source_also_reports_the_crossing(
    client: httpx.Client, account: Account
) -> None:
    source = create_item(client, account.sk_test, onHand=10, lowStockThreshold=5)
    both = ["inventory.transfer"] * 2
    moves = (
        (4, both),  # 6 left: above the threshold
        (2, [*both, "inventory.low_stock"]),  # 4 left: at or below it
        (4, [*both, "inventory.out_of_stock"]),  # none left
    )
    for quantity, expected in moves:
        seen = len(events(client, account.sk_test))
        data(transfer(client, account.sk_test, quantity))
        new = events(client, account.sk_test)[seen:]
        assert [e["type"] for e in new] == expected
        if len(new) == 3:
            assert new[2]["data"] == new[0]["data"]  # the same change of the source
            assert new[2]["data"]["object"]["id"] == source["id"]


# ------------------------------------------------------------ low stock and out of stock


def test_low_stock_and_out_of_stock_fire_once_per_crossing_downwards(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, onHand=10, lowStockThreshold=3)
    steps = [
        (-5, 5, "inventory.updated"),  # still above the threshold
        (-2, 3, "inventory.low_stock"),  # down to the threshold: crossing
        (-1, 2, "inventory.updated"),  # further below it: no second alert
        (-2, 0, "inventory.out_of_stock"),  # down to zero
        (1, 1, "inventory.updated"),  # up, still below the threshold
        (5, 6, "inventory.updated"),  # back above it
        (-4, 2, "inventory.low_stock"),  # and down across it again
        (-2, 0, "inventory.out_of_stock"),
        (10, 10, "inventory.updated"),
        (-10, 0, "inventory.out_of_stock"),  # both lines at once: one event, the zero one
    ]
    for delta, available, expected in steps:
        seen = len(events(client, account.sk_test))
        assert (
            data(adjust(client, account.sk_test, item["id"], delta))["adjustInventory"]["available"]
            == available
        )
        [event] = events(client, account.sk_test)[seen:]
        assert event["type"] == expected, (delta, available)
        assert event["data"]["previous_attributes"] == {
            "on_hand": available - delta, "available": available - delta,
        }  # fmt: skip
        assert event["data"]["object"]["available"] == available


def test_reserving_stock_across_the_threshold_reports_low_stock(
    client: httpx.Client, account: Account
) -> None:
    create_item(client, account.sk_test, onHand=10, lowStockThreshold=4)
    reserve(account, "TEE-RED", 5)
    reserve(account, "TEE-RED", 2)
    reserve(account, "TEE-RED", 3)
    _created, above, crossing, empty = events(client, account.sk_test)
    assert above["type"] == "inventory.updated"
    assert crossing["type"] == "inventory.low_stock"
    assert crossing["data"]["previous_attributes"] == {"reserved": 5, "available": 5}
    assert empty["type"] == "inventory.out_of_stock"
    assert empty["data"]["object"]["on_hand"] == 10


def test_without_a_threshold_only_running_out_is_reported(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, onHand=3)
    for delta in (-2, -1, 2, -2):
        data(adjust(client, account.sk_test, item["id"], delta))
    assert event_types(client, account.sk_test)[1:] == [
        "inventory.updated", "inventory.out_of_stock", "inventory.updated",
        "inventory.out_of_stock",
    ]  # fmt: skip


# ------------------------------------------------------------------------ keys, scopes


def test_publishable_keys_read_inventory_but_cannot_change_it(
    client: httpx.Client, account: Account
) -> None:
    item = create_item(client, account.sk_test, onHand=3)
    key = account.keys["pk_test"]
    assert get_item(client, key, item["id"])["onHand"] == 3
    assert skus_at(list_items(client, key)) == [("TEE-RED", "default")]
    node = gql(client, key, "query($id: ID!) { node(id: $id) { id } }", {"id": item["id"]})
    assert data(node)["node"] == {"id": item["id"]}
    for response in (
        gql(client, key, CREATE, {"input": {"sku": "NEW", "name": "New"}}),
        gql(client, key, UPDATE, {"id": item["id"], "input": {"name": "Mine"}}),
        adjust(client, key, item["id"], 1),
        transfer(client, key, 1),
    ):
        problem = refused(response, 403, "INSUFFICIENT_PERMISSIONS")
        assert problem["type"] == "permission_error"
    assert get_item(client, account.sk_test, item["id"]) == item
    assert len(events(client, account.sk_test)) == 1


@pytest.mark.parametrize(
    ("scopes", "reads", "writes"),
    [
        (["inventory:read"], True, False),
        (["inventory:write"], True, True),
        (["customers:write", "orders:write", "events:read"], False, False),
    ],
)
def test_restricted_keys_need_the_inventory_scopes(
    client: httpx.Client, account: Account, scopes: list[str], reads: bool, writes: bool
) -> None:
    item = create_item(client, account.sk_test, onHand=1)
    key = account.key("rk", scopes)
    for allowed, response in (
        (reads, gql(client, key, GET, {"id": item["id"]})),
        (reads, gql(client, key, LIST)),
        (writes, adjust(client, key, item["id"], 1)),
        (writes, gql(client, key, CREATE, {"input": {"sku": "S", "name": "N"}})),
    ):
        if allowed:
            data(response)
        else:
            assert refused(response, 403, "INSUFFICIENT_PERMISSIONS")["required_scope"] in (
                "inventory:read", "inventory:write",
            )  # fmt: skip


def test_items_of_other_accounts_and_modes_are_never_seen_or_touched(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    other = new_account(server.database_url, name="Other Shop")
    mine = create_item(client, account.sk_test, sku="MINE", onHand=5)
    live = create_item(client, account.sk_live, sku="LIVE", onHand=5)
    theirs = create_item(client, other.sk_test, sku="THEIRS", onHand=5)
    for key, expected, strangers in (
        (account.sk_test, mine, (live, theirs)),
        (account.sk_live, live, (mine, theirs)),
        (other.sk_test, theirs, (mine, live)),
    ):
        assert [n["id"] for n in list_items(client, key)["nodes"]] == [expected["id"]]
        for stranger in strangers:
            refused(gql(client, key, GET, {"id": stranger["id"]}), 404, "RESOURCE_NOT_FOUND")
            refused(adjust(client, key, stranger["id"], -1), 404, "RESOURCE_NOT_FOUND")
            moving = transfer(client, key, 1, sku=stranger["sku"])
            refused(moving, 404, "RESOURCE_NOT_FOUND")
    for key, item in ((account.sk_test, mine), (account.sk_live, live), (other.sk_test, theirs)):
        assert get_item(client, key, item["id"])["onHand"] == 5
        assert len(events(client, key)) == 1


# ------------------------------------------------------------------------------- lists


@pytest.fixture
def shelf(client: httpx.Client, account: Account) -> dict[str, dict[str, Any]]:
    """Four items: available 10, 3, 0 and (7 on hand, 4 reserved) 3."""
    made = {
        "red": create_item(client, account.sk_test, sku="TEE-RED", onHand=10, lowStockThreshold=5),
        "blue": create_item(client, account.sk_test, sku="TEE-BLUE", onHand=3, lowStockThreshold=5),
        "mug": create_item(client, account.sk_test, sku="MUG", name="Mug", location="east"),
        "red_east": create_item(client, account.sk_test, sku="TEE-RED", location="east", onHand=7),
    }
    reserve(account, "TEE-RED", 4, location="east")
    return made


# Each filter over the shelf, and the items it selects.
FILTERS: list[tuple[dict[str, Any], set[str]]] = [
    ({"sku": {"_like": "TEE-%"}}, {"red", "blue", "red_east"}),
    ({"sku": {"_ilike": "tee-red"}}, {"red", "red_east"}),
    ({"location": {"_eq": "east"}}, {"mug", "red_east"}),
    ({"available": {"_lte": 3}}, {"blue", "mug", "red_east"}),
    ({"available": {"_between": [1, 5]}}, {"blue", "red_east"}),
    ({"available": {"_in": [0, 10]}}, {"mug", "red"}),
    ({"onHand": {"_gte": 7}}, {"red", "red_east"}),
    ({"reserved": {"_gt": 0}}, {"red_east"}),
    ({"lowStockThreshold": {"_eq": 5}}, {"red", "blue"}),
    ({"_or": [{"location": {"_eq": "east"}}, {"sku": {"_eq": "TEE-BLUE"}}]},
     {"blue", "mug", "red_east"}),
    ({"_not": {"sku": {"_like": "TEE%"}}}, {"mug"}),
    ({"_and": [{"sku": {"_eq": "TEE-RED"}}, {"available": {"_gt": 3}}]}, {"red"}),
    ({"created": {"_gte": "2000-01-01"}, "name": {"_ne": "Mug"}}, {"red", "blue", "red_east"}),
]  # fmt: skip


def test_filters_select_exactly_the_matching_items(
    client: httpx.Client, account: Account, shelf: dict[str, dict[str, Any]]
) -> None:
    by_id = {item["id"]: name for name, item in shelf.items()}
    for where, expected in FILTERS:
        page = list_items(client, account.sk_test, where=where)
        assert {by_id[node["id"]] for node in page["nodes"]} == expected, where
        assert page["totalCount"] == len(expected), where


def test_items_sort_by_any_count_and_page_through_that_order(
    client: httpx.Client, account: Account, shelf: dict[str, dict[str, Any]]
) -> None:
    by_available = [{"field": "AVAILABLE", "direction": "ASC"}, {"field": "SKU"}]
    expected = [("MUG", "east"), ("TEE-BLUE", "default"), ("TEE-RED", "east"),
                ("TEE-RED", "default")]  # fmt: skip
    assert skus_at(list_items(client, account.sk_test, orderBy=by_available)) == expected
    walked: list[tuple[str, str]] = []
    after = None
    while True:
        page = list_items(client, account.sk_test, first=1, after=after, orderBy=by_available)
        walked += skus_at(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == expected
    by_on_hand = [{"field": "ON_HAND", "direction": "DESC"}]
    assert [n["sku"] for n in list_items(client, account.sk_test, orderBy=by_on_hand)["nodes"]] == [
        "TEE-RED", "TEE-RED", "TEE-BLUE", "MUG",
    ]  # fmt: skip
    newest_first = list_items(client, account.sk_test)
    assert [n["id"] for n in newest_first["nodes"]] == [
        shelf[name]["id"] for name in ("red_east", "mug", "blue", "red")
    ]


def test_a_page_of_50_items_costs_the_same_statements_as_a_page_of_5(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    for start in (0, 25):
        params = ", ".join(f"$i{n}: CreateInventoryItemInput!" for n in range(25))
        fields = " ".join(f"c{n}: createInventoryItem(input: $i{n}) {{ id }}" for n in range(25))
        variables = {f"i{n}": {"sku": f"SKU-{start + n}", "name": "Item"} for n in range(25)}
        data(gql(client, account.sk_test, f"mutation({params}) {{ {fields} }}", variables))
    list_items(client, account.sk_test, first=5)  # warm anything a first request warms

    counts: dict[int, int] = {}
    for first in (5, 50):
        with server.count_statements() as statements:
            page = list_items(client, account.sk_test, first=first)
        assert (len(page["nodes"]), page["totalCount"]) == (first, 50)
        counts[first] = len(statements)
        # The page and its count; on PostgreSQL the compiled read engine counts inside
        # the page's one statement.
        compiled = server.database_url.startswith("postgresql")
        reads = [s for s in statements if "FROM inventory_items" in s]
        assert len(reads) == (1 if compiled else 2), statements
    assert counts[5] == counts[50], counts


# ---------------------------------------------------------------------- concurrency


def test_concurrent_adjustments_never_take_on_hand_below_reserved(
    server: LiveServer, client: httpx.Client, account: Account, postgres_only: None
) -> None:
    item = create_item(client, account.sk_test, onHand=100)
    reserve(account, "TEE-RED", 30)
    deltas = [-7] * 16 + [3] * 4
    accepted: list[int] = []
    codes: list[str] = []
    lock = threading.Lock()

    def work(own: httpx.Client, n: int) -> None:
        body = adjust(own, account.sk_test, item["id"], deltas[n]).json()
        with lock:
            if body.get("errors"):
                codes.append(body["errors"][0]["extensions"]["code"])
            else:
                accepted.append(deltas[n])

    run_together(len(deltas), work, server)
    final = get_item(client, account.sk_test, item["id"])
    assert set(codes) <= {"RESOURCE_CONFLICT"}
    assert len(accepted) + len(codes) == len(deltas)
    assert final["onHand"] == 100 + sum(accepted)
    assert final["reserved"] == 30
    assert final["onHand"] >= final["reserved"]
    assert accepted.count(-7) >= 10  # 70 were available before any +3 arrived
    # One event per accepted change, and each one records the value it replaced.
    changes = events(client, account.sk_test)[2:]
    assert len(changes) == len(accepted)
    for event in changes:
        before, after = event["data"]["previous_attributes"], event["data"]["object"]
        assert after["on_hand"] - before["on_hand"] in (-7, 3)


def test_concurrent_creates_of_one_sku_and_location_make_one_item(
    server: LiveServer, client: httpx.Client, account: Account, postgres_only: None
) -> None:
    codes: list[str] = []

    def work(own: httpx.Client, n: int) -> None:
        body = gql(own, account.sk_test, CREATE, {"input": {"sku": "RACE", "name": "R"}}).json()
        codes.append(body["errors"][0]["extensions"]["code"] if body.get("errors") else "ok")

    run_together(8, work, server)
    assert sorted(codes) == ["RESOURCE_ALREADY_EXISTS"] * 7 + ["ok"]
    assert list_items(client, account.sk_test)["totalCount"] == 1


def test_concurrent_transfers_into_a_new_location_create_it_once(
    server: LiveServer, client: httpx.Client, account: Account, postgres_only: None
) -> None:
    sources = 6
    for n in range(sources):
        create_item(client, account.sk_test, location=f"store-{n}", onHand=10)

    def work(own: httpx.Client, n: int) -> None:
        data(transfer(own, account.sk_test, n + 1, source=f"store-{n}", to="hub"))

    run_together(sources, work, server)
    hub = list_items(client, account.sk_test, where={"location": {"_eq": "hub"}})
    [node] = hub["nodes"]
    assert node["available"] == sum(range(1, sources + 1))
