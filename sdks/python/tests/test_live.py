"""Beyond the conformance scenario, against the same live server (skipped without it):
a caller's own idempotency key, validation errors naming the field, and GraphQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import stateset
from live import live_server


@pytest.fixture
def client() -> Iterator[stateset.Client]:
    live = live_server()
    with stateset.Client(api_key=live.api_key, base_url=live.base_url) as client:
        yield client


def test_a_callers_idempotency_key_wins_and_replays(client: stateset.Client) -> None:
    key = f"mine-{uuid.uuid4()}"
    email = f"{uuid.uuid4().hex}@example.com"
    first = client.customers.create(email=email, idempotency_key=key)
    again = client.customers.create(email=email, idempotency_key=key)
    assert first.id == again.id
    assert again.last_response is not None
    assert again.last_response.idempotency_key == key
    assert again.last_response.headers.get("idempotent-replayed") == "true"
    with pytest.raises(stateset.IdempotencyError) as raised:
        client.customers.create(email=f"other-{email}", idempotency_key=key)
    assert raised.value.code == "IDEMPOTENCY_KEY_MISMATCH"


def test_a_validation_error_names_the_field(client: stateset.Client) -> None:
    with pytest.raises(stateset.InvalidRequestError) as invalid:
        client.customers.create(email="not an email")
    assert (invalid.value.http_status, invalid.value.param) == (422, "email")


def test_graphql_answers_data_and_raises_the_error_classes(client: stateset.Client) -> None:
    email = f"{uuid.uuid4().hex}@example.com"
    data = client.graphql(
        "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id email } }",
        {"i": {"email": email}},
    )
    assert data["createCustomer"]["email"] == email
    assert client.customers.retrieve(data["createCustomer"]["id"]).email == email
    with pytest.raises(stateset.InvalidRequestError):
        client.graphql("{ noSuchField }")
    live = live_server()
    with (
        stateset.Client(api_key="sk_test_nope", base_url=live.base_url) as bad,
        pytest.raises(stateset.AuthenticationError),
    ):
        bad.graphql("{ account { id } }")
