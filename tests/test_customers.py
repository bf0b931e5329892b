"""Customers through GraphQL: every rule of API.md section 8, and their events."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.support import CREATE_CUSTOMER, Account, create_customer, data, error, gql

UPDATE = """
mutation($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) { id email name phone metadata updated
    address { line1 line2 city state postalCode country } }
}
"""
DELETE = "mutation($id: ID!) { deleteCustomer(id: $id) { id object deleted } }"
GET = "query($id: ID!) { customer(id: $id) { id email } }"
EVENTS = "{ events(first: 100) { nodes { id type sequence data request { id idempotencyKey } } } }"


def events(client: httpx.Client, key: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = data(gql(client, key, EVENTS))["events"]["nodes"]
    return list(reversed(nodes))  # oldest first


def count(client: httpx.Client, key: str) -> int:
    total: int = data(gql(client, key, "{ customers { totalCount } }"))["customers"]["totalCount"]
    return total


def test_creating_a_customer_returns_it_and_emits_customer_created(
    client: httpx.Client, account: Account
) -> None:
    created = create_customer(
        client,
        account.sk_test,
        email="  Ana.Lima@Example.com ",
        name="Ana Lima",
        phone="+55 11 5555-0100",
        address={"line1": "Rua A, 1", "city": "São Paulo", "country": "BR"},
        metadata={"crm_id": "42"},
    )
    assert created["id"].startswith("cus_")
    assert created["object"] == "customer"
    assert created["livemode"] is False
    assert created["email"] == "Ana.Lima@Example.com"
    assert created["address"] == {
        "line1": "Rua A, 1", "line2": None, "city": "São Paulo", "state": None,
        "postalCode": None, "country": "BR",
    }  # fmt: skip
    assert created["metadata"] == {"crm_id": "42"}
    assert created["created"].endswith("Z")
    assert datetime.fromisoformat(created["created"]) == datetime.fromisoformat(created["updated"])

    [event] = events(client, account.sk_test)
    assert event["type"] == "customer.created"
    assert event["id"].startswith("evt_")
    assert event["sequence"] == 1
    obj = event["data"]["object"]
    assert obj["id"] == created["id"]
    assert obj["address"]["postal_code"] is None  # the REST (snake_case) form
    assert obj["metadata"] == {"crm_id": "42"}
    assert "previous_attributes" not in event["data"]
    assert event["request"]["id"].startswith("req_")


@pytest.mark.parametrize(
    ("fields", "code", "param"),
    [
        ({"email": "not-an-email"}, "INVALID_FIELD_FORMAT", "input.email"),
        ({"email": "a@b"}, "INVALID_FIELD_FORMAT", "input.email"),
        ({"email": "   "}, "MISSING_REQUIRED_FIELD", "input.email"),
        ({"email": "ok@example.com", "name": "n" * 201}, "INVALID_FIELD_FORMAT", "input.name"),
        ({"email": "ok@example.com", "metadata": {"k" * 41: "v"}}, "INVALID_FIELD_FORMAT", None),
        (
            {"email": "ok@example.com", "metadata": {"k": "v" * 501}},
            "INVALID_FIELD_FORMAT",
            "input.metadata.k",
        ),
        (
            {"email": "ok@example.com", "metadata": {"k": 5}},
            "INVALID_FIELD_FORMAT",
            "input.metadata.k",
        ),
        ({"email": "ok@example.com", "metadata": ["a"]}, "INVALID_FIELD_FORMAT", "input.metadata"),
        (
            {"email": "ok@example.com", "metadata": {f"k{i}": "v" for i in range(51)}},
            "INVALID_FIELD_FORMAT",
            "input.metadata",
        ),
    ],
)
def test_bad_input_is_refused_with_422_and_changes_nothing(
    client: httpx.Client, account: Account, fields: dict[str, Any], code: str, param: str | None
) -> None:
    response = gql(client, account.sk_test, CREATE_CUSTOMER, {"input": fields})
    problem = error(response)
    assert problem["status"] == 422
    assert problem["code"] == code
    assert problem["type"] == "invalid_request_error"
    if param is not None:
        assert problem["param"] == param
    assert problem["details"], "every field problem is listed in details"
    assert response.json()["data"] is None
    assert count(client, account.sk_test) == 0
    assert events(client, account.sk_test) == []


def test_every_bad_field_is_named_at_once(client: httpx.Client, account: Account) -> None:
    fields = {"email": "nope", "name": "n" * 300, "metadata": {"a": 1}}
    problem = error(gql(client, account.sk_test, CREATE_CUSTOMER, {"input": fields}))
    assert problem["code"] == "VALIDATION_ERROR"
    assert {d["param"] for d in problem["details"]} == {
        "input.email",
        "input.name",
        "input.metadata.a",
    }


def test_an_email_is_unique_per_account_and_mode_in_any_letter_case(
    client: httpx.Client, account: Account
) -> None:
    create_customer(client, account.sk_test, email="dup@example.com")
    response = gql(
        client, account.sk_test, CREATE_CUSTOMER, {"input": {"email": "DUP@example.com"}}
    )
    problem = error(response)
    assert (problem["code"], problem["status"], problem["param"]) == (
        "RESOURCE_ALREADY_EXISTS", 409, "input.email",
    )  # fmt: skip
    assert count(client, account.sk_test) == 1
    assert len(events(client, account.sk_test)) == 1


def test_updating_changes_only_the_given_fields_and_records_previous_attributes(
    client: httpx.Client, account: Account
) -> None:
    created = create_customer(
        client, account.sk_test, email="u@example.com", name="Old", metadata={"a": "1", "b": "2"}
    )
    updated = data(
        gql(
            client,
            account.sk_test,
            UPDATE,
            {"id": created["id"], "input": {"name": "New", "metadata": {"a": "", "c": "3"}}},
        )
    )["updateCustomer"]
    assert updated["name"] == "New"
    assert updated["email"] == "u@example.com"
    assert updated["metadata"] == {"b": "2", "c": "3"}
    assert datetime.fromisoformat(updated["updated"]) > datetime.fromisoformat(created["updated"])
    update_event = events(client, account.sk_test)[-1]
    assert update_event["type"] == "customer.updated"
    assert update_event["data"]["previous_attributes"] == {
        "name": "Old",
        "metadata": {"a": "1", "b": "2"},
    }
    assert update_event["data"]["object"]["name"] == "New"


def test_an_update_that_changes_nothing_emits_no_event(
    client: httpx.Client, account: Account
) -> None:
    created = create_customer(client, account.sk_test, name="Same")
    data(gql(client, account.sk_test, UPDATE, {"id": created["id"], "input": {"name": "Same"}}))
    assert [e["type"] for e in events(client, account.sk_test)] == ["customer.created"]


def test_updating_to_a_taken_email_is_409_and_changes_nothing(
    client: httpx.Client, account: Account
) -> None:
    create_customer(client, account.sk_test, email="taken@example.com")
    other = create_customer(client, account.sk_test, email="free@example.com")
    response = gql(
        client,
        account.sk_test,
        UPDATE,
        {"id": other["id"], "input": {"email": "Taken@example.com"}},
    )
    assert error(response)["code"] == "RESOURCE_ALREADY_EXISTS"
    fetched = data(gql(client, account.sk_test, GET, {"id": other["id"]}))["customer"]
    assert fetched["email"] == "free@example.com"
    assert len(events(client, account.sk_test)) == 2


def test_update_validates_like_create(client: httpx.Client, account: Account) -> None:
    created = create_customer(client, account.sk_test)
    response = gql(client, account.sk_test, UPDATE, {"id": created["id"], "input": {"email": "x"}})
    assert error(response)["code"] == "INVALID_FIELD_FORMAT"
    missing = gql(client, account.sk_test, UPDATE, {"id": "cus_missing", "input": {"name": "x"}})
    assert error(missing)["code"] == "RESOURCE_NOT_FOUND"
    assert error(missing)["status"] == 404


def test_deleting_is_soft_hides_the_customer_and_frees_the_email(
    client: httpx.Client, account: Account
) -> None:
    created = create_customer(client, account.sk_test, email="gone@example.com")
    deleted = data(gql(client, account.sk_test, DELETE, {"id": created["id"]}))["deleteCustomer"]
    assert deleted == {"id": created["id"], "object": "customer", "deleted": True}
    assert error(gql(client, account.sk_test, GET, {"id": created["id"]}))["status"] == 404
    assert count(client, account.sk_test) == 0
    again = gql(client, account.sk_test, DELETE, {"id": created["id"]})
    assert error(again)["code"] == "RESOURCE_NOT_FOUND"
    delete_event = events(client, account.sk_test)[-1]
    assert delete_event["type"] == "customer.deleted"
    assert delete_event["data"]["object"]["deleted"] is True
    # A deleted customer's address may be used by a new customer.
    create_customer(client, account.sk_test, email="gone@example.com")
    assert count(client, account.sk_test) == 1


def test_a_failed_mutation_among_several_keeps_nothing(
    client: httpx.Client, account: Account
) -> None:
    query = """
    mutation {
      a: createCustomer(input: {email: "first@example.com"}) { id }
      b: createCustomer(input: {email: "FIRST@example.com"}) { id }
    }
    """
    response = gql(client, account.sk_test, query)
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "RESOURCE_ALREADY_EXISTS"
    assert count(client, account.sk_test) == 0
    assert events(client, account.sk_test) == []


def test_event_sequences_count_up_per_account_and_mode(
    client: httpx.Client, account: Account
) -> None:
    for _ in range(3):
        create_customer(client, account.sk_test)
    create_customer(client, account.sk_live)
    assert [e["sequence"] for e in events(client, account.sk_test)] == [1, 2, 3]
    assert [e["sequence"] for e in events(client, account.sk_live)] == [1]


def test_concurrent_creates_with_one_email_make_exactly_one_customer(
    client: httpx.Client, account: Account, server: Any, postgres_only: None
) -> None:
    workers = 10
    barrier = threading.Barrier(workers)
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def create() -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as own:
            barrier.wait()
            body = gql(
                own, account.sk_test, CREATE_CUSTOMER, {"input": {"email": "race@example.com"}}
            ).json()
            with lock:
                results.append(body)

    threads = [threading.Thread(target=create) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [r for r in results if r.get("data")]
    refused = [r["errors"][0]["extensions"]["code"] for r in results if r.get("errors")]
    assert len(created) == 1
    assert refused == ["RESOURCE_ALREADY_EXISTS"] * (workers - 1)
    assert count(client, account.sk_test) == 1
    assert [e["sequence"] for e in events(client, account.sk_test)] == [1]


def test_concurrent_writers_get_gapless_event_sequences(
    client: httpx.Client, account: Account, server: Any
) -> None:
    workers = 8
    barrier = threading.Barrier(workers)

    def create(i: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as own:
            barrier.wait()
            for j in range(3):
                create_customer(own, account.sk_test, email=f"w{i}-{j}@example.com")

    threads = [threading.Thread(target=create, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [e["sequence"] for e in events(client, account.sk_test)] == list(range(1, 25))


def test_an_explicit_null_for_a_required_field_is_missing(
    client: httpx.Client, account: Account
) -> None:
    problem = error(gql(client, account.sk_test, CREATE_CUSTOMER, {"input": {"email": None}}))
    assert (problem["code"], problem["param"], problem["status"]) == (
        "MISSING_REQUIRED_FIELD", "input.email", 422,
    )  # fmt: skip
