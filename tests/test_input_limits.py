"""Input that costs the server by its size or its shape is refused by the rule that owns
it, in the contract's words: a document past its bytes, a list past its length, an error
quoting a megabyte, a LIKE pattern ending in its escape, thousands of ``_in`` values, a
fraction or an unknown currency for money, a query parameter past its type."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.rest_support import Rest, error_of
from tests.support import Account, create_customer, data, error, gql

CREATE_ORDER = """
mutation Create($input: CreateOrderInput!) { createOrder(input: $input) { id currency } }
"""
CUSTOMERS = """
query List($w: CustomerWhere) { customers(where: $w) { totalCount nodes { id } } }
"""


@pytest.fixture
def rest(client: httpx.Client, account: Account) -> Rest:
    return Rest(client, account.sk_test)


def _line(**fields: Any) -> dict[str, Any]:
    return {"sku": "SKU-1", "name": "One", "quantity": 1, "unit_amount": 100, **fields}


# --------------------------------------------------------------------- document bytes


def test_a_megabyte_document_from_a_publishable_key_is_refused_by_its_size(
    client: httpx.Client, account: Account
) -> None:
    # One comment is one token however long: only the byte cap keeps it off the lexer.
    query = "#" + "x" * 1_000_000 + "\n{ inventoryItems { totalCount } }"
    found = error(gql(client, account.keys["pk_test"], query))
    assert found["code"] == "QUERY_TOO_COMPLEX"
    detail = found["details"][0]
    assert (detail["limit"], detail["max"], detail["value"]) == ("bytes", 100_000, len(query))
    small = "#" + "x" * 90_000 + "\n{ inventoryItems { totalCount } }"
    assert data(gql(client, account.keys["pk_test"], small))["inventoryItems"]["totalCount"] == 0


# ----------------------------------------------------------------------- list lengths


def test_a_hundred_and_fifty_thousand_line_items_get_the_list_length_error(
    rest: Rest, client: httpx.Client
) -> None:
    lines = [_line()] * 150_000
    found = error_of(rest.post("/v1/orders", {"currency": "usd", "line_items": lines}), 422)
    assert found["param"] == "line_items"
    assert found["message"] == "line_items can list at most 1000 items, not 150000"
    variables = {"input": {"currency": "usd", "lineItems": [_line()] * 150_000}}
    found = error(gql(client, rest.key, CREATE_ORDER, variables))
    assert (found["code"], found["param"]) == ("INVALID_FIELD_FORMAT", "input.lineItems")


# ------------------------------------------------------------------------ error sizes


def test_a_megabyte_identifier_yields_a_small_error(rest: Rest, client: httpx.Client) -> None:
    huge = "x" * 1_000_000
    for where in ({huge: {"_eq": "a"}}, {"email": {huge: "a"}}):
        response = gql(client, rest.key, CUSTOMERS, {"w": where})
        assert response.status_code == 200
        assert len(response.content) <= 64 * 1024
        assert "x" * 101 not in response.text
        assert error(response)["code"] == "VALIDATION_ERROR"
    for response in (
        rest.post("/v1/customers", {huge: 1}),
        rest.get(f"/v1/customers/cus_{'x' * 50_000}"),
        rest.get("/v1/customers", {f"{'x' * 50_000}_eq": "a"}),
    ):
        assert response.status_code in (400, 404, 422)
        assert len(response.content) <= 64 * 1024
        assert "x" * 101 not in response.text


# ---------------------------------------------------------------------------- filters


def test_a_like_pattern_ending_in_a_backslash_is_400(rest: Rest, client: httpx.Client) -> None:
    for param in ("name_like", "name_ilike", "email_like"):
        found = error_of(rest.get("/v1/customers", {param: "abc\\"}), 400)
        assert (found["code"], found["param"]) == ("VALIDATION_ERROR", param)
    response = gql(client, rest.key, CUSTOMERS, {"w": {"name": {"_ilike": "abc\\"}}})
    assert error(response)["code"] == "VALIDATION_ERROR"


def test_a_backslash_makes_a_wildcard_literal_on_every_database(
    rest: Rest, client: httpx.Client
) -> None:
    tag = f"t{id(rest)}"
    percent = create_customer(client, rest.key, name=f"{tag} 50% off")
    create_customer(client, rest.key, name=f"{tag} 500 off")
    backslash = create_customer(client, rest.key, name=f"{tag} a\\b")
    found = rest.ok(rest.get("/v1/customers", {"name_like": f"{tag} 50\\%%"}))
    assert [c["id"] for c in found["data"]] == [percent["id"]]
    found = rest.ok(rest.get("/v1/customers", {"name_ilike": f"{tag.upper()} A\\\\B"}))
    assert [c["id"] for c in found["data"]] == [backslash["id"]]


def test_in_lists_at_the_documented_limits_answer(client: httpx.Client, account: Account) -> None:
    # 99 conditions under one _or (100 nodes), each _in with 500 values: 49,500 values,
    # past what either database binds as parameters of their own.
    customer = create_customer(client, account.sk_test)
    values = [f"v{i}@example.com" for i in range(499)]
    where = {"_or": [{"email": {"_in": [*values, customer["email"]]}} for _ in range(99)]}
    found = data(gql(client, account.sk_test, CUSTOMERS, {"w": where}))["customers"]
    assert found == {"totalCount": 1, "nodes": [{"id": customer["id"]}]}
    ids = [{"id": {"_in": [customer["id"], *values]}} for _ in range(99)]
    found = data(gql(client, account.sk_test, CUSTOMERS, {"w": {"_or": ids}}))["customers"]
    assert found["totalCount"] == 1


# ------------------------------------------------------------------------------ money


def test_money_given_as_a_fraction_is_refused(rest: Rest, client: httpx.Client) -> None:
    body = {"currency": "usd", "line_items": [_line(unit_amount=100.0)]}
    found = error_of(rest.post("/v1/orders", body), 422)
    assert (found["code"], found["param"]) == ("INVALID_FIELD_FORMAT", "line_items[0][unit_amount]")
    line = {"sku": "SKU-1", "name": "One", "quantity": 1, "unitAmount": 100.5}
    found = error(
        gql(client, rest.key, CREATE_ORDER, {"input": {"currency": "USD", "lineItems": [line]}})
    )
    assert (found["code"], found["param"]) == (
        "INVALID_FIELD_FORMAT",
        "input.lineItems.0.unitAmount",
    )


@pytest.mark.parametrize("currency", ["xxx", "ABC", "US", "usdd", "ÜSD"])
def test_a_currency_must_be_an_iso_4217_code(rest: Rest, currency: str) -> None:
    found = error_of(rest.post("/v1/orders", {"currency": currency, "line_items": [_line()]}), 422)
    assert (found["code"], found["param"]) == ("INVALID_FIELD_FORMAT", "currency")


def test_a_lower_case_currency_is_its_upper_case_code(rest: Rest) -> None:
    rest.ok(rest.post("/v1/inventory", {"sku": "CUR-1", "name": "C", "on_hand": 5}), 201)
    order = rest.ok(
        rest.post("/v1/orders", {"currency": "eur", "line_items": [_line(sku="CUR-1")]}), 201
    )
    assert order["currency"] == "EUR"


# ------------------------------------------------------------------- query parameters


@pytest.mark.parametrize(
    ("path", "param", "value"),
    [
        ("/v1/orders", "amount_eq", "38738065640868"),
        ("/v1/orders", "amount_between", "1,99999999999"),
        ("/v1/orders", "amount_in", "1,99999999999"),
        ("/v1/events", "sequence_gt", "99999999999"),
    ],
)
def test_a_query_parameter_past_its_type_is_400_named_as_sent(
    rest: Rest, path: str, param: str, value: str
) -> None:
    found = error_of(rest.get(path, {param: value}), 400)
    assert (found["code"], found["param"]) == ("VALIDATION_ERROR", param)
    assert "where" not in orjson.dumps(found).decode()
