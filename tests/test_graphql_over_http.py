"""``/graphql`` as the GraphQL-over-HTTP spec has it: the answer's media type follows
``Accept``; with ``application/graphql-response+json`` a request refused before execution
is a 400 with no ``data``; with ``application/json`` it stays 200, also with no ``data``;
an operation that ran answers 200 in both; a client accepting neither gets 406.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import Account, gql

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

# Each refused before execution began: (query, variables).
REFUSED_BEFORE_EXECUTION = {
    "parse": ("{", None),
    "validation": ("{ noSuchField }", None),
    "variables": ("query($first: Int) { customers(first: $first) { totalCount } }", {"first": "x"}),
    "missing variable": ("query($id: ID!) { customer(id: $id) { id } }", {}),
    "limits": ("{ " + " ".join(f"a{n}: account {{ id }}" for n in range(40)) + " }", None),
}


def _post(
    client: httpx.Client, key: str, body: dict[str, Any], accept: str | None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    if accept is not None:
        headers["Accept"] = accept
    return client.post("/graphql", json=body, headers=headers)


def _media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize("refusal", list(REFUSED_BEFORE_EXECUTION))
def test_a_request_refused_before_execution_is_400_without_data_in_graphql_response_json(
    client: httpx.Client, account: Account, refusal: str
) -> None:
    query, variables = REFUSED_BEFORE_EXECUTION[refusal]
    body: dict[str, Any] = {"query": query, "variables": variables}
    response = _post(client, account.sk_test, body, GRAPHQL_RESPONSE)
    assert response.status_code == 400, response.text
    assert _media(response) == GRAPHQL_RESPONSE
    answer = response.json()
    assert "data" not in answer, answer
    assert answer["errors"][0]["extensions"]["request_id"] == response.headers["X-Request-Id"]


@pytest.mark.parametrize("refusal", list(REFUSED_BEFORE_EXECUTION))
def test_a_request_refused_before_execution_keeps_200_in_json_but_has_no_data(
    client: httpx.Client, account: Account, refusal: str
) -> None:
    query, variables = REFUSED_BEFORE_EXECUTION[refusal]
    response = _post(client, account.sk_test, {"query": query, "variables": variables}, JSON)
    assert response.status_code == 200, response.text
    assert _media(response) == JSON
    answer = response.json()
    assert "data" not in answer, answer
    assert answer["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"qeury": "{ account { id } }"},
        {"query": 7},
        {"query": "{ account { id } }", "variables": [7]},
        {"query": "{ account { id } }", "operationName": 7},
        {"query": "{ account { id } }", "extensions": "x"},
    ],
)
def test_a_request_that_is_no_graphql_request_is_400_without_data(
    client: httpx.Client, account: Account, body: dict[str, Any]
) -> None:
    for accept in (GRAPHQL_RESPONSE, JSON):
        response = _post(client, account.sk_test, body, accept)
        assert response.status_code == 400, response.text
        assert _media(response) == accept
        assert "data" not in response.json()


def test_an_operation_that_ran_answers_200_in_either_media_type(
    client: httpx.Client, account: Account
) -> None:
    for accept in (GRAPHQL_RESPONSE, JSON):
        ok = _post(client, account.sk_test, {"query": "{ account { id } }"}, accept)
        assert ok.status_code == 200, ok.text
        assert _media(ok) == accept
        assert ok.json()["data"] == {"account": {"id": account.id}}
        # A field error: the operation ran, so the answer is 200 with its data (null).
        failed = _post(
            client,
            account.sk_test,
            {"query": '{ customer(id: "cus_nope") { id } }', "extensions": {"a": 1}},
            accept,
        )
        assert failed.status_code == 200, failed.text
        answer = failed.json()
        assert "data" in answer, answer
        assert answer["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"


def test_a_bad_key_and_a_mutation_over_get_keep_their_status_without_data(
    client: httpx.Client, account: Account
) -> None:
    for accept in (GRAPHQL_RESPONSE, JSON):
        unknown = _post(client, "sk_test_nope", {"query": "{ account { id } }"}, accept)
        assert unknown.status_code == 401
        assert _media(unknown) == accept
        assert "data" not in unknown.json()
        over_get = client.get(
            "/graphql",
            params={"query": "mutation { __typename }"},
            headers={"Authorization": f"Bearer {account.sk_test}", "Accept": accept},
        )
        assert over_get.status_code == 405
        assert "data" not in over_get.json()


@pytest.mark.parametrize(
    ("accept", "answered_in"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json, application/graphql-response+json", JSON),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE),
        ("application/json;q=0.9, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("text/html, application/graphql-response+json;q=0.5, */*;q=0.1", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0, application/json", JSON),
    ],
)
def test_the_answer_is_in_the_media_type_the_client_prefers(
    client: httpx.Client, account: Account, accept: str | None, answered_in: str
) -> None:
    headers = {"Authorization": f"Bearer {account.sk_test}"}
    if accept is not None:
        headers["Accept"] = accept
    request = client.build_request(
        "POST", "/graphql", json={"query": "{ account { id } }"}, headers=headers
    )
    if accept is None:
        del request.headers["Accept"]
    response = client.send(request)
    assert response.status_code == 200, response.text
    assert _media(response) == answered_in


def test_a_client_accepting_neither_media_type_gets_406(
    client: httpx.Client, account: Account
) -> None:
    for accept in ("text/plain", "application/xml, text/*", "application/json;q=0"):
        response = _post(client, account.sk_test, {"query": "{ account { id } }"}, accept)
        assert response.status_code == 406, response.text
        answer = response.json()
        assert "data" not in answer
        extensions = answer["errors"][0]["extensions"]
        assert extensions["code"] == "NOT_ACCEPTABLE"
        assert extensions["request_id"] == response.headers["X-Request-Id"]
        assert GRAPHQL_RESPONSE in answer["errors"][0]["message"]


def test_the_default_client_still_reads_json(client: httpx.Client, account: Account) -> None:
    """httpx (``Accept: */*``), as curl and most clients send."""
    response = gql(client, account.sk_test, "{ nope }")
    assert response.status_code == 200
    assert _media(response) == JSON
    assert "data" not in response.json()
