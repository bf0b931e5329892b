"""HTTP-level errors in the contract's shape (API.md section 4), over a real socket."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any, NoReturn

import httpx
import orjson
import pytest

import stateset_gql.customers.service
import stateset_gql.pipeline.gate
import stateset_gql.webhooks.endpoints
from stateset_gql.graphql.compiled.execute import CompiledReads
from tests.support import CREATE_CUSTOMER, Account, create_customer, data, error, gql

COUNTS = "{ customers { totalCount } events { totalCount } }"
MAX_BODY = 10 * 1024 * 1024


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def counts(client: httpx.Client, key: str) -> tuple[int, int]:
    """How many customers and events the key sees."""
    result = data(gql(client, key, COUNTS))
    return result["customers"]["totalCount"], result["events"]["totalCount"]


def graphql_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The extensions of the one error of a /graphql response with this HTTP status."""
    assert response.status_code == status, response.text
    extensions = error(response)
    assert extensions["request_id"] == response.headers["X-Request-Id"]
    return extensions


def rest_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The ``error`` of a non-GraphQL response with this HTTP status."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    payload: dict[str, Any] = body["error"]
    assert payload["request_id"] == response.headers["X-Request-Id"]
    return payload


def post_raw(
    client: httpx.Client, key: str, content: bytes | Iterator[bytes], content_type: str
) -> httpx.Response:
    return client.post(
        "/graphql", content=content, headers={**bearer(key), "Content-Type": content_type}
    )


# Request bodies


def test_a_malformed_json_body_is_a_400_invalid_json(
    client: httpx.Client, account: Account
) -> None:
    response = post_raw(client, account.sk_test, b'{"query": "{ customers', "application/json")
    extensions = graphql_error(response, 400)
    assert extensions["code"] == "INVALID_JSON"
    assert extensions["type"] == "invalid_request_error"
    assert extensions["status"] == 400


def test_get_variables_that_are_not_json_are_a_400_invalid_json(
    client: httpx.Client, account: Account
) -> None:
    response = client.get(
        "/graphql",
        params={"query": "{ customers { totalCount } }", "variables": "{oops"},
        headers=bearer(account.sk_test),
    )
    extensions = graphql_error(response, 400)
    assert extensions["code"] == "INVALID_JSON"
    assert extensions["param"] == "variables"


@pytest.mark.parametrize("body", [b"[]", b'"{ customers { totalCount } }"', b"42", b"null"])
def test_a_json_body_that_is_not_an_object_is_a_400(
    client: httpx.Client, account: Account, body: bytes
) -> None:
    response = post_raw(client, account.sk_test, body, "application/json")
    assert graphql_error(response, 400)["code"] == "INVALID_JSON"


@pytest.mark.parametrize("body", [{}, {"variables": {}}, {"query": ""}, {"query": 5}])
def test_a_request_without_a_query_is_a_400_naming_query(
    client: httpx.Client, account: Account, body: dict[str, Any]
) -> None:
    response = client.post("/graphql", json=body, headers=bearer(account.sk_test))
    extensions = graphql_error(response, 400)
    assert extensions["code"] == "VALIDATION_ERROR"
    assert extensions["param"] == "query"


def test_a_body_that_is_not_json_is_a_415(client: httpx.Client, account: Account) -> None:
    response = post_raw(client, account.sk_test, b"{ customers { totalCount } }", "text/plain")
    extensions = graphql_error(response, 415)
    assert extensions["code"] == "UNSUPPORTED_MEDIA_TYPE"


def _padded_mutation(size: int) -> bytes:
    """A createCustomer that would succeed, padded with JSON whitespace to ``size`` bytes."""
    body = orjson.dumps(
        {"query": CREATE_CUSTOMER, "variables": {"input": {"email": "big@example.com"}}}
    )
    return body + b" " * (size - len(body))


def _chunks(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_over_10_mb_is_a_413_and_changes_nothing(
    client: httpx.Client, account: Account, framing: str
) -> None:
    body = _padded_mutation(MAX_BODY + 1)
    content = body if framing == "content-length" else _chunks(body)
    response = post_raw(client, account.sk_test, content, "application/json")
    if framing == "chunked":
        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
    extensions = graphql_error(response, 413)
    assert extensions["code"] == "REQUEST_TOO_LARGE"
    assert extensions["type"] == "invalid_request_error"
    assert counts(client, account.sk_test) == (0, 0)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_of_exactly_10_mb_is_accepted(
    client: httpx.Client, account: Account, framing: str
) -> None:
    body = _padded_mutation(MAX_BODY)
    content = body if framing == "content-length" else _chunks(body)
    response = post_raw(client, account.sk_test, content, "application/json")
    assert data(response)["createCustomer"]["email"] == "big@example.com"
    assert counts(client, account.sk_test) == (1, 1)


# Routes and methods


def test_an_unknown_route_is_a_404_in_the_rest_shape(client: httpx.Client) -> None:
    response = client.get("/v0/nowhere")
    payload = rest_error(response, 404)
    assert payload["code"] == "RESOURCE_NOT_FOUND"
    assert payload["type"] == "not_found_error"
    assert "/v0/nowhere" in payload["message"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/health", {"GET"}),
        ("POST", "/metrics", {"GET"}),
        ("PUT", "/graphql", {"GET", "POST"}),
    ],
)
def test_a_wrong_method_is_a_405_with_an_allow_header(
    client: httpx.Client, method: str, path: str, allowed: set[str]
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405, response.text
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    body = response.json()
    payload = body["errors"][0]["extensions"] if path == "/graphql" else body["error"]
    assert payload["code"] == "METHOD_NOT_ALLOWED"
    assert payload["request_id"] == response.headers["X-Request-Id"]


def test_a_mutation_sent_with_get_is_a_405_and_does_nothing(
    client: httpx.Client, account: Account
) -> None:
    customer = create_customer(client, account.sk_test)
    mutation = f'mutation {{ deleteCustomer(id: "{customer["id"]}") {{ id deleted }} }}'
    response = client.get("/graphql", params={"query": mutation}, headers=bearer(account.sk_test))
    extensions = graphql_error(response, 405)
    assert extensions["code"] == "METHOD_NOT_ALLOWED"
    assert counts(client, account.sk_test) == (1, 1)


def test_a_query_sent_with_get_is_answered(client: httpx.Client, account: Account) -> None:
    create_customer(client, account.sk_test)
    response = client.get(
        "/graphql",
        params={"query": "query Count { customers { totalCount } }", "operationName": "Count"},
        headers=bearer(account.sk_test),
    )
    assert data(response) == {"customers": {"totalCount": 1}}


# Request ids


def test_every_response_carries_a_request_id_matching_its_error_body(
    client: httpx.Client, account: Account
) -> None:
    responses = [
        client.get("/health"),
        client.get("/v0/nowhere"),
        client.delete("/health"),
        client.post("/graphql", json={"query": "{ customers { totalCount } }"}),
        post_raw(client, account.sk_test, b"{", "application/json"),
        gql(client, account.sk_test, "{ customers { totalCount } }"),
        gql(client, account.sk_test, "{ nope }"),
    ]
    ids = [r.headers["X-Request-Id"] for r in responses]
    assert all(i.startswith("req_") for i in ids), ids
    assert len(set(ids)) == len(ids)
    for response in responses:
        body = response.json()
        if "error" in body:
            assert body["error"]["request_id"] == response.headers["X-Request-Id"]
        for each in body.get("errors") or []:
            assert each["extensions"]["request_id"] == response.headers["X-Request-Id"]


# GraphQL documents and variables


@pytest.mark.parametrize(
    "query", ["{ customers { totalCount ", "{ nope }", "{ customers(first: true) { totalCount } }"]
)
def test_a_document_that_does_not_validate_is_a_200_with_a_400_validation_error(
    client: httpx.Client, account: Account, query: str
) -> None:
    response = gql(client, account.sk_test, query)
    extensions = graphql_error(response, 200)
    assert extensions["code"] == "VALIDATION_ERROR"
    assert extensions["type"] == "invalid_request_error"
    assert extensions["status"] == 400


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"nickname": "s3cr3t-value"}, "input.nickname"),
        ({"address": {"line1": "1 Main St", "planet": "s3cr3t-value"}}, "input.address.planet"),
    ],
)
def test_an_unknown_field_in_an_input_is_a_422_naming_it(
    client: httpx.Client, account: Account, fields: dict[str, Any], param: str
) -> None:
    variables = {"input": {"email": "ana@example.com", **fields}}
    response = gql(client, account.sk_test, CREATE_CUSTOMER, variables)
    extensions = graphql_error(response, 200)
    assert extensions["code"] == "VALIDATION_ERROR"
    assert extensions["status"] == 422
    assert extensions["param"] == param
    assert [d["param"] for d in extensions["details"]] == [param]
    assert "s3cr3t-value" not in response.text
    assert counts(client, account.sk_test) == (0, 0)


def test_a_value_of_the_wrong_type_is_invalid_field_format_without_echoing_it(
    client: httpx.Client, account: Account
) -> None:
    variables = {"input": {"email": 4242424242424242}}
    response = gql(client, account.sk_test, CREATE_CUSTOMER, variables)
    extensions = graphql_error(response, 200)
    assert extensions["code"] == "INVALID_FIELD_FORMAT"
    assert extensions["status"] == 422
    assert extensions["param"] == "input.email"
    assert "4242424242424242" not in response.text


@pytest.mark.parametrize(
    ("variables", "param"), [({"input": {"name": "Ana"}}, "input.email"), (None, "input")]
)
def test_a_missing_required_field_is_missing_required_field(
    client: httpx.Client, account: Account, variables: dict[str, Any] | None, param: str
) -> None:
    response = gql(client, account.sk_test, CREATE_CUSTOMER, variables)
    extensions = graphql_error(response, 200)
    assert extensions["code"] == "MISSING_REQUIRED_FIELD"
    assert extensions["status"] == 422
    assert extensions["param"] == param


# Failures inside the server


def test_an_unexpected_error_in_a_resolver_is_an_internal_error_revealing_nothing(
    client: httpx.Client, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def boom(**_kwargs: Any) -> NoReturn:
        raise RuntimeError("disk on fire at /var/secret/path: password=hunter2")

    # Fault injection: the server runs in this process, so the patched service is the one
    # its resolver calls (webhook endpoints: a list the compiled read engine leaves to
    # the resolvers).
    monkeypatch.setattr(stateset_gql.webhooks.endpoints, "list_page", boom)
    response = gql(client, account.sk_test, "{ webhookEndpoints { totalCount } }")
    extensions = graphql_error(response, 200)
    assert extensions["code"] == "INTERNAL_ERROR"
    assert extensions["type"] == "api_error"
    assert extensions["status"] == 500
    assert extensions["request_id"].startswith("req_")
    for leak in ("hunter2", "disk on fire", "RuntimeError", "Traceback", "/var/secret"):
        assert leak not in response.text


def test_an_unexpected_error_in_the_compiled_read_engine_reveals_nothing(
    client: httpx.Client, account: Account, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has no compiled read engine")

    async def boom(*_args: Any, **_kwargs: Any) -> NoReturn:
        raise RuntimeError("statement failed: password=hunter2")

    monkeypatch.setattr(CompiledReads, "_connection", boom)
    response = gql(client, account.sk_test, "{ customers { totalCount } }")
    extensions = graphql_error(response, 500)
    assert extensions["code"] == "INTERNAL_ERROR"
    assert "hunter2" not in response.text


def test_an_unexpected_error_outside_graphql_is_an_http_500_revealing_nothing(
    client: httpx.Client, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def boom(**_kwargs: Any) -> NoReturn:
        raise RuntimeError("connection string postgres://admin:hunter2@db")

    monkeypatch.setattr(stateset_gql.pipeline.gate, "authenticate", boom)
    response = gql(client, account.sk_test, "{ customers { totalCount } }")
    extensions = graphql_error(response, 500)
    assert extensions["code"] == "INTERNAL_ERROR"
    assert extensions["type"] == "api_error"
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text


def test_a_failed_mutation_leaves_the_database_unchanged(
    client: httpx.Client, account: Account
) -> None:
    # The first field succeeds before the second fails: the whole request is undone.
    mutation = """
    mutation {
      first: createCustomer(input: {email: "first@example.com"}) { id }
      second: createCustomer(input: {email: "not an email"}) { id }
    }
    """
    response = gql(client, account.sk_test, mutation)
    assert graphql_error(response, 200)["code"] == "INVALID_FIELD_FORMAT"
    assert response.json()["data"] is None
    assert counts(client, account.sk_test) == (0, 0)

    existing = create_customer(client, account.sk_test, email="taken@example.com")
    duplicate = gql(
        client, account.sk_test, CREATE_CUSTOMER, {"input": {"email": "TAKEN@example.com"}}
    )
    assert graphql_error(duplicate, 200)["code"] == "RESOURCE_ALREADY_EXISTS"
    listed = data(gql(client, account.sk_test, "{ customers { nodes { id } } }"))
    assert listed["customers"]["nodes"] == [{"id": existing["id"]}]
    assert counts(client, account.sk_test) == (1, 1)


# Authentication


def test_a_request_without_a_key_is_a_401_missing_api_key(client: httpx.Client) -> None:
    response = client.post("/graphql", json={"query": "{ customers { totalCount } }"})
    extensions = graphql_error(response, 401)
    assert extensions["code"] == "MISSING_API_KEY"
    assert extensions["type"] == "authentication_error"
    assert extensions["status"] == 401


def _revoked_key(client: httpx.Client, account: Account) -> str:
    created = data(
        gql(
            client,
            account.sk_test,
            "mutation { createApiKey(input: {type: SK}) { id secret } }",
        )
    )["createApiKey"]
    data(
        gql(client, account.sk_test, f'mutation {{ revokeApiKey(id: "{created["id"]}") {{ id }} }}')
    )
    secret: str = created["secret"]
    return secret


@pytest.mark.parametrize("kind", ["garbage", "unknown", "revoked", "other-scheme"])
def test_a_bad_key_is_a_401_invalid_api_key(
    client: httpx.Client, account: Account, kind: str
) -> None:
    headers = {
        "garbage": lambda: bearer("not-a-key"),
        "unknown": lambda: bearer("sk_test_" + secrets.token_hex(20)),
        "revoked": lambda: bearer(_revoked_key(client, account)),
        "other-scheme": lambda: {"Authorization": f"Token {account.sk_test}"},
    }[kind]()
    response = client.post(
        "/graphql", json={"query": "{ customers { totalCount } }"}, headers=headers
    )
    extensions = graphql_error(response, 401)
    assert extensions["code"] == "INVALID_API_KEY"
    assert extensions["type"] == "authentication_error"


def test_http_basic_with_the_key_as_user_name_authenticates(
    client: httpx.Client, account: Account
) -> None:
    create_customer(client, account.sk_test)
    response = client.post(
        "/graphql", json={"query": "{ customers { totalCount } }"}, auth=(account.sk_test, "")
    )
    assert data(response) == {"customers": {"totalCount": 1}}
