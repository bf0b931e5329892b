"""Bulk jobs (API.md section 14) through both surfaces, on both backends, run by the
server's own job loop (memory://)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson

from tests.support import Account, data, gql

CREATE_CUSTOMER = (
    "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id email } }"
)
ENDED = ("succeeded", "failed", "cancelled")


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def create_job(client: httpx.Client, key: str, body: dict[str, Any]) -> dict[str, Any]:
    made = client.post("/v1/jobs", json=body, headers=_auth(key))
    assert made.status_code == 201, made.text
    job: dict[str, Any] = made.json()
    return job


def wait_for(
    client: httpx.Client, key: str, job_id: str, seconds: float = 30
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The job once it ended, and each state polled on the way."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers=_auth(key)).json()
        seen.append(job)
        if job["status"] in ENDED:
            return job, seen
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end: {seen[-1]}")


def results(client: httpx.Client, key: str, job_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/v1/jobs/{job_id}/results", headers=_auth(key))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    return [orjson.loads(line) for line in answer.content.splitlines()]


def test_a_bulk_mutation_runs_every_line_and_answers_each_result_in_order(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    lines = [
        {"input": {"email": "one@example.com"}},
        {"input": {"email": "not-an-email"}},
        {"input": {"email": "three@example.com", "name": "Three"}},
    ]
    job = create_job(
        client, key, {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables": lines}
    )
    assert job["id"].startswith("job_")
    assert job["status"] == "queued"
    assert list(job) == [
        "id", "object", "type", "status", "total", "processed", "succeeded", "failed",
        "error_policy", "error", "created", "started_at", "finished_at", "results_expires_at",
        "livemode",
    ]  # fmt: skip
    ended, _ = wait_for(client, key, job["id"])
    assert ended["status"] == "succeeded", ended
    assert (ended["total"], ended["processed"], ended["succeeded"], ended["failed"]) == (3, 3, 2, 1)
    assert ended["error"] is None
    assert None not in (ended["started_at"], ended["finished_at"], ended["results_expires_at"])
    found = results(client, key, job["id"])
    assert [r["line"] for r in found] == [1, 2, 3]
    assert found[0]["data"]["createCustomer"]["email"] == "one@example.com"
    assert found[1]["error"]["code"] in ("INVALID_FIELD_FORMAT", "VALIDATION_ERROR")
    assert found[1]["error"]["param"] == "input.email"
    assert found[2]["data"]["createCustomer"]["email"] == "three@example.com"
    customers = client.get("/v1/customers", headers=_auth(key)).json()["data"]
    assert sorted(c["email"] for c in customers) == ["one@example.com", "three@example.com"]
    events = client.get("/v1/events?type=job.succeeded", headers=_auth(key)).json()["data"]
    assert [e["data"]["object"]["id"] for e in events] == [job["id"]]
    assert events[0]["data"]["object"] == ended


def test_graphql_runs_a_bulk_query_whose_results_equal_paging(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    for n in range(25):
        client.post("/v1/customers", json={"email": f"c{n}@example.com"}, headers=_auth(key))
    made = data(
        gql(
            client,
            key,
            'mutation { runBulkQuery(query: "{ customers(orderBy: [{field: EMAIL}]) '
            '{ nodes { id email } } }") { id status type } }',
        )
    )["runBulkQuery"]
    assert made["type"] == "BULK_QUERY"
    ended, _ = wait_for(client, key, made["id"])
    assert ended["status"] == "succeeded", ended
    found = results(client, key, made["id"])
    assert len(found) == 25 == ended["processed"] == ended["total"]
    assert [r["email"] for r in found] == sorted(f"c{n}@example.com" for n in range(25))
