"""The one request pipeline (issue: one pipeline): authentication before the body, REST
routes on the router, route labels in metrics, and ids as the client sent them."""

from __future__ import annotations

import httpx
import pytest
from graphql import OperationType

from stateset_gql.pipeline.document import Over, refusal
from tests.rest_support import CARD, Rest, error_of
from tests.support import Account


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{nope", "application/json"), (b"a=1", "application/x-www-form-urlencoded"), (b"[]", "")],
)
def test_an_anonymous_request_with_a_bad_body_is_told_to_authenticate(
    client: httpx.Client, content: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    rest = client.post("/v1/customers", content=content, headers=headers)
    assert error_of(rest, 401)["code"] == "MISSING_API_KEY"
    graphql = client.post("/graphql", content=content, headers=headers)
    assert graphql.status_code == 401, graphql.text
    assert graphql.json()["errors"][0]["extensions"]["code"] == "MISSING_API_KEY"


def test_a_bad_key_with_a_bad_body_is_401_not_400(client: httpx.Client) -> None:
    response = client.post(
        "/v1/customers",
        content=b"{nope",
        headers={"Authorization": "Bearer sk_test_nope", "Content-Type": "application/json"},
    )
    assert error_of(response, 401)["code"] == "INVALID_API_KEY"


def test_metrics_label_each_rest_call_by_its_route_template(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    customer = rest.ok(rest.post("/v1/customers", {"email": "m@example.com"}), 201)
    rest.ok(rest.get(f"/v1/customers/{customer['id']}"))
    error_of(rest.post("/v1/orders/ord_missing/pay", {"card": CARD}), 404)
    text = client.get("/metrics").text
    assert 'route="/v1/customers/{id}"' in text
    assert 'route="/v1/orders/{id}/pay",status="404"' in text
    assert customer["id"] not in text


def test_an_encoded_slash_is_part_of_the_id(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    found = error_of(rest.get("/v1/orders/ord_x%2Fpay"), 404)
    assert found["message"] == "No such order: 'ord_x/pay'"
    # Not the pay route of order ord_x: the id route, which takes no POST.
    posted = rest.post("/v1/orders/ord_x%2Fpay", {})
    assert error_of(posted, 405)["code"] == "METHOD_NOT_ALLOWED"
    assert posted.headers["allow"] == "GET, PATCH"


QUERY, MUTATION, SUBSCRIPTION = (
    OperationType.QUERY,
    OperationType.MUTATION,
    OperationType.SUBSCRIPTION,
)


@pytest.mark.parametrize(
    ("kind", "over", "status"),
    [
        (QUERY, Over.GET, None),
        (QUERY, Over.POST, None),
        (QUERY, Over.WEBSOCKET, None),
        (MUTATION, Over.GET, 405),
        (MUTATION, Over.POST, None),
        (MUTATION, Over.WEBSOCKET, None),
        (SUBSCRIPTION, Over.GET, 400),
        (SUBSCRIPTION, Over.POST, 400),
        (SUBSCRIPTION, Over.WEBSOCKET, None),
    ],
)
def test_each_transport_carries_only_its_kinds_of_operation(
    kind: OperationType, over: Over, status: int | None
) -> None:
    refused = refusal(kind, over)
    assert (refused.status if refused is not None else None) == status
