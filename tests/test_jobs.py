"""Bulk jobs (API.md section 14) through both surfaces, on both backends, run by the
server's own job loop (memory://)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import update

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.jobs.models import Job
from stateset_gql.jobs.queue import purge_expired_results
from tests.rest_support import Rest
from tests.support import Account, LiveServer, data, gql, new_account
from tests.test_realtime import settle, subscribed
from tests.webhook_support import add_endpoint, receiver

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
    client: httpx.Client, key: str, job_id: str, seconds: float = 30, every: float = 0.05
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The job once it ended, and each state polled on the way."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers=_auth(key)).json()
        seen.append(job)
        if job["status"] in ENDED:
            return job, seen
        time.sleep(every)
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


def upload_lines(client: httpx.Client, key: str, content: bytes) -> str:
    made = client.post(
        "/v1/files",
        data={"purpose": "bulk_input"},
        files={"file": ("lines.jsonl", content, "application/x-ndjson")},
        headers=_auth(key),
    )
    assert made.status_code == 201, made.text
    file_id: str = made.json()["id"]
    return file_id


def customer_count(client: httpx.Client, key: str) -> int:
    found = client.get("/v1/customers?include_total=true&limit=1", headers=_auth(key)).json()
    return int(found["total_count"])


def test_a_bad_line_fails_the_job_before_any_line_runs_naming_its_number(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    lines = [orjson.dumps({"input": {"email": f"v{n}@example.com"}}) for n in range(20_000)]
    lines[17_411] = b'{"input": {"email": 17411}}'
    file_id = upload_lines(client, key, b"\n".join(lines) + b"\n")
    job = create_job(
        client,
        key,
        {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables_file": file_id},
    )
    ended, _ = wait_for(client, key, job["id"], seconds=120)
    assert ended["status"] == "failed"
    assert ended["error"]["code"] == "VALIDATION_ERROR"
    assert ended["error"]["line"] == 17_412
    assert "email" in ended["error"]["message"]
    assert (ended["processed"], ended["succeeded"], ended["failed"]) == (0, 0, 0)
    assert customer_count(client, key) == 0
    assert results(client, key, job["id"]) == []
    failed = client.get("/v1/events?type=job.failed", headers=_auth(key)).json()["data"]
    assert [e["data"]["object"]["error"]["line"] for e in failed] == [17_412]


def test_a_line_that_is_not_json_or_not_an_object_is_named(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    for content, line, words in (
        (b'{"input": {"email": "a@example.com"}}\n{"input": \n', 2, "not valid JSON"),
        (b'{"input": {"email": "a@example.com"}}\r\n[1, 2]\r\n', 2, "JSON object"),
        (b"", None, "no lines"),
    ):
        file_id = upload_lines(client, key, content)
        job = create_job(
            client,
            key,
            {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables_file": file_id},
        )
        ended, _ = wait_for(client, key, job["id"])
        assert ended["status"] == "failed", ended
        assert ended["error"].get("line") == line
        assert words in ended["error"]["message"]
    assert customer_count(client, key) == 0


def test_error_policy_stop_ends_the_job_at_the_first_failed_line(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    lines = [
        {"input": {"email": "first@example.com"}},
        {"input": {"email": "first@example.com"}},
        {"input": {"email": "third@example.com"}},
    ]
    job = create_job(
        client,
        key,
        {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables": lines,
         "error_policy": "stop"},
    )  # fmt: skip
    assert job["error_policy"] == "stop"
    ended, _ = wait_for(client, key, job["id"])
    assert ended["status"] == "failed"
    assert ended["error"]["line"] == 2
    assert ended["error"]["code"] == "RESOURCE_ALREADY_EXISTS"
    assert (ended["processed"], ended["succeeded"], ended["failed"]) == (2, 1, 1)
    assert [r["line"] for r in results(client, key, job["id"])] == [1, 2]
    assert customer_count(client, key) == 1


def test_lines_short_of_stock_fail_alone_and_the_others_reserve_exactly_once(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    client.post(
        "/v1/inventory", json={"sku": "JOB-SCARCE", "name": "Scarce", "on_hand": 7},
        headers=_auth(key),
    ).raise_for_status()  # fmt: skip
    order = "mutation($input: CreateOrderInput!) { createOrder(input: $input) { id status } }"
    lines = [
        {"input": {"currency": "usd", "lineItems": [
            {"sku": "JOB-SCARCE", "name": "Scarce", "quantity": 1, "unitAmount": 100}]}}
        for _ in range(10)
    ]  # fmt: skip
    job = create_job(client, key, {"type": "bulk_mutation", "mutation": order, "variables": lines})
    ended, _ = wait_for(client, key, job["id"])
    assert ended["status"] == "succeeded"
    assert (ended["succeeded"], ended["failed"]) == (7, 3)
    found = results(client, key, job["id"])
    assert [r["line"] for r in found] == list(range(1, 11))
    assert sorted(r["error"]["code"] for r in found if "error" in r) == ["RESOURCE_CONFLICT"] * 3
    [item] = client.get("/v1/inventory?sku_eq=JOB-SCARCE", headers=_auth(key)).json()["data"]
    assert (item["on_hand"], item["reserved"], item["available"]) == (7, 7, 0)
    orders = client.get("/v1/orders?limit=100", headers=_auth(key)).json()["data"]
    assert len(orders) == 7


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"type": "bulk_mutation", "variables": [{}]}, 422, "mutation"),
        ({"type": "bulk_mutation", "mutation": "mutation {", "variables": [{}]}, 400,
         "mutation"),
        ({"type": "bulk_mutation", "mutation": "{ customers { nodes { id } } }",
          "variables": [{}]}, 400, "mutation"),
        ({"type": "bulk_mutation", "variables": [{}],
          "mutation": 'mutation { a: deleteCustomer(id: "x") { id } '
                      'b: deleteCustomer(id: "y") { id } }'}, 400, "mutation"),
        ({"type": "bulk_mutation", "mutation": CREATE_CUSTOMER}, 400, "variables"),
        ({"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables": [{}],
          "variables_file": "file_missing"}, 400, "variables"),
        ({"type": "bulk_mutation", "mutation": CREATE_CUSTOMER,
          "variables": [{} for _ in range(1001)]}, 422, "variables"),
        ({"type": "bulk_mutation", "mutation": CREATE_CUSTOMER,
          "variables_file": "file_missing"}, 404, "variables_file"),
        ({"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables": [{}],
          "error_policy": "sometimes"}, 422, "error_policy"),
        ({"type": "bulk_query", "query": "{ account { id } }"}, 400, "query"),
        ({"type": "bulk_query", "query": "{ customers { totalCount } }"}, 400, "query"),
        ({"type": "bulk_query", "query": "{ customers { nodes { id } } }",
          "variables": [{}]}, 400, "variables"),
        ({"type": "bulk_query", "mutation": CREATE_CUSTOMER}, 422, "query"),
        ({"type": "export"}, 422, "type"),
    ],
)  # fmt: skip
def test_a_job_that_cannot_run_is_refused_when_created_naming_its_field(
    client: httpx.Client, account: Account, body: dict[str, Any], status: int, param: str
) -> None:
    answer = client.post("/v1/jobs", json=body, headers=_auth(account.sk_test))
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["param"] == param or any(d["param"] == param for d in error["details"]), error
    assert client.get("/v1/jobs", headers=_auth(account.sk_test)).json()["data"] == []


def test_the_scopes_a_job_needs_are_its_own_and_its_lines(
    client: httpx.Client, account: Account
) -> None:
    body = {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables": [{}]}
    only_jobs = account.key("rk", ["jobs:write"])
    refused = client.post("/v1/jobs", json=body, headers=_auth(only_jobs))
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["required_scope"] == "customers:write"
    only_customers = account.key("rk", ["customers:write"])
    refused = client.post("/v1/jobs", json=body, headers=_auth(only_customers))
    assert refused.status_code == 403
    assert refused.json()["error"]["required_scope"] == "jobs:write"
    both = account.key("rk", ["customers:write", "jobs:write"])
    lines = {**body, "variables": [{"input": {"email": "scoped@example.com"}}]}
    ended, _ = wait_for(client, both, create_job(client, both, lines)["id"])
    assert ended["status"] == "succeeded"
    reader = account.key("rk", ["jobs:read"])
    assert client.get(f"/v1/jobs/{ended['id']}", headers=_auth(reader)).json() == ended
    assert len(results(client, reader, ended["id"])) == 1
    assert client.post(f"/v1/jobs/{ended['id']}/cancel", headers=_auth(reader)).status_code == 403


def test_graphql_names_the_params_as_graphql_writes_them(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    answer = gql(client, key, 'mutation { runBulkMutation(mutation: "mutation {", variables: [{}]) '
                 "{ id } }")  # fmt: skip
    [error] = answer.json()["errors"]
    assert error["extensions"]["param"] == "mutation"
    answer = gql(client, key, "mutation { createJob(input: {type: BULK_QUERY}) { id } }")
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "MISSING_REQUIRED_FIELD"
    assert error["extensions"]["details"][0]["param"] == "input.query"
    made = data(
        gql(
            client,
            key,
            "mutation($lines: [JSON!]) { runBulkMutation(mutation: "
            f'"{CREATE_CUSTOMER}", variables: $lines, errorPolicy: STOP) '
            "{ id status errorPolicy total } }",
            {"lines": [{"input": {"email": "gql@example.com"}}]},
        )
    )["runBulkMutation"]
    assert (made["status"], made["errorPolicy"], made["total"]) == ("QUEUED", "STOP", 1)
    wait_for(client, key, made["id"])
    job = data(gql(client, key, f'{{ job(id: "{made["id"]}") {{ status processed }} }}'))["job"]
    assert job == {"status": "SUCCEEDED", "processed": 1}
    listed = data(gql(client, key, "{ jobs(where: {status: {_eq: SUCCEEDED}}) { nodes { id } } }"))
    assert listed["jobs"]["nodes"] == [{"id": made["id"]}]
    node = data(gql(client, key, f'{{ node(id: "{made["id"]}") {{ id ... on Job {{ type }} }} }}'))
    assert node["node"] == {"id": made["id"], "type": "BULK_MUTATION"}


def test_progress_only_rises_and_a_running_job_cancelled_stops_within_a_chunk(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    lines = [orjson.dumps({"input": {"email": f"p{n}@example.com"}}) for n in range(2000)]
    file_id = upload_lines(client, key, b"\n".join(lines))
    job = create_job(
        client,
        key,
        {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables_file": file_id},
    )
    seen = [job]
    while seen[-1]["processed"] < 100:
        time.sleep(0.02)
        seen.append(client.get(f"/v1/jobs/{job['id']}", headers=_auth(key)).json())
        assert seen[-1]["status"] in ("queued", "running"), seen[-1]
    cancelled = client.post(f"/v1/jobs/{job['id']}/cancel", headers=_auth(key))
    assert cancelled.status_code == 200, cancelled.text
    ended, after = wait_for(client, key, job["id"])
    seen += after
    assert ended["status"] == "cancelled"
    for name in ("processed", "succeeded", "failed"):
        counts = [s[name] for s in seen]
        assert counts == sorted(counts), name
    statuses = [s["status"] for s in seen]
    assert statuses == sorted(statuses, key=["queued", "running", "cancelled"].index)
    assert ended["processed"] < 2000
    # What ran stays done, recorded once: a result per line processed, a customer each.
    found = results(client, key, job["id"])
    assert [r["line"] for r in found] == list(range(1, ended["processed"] + 1))
    assert customer_count(client, key) == ended["succeeded"] == ended["processed"]
    again = client.post(f"/v1/jobs/{job['id']}/cancel", headers=_auth(key))
    assert again.status_code == 409
    events = client.get("/v1/events?type=job.cancelled", headers=_auth(key)).json()["data"]
    assert [e["data"]["object"]["processed"] for e in events] == [ended["processed"]]


def test_the_results_of_a_job_expire_and_unknown_jobs_are_not_found(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    key = account.sk_test
    job = create_job(
        client,
        key,
        {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER,
         "variables": [{"input": {"email": "gone@example.com"}}]},
    )  # fmt: skip
    wait_for(client, key, job["id"])
    assert len(results(client, key, job["id"])) == 1

    async def expire() -> int:
        db = Database(database_url)
        try:
            async with db.session(write=True) as session, session.begin():
                await session.execute(
                    update(Job)
                    .where(Job.id == job["id"])
                    .values(results_expires_at=utcnow() - timedelta(seconds=1))
                )
            return await purge_expired_results(db=db)
        finally:
            await db.dispose()

    assert asyncio.run(expire()) >= 1
    gone = client.get(f"/v1/jobs/{job['id']}/results", headers=_auth(key))
    assert gone.status_code == 404
    assert "expired" in gone.json()["error"]["message"]
    assert client.get(f"/v1/jobs/{job['id']}", headers=_auth(key)).status_code == 200
    for path in ("/v1/jobs/job_unknown", "/v1/jobs/job_unknown/results"):
        assert client.get(path, headers=_auth(key)).status_code == 404
    other = new_account(database_url)
    assert client.get(f"/v1/jobs/{job['id']}", headers=_auth(other.sk_test)).status_code == 404


def test_job_succeeded_reaches_a_webhook_endpoint_and_a_subscriber(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    rest = Rest(client, key)
    with (
        receiver() as hooks,
        subscribed(server, key, "subscription { jobUpdated { id status processed } }") as sock,
    ):
        settle(sock)
        add_endpoint(rest, hooks.url, ["job.*"])
        job = create_job(
            client,
            key,
            {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER,
             "variables": [{"input": {"email": "hook@example.com"}}]},
        )  # fmt: skip
        update = sock.next_data("1")["jobUpdated"]
        assert update == {"id": job["id"], "status": "SUCCEEDED", "processed": 1}
        [got] = hooks.wait(1)
    assert got.json["type"] == "job.succeeded"
    assert got.json["data"]["object"]["id"] == job["id"]
    assert got.json["data"]["object"]["status"] == "succeeded"


def test_a_jobs_lines_spend_no_rate_limit(client: httpx.Client, server: LiveServer) -> None:
    free = new_account(server.database_url, plan="free")
    key = free.sk_test
    lines = [{"input": {"email": f"free{n}@example.com"}} for n in range(150)]
    made = client.post(
        "/v1/jobs",
        json={"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables": lines},
        headers=_auth(key),
    )
    assert made.status_code == 201, made.text
    before = int(made.headers["x-ratelimit-remaining"])
    ended, polls = wait_for(client, key, made.json()["id"], every=0.5)
    assert ended["succeeded"] == 150  # more than the free plan's 60 a minute
    after = client.get("/v1/account", headers=_auth(key))
    # Only this test's own requests were counted: the creation, the polls, this one.
    assert int(after.headers["x-ratelimit-remaining"]) == before - len(polls) - 1


EXPORTED = "id amount status lineItems { sku quantity }"


def test_an_export_is_what_paging_through_the_same_query_answers(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    client.post(
        "/v1/inventory", json={"sku": "JOB-EXPORT", "name": "Export", "on_hand": 10_000},
        headers=_auth(key),
    ).raise_for_status()  # fmt: skip
    order = "mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }"
    lines = [
        {"input": {"currency": "usd", "lineItems": [
            {"sku": "JOB-EXPORT", "name": "Export", "quantity": 1 + n % 3,
             "unitAmount": 100 + n % 7}]}}
        for n in range(260)
    ]  # fmt: skip
    made = create_job(client, key, {"type": "bulk_mutation", "mutation": order, "variables": lines})
    assert wait_for(client, key, made["id"])[0]["succeeded"] == 260
    arguments = "where: {amount: {_gte: 200}}, orderBy: [{field: AMOUNT, direction: DESC}]"
    query = f"{{ orders({arguments}) {{ edges {{ node {{ {EXPORTED} }} }} }} }}"
    export = create_job(client, key, {"type": "bulk_query", "query": query})
    ended, _ = wait_for(client, key, export["id"])
    exported = results(client, key, export["id"])
    paged: list[dict[str, Any]] = []
    after = None
    while True:
        page = data(
            gql(
                client,
                key,
                f"query($after: String) {{ orders({arguments}, first: 100, after: $after) "
                f"{{ nodes {{ {EXPORTED} }} pageInfo {{ hasNextPage endCursor }} }} }}",
                {"after": after},
            )
        )["orders"]
        paged += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(paged) > 100  # more than one page
    assert exported == paged
    assert ended["processed"] == ended["total"] == len(paged)
