"""Each root field declares the scope it needs once, on the field; a key without it is
refused (403) before anything of its input is measured, coerced or converted, on every
surface, with the error the field's own check gives."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType

from stateset_gql.graphql.compiled.mapping import REGISTRY
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.schema import build_schema
from stateset_gql.graphql.scopes import ChoosesItself, Needs, declaration
from tests.rest_support import Rest, error_of
from tests.support import Account, gql

CREATE_ORDER = """
mutation Create($input: CreateOrderInput!) { createOrder(input: $input) { id } }
"""
DENIED = "This API key does not have the 'orders:write' scope needed for this request"
# The root fields that decide themselves what a key needs.
CHOOSING = {"account", "node"}


def _roots() -> list[GraphQLObjectType]:
    schema = core_schema(build_schema())
    roots = [schema.query_type, schema.mutation_type, schema.subscription_type]
    return [root for root in roots if root is not None]


def _line(**fields: Any) -> dict[str, Any]:
    return {"sku": "SKU-1", "name": "One", "quantity": 1, "unit_amount": 100, **fields}


def _keys(account: Account) -> dict[str, str]:
    """Keys without ``orders:write``: a restricted reader and the publishable key."""
    return {"rk": account.key("rk", ["orders:read"]), "pk": account.keys["pk_test"]}


def _refused(extensions: dict[str, Any]) -> None:
    assert (extensions["code"], extensions["status"]) == ("INSUFFICIENT_PERMISSIONS", 403)
    assert extensions["required_scope"] == "orders:write"


# ----------------------------------------------------------------------- declarations


def test_every_root_field_declares_its_scope_or_that_it_chooses_itself() -> None:
    undeclared, choosing = [], set()
    for root in _roots():
        for name, field in root.fields.items():
            declared = declaration(field)
            if declared is None:
                undeclared.append(f"{root.name}.{name}")
            elif isinstance(declared, ChoosesItself):
                assert declared.reason, name
                choosing.add(name)
    assert undeclared == []
    assert choosing == CHOOSING


def test_the_compiled_roots_read_the_fields_declarations() -> None:
    (query, *_) = _roots()
    for name, root in REGISTRY.roots.items():
        declared = declaration(query.fields[name])
        assert isinstance(declared, Needs), name
        assert root.scope == declared.scope, name


# ------------------------------------------------------------- the scope comes first


def test_a_hundred_and_fifty_thousand_line_items_without_the_scope_get_403(
    client: httpx.Client, account: Account
) -> None:
    lines = [_line()] * 150_000
    for kind, key in _keys(account).items():
        found = error_of(Rest(client, key).post("/v1/orders", {"line_items": lines}), 403)
        assert (found["code"], found["message"]) == ("INSUFFICIENT_PERMISSIONS", DENIED), kind
        assert found["required_scope"] == "orders:write"
        variables = {"input": {"currency": "usd", "lineItems": lines}}
        body = gql(client, key, CREATE_ORDER, variables).json()
        (problem,) = body["errors"]
        assert problem["message"] == DENIED, kind
        assert problem["locations"] == [{"line": 2, "column": 46}]
        _refused(problem["extensions"])
        assert "data" not in body  # refused before execution began
    # A key that holds the scope gets the list's own error.
    writer = account.key("rk", ["orders:write"])
    found = error_of(Rest(client, writer).post("/v1/orders", {"line_items": lines}), 422)
    assert found["message"] == "line_items can list at most 1000 items, not 150000"
    variables = {"input": {"currency": "usd", "lineItems": lines}}
    (problem,) = gql(client, writer, CREATE_ORDER, variables).json()["errors"]
    assert (problem["extensions"]["code"], problem["extensions"]["param"]) == (
        "INVALID_FIELD_FORMAT", "input.lineItems",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "variables"),
    [({"line_items": "many"}, {"input": {"currency": "usd", "lineItems": "many"}}),
     ({"currency": 5, "line_items": [_line(quantity="one")]},
      {"input": {"currency": 5, "lineItems": [{"sku": "S", "quantity": "one"}]}}),
     ({"unknown": 1}, {"input": {"unknown": 1}})],
)  # fmt: skip
def test_invalid_input_from_a_key_without_the_scope_gets_403(
    client: httpx.Client, account: Account, body: dict[str, Any], variables: dict[str, Any]
) -> None:
    for kind, key in _keys(account).items():
        found = error_of(Rest(client, key).post("/v1/orders", body), 403)
        assert (found["code"], found["message"]) == ("INSUFFICIENT_PERMISSIONS", DENIED), kind
        (problem,) = gql(client, key, CREATE_ORDER, variables).json()["errors"]
        _refused(problem["extensions"])
    # The secret key is told what is wrong with its input.
    assert Rest(client, account.sk_test).post("/v1/orders", body).status_code in (400, 422)
    problems = gql(client, account.sk_test, CREATE_ORDER, variables).json()["errors"]
    assert {p["extensions"]["status"] for p in problems} <= {400, 422}


def test_every_root_field_the_key_lacks_is_named_and_one_it_holds_is_not_run(
    client: httpx.Client, account: Account
) -> None:
    key = account.key("rk", ["orders:read"])
    query = "{ orders { totalCount } c: customers { totalCount } returns { totalCount } }"
    body = gql(client, key, query).json()
    assert "data" not in body
    assert [(e["locations"], e["extensions"]["required_scope"]) for e in body["errors"]] == [
        ([{"line": 1, "column": query.index("c:") + 1}], "customers:read"),
        ([{"line": 1, "column": query.index("returns") + 1}], "returns:read"),
    ]
    # Through fragments too; __typename needs nothing.
    spread = """query { __typename ...F }
    fragment F on Query { ... on Query { customers { totalCount } } }"""
    (problem,) = gql(client, key, spread).json()["errors"]
    assert problem["extensions"]["required_scope"] == "customers:read"
    assert gql(client, key, "{ __typename orders { totalCount } }").json()["data"]["orders"]
