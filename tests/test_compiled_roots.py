"""The compiled read engine over inventory, returns, subscriptions and events answers as
the resolver path does, byte for byte (``tests.compiled_support``): objects and lists,
paging, ``events(type:)``, REST reads, random selections, statements, scopes and modes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.compiled_support import ENGINE, Pair, RandomSelections, random_parity, seed, seed_more
from tests.support import Account, gql, new_account

Shop = tuple[Account, dict[str, Any]]


@pytest.fixture(scope="module")
def shop(postgres_url: str, pair: Pair) -> Shop:
    account = new_account(postgres_url)
    seeded = seed(pair.resolver, account)
    return account, {**seeded, **seed_more(pair.resolver, account)}


ITEM_LEAVES = ["id", "object", "livemode", "created", "updated", "sku", "name", "location",
               "onHand", "reserved", "available", "lowStockThreshold", "metadata"]  # fmt: skip
RETURN_LEAVES = ["id", "object", "livemode", "created", "updated", "orderId", "status",
                 "reason", "rejectionReason", "restock", "refundAmount", "refundId", "currency",
                 "approvedAt", "receivedAt", "processedAt", "rejectedAt", "metadata"]  # fmt: skip
SUBSCRIPTION_LEAVES = ["id", "object", "livemode", "created", "updated", "customerId", "plan",
                       "amount", "currency", "interval", "status", "currentPeriodStart",
                       "currentPeriodEnd", "cancelledAt", "metadata"]  # fmt: skip
EVENT_LEAVES = ["id", "object", "type", "apiVersion", "created", "livemode", "account",
                "sequence", "data"]  # fmt: skip
NESTED: dict[str, dict[str, tuple[str, list[str]]]] = {
    "Return": {"items": ("ReturnItem", ["sku", "quantity"])},
    "Event": {"request": ("EventRequest", ["id", "idempotencyKey"])},
}
ITEM = " ".join(ITEM_LEAVES)
RETURN = " ".join(RETURN_LEAVES) + " items { sku quantity }"
SUBSCRIPTION = " ".join(SUBSCRIPTION_LEAVES)
EVENT = " ".join(EVENT_LEAVES) + " request { id idempotencyKey }"

# Each root: its type, its leaves, its list's orderBy and where choices.
ROOTS: dict[str, tuple[str, str, list[str], list[str], list[str]]] = {
    "inventoryItems": ("InventoryItem", "inventoryItem", ITEM_LEAVES, [
        "[{field: AVAILABLE, direction: DESC}]", "[{field: ON_HAND}, {field: SKU}]",
        "[{field: LOCATION, direction: DESC}]", "[{field: CREATED}]"], [
        "{available: {_gte: 1}}", '{location: {_in: ["east", "west"]}}',
        "{_or: [{onHand: {_eq: 0}}, {reserved: {_gt: 0}}]}", '{name: {_ilike: "%bare%"}}']),
    "returns": ("Return", "return", RETURN_LEAVES, [
        "[{field: REFUND_AMOUNT, direction: DESC}]", "[{field: STATUS}]",
        "[{field: UPDATED, direction: DESC}]"], [
        "{status: {_in: [APPROVED, PROCESSED]}}", "{restock: {_eq: false}}",
        "{refundAmount: {_gte: 0}}", '{reason: {_eq: "late"}}']),
    "customerSubscriptions": ("CustomerSubscription", "customerSubscription",
        SUBSCRIPTION_LEAVES, [
        "[{field: CURRENT_PERIOD_END}]", "[{field: CANCELLED_AT, direction: DESC}]",
        "[{field: INTERVAL}, {field: AMOUNT, direction: DESC}]"], [
        "{status: {_eq: ACTIVE}}", "{interval: {_ne: MONTH}}",
        '{currentPeriodEnd: {_gte: "2020-01-01"}}']),
    "events": ("Event", "event", EVENT_LEAVES, [
        "[{field: CREATED}]", "[{field: TYPE}, {field: SEQUENCE, direction: DESC}]",
        "[{field: SEQUENCE}]"], [
        '{type: {_like: "order.%"}}', "{sequence: {_gt: 3}}", '{type: {_ne: "order.created"}}']),
}  # fmt: skip


def _ids(seeded: dict[str, Any], root: str) -> list[str]:
    key = {"inventoryItems": "items", "returns": "returns",
           "customerSubscriptions": "subscriptions"}[root]  # fmt: skip
    return [o["id"] for o in seeded[key]]


def _event_ids(pair: Pair, key: str) -> list[str]:
    body = pair.same(key, "{ events(first: 100) { nodes { id } } }")
    return [n["id"] for n in httpx.Response(200, content=body).json()["data"]["events"]["nodes"]]


def _documents(seeded: dict[str, Any], events: list[str]) -> list[tuple[str, dict[str, Any]]]:
    docs: list[tuple[str, dict[str, Any]]] = []
    objects = {"inventoryItem": (ITEM, _ids(seeded, "inventoryItems")),
               "return": (RETURN, _ids(seeded, "returns")),
               "customerSubscription": (SUBSCRIPTION, _ids(seeded, "customerSubscriptions")),
               "event": (EVENT, events[:6] + events[-4:])}  # fmt: skip
    for field, (fields, ids) in objects.items():
        for object_id in ids:
            docs.append(
                (f"query($id: ID!) {{ {field}(id: $id) {{ {fields} }} }}", {"id": object_id})
            )
    lists = {"inventoryItems": ("InventoryItem", ITEM), "returns": ("Return", RETURN),
             "customerSubscriptions": ("CustomerSubscription", SUBSCRIPTION),
             "events": ("Event", EVENT)}  # fmt: skip
    for field, (type_name, fields) in lists.items():
        query = f"""query($first: Int!, $after: String, $offset: Int, $where: {type_name}Where,
                   $orderBy: [{type_name}Order!]) {{
          {field}(first: $first, after: $after, offset: $offset, where: $where,
                  orderBy: $orderBy) {{
            totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
            edges {{ cursor node {{ {fields} }} }} nodes {{ id }} }} }}"""
        docs += [(query, {"first": 50}), (query, {"first": 2, "offset": 1})]
    for types in (
        "order.*",
        "*",
        "order.created",
        "return.*",
        "customer_subscription.*",
        "inventory.*",
        "nothing.here",
    ):
        docs.append(("query($t: String) { events(type: $t, first: 100) { totalCount "
                     f"nodes {{ {EVENT} }} }} }}", {"t": types}))  # fmt: skip
    docs.append(('{ events(type: "order.*", where: {sequence: {_gt: 2}}, '
                 "orderBy: [{field: TYPE}]) { nodes { type sequence } } }", {}))  # fmt: skip
    return docs


def test_every_object_and_list_of_the_new_roots_answers_the_same_bytes(
    pair: Pair, shop: Shop
) -> None:
    account, seeded = shop
    events = _event_ids(pair, account.sk_test)
    assert len(events) > 40
    for query, variables in _documents(seeded, events):
        pair.same(account.sk_test, query, variables)


def test_every_list_pages_with_cursors_the_same_bytes(pair: Pair, shop: Shop) -> None:
    account, _ = shop
    for field, (type_name, _, _, orders, _) in ROOTS.items():
        for order_by in [None, *orders]:
            query = f"""query($after: String) {{
              {field}(first: 3, after: $after{f", orderBy: {order_by}" if order_by else ""}) {{
                edges {{ cursor node {{ id }} }}
                pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}"""
            after, pages = None, 0
            while pages < 30:
                body = pair.same(account.sk_test, query, {"after": after})
                page = httpx.Response(200, content=body).json()["data"][field]
                pages += 1
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert pages > 1, (type_name, order_by)


def test_rest_reads_of_the_new_roots_answer_the_same_bytes(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    key = account.sk_test
    events = _event_ids(pair, key)
    cursor = httpx.Response(200, content=pair.same_get(key, "/v1/events?limit=2")).json()
    paths = [
        "/v1/inventory", "/v1/inventory?limit=2&include_total=true",
        "/v1/inventory?sort=-available",
        "/v1/inventory?available_gte=1&sort=sku", "/v1/inventory?location_eq=east",
        "/v1/returns", "/v1/returns?status_in=approved,processed&include_total=true",
        "/v1/returns?sort=-refund_amount", "/v1/returns?restock_eq=false",
        "/v1/subscriptions", "/v1/subscriptions?status_eq=cancelled",
        "/v1/subscriptions?sort=current_period_end&limit=2",
        "/v1/events", "/v1/events?limit=100", "/v1/events?type=order.*",
        "/v1/events?type=return.*&include_total=true", "/v1/events?type=*&limit=5&offset=2",
        "/v1/events?type=customer_subscription.created", "/v1/events?sort=type,-sequence",
        f"/v1/events?limit=2&cursor={cursor['next_cursor']}",
        *(f"/v1/inventory/{i}" for i in _ids(seeded, "inventoryItems")),
        *(f"/v1/returns/{i}" for i in _ids(seeded, "returns")),
        *(f"/v1/subscriptions/{i}" for i in _ids(seeded, "customerSubscriptions")),
        *(f"/v1/events/{i}" for i in events[:5] + events[-5:]),
    ]  # fmt: skip
    for path in paths:
        pair.same_get(key, path)
    # Refusals and absences are the resolver path's to say.
    for path in ("/v1/events?type=Order", "/v1/events?type=order.*.*", "/v1/inventory/inv_no",
                 "/v1/returns/ret_no", "/v1/subscriptions/sub_no", "/v1/events/evt_no",
                 "/v1/returns?cursor=bad"):  # fmt: skip
        pair.same_get(key, path, engine=None)
        assert pair.get(key, path)[0].headers.get(ENGINE, "resolver") == "resolver"


def test_a_bad_event_type_or_a_missing_object_runs_on_the_resolvers(pair: Pair, shop: Shop) -> None:
    account, _ = shop
    key = account.sk_test
    for query in ('{ events(type: "Order.*") { nodes { id } } }',
                  '{ events(type: "a.*.b") { nodes { id } } }',
                  '{ event(id: "evt_missing") { id } }', '{ return(id: "ret_missing") { id } }',
                  '{ inventoryItem(id: "inv_missing") { id } }',
                  '{ customerSubscription(id: "sub_missing") { id } }'):  # fmt: skip
        pair.same(key, query, engine="resolver")


# ------------------------------------------------------------------ random selections


class Generator(RandomSelections):
    def selection(self, type_name: str, leaves: list[str]) -> str:
        rng = self.rng
        parts = self.fields(leaves, 7)
        for name, (_, child_leaves) in NESTED.get(type_name, {}).items():
            if rng.random() < 0.5:
                inner = " ".join(rng.sample(child_leaves, rng.randint(1, len(child_leaves))))
                parts.append(f"{name} {{ {inner}{' __typename' if rng.random() < 0.3 else ''} }}")
        return self.wrapped(type_name, parts, node=True)

    def document(self, seeded: dict[str, Any], events: list[str]) -> str:
        rng = self.rng
        roots = []
        for i in range(rng.randint(1, 3)):
            field = rng.choice(list(ROOTS))
            type_name, one, leaves, orders, wheres = ROOTS[field]
            if rng.random() < 0.35:
                ids = events if field == "events" else _ids(seeded, field)
                roots.append(f'r{i}: {one}(id: "{rng.choice(ids)}") '
                             f"{{ {self.selection(type_name, leaves)} }}")  # fmt: skip
                continue
            args = [f"first: {rng.choice([1, 2, 3, 10, 50])}"]
            if order := rng.choice(["", *orders]):
                args.append(f"orderBy: {order}")
            if where := rng.choice(["", *wheres]):
                args.append(f"where: {where}")
            if rng.random() < 0.2:
                args.append(f"offset: {rng.randint(0, 3)}")
            if field == "events" and rng.random() < 0.4:
                args.append(f'type: "{rng.choice(["*", "order.*", "return.*", "order.paid"])}"')
            roots.append(f"r{i}: {field}({', '.join(args)}) "
                         f"{{ {self.connection(type_name, leaves)} }}")  # fmt: skip
        return self.query(roots)


def test_random_selections_over_the_new_roots_answer_the_same_bytes(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    events = _event_ids(pair, account.sk_test)
    compiled = random_parity(
        pair, account.sk_test, lambda seed: Generator(seed).document(seeded, events)
    )
    assert compiled > 150


# --------------------------------------------------------------- engine and statements

TABLES = ("FROM inventory_items", "FROM returns", "FROM customer_subscriptions", "FROM events")


def _reads(statements: list[str]) -> list[str]:
    return [s for s in statements if any(t in s for t in TABLES) and "webhook" not in s]


def test_each_new_root_field_is_one_statement(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    server = pair.compiled_server
    query = f"""query($r: ID!, $i: ID!, $s: ID!) {{
      inventoryItems(first: 20) {{ totalCount nodes {{ {ITEM} }} pageInfo {{ endCursor }} }}
      returns(first: 20) {{ totalCount edges {{ cursor node {{ {RETURN} }} }} }}
      customerSubscriptions {{ nodes {{ {SUBSCRIPTION} }} }}
      events(type: "order.*", first: 50) {{ totalCount nodes {{ {EVENT} }} }}
      return(id: $r) {{ {RETURN} }} inventoryItem(id: $i) {{ {ITEM} }}
      customerSubscription(id: $s) {{ {SUBSCRIPTION} }}
    }}"""
    variables = {"r": seeded["returns"][0]["id"], "i": seeded["items"][1]["id"],
                 "s": seeded["subscriptions"][0]["id"]}  # fmt: skip
    with server.count_statements() as statements:
        response = gql(pair.compiled, account.sk_test, query, variables)
    assert response.headers[ENGINE] == "compiled", response.text
    assert len(_reads(statements)) == 7, statements
    for path in ("/v1/events?limit=50&type=order.*", "/v1/returns?include_total=true"):
        with server.count_statements() as statements:
            response = pair.compiled.get(
                path, headers={"Authorization": f"Bearer {account.sk_test}"}
            )
        assert response.headers[ENGINE] == "compiled"
        assert len(_reads(statements)) == 1, statements


# ----------------------------------------------------------------- scopes and modes


def test_another_account_and_the_other_mode_see_none_of_it(
    pair: Pair, shop: Shop, postgres_url: str
) -> None:
    account, seeded = shop
    other = new_account(postgres_url)
    lists = ("{ inventoryItems(first: 50) { totalCount nodes { id } } "
             "returns(first: 50) { totalCount nodes { id items { sku } } } "
             "customerSubscriptions(first: 50) { totalCount nodes { id } } "
             'events(first: 50, type: "*") { totalCount nodes { id data } } }')  # fmt: skip
    objects = [
        ("inventoryItem", "/v1/inventory", seeded["items"][0]["id"]),
        ("return", "/v1/returns", seeded["returns"][0]["id"]),
        ("customerSubscription", "/v1/subscriptions", seeded["subscriptions"][0]["id"]),
    ]
    event_id = _event_ids(pair, account.sk_test)[0]
    objects.append(("event", "/v1/events", event_id))  # fmt: skip
    for key in (other.sk_test, account.sk_live):
        body = pair.same(key, lists)
        assert body.count(b'"nodes":[]') == 4, body
        for field, path, object_id in objects:
            pair.same(key, f'{{ {field}(id: "{object_id}") {{ id }} }}', engine="resolver")
            pair.same_get(key, f"{path}/{object_id}", engine="resolver")
            assert b'"data":[]' in pair.same_get(key, path)


@pytest.mark.parametrize(
    ("scope", "field", "path"),
    [("inventory:read", "inventoryItems", "/v1/inventory"),
     ("returns:read", "returns", "/v1/returns"),
     ("subscriptions:read", "customerSubscriptions", "/v1/subscriptions"),
     ("events:read", "events", "/v1/events")],
)  # fmt: skip
def test_a_key_reads_a_root_only_with_its_scope(
    pair: Pair, shop: Shop, scope: str, field: str, path: str
) -> None:
    account, _ = shop
    allowed = account.key("rk", [scope])
    refused = account.key("rk", ["orders:read"])
    pair.same(allowed, f"{{ {field}(first: 5) {{ totalCount nodes {{ id }} }} }}")
    pair.same_get(allowed, path)
    body = pair.same(refused, f"{{ {field} {{ nodes {{ id }} }} }}", engine="resolver")
    assert b"INSUFFICIENT_PERMISSIONS" in body
    # REST refuses it by the field's declared scope before reading anything else.
    pair.same_get(refused, path, engine=None)
    # One root the key may not read sends the whole operation to the resolvers.
    body = pair.same(allowed, f"{{ {field} {{ nodes {{ id }} }} orders {{ nodes {{ id }} }} }}",
                     engine="resolver")  # fmt: skip
    assert b"INSUFFICIENT_PERMISSIONS" in body


# ------------------------------------------------------------------------- node(id)

NODE = f"""query($id: ID!) {{
  node(id: $id) {{
    __typename id ... on Node {{ again: id }}
    ... on Order {{ orderStatus: status amount customer {{ email }} lineItems {{ sku }} }}
    ... on Customer {{ email address {{ city }} }}
    ... on InventoryItem {{ {ITEM} }}
    ... on Return {{ {RETURN.replace(" status ", " returnStatus: status ")} }}
    ... on CustomerSubscription {{ {SUBSCRIPTION.replace(" status ", " subStatus: status ")} }}
    ... on Event {{ {EVENT} }}
    ...Stamp
  }}
}}
fragment Stamp on Order {{ created livemode }}"""


def test_node_dispatches_by_the_id_prefix_and_answers_the_same_bytes(
    pair: Pair, shop: Shop
) -> None:
    account, seeded = shop
    key = account.sk_test
    events = _event_ids(pair, key)
    ids = [seeded["orders"][0]["id"], seeded["orders"][2]["id"], seeded["customers"][0]["id"],
           *_ids(seeded, "inventoryItems"), *_ids(seeded, "returns"),
           *_ids(seeded, "customerSubscriptions"), events[0], events[-1]]  # fmt: skip
    for object_id in ids:
        body = pair.same(key, NODE, {"id": object_id})
        assert b'"node":{"__typename":' in body
    two = "query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { __typename } }"
    pair.same(key, two, {"a": ids[0], "b": ids[4]})
    # What it does not read, or cannot find, the resolver path answers.
    payment = httpx.Response(200, content=pair.same(
        key, "query($id: ID!) { order(id: $id) { payments { id } } }", {"id": ids[0]}
    )).json()["data"]["order"]["payments"][0]["id"]  # fmt: skip
    for object_id in (payment, "xyz_1", "ord_missing", "evt_missing", "nothing"):
        pair.same(key, NODE, {"id": object_id}, engine="resolver")
    pair.same(key, '{ node(id: "cus_x") { id } orders { nodes { id } } account { id } }',
              engine="resolver")  # fmt: skip
    with pair.compiled_server.count_statements() as statements:
        response = gql(pair.compiled, key, NODE, {"id": seeded["returns"][0]["id"]})
    assert response.headers[ENGINE] == "compiled"
    assert len(_reads(statements)) == 1, statements


def test_node_needs_the_scope_of_the_type_its_id_names(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    events_only = account.key("rk", ["events:read"])
    event_id = _event_ids(pair, account.sk_test)[0]
    pair.same(events_only, NODE, {"id": event_id})
    for object_id in (seeded["returns"][0]["id"], seeded["orders"][0]["id"]):
        body = pair.same(events_only, NODE, {"id": object_id}, engine="resolver")
        assert b"INSUFFICIENT_PERMISSIONS" in body
    # The other mode and another account find nothing: the resolver path says so.
    pair.same(account.sk_live, NODE, {"id": event_id}, engine="resolver")
