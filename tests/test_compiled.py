"""The compiled read engine answers as the resolver path does, byte for byte.

Every document here runs on two servers over one PostgreSQL database, one with the
compiled engine and one without (``tests.compiled_support``); the bodies must be equal
and the header must name the engine that answered.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.compiled_support import ENGINE, Pair, RandomSelections, random_parity, seed
from tests.order_support import ORDER_FIELDS, ORDERS_PAGE
from tests.support import Account, gql, new_account

Shop = tuple[Account, dict[str, Any]]


@pytest.fixture(scope="module")
def shop(postgres_url: str, pair: Pair) -> Shop:
    account = new_account(postgres_url)
    return account, seed(pair.resolver, account)


CUSTOMER_FIELDS = """id object livemode created updated email name phone metadata
  address { line1 line2 city state postalCode country }"""
CUSTOMERS_LIST = """
query List($first: Int!, $after: String, $offset: Int, $where: CustomerWhere,
           $orderBy: [CustomerOrder!]) {
  customers(first: $first, after: $after, offset: $offset, where: $where, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id email name created } }
    nodes { id email name created }
  }
}
"""
ORDERS_LIST = """
query($where: OrderWhere, $orderBy: [OrderOrder!], $first: Int = 50) {
  orders(where: $where, orderBy: $orderBy, first: $first) { totalCount nodes { id amount } }
}
"""
FRAGMENTS = """
query Named($yes: Boolean!, $no: Boolean!) {
  __typename
  first: orders(first: 3, orderBy: [{field: AMOUNT, direction: DESC}]) {
    __typename
    edges { __typename cursor node { ...OrderBits ... on Order { total: amount } } }
    pageInfo { __typename ...Info }
  }
  second: orders(first: 2, where: {status: {_in: [PAID, PROCESSING]}}) {
    nodes { id @include(if: $yes) status @skip(if: $yes) amount @skip(if: $no)
            ... on Node { id } customer { ... on Customer { email __typename } } }
  }
}
fragment OrderBits on Order {
  id __typename status customerId createdAt: created
  shippingAddress { __typename city postalCode }
  payments { ... on Payment { method card { brand expYear } } }
}
fragment Info on PageInfo { hasNextPage endCursor startCursor hasPreviousPage }
"""


def _documents(seeded: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    orders, customers = seeded["orders"], seeded["customers"]
    return [
        (f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}", {"id": orders[0]["id"]}),
        (f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}", {"id": orders[1]["id"]}),
        ("query($id: ID!) { order(id: $id) { id customer { id } } }", {"id": orders[3]["id"]}),
        ("query($id: ID!) { customer(id: $id) { id email livemode } }", {"id": customers[0]["id"]}),
        (f"query($id: ID!) {{ customer(id: $id) {{ {CUSTOMER_FIELDS} }} }}",
         {"id": customers[1]["id"]}),
        (CUSTOMERS_LIST, {"first": 2}),
        (CUSTOMERS_LIST, {"first": 1, "offset": 1}),
        (CUSTOMERS_LIST, {"first": 5, "orderBy": [{"field": "EMAIL"}]}),
        (CUSTOMERS_LIST, {"first": 5, "where": {"name": {"_ne": "Ann"}}}),
        (CUSTOMERS_LIST, {"first": 5, "where": {"email": {"_like": "%@example.com"}}}),
        (CUSTOMERS_LIST, {"first": 5, "orderBy": [{"field": "NAME", "direction": "DESC"}]}),
        (ORDERS_LIST, {}),
        (ORDERS_LIST, {"orderBy": [{"field": "AMOUNT", "direction": "DESC"}], "first": 3}),
        (ORDERS_LIST, {"where": {"status": {"_in": ["PAID", "PENDING"]}}}),
        (ORDERS_LIST, {"where": {"_or": [{"amount": {"_gte": 3000}},
                                         {"status": {"_eq": "CANCELLED"}}]}}),
        (ORDERS_LIST, {"where": {"created": {"_gte": "2020-01-01"},
                                 "_not": {"customerId": {"_eq": customers[0]["id"]}}}}),
        (ORDERS_PAGE, {"first": 50}),
        (ORDERS_PAGE, {"first": 2}),
        (f"{{ orders(first: 20) {{ nodes {{ {ORDER_FIELDS} "
         f"customer {{ {CUSTOMER_FIELDS} }} }} }} }}", None),
        ("{ orders { totalCount } customers { totalCount } }", None),
        (FRAGMENTS, {"yes": True, "no": False}),
        (FRAGMENTS, {"yes": False, "no": True}),
    ]  # fmt: skip


def test_every_list_and_object_query_answers_the_same_bytes(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    for query, variables in _documents(seeded):
        pair.same(account.sk_test, query, variables)


def test_paging_with_cursors_answers_the_same_bytes_page_after_page(pair: Pair, shop: Shop) -> None:
    account, _ = shop
    for order_by in (None, [{"field": "AMOUNT"}], [{"field": "UPDATED", "direction": "DESC"}]):
        query = """query($after: String, $o: [OrderOrder!]) {
          orders(first: 2, after: $after, orderBy: $o) {
            edges { cursor node { id amount } } pageInfo { hasNextPage hasPreviousPage endCursor }
          } }"""
        after = None
        for _ in range(5):
            body = pair.same(account.sk_test, query, {"after": after, "o": order_by})
            page = httpx.Response(200, content=body).json()["data"]["orders"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert after is not None


def test_rest_reads_answer_the_same_bytes(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    key = account.sk_test
    first = pair.same_get(key, "/v1/orders?limit=2")
    cursor = httpx.Response(200, content=first).json()["next_cursor"]
    for path in (
        "/v1/orders",
        "/v1/orders?limit=50",
        f"/v1/orders?limit=2&cursor={cursor}",
        "/v1/orders?include_total=true&limit=3",
        "/v1/orders?status_eq=paid",
        "/v1/orders?sort=-amount,created",
        "/v1/orders?amount_gte=500&offset=1",
        "/v1/orders?status_in=pending,cancelled&include_total=true",
        f"/v1/orders/{seeded['orders'][0]['id']}",
        f"/v1/orders/{seeded['orders'][1]['id']}",
        "/v1/customers",
        "/v1/customers?limit=1&include_total=true",
        "/v1/customers?sort=email",
        f"/v1/customers/{seeded['customers'][0]['id']}",
    ):
        pair.same_get(key, path)
    # Refusals and absences are the resolver path's to say.
    for path in (
        "/v1/orders?cursor=nonsense",
        "/v1/orders?limit=500",
        "/v1/orders/ord_missing",
        f"/v1/customers/{seeded['customers'][2]['id']}",  # deleted
        "/v1/customers?page=2&limit=1",
    ):
        pair.same_get(key, path, engine=None)
    assert pair.get(key, "/v1/orders/ord_missing")[0].headers[ENGINE] == "resolver"


# ------------------------------------------------------------------ random selections

ORDER_LEAVES = ["id", "object", "livemode", "created", "updated", "customerId", "currency",
                "subtotal", "tax", "shippingCost", "amount", "amountPaid", "amountRefunded",
                "status", "location", "carrier", "trackingNumber", "cancellationReason",
                "paidAt", "shippedAt", "deliveredAt", "cancelledAt", "metadata"]  # fmt: skip
CUSTOMER_LEAVES = ["id", "object", "livemode", "created", "updated", "email", "name", "phone",
                   "metadata"]  # fmt: skip
NESTED = {
    "Order": {
        "shippingAddress": ("Address", ["line1", "line2", "city", "state", "postalCode",
                                        "country"]),
        "lineItems": ("LineItem", ["sku", "name", "quantity", "unitAmount", "amount"]),
        "payments": ("Payment", ["id", "object", "livemode", "created", "updated", "metadata",
                                 "orderId", "amount", "currency", "status", "method",
                                 "declineCode", "failureMessage", "externalReference"]),
        "refunds": ("Refund", ["id", "object", "created", "metadata", "orderId", "paymentId",
                               "amount", "currency", "reason", "status"]),
        "customer": ("Customer", CUSTOMER_LEAVES),
    },
    "Customer": {"address": ("Address", ["line1", "city", "postalCode", "country"])},
    "Payment": {"card": ("PaymentCard", ["brand", "last4", "expMonth", "expYear"])},
}  # fmt: skip


class Generator(RandomSelections):
    def selection(self, type_name: str, leaves: list[str], depth: int = 0) -> str:
        rng = self.rng
        parts = self.fields(leaves, 6)
        for name, (child, child_leaves) in NESTED.get(type_name, {}).items():
            if depth < 2 and rng.random() < 0.4:
                parts.append(f"{name} {{ {self.selection(child, child_leaves, depth + 1)} }}")
        if type_name == "Payment" and rng.random() < 0.5:
            parts.append(
                f"card {{ {self.selection('PaymentCard', NESTED['Payment']['card'][1])} }}"
            )
        return self.wrapped(type_name, parts)

    def arguments(self, type_name: str) -> str:
        rng = self.rng
        args = [f"first: {rng.choice([1, 2, 3, 10, 20])}"]
        if type_name == "Order":
            orders = [
                "",
                "[{field: AMOUNT, direction: DESC}]",
                "[{field: CREATED}]",
                "[{field: UPDATED, direction: DESC}, {field: AMOUNT}]",
            ]
            wheres = [
                "",
                "{status: {_in: [PAID, PENDING]}}",
                "{amount: {_gte: 500}}",
                "{_or: [{status: {_eq: CANCELLED}}, {amount: {_lt: 1000}}]}",
                '{created: {_gte: "2020-01-01"}}',
                '{location: {_ne: "nowhere"}}',
            ]
        else:
            orders = ["", "[{field: EMAIL}]", "[{field: NAME, direction: DESC}]"]
            wheres = ["", '{email: {_ilike: "%EXAMPLE.COM"}}', '{name: {_eq: "Ada Lovelace"}}']
        if order := rng.choice(orders):
            args.append(f"orderBy: {order}")
        if where := rng.choice(wheres):
            args.append(f"where: {where}")
        if rng.random() < 0.2:
            args.append(f"offset: {rng.randint(0, 3)}")
        return ", ".join(args)

    def document(self, seeded: dict[str, Any]) -> str:
        rng = self.rng
        roots = []
        for i in range(rng.randint(1, 2)):
            alias = f"r{i}: "
            kind = rng.choice(["orders", "customers", "order", "customer"])
            if kind == "orders":
                roots.append(
                    f"{alias}orders({self.arguments('Order')}) "
                    f"{{ {self.connection('Order', ORDER_LEAVES)} }}"
                )
            elif kind == "customers":
                roots.append(
                    f"{alias}customers({self.arguments('Customer')}) "
                    f"{{ {self.connection('Customer', CUSTOMER_LEAVES)} }}"
                )
            elif kind == "order":
                order_id = rng.choice(seeded["orders"])["id"]
                roots.append(
                    f'{alias}order(id: "{order_id}") {{ {self.selection("Order", ORDER_LEAVES)} }}'
                )
            else:
                customer_id = rng.choice(seeded["customers"][:2])["id"]
                roots.append(
                    f'{alias}customer(id: "{customer_id}") '
                    f"{{ {self.selection('Customer', CUSTOMER_LEAVES)} }}"
                )
        return self.query(roots)


def test_random_selections_answer_the_same_bytes(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    compiled_count = random_parity(
        pair, account.sk_test, lambda seed: Generator(seed).document(seeded)
    )
    assert compiled_count > 150


# --------------------------------------------------------------- engine and statements


def _reads(statements: list[str]) -> list[str]:
    """The statements that read orders or customers (authentication's, and the
    background loops' that share the server's engine, are left out)."""
    tables = ("FROM orders", "FROM customers", "FROM order_line_items", "FROM payments")
    return [s for s in statements if any(t in s for t in tables) and "webhook" not in s]


def test_each_root_field_is_one_statement(pair: Pair, shop: Shop) -> None:
    account, seeded = shop
    server = pair.compiled_server
    query = f"""query($id: ID!) {{
      orders(first: 20) {{ totalCount nodes {{ {ORDER_FIELDS} customer {{ id email }} }}
                          pageInfo {{ endCursor }} }}
      order(id: $id) {{ {ORDER_FIELDS} }}
      customers {{ edges {{ cursor node {{ id address {{ city }} }} }} }}
    }}"""
    with server.count_statements() as statements:
        response = gql(pair.compiled, account.sk_test, query, {"id": seeded["orders"][1]["id"]})
    assert response.headers[ENGINE] == "compiled"
    assert len(_reads(statements)) == 3, statements
    with server.count_statements() as statements:
        response = pair.compiled.get(
            "/v1/orders?limit=50", headers={"Authorization": f"Bearer {account.sk_test}"}
        )
    assert response.headers[ENGINE] == "compiled"
    assert len(_reads(statements)) == 1, statements


def test_the_sql_text_is_the_same_from_page_to_page(pair: Pair, shop: Shop) -> None:
    account, _ = shop
    query = """query($after: String) {
      orders(first: 2, after: $after) { nodes { id } pageInfo { endCursor } } }"""
    texts = []
    after = None
    for _ in range(3):
        with pair.compiled_server.count_statements() as statements:
            body = gql(pair.compiled, account.sk_test, query, {"after": after}).json()
        texts.append(_reads(statements)[-1])
        after = body["data"]["orders"]["pageInfo"]["endCursor"]
    assert texts[1] == texts[2]


SHAPES = """query Shapes($first: Int!, $after: String, $offset: Int, $where: OrderWhere) {
  orders(first: $first, after: $after, offset: $offset, where: $where) {
    totalCount nodes { id amount } pageInfo { endCursor } } }"""


def test_a_page_of_the_same_shape_reuses_its_statement(pair: Pair, shop: Shop) -> None:
    """A page's statement is built once per shape (the selection, the filter's structure,
    the sort, whether a cursor or an offset is given); its values are parameters, so
    another page of the same shape runs the same text without building anything."""
    account, _ = shop
    reads = pair.compiled_server.app.state.engine.compiled
    assert reads is not None

    def built(variables: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
        before = reads.built
        with pair.compiled_server.count_statements() as statements:
            response = gql(pair.compiled, account.sk_test, SHAPES, variables)
        assert response.headers[ENGINE] == "compiled", response.text
        return reads.built - before, _reads(statements)[-1], response.json()["data"]["orders"]

    cheap = {"amount": {"_lt": 3000}, "status": {"_in": ["CANCELLED"]}}
    every = ["PENDING", "PAID", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"]
    dear = {"amount": {"_lt": 900000}, "status": {"_in": every}}
    assert built({"first": 2, "where": cheap})[0] == 1
    count, text, first_page = built({"first": 3, "where": dear})
    assert count == 0
    # The page after: a cursor is a shape of its own, then reused from page to page.
    after = first_page["pageInfo"]["endCursor"]
    count, after_text, second = built({"first": 1, "where": dear, "after": after})
    assert second["pageInfo"]["endCursor"] is not None
    assert count == 1
    assert after_text != text
    count, again, _ = built({"first": 1, "where": dear, "after": second["pageInfo"]["endCursor"]})
    assert (count, again) == (0, after_text)
    # An offset is a shape of its own too; its value is not.
    assert built({"first": 2, "offset": 1})[0] == 1
    assert built({"first": 2, "offset": 3})[0] == 0
    # Another filter structure, or a day where there was an instant, is another shape.
    assert built({"first": 2, "where": {"amount": {"_gte": 1}}})[0] == 1
    assert built({"first": 2, "where": {"amount": {"_gte": 5}}})[0] == 0
    assert built({"first": 2, "where": {"created": {"_gte": "2020-01-01T00:00:00Z"}}})[0] == 1
    assert built({"first": 2, "where": {"created": {"_gte": "2020-01-01"}}})[0] == 1
    assert built({"first": 2, "where": {"created": {"_gte": "2021-06-30"}}})[0] == 0


def test_a_rest_list_of_the_same_shape_reuses_its_statement(pair: Pair, shop: Shop) -> None:
    account, _ = shop
    reads = pair.compiled_server.app.state.engine.compiled
    assert reads is not None
    headers = {"Authorization": f"Bearer {account.sk_test}"}
    paths = [
        "/v1/customers?limit=3&email_like=%25@example.com",
        "/v1/customers?limit=5&email_like=a%25",
    ]
    counts = []
    for path in paths:
        before = reads.built
        response = pair.compiled.get(path, headers=headers)
        assert response.headers[ENGINE] == "compiled", response.text
        counts.append(reads.built - before)
    assert counts[1] == 0


# ----------------------------------------------------------------- scopes and modes


def test_another_account_and_the_other_mode_see_nothing_of_the_shop(
    pair: Pair, shop: Shop, postgres_url: str
) -> None:
    account, seeded = shop
    other = new_account(postgres_url)
    order_id = seeded["orders"][0]["id"]
    lists = (
        f"{{ orders(first: 20) {{ totalCount nodes {{ {ORDER_FIELDS} }} }} "
        "customers { nodes { id } } }"
    )
    for key in (other.sk_test, account.sk_live):
        body = pair.same(key, lists)
        assert b'"nodes":[]' in body
        pair.same(
            key, "query($id: ID!) { order(id: $id) { id } }", {"id": order_id}, engine="resolver"
        )
        pair.same_get(key, f"/v1/orders/{order_id}", engine="resolver")
        assert b'"data":[]' in pair.same_get(key, "/v1/orders")


def test_a_restricted_key_reads_only_within_its_scopes(pair: Pair, shop: Shop) -> None:
    account, _ = shop
    orders_only = account.key("rk", ["orders:read"])
    customers_only = account.key("rk", ["customers:read"])
    pair.same(orders_only, "{ orders(first: 50) { nodes { id amount } } }")
    # The customer needs customers:read: the resolver path says so, field by field.
    body = pair.same(orders_only, "{ orders(first: 50) { nodes { id customer { id } } } }",
                     engine="resolver")  # fmt: skip
    assert b"INSUFFICIENT_PERMISSIONS" in body
    pair.same(customers_only, "{ orders { nodes { id } } }", engine="resolver")
    pair.same(customers_only, "{ customers { nodes { id email } } }")
    # REST refuses it by the field's declared scope before either engine runs.
    pair.same_get(customers_only, "/v1/orders", engine=None)
    pair.same_get(customers_only, "/v1/customers")


# ------------------------------------------------------------------------ fallback


def test_an_operation_with_a_field_it_does_not_compile_runs_whole_on_the_resolvers(
    pair: Pair, shop: Shop
) -> None:
    account, seeded = shop
    pair.same(account.sk_test, "{ orders { nodes { id } } account { id livemode } }",
              engine="resolver")  # fmt: skip
    pair.same(account.sk_test, "{ webhookEndpoints { nodes { id } } }", engine="resolver")
    pair.same(account.sk_test, '{ order(id: "ord_missing") { id } }', engine="resolver")
    pair.same(account.sk_test, '{ orders(after: "bad") { nodes { id } } }', engine="resolver")
    pair.same(account.sk_test, "{ orders(first: 1000) { nodes { id } } }", engine="resolver")
    pair.same(account.sk_test, "{ orders { nodes { id } } ", engine=None)
    mutation = "mutation($id: ID!) { updateOrder(id: $id, input: {}) { id } }"
    compiled = gql(pair.compiled, account.sk_test, mutation, {"id": seeded["orders"][3]["id"]})
    assert compiled.headers[ENGINE] == "resolver"


def test_sqlite_keeps_the_resolver_path(
    backend: str, client: httpx.Client, account: Account
) -> None:
    if backend != "sqlite":
        pytest.skip("the SQLite server")
    response = gql(client, account.sk_test, "{ orders { nodes { id } } }")
    assert response.headers[ENGINE] == "resolver"
