"""Events by type (API.md section 7): ``type=order.shipped``, ``type=order.*`` and ``*``,
through REST and GraphQL, on both databases."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.rest_support import CARD, Rest, error_of
from tests.support import Account, data, error, gql

EVENTS = """
query Events($type: String, $first: Int! = 100, $after: String) {
  events(type: $type, first: $first, after: $after) {
    nodes { id type }
    pageInfo { hasNextPage endCursor }
  }
}
"""

BAD_PATTERNS = [
    "",
    "order.",
    ".created",
    "order..created",
    "Order.created",
    "order*",
    "*.created",
    "order.*.created",
    "order.**",
    "order.%",
    "order created",
    "order.created;",
    "a" * 101,
]


@pytest.fixture
def rest(client: httpx.Client, account: Account) -> Rest:
    return Rest(client, account.sk_test)


@pytest.fixture
def history(rest: Rest) -> list[dict[str, Any]]:
    """Events of several families, inventory.low_stock (a type with ``_``) among them:
    every event of the account, newest first."""
    rest.ok(rest.post("/v1/customers", {"email": "ana@example.com"}), 201)
    item = {"sku": "SKU-T", "name": "Tee", "on_hand": 3, "low_stock_threshold": 1}
    rest.ok(rest.post("/v1/inventory", item), 201)
    line = {"sku": "SKU-T", "name": "Tee", "quantity": 2, "unit_amount": 1250}
    order = rest.ok(rest.post("/v1/orders", {"currency": "usd", "line_items": [line]}), 201)
    rest.ok(rest.post(f"/v1/orders/{order['id']}/pay", {"card": CARD}))
    rest.ok(rest.post(f"/v1/orders/{order['id']}/process"))
    events: list[dict[str, Any]] = rest.ok(rest.get("/v1/events", {"limit": 100}))["data"]
    return events


def _ids(events: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in events]


def _rest_types(rest: Rest, pattern: str) -> list[dict[str, Any]]:
    body = rest.ok(rest.get("/v1/events", {"type": pattern, "limit": 100}))
    assert body["has_more"] is False
    events: list[dict[str, Any]] = body["data"]
    return events


def _graphql_types(client: httpx.Client, key: str, pattern: str) -> list[dict[str, Any]]:
    result = data(gql(client, key, EVENTS, {"type": pattern}))["events"]
    assert result["pageInfo"]["hasNextPage"] is False
    nodes: list[dict[str, Any]] = result["nodes"]
    return nodes


@pytest.mark.parametrize(
    ("pattern", "selects"),
    [
        ("order.created", lambda t: t == "order.created"),
        ("order.paid", lambda t: t == "order.paid"),
        ("inventory.low_stock", lambda t: t == "inventory.low_stock"),
        ("order.*", lambda t: t.startswith("order.")),
        ("inventory.*", lambda t: t.startswith("inventory.")),
        ("customer.*", lambda t: t.startswith("customer.")),
        ("*", lambda t: True),
    ],
)
def test_events_are_listed_by_type_or_family_on_both_surfaces(
    client: httpx.Client,
    account: Account,
    rest: Rest,
    history: list[dict[str, Any]],
    pattern: str,
    selects: Any,
) -> None:
    expected = [e for e in history if selects(e["type"])]
    assert expected, f"the history has no event for {pattern}"
    assert _ids(_rest_types(rest, pattern)) == _ids(expected)
    assert _ids(_graphql_types(client, account.sk_test, pattern)) == _ids(expected)


def test_a_family_is_whole_words_only(rest: Rest, history: list[dict[str, Any]]) -> None:
    # "order.*" is the order family: never "orders." nor a type merely starting "order".
    assert {e["type"] for e in _rest_types(rest, "order.*")} == {
        "order.created",
        "order.paid",
        "order.processing",
    }
    assert _rest_types(rest, "order") == []
    assert _rest_types(rest, "order.create") == []
    assert _rest_types(rest, "return.*") == []


def test_a_type_filter_pages_and_combines_with_other_filters(
    rest: Rest, history: list[dict[str, Any]]
) -> None:
    orders = [e for e in history if e["type"].startswith("order.")]
    first = rest.ok(rest.get("/v1/events", {"type": "order.*", "limit": 2}))
    assert first["has_more"] is True
    rest_of = rest.ok(
        rest.get("/v1/events", {"type": "order.*", "limit": 2, "cursor": first["next_cursor"]})
    )
    assert _ids(first["data"] + rest_of["data"]) == _ids(orders)
    newest = orders[0]["sequence"]
    older = rest.ok(rest.get("/v1/events", {"type": "order.*", "sequence_lt": newest}))
    assert _ids(older["data"]) == _ids(orders[1:])


@pytest.mark.parametrize("pattern", BAD_PATTERNS)
def test_a_type_that_is_no_pattern_is_refused_naming_type(
    client: httpx.Client, account: Account, rest: Rest, pattern: str
) -> None:
    problem = error_of(rest.get("/v1/events", {"type": pattern}), 400)
    assert (problem["code"], problem["param"]) == ("VALIDATION_ERROR", "type")
    assert "order.*" in problem["message"]
    assert len(problem["message"]) < 250
    refused = error(gql(client, account.sk_test, EVENTS, {"type": pattern}))
    assert (refused["code"], refused["param"]) == ("VALIDATION_ERROR", "type")


def test_type_is_given_once(rest: Rest) -> None:
    problem = error_of(rest.get("/v1/events?type=order.*&type=customer.*"), 400)
    assert (problem["code"], problem["param"]) == ("VALIDATION_ERROR", "type")


def test_the_type_parameter_is_described_in_openapi(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    parameters = {p["name"]: p for p in document["paths"]["/v1/events"]["get"]["parameters"]}
    assert parameters["type"]["in"] == "query"
    assert parameters["type"]["schema"] == {"type": "string"}
    assert "order.*" in parameters["type"]["description"]


def test_an_objects_events_are_listed_by_its_id_on_both_surfaces(
    rest: Rest, client: httpx.Client, account: Account, history: list[dict[str, Any]]
) -> None:
    order_id = next(e["data"]["object"]["id"] for e in history if e["type"] == "order.paid")
    about = [e for e in reversed(history) if e["data"]["object"]["id"] == order_id]
    assert [e["type"] for e in about] == ["order.created", "order.paid", "order.processing"]
    listed = rest.ok(
        rest.get("/v1/events", {"object_id_eq": order_id, "sort": "sequence", "limit": 100})
    )["data"]
    assert listed == about
    query = (
        "query($id: ID!) { events(where: {objectId: {_eq: $id}}, "
        "orderBy: [{field: SEQUENCE}]) { nodes { id type } } }"
    )
    nodes = data(gql(client, account.sk_test, query, {"id": order_id}))["events"]["nodes"]
    assert nodes == [{"id": e["id"], "type": e["type"]} for e in about]
