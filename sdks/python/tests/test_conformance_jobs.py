"""The conformance scenario's jobs steps, against the live server (tests/live.py; without
it these skip): a bulk mutation from an uploaded JSONL of three lines, one failing when it
runs, waited for and its results read as they arrive (lines 1 to 3, data or error); a bulk
query of the paging account's 250 customers equal to listing them; the job listed, its
cancel refused once it ended. Once more on the async client."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import stateset
from live import Live

CREATE_CUSTOMER = (
    "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id email } }"
)
CUSTOMERS = "{ customers { nodes { id email } } }"


def variables_file(client: stateset.Client, tag: str) -> tuple[stateset.File, list[str]]:
    """A JSONL of three createCustomer lines, the second an address the mutation refuses
    when it runs (valid variables: the job is not refused whole before it starts)."""
    emails = [f"{tag}-1@jobs.example", "not-an-email", f"{tag}-3@jobs.example"]
    jsonl = "".join(json.dumps({"input": {"email": e}}) + "\n" for e in emails).encode()
    return client.files.create(file=jsonl, filename="customers.jsonl"), emails


def test_a_bulk_mutation_answers_each_line_in_order(client: stateset.Client) -> None:
    tag = uuid.uuid4().hex
    file, emails = variables_file(client, tag)
    job = client.jobs.create(type="bulk_mutation", mutation=CREATE_CUSTOMER, variables_file=file.id)
    assert job.id.startswith("job_")
    assert (job.object, job.type, job.status, job.error_policy) == (
        "job",
        "bulk_mutation",
        "queued",
        "continue",
    )
    assert job.last_response is not None
    assert (job.last_response.request_id or "").startswith("req_")

    ended = client.jobs.wait(job.id, timeout=60)
    assert ended.status == "succeeded", ended
    assert (ended.total, ended.processed, ended.succeeded, ended.failed) == (3, 3, 2, 1)
    assert ended.results_expires_at is not None

    with client.jobs.results(job.id) as results:
        found = list(results)
    assert results.last_response.http_status == 200
    assert [r["line"] for r in found] == [1, 2, 3]
    assert found[0]["data"]["createCustomer"]["email"] == emails[0]
    assert found[1]["error"]["code"] == "INVALID_FIELD_FORMAT"
    assert found[1]["error"]["param"] == "input.email"
    assert "data" not in found[1]
    assert found[2]["data"]["createCustomer"]["email"] == emails[2]
    created = client.customers.retrieve(found[0]["data"]["createCustomer"]["id"])
    assert created.email == emails[0]

    assert job.id in [j.id for j in client.jobs.list(limit=100).auto_paging_iter()]
    with pytest.raises(stateset.ConflictError):
        client.jobs.cancel(job.id)
    with pytest.raises(stateset.NotFoundError):
        client.jobs.results("job_missing")


def test_a_bulk_query_answers_what_listing_answers(live: Live) -> None:
    """On the paging account: exactly 250 customers, written by no test."""
    with stateset.Client(api_key=live.paging_api_key, base_url=live.base_url) as client:
        listed = {c.id: c.email for c in client.customers.list(limit=100).auto_paging_iter()}
        job = client.jobs.create(type="bulk_query", query=CUSTOMERS)
        assert job.type == "bulk_query"
        ended = client.jobs.wait(job.id, timeout=60)
        assert ended.status == "succeeded", ended
        nodes = list(client.jobs.results(job.id))
    assert len(listed) == len(nodes) == ended.processed == 250
    assert {n["id"]: n["email"] for n in nodes} == listed


def test_jobs_on_the_async_client(live: Live) -> None:
    async def flow() -> None:
        async with stateset.AsyncClient(api_key=live.api_key, base_url=live.base_url) as client:
            tag = uuid.uuid4().hex
            job = await client.jobs.create(
                type="bulk_mutation",
                mutation=CREATE_CUSTOMER,
                variables=[
                    {"input": {"email": f"{tag}@jobs.example"}},
                    {"input": {"email": "nope"}},
                ],
            )
            async with asyncio.timeout(60):
                ended = await client.jobs.wait(job.id, interval=0.2)
            assert (ended.status, ended.succeeded, ended.failed) == ("succeeded", 1, 1)
            found = [r async for r in await client.jobs.results(job.id)]
            assert [r["line"] for r in found] == [1, 2]
            assert found[0]["data"]["createCustomer"]["email"] == f"{tag}@jobs.example"
            assert found[1]["error"]["param"] == "input.email"
            with pytest.raises(stateset.NotFoundError):
                await client.jobs.results("job_missing")

    asyncio.run(flow())
