"""The REST facade (API.md sections 4, 5, 6, 10), driven with httpx on both databases."""

from __future__ import annotations

import re
import threading
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType

from stateset_gql.graphql.schema import build_schema
from stateset_gql.rest.routes import EXCLUDED, ROUTES
from tests.rest_support import CARD, Rest, error_of, stocked_order
from tests.support import Account, LiveServer, data, gql

schema = build_schema()

ENUM_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


@pytest.fixture
def rest(client: httpx.Client, account: Account) -> Rest:
    return Rest(client, account.sk_test)


def test_every_root_field_has_a_route_or_an_explicit_exclusion() -> None:
    routed = {route.field for route in ROUTES}
    for root in (schema._schema.query_type, schema._schema.mutation_type):
        assert isinstance(root, GraphQLObjectType)
        missing = set(root.fields) - routed - set(EXCLUDED)
        assert missing == set(), f"add a route or an exclusion for {sorted(missing)}"
    assert routed & set(EXCLUDED) == set()


def test_every_route_names_an_existing_field() -> None:
    query, mutation = schema._schema.query_type, schema._schema.mutation_type
    assert query is not None
    assert mutation is not None
    for route in ROUTES:
        root = mutation if route.is_mutation else query
        assert route.field in root.fields, f"{route.method} {route.path}"


def test_creation_answers_201_and_the_object(rest: Rest) -> None:
    created = rest.ok(rest.post("/v1/customers", {"email": "r@example.com", "name": "R"}), 201)
    assert created["object"] == "customer"
    assert created["id"].startswith("cus_")
    fetched = rest.ok(rest.get(f"/v1/customers/{created['id']}"))
    assert fetched == created


def test_bodies_and_answers_are_snake_case_and_metadata_is_left_alone(rest: Rest) -> None:
    body = {
        "email": "s@example.com",
        "address": {"line1": "1 Main St", "postal_code": "10001", "country": "US"},
        "metadata": {"camelCaseKey": "kept", "snake_key": "kept"},
    }
    created = rest.ok(rest.post("/v1/customers", body), 201)
    assert created["address"]["postal_code"] == "10001"
    assert created["metadata"] == {"camelCaseKey": "kept", "snake_key": "kept"}
    updated = rest.ok(rest.patch(f"/v1/customers/{created['id']}", {"metadata": {"snake_key": ""}}))
    assert updated["metadata"] == {"camelCaseKey": "kept"}


def test_delete_answers_the_deleted_stub(rest: Rest) -> None:
    created = rest.ok(rest.post("/v1/customers", {"email": "d@example.com"}), 201)
    deleted = rest.ok(rest.delete(f"/v1/customers/{created['id']}"))
    assert deleted == {"id": created["id"], "object": "customer", "deleted": True}
    assert error_of(rest.get(f"/v1/customers/{created['id']}"), 404)["code"] == "RESOURCE_NOT_FOUND"


def test_an_order_lives_its_whole_life_over_rest(rest: Rest) -> None:
    order = stocked_order(rest, quantity=2)
    assert (order["status"], order["amount"], order["currency"]) == ("pending", 2500, "USD")
    paid = rest.ok(rest.post(f"/v1/orders/{order['id']}/pay", {"card": CARD}))
    assert paid["status"] == "paid"
    assert paid["payments"][0]["card"]["last4"] == "4242"
    rest.ok(rest.post(f"/v1/orders/{order['id']}/process"))
    shipped = rest.ok(
        rest.post(f"/v1/orders/{order['id']}/ship", {"carrier": "UPS", "tracking_number": "1Z"})
    )
    assert (shipped["status"], shipped["tracking_number"]) == ("shipped", "1Z")
    delivered = rest.ok(rest.post(f"/v1/orders/{order['id']}/deliver"))
    assert delivered["status"] == "delivered"
    refunded = rest.ok(
        rest.post(f"/v1/orders/{order['id']}/refund", {"amount": 500, "reason": "late"})
    )
    assert refunded["amount_refunded"] == 500
    conflict = error_of(rest.post(f"/v1/orders/{order['id']}/cancel", {"reason": "x"}), 409)
    assert conflict["code"] == "RESOURCE_CONFLICT"
    assert {"from": "delivered", "to": "cancelled"}.items() <= conflict["details"][0].items()


def test_a_declined_card_is_402_with_its_decline_code(rest: Rest) -> None:
    order = stocked_order(rest)
    declined = {**CARD, "number": "4000000000009995"}
    problem = error_of(rest.post(f"/v1/orders/{order['id']}/pay", {"card": declined}), 402)
    assert (problem["code"], problem["type"]) == ("CARD_DECLINED", "card_error")
    assert problem["decline_code"] == "insufficient_funds"
    assert problem["payment_id"].startswith("pay_")
    again = rest.ok(rest.get(f"/v1/orders/{order['id']}"))
    assert [p["status"] for p in again["payments"]] == ["failed"]


def test_inventory_returns_and_subscriptions_are_served_too(rest: Rest) -> None:
    item = rest.ok(rest.post("/v1/inventory", {"sku": "A", "name": "A", "on_hand": 5}), 201)
    adjusted = rest.ok(
        rest.post(f"/v1/inventory/{item['id']}/adjust", {"delta": -2, "reason": "count"})
    )
    assert adjusted["on_hand"] == 3
    moved = rest.ok(
        rest.post(
            "/v1/inventory/transfers",
            {"sku": "A", "from_location": "default", "to_location": "east", "quantity": 1},
        ),
    )
    assert (moved["location"], moved["on_hand"]) == ("east", 1)
    order = stocked_order(rest, "B")
    rest.ok(rest.post(f"/v1/orders/{order['id']}/pay", {"card": CARD}))
    rest.ok(rest.post(f"/v1/orders/{order['id']}/process"))
    rest.ok(rest.post(f"/v1/orders/{order['id']}/ship", {"carrier": "UPS", "tracking_number": "1"}))
    ret = rest.ok(
        rest.post("/v1/returns", {"order_id": order["id"], "items": [{"sku": "B", "quantity": 1}]}),
        201,
    )
    assert ret["status"] == "requested"
    for action, status in (
        ("approve", "approved"),
        ("receive", "received"),
        ("process", "processed"),
    ):
        ret = rest.ok(rest.post(f"/v1/returns/{ret['id']}/{action}"))
        assert ret["status"] == status
    customer = rest.ok(rest.post("/v1/customers", {"email": "sub@example.com"}), 201)
    sub = rest.ok(
        rest.post(
            "/v1/subscriptions",
            {
                "customer_id": customer["id"],
                "plan": "gold",
                "amount": 900,
                "currency": "usd",
                "interval": "month",
            },
        ),
        201,
    )
    assert (sub["status"], sub["interval"]) == ("active", "month")
    blocked = error_of(rest.delete(f"/v1/customers/{customer['id']}"), 409)
    assert blocked["code"] == "RESOURCE_CONFLICT"
    cancelled = rest.ok(rest.post(f"/v1/subscriptions/{sub['id']}/cancel"))
    assert cancelled["status"] == "cancelled"


def _graphql_list(
    client: httpx.Client, key: str, field: str, selection: str
) -> list[dict[str, Any]]:
    # 20 full orders (their lines, payments and refunds) stay under the cost limit.
    nodes: list[dict[str, Any]] = data(
        gql(client, key, f"{{ {field}(first: 20) {{ nodes {{ {selection} }} }} }}")
    )[field]["nodes"]
    return nodes


def _same(rest_value: Any, graphql_value: Any, where: str) -> None:
    """REST and GraphQL agree: same keys (snake/camel), same values (enums lower/upper)."""
    from stateset_gql.naming import to_snake

    if isinstance(graphql_value, dict) and not isinstance(rest_value, str):
        assert isinstance(rest_value, dict), where
        assert set(rest_value) == {to_snake(k) for k in graphql_value} or where.endswith(
            ("metadata", "data")
        ), where
        for key, value in graphql_value.items():
            target = key if where.endswith(("metadata", "data")) else to_snake(key)
            _same(rest_value[target], value, f"{where}.{key}")
    elif isinstance(graphql_value, list):
        assert isinstance(rest_value, list), where
        assert len(rest_value) == len(graphql_value), where
        for i, (r, g) in enumerate(zip(rest_value, graphql_value, strict=True)):
            _same(r, g, f"{where}[{i}]")
    elif isinstance(graphql_value, str) and ENUM_NAME.match(graphql_value):
        # An enum is PENDING in GraphQL and pending in REST; other upper-case text is equal.
        assert rest_value in (graphql_value, graphql_value.lower()), where
    else:
        assert rest_value == graphql_value, where


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/customers", "customers"),
        ("/v1/orders", "orders"),
        ("/v1/inventory", "inventoryItems"),
        ("/v1/returns", "returns"),
        ("/v1/subscriptions", "customerSubscriptions"),
        ("/v1/events", "events"),
        ("/v1/api_keys", "apiKeys"),
    ],
)
def test_rest_and_graphql_list_and_fetch_the_same_objects(
    client: httpx.Client, account: Account, path: str, field: str
) -> None:
    from stateset_gql.rest.operations import operation_for

    rest = Rest(client, account.sk_test)
    order = stocked_order(rest, quantity=2)
    rest.ok(rest.post(f"/v1/orders/{order['id']}/pay", {"card": CARD}))
    rest.ok(rest.post(f"/v1/orders/{order['id']}/process"))
    rest.ok(rest.post(f"/v1/orders/{order['id']}/ship", {"carrier": "UPS", "tracking_number": "1"}))
    rest.ok(rest.post(f"/v1/orders/{order['id']}/refund", {"amount": 100}))
    rest.ok(
        rest.post(
            "/v1/returns", {"order_id": order["id"], "items": [{"sku": "SKU-1", "quantity": 1}]}
        ),
        201,
    )
    customer = rest.ok(
        rest.post("/v1/customers", {"email": "p@example.com", "address": {"city": "Lima"}}), 201
    )
    rest.ok(
        rest.post(
            "/v1/subscriptions",
            {
                "customer_id": customer["id"],
                "plan": "p",
                "amount": 1,
                "currency": "eur",
                "interval": "year",
            },
        ),
        201,
    )
    route = next(r for r in ROUTES if r.method == "GET" and r.path == path)
    selection = (
        operation_for(schema, route).query.split("node {", 1)[1].rsplit("} } pageInfo", 1)[0]
    )
    over_graphql = _graphql_list(client, account.sk_test, field, selection)
    over_rest = rest.ok(rest.get(path, {"limit": 20}))["data"]
    assert over_graphql, "the setup made at least one of each"
    assert len(over_rest) == len(over_graphql)
    for rest_item, graphql_item in zip(over_rest, over_graphql, strict=True):
        _same(rest_item, graphql_item, field)
        single = rest.ok(rest.get(f"{path}/{rest_item['id']}")) if field != "apiKeys" else rest_item
        assert single == rest_item


def test_lists_page_with_cursors_and_offsets(rest: Rest) -> None:
    ids = [
        rest.ok(rest.post("/v1/customers", {"email": f"l{i}@example.com"}), 201)["id"]
        for i in range(7)
    ]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        page = rest.ok(rest.get("/v1/customers", params))
        assert page["object"] == "list"
        assert page["url"] == "/v1/customers"
        seen += [c["id"] for c in page["data"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        params = {"limit": 3, "cursor": page["next_cursor"]}
    assert seen == list(reversed(ids))
    offset = rest.ok(rest.get("/v1/customers", {"limit": 2, "offset": 2, "include_total": "true"}))
    assert [c["id"] for c in offset["data"]] == seen[2:4]
    assert offset["total_count"] == 7
    paged = rest.get("/v1/customers", {"limit": 2, "page": 2})
    assert paged.headers["deprecation"] == "true"
    assert [c["id"] for c in rest.ok(paged)["data"]] == seen[2:4]
    oldest_first = rest.ok(rest.get("/v1/customers", {"sort": "created", "limit": 100}))
    assert [c["id"] for c in oldest_first["data"]] == ids


def test_filters_and_sorting_over_rest(rest: Rest) -> None:
    for i, amount in enumerate((500, 1500, 2500)):
        rest.ok(rest.post("/v1/inventory", {"sku": f"F{i}", "name": f"F{i}", "on_hand": 10}), 201)
        rest.ok(
            rest.post(
                "/v1/orders",
                {
                    "currency": "usd" if i < 2 else "eur",
                    "line_items": [
                        {"sku": f"F{i}", "name": "x", "quantity": 1, "unit_amount": amount}
                    ],
                },
            ),
            201,
        )

    def amounts(**params: Any) -> list[int]:
        return [o["amount"] for o in rest.ok(rest.get("/v1/orders", params))["data"]]

    assert amounts(amount_gte=1500, sort="amount") == [1500, 2500]
    assert amounts(amount_lt=1500) == [500]
    assert amounts(currency_eq="EUR") == [2500]
    assert amounts(status_in="pending,paid", sort="-amount") == [2500, 1500, 500]
    assert amounts(amount_between="500,1500", sort="amount") == [500, 1500]
    today = rest.ok(rest.get("/v1/orders", {"limit": 1}))["data"][0]["created"][:10]
    assert len(amounts(created_between=f"2000-01-01,{today}")) == 3
    assert amounts(status_eq="shipped") == []


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "10001"}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"cursor": "abc", "offset": "1"}, "cursor"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"amount_gt": "abc"}, "amount_gt"),
        ({"nope_eq": "1"}, "nope_eq"),
        ({"amount": "1"}, "amount"),
        ({"status_eq": "flying"}, "status_eq"),
        ({"status_like": "p%"}, "status_like"),
        ({"created_gte": "yesterday"}, "created_gte"),
        ({"amount_between": "1"}, "amount_between"),
        ({"sort": "-nope"}, "sort"),
        # REST names list fields in snake_case only, as their lists declare them.
        ({"customerId_eq": "cus_1"}, "customerId_eq"),
        ({"customer__id_eq": "cus_1"}, "customer__id_eq"),
        ({"sort": "AMOUNT"}, "sort"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(
    rest: Rest, params: dict[str, str], param: str
) -> None:
    problem = error_of(rest.get("/v1/orders", params), 400)
    assert problem["code"] == "VALIDATION_ERROR"
    assert problem["param"] == param


def test_http_errors_keep_the_contract_shape(
    rest: Rest, client: httpx.Client, account: Account
) -> None:
    assert error_of(rest.get("/v1/nothing"), 404)["code"] == "RESOURCE_NOT_FOUND"
    assert error_of(rest.get("/v1/customers/cus_missing"), 404)["param"] == "id"
    wrong = rest.client.put("/v1/customers", headers=rest._headers(None))
    assert error_of(wrong, 405)["code"] == "METHOD_NOT_ALLOWED"
    assert wrong.headers["allow"] == "GET, POST"
    malformed = client.post(
        "/v1/customers",
        content=b"{nope",
        headers={**rest._headers(None), "Content-Type": "application/json"},
    )
    assert error_of(malformed, 400)["code"] == "INVALID_JSON"
    text = client.post(
        "/v1/customers",
        content=b"email=x",
        headers={**rest._headers(None), "Content-Type": "text/plain"},
    )
    assert error_of(text, 415)["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert error_of(client.get("/v1/customers"), 401)["code"] == "MISSING_API_KEY"
    reader = Rest(client, account.key("rk", ["customers:read"]))
    assert (
        error_of(reader.post("/v1/customers", {"email": "x@example.com"}), 403)["code"]
        == "INSUFFICIENT_PERMISSIONS"
    )
    publishable = Rest(client, account.keys["pk_test"])
    assert publishable.ok(publishable.get("/v1/inventory"))["object"] == "list"
    assert error_of(publishable.get("/v1/orders"), 403)["type"] == "permission_error"


def test_body_problems_are_422_with_one_detail_per_field(rest: Rest) -> None:
    problem = error_of(
        rest.post("/v1/customers", {"email": "bad", "address": {"postal_code": 5, "planet": "x"}}),
        422,
    )
    assert problem["code"] == "VALIDATION_ERROR"
    assert {d["param"] for d in problem["details"]} >= {"address[planet]"}
    missing = error_of(rest.post("/v1/customers", {"name": "No Email"}), 422)
    assert (missing["code"], missing["param"]) == ("MISSING_REQUIRED_FIELD", "email")
    wrong_type = error_of(rest.post("/v1/customers", {"email": 5}), 422)
    assert (wrong_type["code"], wrong_type["param"]) == ("INVALID_FIELD_FORMAT", "email")
    enum = error_of(
        rest.post(
            "/v1/subscriptions",
            {
                "customer_id": "cus_x",
                "plan": "p",
                "amount": 1,
                "currency": "usd",
                "interval": "fortnight",
            },
        ),
        422,
    )
    assert enum["param"] == "interval"
    duplicate_ok = rest.ok(rest.post("/v1/customers", {"email": "dup@example.com"}), 201)
    assert duplicate_ok["email"] == "dup@example.com"
    assert (
        error_of(rest.post("/v1/customers", {"email": "dup@example.com"}), 409)["code"]
        == "RESOURCE_ALREADY_EXISTS"
    )


def test_idempotency_over_rest(rest: Rest) -> None:
    key = {"Idempotency-Key": "rest-create-1"}
    first = rest.post("/v1/customers", {"email": "i@example.com"}, key)
    again = rest.post("/v1/customers", {"email": "i@example.com"}, key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = error_of(rest.post("/v1/customers", {"email": "j@example.com"}, key), 400)
    assert (other["code"], other["type"]) == ("IDEMPOTENCY_KEY_MISMATCH", "idempotency_error")
    elsewhere = error_of(
        rest.patch(f"/v1/customers/{first.json()['id']}", {"email": "i@example.com"}, key), 400
    )
    assert elsewhere["code"] == "IDEMPOTENCY_KEY_MISMATCH"
    delete_key = {"Idempotency-Key": "rest-delete-1"}
    gone = rest.delete(f"/v1/customers/{first.json()['id']}", delete_key)
    replay = rest.delete(f"/v1/customers/{first.json()['id']}", delete_key)
    assert (
        gone.json()
        == replay.json()
        == {"id": first.json()["id"], "object": "customer", "deleted": True}
    )
    assert replay.headers["idempotent-replayed"] == "true"


def test_a_declined_payment_replays_its_402_without_charging_again(rest: Rest) -> None:
    order = stocked_order(rest)
    key = {"Idempotency-Key": "pay-once"}
    declined = {**CARD, "number": "4000000000000002"}
    first = rest.post(f"/v1/orders/{order['id']}/pay", {"card": declined}, key)
    again = rest.post(f"/v1/orders/{order['id']}/pay", {"card": declined}, key)
    assert (first.status_code, again.status_code) == (402, 402)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["error"]["payment_id"] == first.json()["error"]["payment_id"]
    assert len(rest.ok(rest.get(f"/v1/orders/{order['id']}"))["payments"]) == 1


def test_concurrent_rest_retries_create_one_object(
    server: LiveServer, account: Account, postgres_only: None
) -> None:
    workers = 8
    barrier = threading.Barrier(workers)
    statuses: list[int] = []
    lock = threading.Lock()

    def create() -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as own:
            barrier.wait()
            response = Rest(own, account.sk_test).post(
                "/v1/customers", {"email": "race@example.com"}, {"Idempotency-Key": "race"}
            )
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=create) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    with httpx.Client(base_url=server.base_url) as own:
        listed = Rest(own, account.sk_test).ok(
            Rest(own, account.sk_test).get("/v1/customers", {"include_total": "true"})
        )
    assert listed["total_count"] == 1


def test_the_account_route_tells_the_caller_who_it_is(rest: Rest, account: Account) -> None:
    me = rest.ok(rest.get("/v1/account"))
    assert (me["id"], me["mode"], me["key_type"], me["livemode"]) == (
        account.id,
        "test",
        "sk",
        False,
    )
    assert me["limits"]["per_minute"] == 5000


def test_the_openapi_document_is_valid_and_covers_every_route(client: httpx.Client) -> None:
    from openapi_spec_validator import validate

    document = client.get("/openapi.json").json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    for route in ROUTES:
        assert route.method.lower() in document["paths"][route.path], route


def test_a_body_over_10_mb_is_413_while_it_is_read(rest: Rest, client: httpx.Client) -> None:
    def chunks() -> Any:
        yield b'{"email": "big@example.com", "metadata": {"k": "'
        for _ in range(11):
            yield b"x" * (1024 * 1024)
        yield b'"}}'

    response = client.post(
        "/v1/customers",
        content=chunks(),
        headers={**rest._headers(None), "Content-Type": "application/json"},
    )
    assert error_of(response, 413)["code"] == "REQUEST_TOO_LARGE"
    assert rest.ok(rest.get("/v1/customers", {"include_total": "true"}))["total_count"] == 0


def test_deleting_an_api_key_revokes_it_and_answers_the_stub(
    rest: Rest, client: httpx.Client
) -> None:
    made = rest.ok(rest.post("/v1/api_keys", {"type": "rk", "scopes": ["orders:read"]}), 201)
    assert made["secret"].startswith("rk_test_")
    gone = rest.ok(rest.delete(f"/v1/api_keys/{made['id']}"))
    assert gone == {"id": made["id"], "object": "api_key", "deleted": True}
    assert (
        error_of(Rest(client, made["secret"]).get("/v1/orders"), 401)["code"] == "INVALID_API_KEY"
    )
