"""Errors in the caller's own names (API.md section 4), on both surfaces and databases.

REST names a field in the body's snake_case names with Stripe's brackets
(``line_items[0][unit_amount]``); GraphQL in the input's names as a dotted path
(``input.lineItems.0.unitAmount``). Neither quotes the other's names, nor graphql-core's.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.order_support import CREATE, PAY, SHIP, SHIPPING, TEST_CARD, line, unique_sku
from tests.rest_support import CARD, Rest, error_of, stocked_order
from tests.support import Account, error, gql

# A GraphQL name in a REST message: a camelCase word, or a dotted path with an index.
GRAPHQL_NAME = re.compile(r"\b[a-z]+[A-Z]\w*|\w\.\d+\b")
# graphql-core's own words.
GRAPHQL_WORDS = re.compile(r"cannot represent|non-integer|Expected value|of required type")


@pytest.fixture
def rest(client: httpx.Client, account: Account) -> Rest:
    return Rest(client, account.sk_test)


def _speaks_rest(problem: dict[str, Any]) -> None:
    texts = [problem["message"], *(d["message"] for d in problem["details"])]
    for text in texts:
        assert not GRAPHQL_NAME.search(text), text
        assert not GRAPHQL_WORDS.search(text), text


def _order_body(sku: str = "SKU-1", **item: Any) -> dict[str, Any]:
    return {
        "currency": "usd",
        "line_items": [{"sku": sku, "name": sku, "quantity": 1, "unit_amount": 100, **item}],
    }


# REST: brackets, snake_case, REST words


@pytest.mark.parametrize(
    ("item", "param", "code"),
    [
        ({"unit_amount": -1}, "line_items[0][unit_amount]", "INVALID_FIELD_FORMAT"),
        ({"unit_amount": "ten"}, "line_items[0][unit_amount]", "INVALID_FIELD_FORMAT"),
        ({"unit_amount": 1.5}, "line_items[0][unit_amount]", "INVALID_FIELD_FORMAT"),
        ({"quantity": 0}, "line_items[0][quantity]", "INVALID_FIELD_FORMAT"),
        ({"name": None}, "line_items[0][name]", "MISSING_REQUIRED_FIELD"),
        ({"name": "  "}, "line_items[0][name]", "INVALID_FIELD_FORMAT"),
        ({"colour": "red"}, "line_items[0][colour]", "VALIDATION_ERROR"),
    ],
)
def test_a_rest_line_item_problem_is_named_in_brackets(
    rest: Rest, item: dict[str, Any], param: str, code: str
) -> None:
    body = _order_body(unique_sku(), **item)
    if item.get("name", "") is None:
        del body["line_items"][0]["name"]
    problem = error_of(rest.post("/v1/orders", body), 422)
    assert (problem["code"], problem["param"]) == (code, param), problem
    assert [d["param"] for d in problem["details"]] == [param]
    _speaks_rest(problem)


def test_a_rest_missing_line_item_field_says_so_in_rest_names(rest: Rest) -> None:
    body = _order_body(unique_sku())
    del body["line_items"][0]["name"]
    problem = error_of(rest.post("/v1/orders", body), 422)
    assert problem["message"] == "line_items[0][name] is required"


def test_a_rest_shipping_address_problem_is_named_in_brackets(rest: Rest) -> None:
    body = {**_order_body(unique_sku()), "shipping_address": {"postal_code": "9" * 201}}
    problem = error_of(rest.post("/v1/orders", body), 422)
    assert problem["param"] == "shipping_address[postal_code]"
    _speaks_rest(problem)


@pytest.mark.parametrize(
    ("card", "param"),
    [
        ({**CARD, "number": "4242424242424241"}, "card[number]"),
        ({**CARD, "exp_month": 13}, "card[exp_month]"),
        ({**CARD, "exp_month": "soon"}, "card[exp_month]"),
    ],
)
def test_a_rest_card_problem_is_named_in_brackets(
    rest: Rest, card: dict[str, Any], param: str
) -> None:
    order = stocked_order(rest, unique_sku())
    problem = error_of(rest.post(f"/v1/orders/{order['id']}/pay", {"card": card}), 422)
    assert problem["param"] == param
    assert [d["param"] for d in problem["details"]] == [param]
    _speaks_rest(problem)


def test_a_rest_metadata_problem_names_the_key_in_brackets(rest: Rest) -> None:
    body = {"email": "meta@example.com", "metadata": {"crm_id": 5}}
    problem = error_of(rest.post("/v1/customers", body), 422)
    assert problem["param"] == "metadata[crm_id]"


def test_a_rest_return_item_problem_is_named_in_brackets(rest: Rest) -> None:
    body = {"order_id": "ord_missing", "items": [{"sku": "A", "quantity": 0}]}
    problem = error_of(rest.post("/v1/returns", body), 422)
    assert problem["param"] == "items[0][quantity]"
    _speaks_rest(problem)


# GraphQL: the input's names, one code however a field was sent

INLINE_ORDER = """mutation {
  createOrder(input: {currency: "usd", lineItems: [{sku: "A", quantity: 1, unitAmount: 1}]})
  { id } }"""


def test_a_missing_field_written_inline_is_missing_required_field_naming_it(
    client: httpx.Client, account: Account
) -> None:
    problem = error(gql(client, account.sk_test, INLINE_ORDER))
    assert (problem["code"], problem["status"]) == ("MISSING_REQUIRED_FIELD", 422)
    assert problem["param"] == "input.lineItems.0.name"
    assert [d["param"] for d in problem["details"]] == ["input.lineItems.0.name"]


def test_a_missing_field_in_variables_is_the_same_error(
    client: httpx.Client, account: Account
) -> None:
    order = {"currency": "usd", "lineItems": [{"sku": "A", "quantity": 1, "unitAmount": 1}]}
    problem = error(gql(client, account.sk_test, CREATE, {"input": order}))
    assert (problem["code"], problem["status"]) == ("MISSING_REQUIRED_FIELD", 422)
    assert problem["param"] == "input.lineItems.0.name"
    assert problem["message"] == "input.lineItems.0.name is required"


def test_a_missing_argument_written_inline_is_missing_required_field(
    client: httpx.Client, account: Account
) -> None:
    problem = error(gql(client, account.sk_test, "mutation { createOrder { id } }"))
    assert (problem["code"], problem["status"], problem["param"]) == (
        "MISSING_REQUIRED_FIELD", 422, "input",
    )  # fmt: skip


def test_a_domain_problem_is_named_in_the_inputs_names(
    client: httpx.Client, account: Account
) -> None:
    order = {"currency": "usd", "lineItems": [line(unique_sku(), unit_amount=-1)]}
    problem = error(gql(client, account.sk_test, CREATE, {"input": order}))
    assert problem["param"] == "input.lineItems.0.unitAmount"
    assert problem["message"].startswith("input.lineItems.0.unitAmount ")
    assert "unit_amount" not in str(problem)


def test_a_graphql_card_problem_is_named_in_the_inputs_names(
    client: httpx.Client, account: Account
) -> None:
    order = stocked_order(Rest(client, account.sk_test), unique_sku())
    variables = {"id": order["id"], "input": {"card": {**TEST_CARD, "expMonth": 13}}}
    problem = error(gql(client, account.sk_test, PAY, variables))
    assert problem["param"] == "input.card.expMonth"


def test_graphql_words_of_a_wrong_type_are_ours(client: httpx.Client, account: Account) -> None:
    order = {"currency": "usd", "lineItems": [{**line("A"), "quantity": "many"}]}
    problem = error(gql(client, account.sk_test, CREATE, {"input": order}))
    assert (problem["code"], problem["param"]) == (
        "INVALID_FIELD_FORMAT", "input.lineItems.0.quantity",
    )  # fmt: skip
    assert problem["message"] == "input.lineItems.0.quantity must be an integer"


# Unknown skus and illegal moves


def test_an_order_for_an_unknown_sku_says_there_is_no_such_item(rest: Rest) -> None:
    known = unique_sku()
    rest.ok(rest.post("/v1/inventory", {"sku": known, "name": known, "on_hand": 5}), 201)
    body = _order_body(known)
    body["line_items"].append({"sku": "GHOST", "name": "ghost", "quantity": 1, "unit_amount": 1})
    problem = error_of(rest.post("/v1/orders", body), 409)
    assert problem["code"] == "RESOURCE_CONFLICT"
    assert problem["param"] == "line_items[1][sku]"
    assert "Insufficient" not in problem["message"]
    assert "No inventory item for sku 'GHOST' at 'default'" in problem["message"]
    (detail,) = problem["details"]
    assert (detail["code"], detail["param"]) == ("NO_SUCH_INVENTORY_ITEM", "line_items[1][sku]")


def test_a_graphql_order_for_an_unknown_sku_names_the_line(
    client: httpx.Client, account: Account
) -> None:
    order = {"currency": "usd", "lineItems": [line("GHOST")]}
    problem = error(gql(client, account.sk_test, CREATE, {"input": order}))
    assert (problem["status"], problem["param"]) == (409, "input.lineItems.0.sku")
    assert problem["details"][0]["code"] == "NO_SUCH_INVENTORY_ITEM"


def test_a_shortage_names_the_line_that_is_short(rest: Rest) -> None:
    order = stocked_order(rest, unique_sku(), quantity=1, stock=1)
    sku = order["line_items"][0]["sku"]
    problem = error_of(rest.post("/v1/orders", _order_body(sku, quantity=5)), 409)
    assert problem["param"] == "line_items[0][quantity]"
    assert problem["details"][0]["code"] == "INSUFFICIENT_STOCK"


def test_an_illegal_move_says_which_moves_are_allowed_and_what_to_call(rest: Rest) -> None:
    order = stocked_order(rest, unique_sku())
    problem = error_of(
        rest.post(f"/v1/orders/{order['id']}/ship", {"carrier": "UPS", "tracking_number": "1"}),
        409,
    )
    (detail,) = problem["details"]
    assert (detail["from"], detail["to"]) == ("pending", "shipped")
    assert sorted(detail["allowed"]) == ["cancelled", "paid"]
    assert "POST /v1/orders/{id}/pay" in problem["message"]
    assert "payOrder" not in problem["message"]


def test_a_graphql_illegal_move_names_the_mutation_to_call(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    order = stocked_order(rest, unique_sku())
    variables = {"id": order["id"], "input": SHIPPING}
    problem = error(gql(client, account.sk_test, SHIP, variables))
    (detail,) = problem["details"]
    assert sorted(detail["allowed"]) == ["cancelled", "paid"]
    assert "payOrder" in problem["message"]
    assert "/v1/" not in problem["message"]


# A list's orderBy in the wrong shape


@pytest.mark.parametrize("inline", [True, False])
def test_order_by_in_the_wrong_shape_is_one_clear_error(
    client: httpx.Client, account: Account, inline: bool
) -> None:
    if inline:
        response = gql(
            client, account.sk_test, "{ orders(orderBy: [{amount: DESC}]) { totalCount } }"
        )
    else:
        query = "query($o: [OrderOrder!]) { orders(orderBy: $o) { totalCount } }"
        response = gql(client, account.sk_test, query, {"o": [{"amount": "DESC"}]})
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    problem = errors[0]["extensions"]
    assert problem["code"] == "VALIDATION_ERROR"
    assert problem["param"] == ("orderBy.0" if inline else "o.0")
    assert "amount" in problem["message"]
    assert "{field: " in problem["message"]
    assert "AMOUNT" in problem["message"]
    assert len(problem["message"]) < 200
