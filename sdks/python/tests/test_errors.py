"""How an error body becomes an exception: one class per ``type`` of API.md section 4,
over REST and GraphQL alike."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stateset
from stateset._errors import error_from


@pytest.mark.parametrize(
    ("type", "code", "cls"),
    [
        ("invalid_request_error", "VALIDATION_ERROR", stateset.InvalidRequestError),
        ("authentication_error", "INVALID_API_KEY", stateset.AuthenticationError),
        ("permission_error", "INSUFFICIENT_SCOPE", stateset.PermissionError),
        ("not_found_error", "RESOURCE_NOT_FOUND", stateset.NotFoundError),
        ("card_error", "CARD_DECLINED", stateset.CardError),
        ("idempotency_error", "IDEMPOTENCY_KEY_MISMATCH", stateset.IdempotencyError),
        ("rate_limit_error", "RATE_LIMIT_EXCEEDED", stateset.RateLimitError),
        ("api_error", "INTERNAL_ERROR", stateset.APIError),
        ("invalid_request_error", "RESOURCE_CONFLICT", stateset.ConflictError),
        ("invalid_request_error", "RESOURCE_ALREADY_EXISTS", stateset.ConflictError),
        ("a_type_from_the_future", "SOMETHING", stateset.APIError),
    ],
)
def test_each_error_type_raises_its_class(
    type: str, code: str, cls: type[stateset.StatesetError]
) -> None:
    error = error_from(
        {"type": type, "code": code, "message": "m", "param": "email", "request_id": "req_1"},
        http_status=400,
        headers={"x-request-id": "req_h"},
    )
    assert error.__class__ is cls
    assert isinstance(error, stateset.StatesetError)
    assert (error.type, error.code, error.param, error.message) == (type, code, "email", "m")
    assert (error.request_id, error.http_status) == ("req_1", 400)


def test_not_found_and_conflict_are_invalid_requests() -> None:
    assert issubclass(stateset.NotFoundError, stateset.InvalidRequestError)
    assert issubclass(stateset.ConflictError, stateset.InvalidRequestError)


def test_a_card_error_carries_its_decline_code_and_payment() -> None:
    error = error_from(
        {
            "type": "card_error",
            "code": "CARD_DECLINED",
            "message": "Your card was declined",
            "decline_code": "generic_decline",
            "payment_id": "pay_1",
        },
        http_status=402,
        headers={"x-request-id": "req_h"},
    )
    assert isinstance(error, stateset.CardError)
    assert (error.decline_code, error.payment_id) == ("generic_decline", "pay_1")
    assert error.request_id == "req_h"  # from the header when the body has none


def test_a_conflict_names_the_transition_in_its_details() -> None:
    details = [{"code": "INVALID_TRANSITION", "from": "pending", "to": "shipped"}]
    error = error_from(
        {"type": "invalid_request_error", "code": "RESOURCE_CONFLICT", "details": details},
        http_status=409,
        headers={},
    )
    assert isinstance(error, stateset.ConflictError)
    assert error.details == details


def test_a_rate_limit_error_names_the_limit_hit() -> None:
    error = error_from(
        {
            "type": "rate_limit_error",
            "code": "RATE_LIMIT_EXCEEDED",
            "details": [{"param": "per_minute", "code": "RATE_LIMIT_EXCEEDED", "limit": 100}],
        },
        http_status=429,
        headers={},
    )
    assert isinstance(error, stateset.RateLimitError)
    assert error.limit == "per_minute"


def answering(status: int, body: Any, **headers: str) -> stateset.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes):
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return stateset.Client(api_key="sk_test_x", max_retries=0, http_client=http)


def test_a_rest_error_body_raises_with_status_headers_and_request_id() -> None:
    body = {
        "error": {
            "type": "invalid_request_error",
            "code": "VALIDATION_ERROR",
            "message": "email is not an email",
            "param": "email",
            "request_id": "req_1",
        }
    }
    with (
        answering(422, body, **{"X-Request-Id": "req_1"}) as client,
        pytest.raises(stateset.InvalidRequestError) as raised,
    ):
        client.customers.create(email="nope")
    error = raised.value
    assert (error.http_status, error.param, error.request_id) == (422, "email", "req_1")
    assert error.headers["x-request-id"] == "req_1"
    assert "VALIDATION_ERROR" in str(error)
    assert "req_1" in str(error)


def test_graphql_errors_raise_the_same_classes() -> None:
    body = {
        "data": None,
        "errors": [
            {
                "message": "No such order",
                "extensions": {
                    "type": "not_found_error",
                    "code": "RESOURCE_NOT_FOUND",
                    "status": 404,
                    "request_id": "req_2",
                },
            }
        ],
    }
    with answering(200, body) as client, pytest.raises(stateset.NotFoundError) as raised:
        client.graphql("{ order(id: $id) { id } }", {"id": "ord_x"})
    assert (raised.value.http_status, raised.value.request_id) == (404, "req_2")


def test_an_answer_that_is_not_json_raises_api_error() -> None:
    with (
        answering(502, b"<html>bad gateway</html>") as client,
        pytest.raises(stateset.APIError) as raised,
    ):
        client.account.retrieve()
    assert raised.value.http_status == 502
    assert "bad gateway" in raised.value.message
