"""Idempotency keys on GraphQL mutations (API.md section 6), over real HTTP."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import stateset_gql.customers.service
from tests.support import (
    CREATE_CUSTOMER,
    Account,
    LiveServer,
    create_customer,
    data,
    error,
    gql,
    new_account,
)

COUNTS = """
{
  customers { totalCount }
  events(where: {type: {_eq: "customer.created"}}) { totalCount }
}
"""

DELETE_CUSTOMER = "mutation Delete($id: ID!) { deleteCustomer(id: $id) { id deleted } }"


def new_key() -> str:
    return f"idem_{secrets.token_hex(12)}"


def new_email() -> str:
    return f"c{secrets.token_hex(6)}@example.com"


def counts(client: httpx.Client, key: str) -> tuple[int, int]:
    """How many customers the key sees, and how many ``customer.created`` events."""
    result = data(gql(client, key, COUNTS))
    return result["customers"]["totalCount"], result["events"]["totalCount"]


def create(client: httpx.Client, key: str, idempotency_key: str, **fields: Any) -> httpx.Response:
    return gql(
        client,
        key,
        CREATE_CUSTOMER,
        {"input": fields},
        headers={"Idempotency-Key": idempotency_key},
    )


def is_replay(response: httpx.Response) -> bool:
    replayed: str | None = response.headers.get("Idempotent-Replayed")
    return replayed == "true"


def test_a_retried_mutation_replays_the_first_response_and_creates_nothing_more(
    client: httpx.Client, account: Account
) -> None:
    key = new_key()
    email = new_email()
    first = create(client, account.sk_test, key, email=email, name="Ana")
    created = data(first)["createCustomer"]
    assert not is_replay(first)

    for _ in range(2):
        retry = create(client, account.sk_test, key, email=email, name="Ana")
        assert retry.status_code == first.status_code
        assert retry.content == first.content
        assert is_replay(retry)

    assert counts(client, account.sk_test) == (1, 1)
    listed = data(gql(client, account.sk_test, "{ customers { nodes { id } } }"))
    assert listed["customers"]["nodes"] == [{"id": created["id"]}]


def test_a_retry_with_the_same_json_in_another_key_order_is_still_a_replay(
    client: httpx.Client, account: Account
) -> None:
    key = new_key()
    email = new_email()
    first = create(client, account.sk_test, key, email=email, name="Ana")
    data(first)
    retry = create(client, account.sk_test, key, name="Ana", email=email)
    assert is_replay(retry)
    assert retry.content == first.content
    assert counts(client, account.sk_test) == (1, 1)


def test_the_same_key_with_a_different_body_is_a_mismatch(
    client: httpx.Client, account: Account
) -> None:
    key = new_key()
    data(create(client, account.sk_test, key, email=new_email()))

    other_variables = create(client, account.sk_test, key, email=new_email())
    other_query = gql(
        client,
        account.sk_test,
        "mutation Create($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }",
        {"input": {"email": new_email()}},
        headers={"Idempotency-Key": key},
    )
    for response in (other_variables, other_query):
        assert response.status_code == 200, response.text
        assert not is_replay(response)
        extensions = error(response)
        assert extensions["code"] == "IDEMPOTENCY_KEY_MISMATCH"
        assert extensions["type"] == "idempotency_error"
        assert extensions["status"] == 400
        assert extensions["request_id"] == response.headers["X-Request-Id"]
        assert "data" not in response.json()  # refused before execution began

    assert counts(client, account.sk_test) == (1, 1)


def test_idempotency_keys_are_scoped_to_the_api_key(client: httpx.Client, account: Account) -> None:
    other_api_key = account.key("sk")
    key = new_key()
    email = new_email()
    data(create(client, account.sk_test, key, email=email))

    # The same key and body under another API key is not a replay: it runs again.
    again = create(client, other_api_key, key, email=email)
    assert not is_replay(again)
    assert error(again)["code"] == "RESOURCE_ALREADY_EXISTS"

    # ...and a different body under another API key is not a mismatch.
    independent = create(client, other_api_key, key, email=new_email())
    assert not is_replay(independent)
    data(independent)

    assert counts(client, account.sk_test) == (2, 2)


def test_a_conflicting_mutation_stores_nothing_and_runs_again_once_the_conflict_is_gone(
    client: httpx.Client, account: Account
) -> None:
    email = new_email()
    existing = create_customer(client, account.sk_test, email=email)
    key = new_key()

    refused = create(client, account.sk_test, key, email=email)
    assert refused.status_code == 200
    extensions = error(refused)
    assert extensions["code"] == "RESOURCE_ALREADY_EXISTS"
    assert extensions["status"] == 409

    data(gql(client, account.sk_test, DELETE_CUSTOMER, {"id": existing["id"]}))

    retried = create(client, account.sk_test, key, email=email)
    assert not is_replay(retried)
    created = data(retried)["createCustomer"]
    assert created["email"] == email
    assert created["id"] != existing["id"]
    assert counts(client, account.sk_test) == (1, 2)


def test_an_invalid_mutation_stores_nothing_so_the_key_can_carry_a_corrected_body(
    client: httpx.Client, account: Account
) -> None:
    key = new_key()
    for _ in range(2):
        refused = create(client, account.sk_test, key, email="not-an-email")
        assert not is_replay(refused)
        extensions = error(refused)
        assert extensions["code"] == "INVALID_FIELD_FORMAT"
        assert extensions["param"] == "input.email"

    corrected = create(client, account.sk_test, key, email=new_email())
    assert not is_replay(corrected)
    data(corrected)
    assert counts(client, account.sk_test) == (1, 1)


@pytest.mark.parametrize("key", ["k" * 256, ""], ids=["256-characters", "empty"])
def test_an_idempotency_key_longer_than_255_characters_or_empty_is_refused(
    client: httpx.Client, account: Account, key: str
) -> None:
    refused = create(client, account.sk_test, key, email=new_email())
    assert refused.status_code == 200, refused.text
    extensions = error(refused)
    assert extensions["code"] == "VALIDATION_ERROR"
    assert extensions["type"] == "invalid_request_error"
    assert extensions["status"] == 400
    assert extensions["param"] == "Idempotency-Key"
    assert "data" not in refused.json()  # refused before execution began
    assert counts(client, account.sk_test) == (0, 0)

    longest = create(client, account.sk_test, "k" * 255, email=new_email())
    data(longest)
    assert counts(client, account.sk_test) == (1, 1)


def test_a_query_with_an_idempotency_key_is_simply_executed(
    client: httpx.Client, account: Account
) -> None:
    key = new_key()
    headers = {"Idempotency-Key": key}
    before = gql(client, account.sk_test, COUNTS, headers=headers)
    assert data(before)["customers"]["totalCount"] == 0
    create_customer(client, account.sk_test)

    after = gql(client, account.sk_test, COUNTS, headers=headers)
    assert not is_replay(after)
    assert data(after)["customers"]["totalCount"] == 1

    # The query claimed nothing: the key is still free for a mutation.
    mutation = create(client, account.sk_test, key, email=new_email())
    assert not is_replay(mutation)
    data(mutation)


def test_the_events_of_an_idempotent_mutation_name_its_key_and_the_replay_still_works(
    client: httpx.Client, account: Account
) -> None:
    key = new_key()
    email = new_email()
    first = create(client, account.sk_test, key, email=email)
    created = data(first)["createCustomer"]

    events_query = """
    { events { totalCount nodes { type data request { id idempotencyKey } } } }
    """
    events = data(gql(client, account.sk_test, events_query))["events"]
    assert events["totalCount"] == 1
    (event,) = events["nodes"]
    assert event["type"] == "customer.created"
    assert event["data"]["object"]["id"] == created["id"]
    assert event["request"] == {"id": first.headers["X-Request-Id"], "idempotencyKey": key}

    replay = create(client, account.sk_test, key, email=email)
    assert is_replay(replay)
    assert replay.status_code == first.status_code
    assert replay.content == first.content
    assert data(gql(client, account.sk_test, events_query))["events"]["totalCount"] == 1


@pytest.fixture
def held_creates(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Fault injection: ``createCustomer`` waits, once called, until the test lets it go.

    The server runs in this process, so it calls the patched service. Yields the events
    (started, release)."""
    original = stateset_gql.customers.service.create
    started, release = threading.Event(), threading.Event()

    async def held(**kwargs: Any) -> Any:
        started.set()
        await asyncio.to_thread(release.wait, 30)
        return await original(**kwargs)

    monkeypatch.setattr(stateset_gql.customers.service, "create", held)
    try:
        yield started, release
    finally:
        release.set()


def test_a_retry_while_the_first_request_runs_is_told_the_key_is_in_use(
    server: LiveServer,
    client: httpx.Client,
    account: Account,
    held_creates: tuple[threading.Event, threading.Event],
) -> None:
    started, release = held_creates
    key, email = new_key(), new_email()
    firsts: list[httpx.Response] = []

    def send_first() -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            firsts.append(create(http, account.sk_test, key, email=email))

    thread = threading.Thread(target=send_first)
    thread.start()
    try:
        assert started.wait(timeout=10), "the first request never reached the service"
        retry = create(client, account.sk_test, key, email=email)
    finally:
        release.set()
        thread.join(timeout=30)

    assert retry.status_code == 200, retry.text
    assert not is_replay(retry)
    extensions = error(retry)
    assert extensions["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert extensions["type"] == "idempotency_error"
    assert extensions["status"] == 409
    assert extensions["param"] == "Idempotency-Key"

    (first,) = firsts
    data(first)
    later = create(client, account.sk_test, key, email=email)
    assert is_replay(later)
    assert later.content == first.content
    assert counts(client, account.sk_test) == (1, 1)


def _race(
    server: LiveServer, api_key: str, key: str, email: str, racers: int
) -> list[httpx.Response]:
    """Sends one mutation from ``racers`` threads at once; returns every response."""
    barrier = threading.Barrier(racers)
    outcomes: list[httpx.Response | Exception | None] = [None] * racers

    def run(index: int, http: httpx.Client) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = create(http, api_key, key, email=email)
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes[index] = exc

    clients = [httpx.Client(base_url=server.base_url, timeout=30) for _ in range(racers)]
    try:
        threads = [threading.Thread(target=run, args=(i, http)) for i, http in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for http in clients:
            http.close()
    responses = [r for r in outcomes if isinstance(r, httpx.Response)]
    assert len(responses) == racers, outcomes
    return responses


def test_concurrent_retries_with_one_key_create_exactly_one_customer(
    postgres_only: None, server: LiveServer, client: httpx.Client
) -> None:
    # A roomy plan, so that the race is never cut short by a rate limit.
    account = new_account(server.database_url, plan="scale")
    racers = 8
    rounds = 4
    for round_number in range(1, rounds + 1):
        key, email = new_key(), new_email()
        responses = _race(server, account.sk_test, key, email, racers)
        originals = [r for r in responses if not is_replay(r) and "errors" not in r.json()]
        assert len(originals) == 1, [r.text for r in responses]
        (original,) = originals
        data(original)
        for response in responses:
            if response is original:
                continue
            assert response.status_code == 200, response.text
            if is_replay(response):
                assert response.content == original.content
                continue
            extensions = error(response)
            assert extensions["code"] == "IDEMPOTENCY_KEY_IN_USE", extensions
            assert extensions["type"] == "idempotency_error"
            assert extensions["status"] == 409

        # Once the winner is done, any retry is its replay.
        late = create(client, account.sk_test, key, email=email)
        assert is_replay(late)
        assert late.content == original.content
        assert counts(client, account.sk_test) == (round_number, round_number)
