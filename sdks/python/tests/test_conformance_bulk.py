"""The conformance scenario's batch and files steps, against the live server (tests/live.py;
without it these skip): a batch of three with one failing, an atomic batch refused whole
and naming its operation, and uploads (a few KB, and 5 MB streamed from a file) whose
size, sha256 and contents match the bytes sent, the 5 MB read back as it arrives without
ever holding it whole. Once more on the async client."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tracemalloc
import uuid
from pathlib import Path

import pytest
import stateset
from live import Live

SMALL = b"".join(b'{"email": "c%04d@files.example"}\n' % n for n in range(120))
LARGE_SIZE = 5 * 1024 * 1024


def unique_email() -> str:
    return f"{uuid.uuid4().hex}@batch.example"


def test_batch_answers_each_operation_in_order(client: stateset.Client) -> None:
    email = unique_email()
    batch = client.batch.create(
        [
            {"method": "POST", "path": "/v1/customers", "body": {"email": email}},
            {"method": "POST", "path": "/v1/customers", "body": {"email": "not-an-email"}},
            {"method": "GET", "path": f"/v1/customers?email_eq={email}"},
        ]
    )
    assert (batch.object, batch.atomic) == ("batch", False)
    assert [r.status for r in batch.results] == [201, 422, 200]
    created, refused, listed = (r.body for r in batch.results)
    assert created["id"].startswith("cus_")
    assert created["email"] == email
    assert refused["error"]["param"] == "email"
    assert [c["id"] for c in listed["data"]] == [created["id"]]
    assert batch.last_response is not None
    assert (batch.last_response.request_id or "").startswith("req_")


def test_an_atomic_batch_with_a_failure_raises_naming_it_and_keeps_nothing(
    client: stateset.Client,
) -> None:
    email = unique_email()
    with pytest.raises(stateset.InvalidRequestError) as raised:
        client.batch.create(
            [
                {"method": "POST", "path": "/v1/customers", "body": {"email": email}},
                {"method": "POST", "path": "/v1/customers", "body": {"email": "not-an-email"}},
            ],
            atomic=True,
        )
    error = raised.value
    assert error.http_status == 422
    assert error.details[0]["param"] == "operations[1]"
    assert (error.request_id or "").startswith("req_")
    assert client.customers.list(email_eq=email).data == []


def test_an_upload_matches_its_bytes(client: stateset.Client, tmp_path: Path) -> None:
    small = client.files.create(file=SMALL, filename="customers.jsonl")
    assert small.id.startswith("file_")
    assert (small.purpose, small.filename) == ("bulk_input", "customers.jsonl")
    assert (small.size, small.sha256) == (len(SMALL), hashlib.sha256(SMALL).hexdigest())
    assert small.last_response is not None
    assert (small.last_response.request_id or "").startswith("req_")
    assert client.files.retrieve(small.id).sha256 == small.sha256
    assert client.files.contents(small.id) == SMALL

    large = os.urandom(LARGE_SIZE)
    path = tmp_path / "large.bin"
    path.write_bytes(large)
    by_path = client.files.create(file=path)
    assert (by_path.filename, by_path.size) == ("large.bin", LARGE_SIZE)
    assert by_path.sha256 == hashlib.sha256(large).hexdigest()
    with path.open("rb") as opened:
        by_file = client.files.create(file=opened, purpose="bulk_input")
    assert (by_file.size, by_file.sha256) == (by_path.size, by_path.sha256)
    assert client.files.contents(by_file.id) == large


def test_a_large_file_streams_back_never_whole_in_memory(
    client: stateset.Client, tmp_path: Path
) -> None:
    large = os.urandom(LARGE_SIZE)
    path = tmp_path / "large.bin"
    path.write_bytes(large)
    uploaded = client.files.create(file=path)
    del large
    digest, chunks = hashlib.sha256(), 0
    tracemalloc.start()
    try:
        with client.files.stream_contents(uploaded.id) as stream:
            for chunk in stream.iter_bytes(64 * 1024):
                assert len(chunk) <= 64 * 1024
                digest.update(chunk)
                chunks += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == uploaded.sha256
    assert chunks >= LARGE_SIZE // (64 * 1024)
    assert peak < LARGE_SIZE // 5, f"{peak} bytes held at once while streaming 5 MB"
    assert stream.last_response.http_status == 200
    assert (stream.last_response.request_id or "").startswith("req_")

    copy = tmp_path / "copy.bin"
    with client.files.stream_contents(uploaded.id) as stream:
        assert stream.write_to(copy) == LARGE_SIZE
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == uploaded.sha256
    with pytest.raises(stateset.NotFoundError):
        client.files.stream_contents("file_missing")


def test_a_missing_file_raises_not_found(client: stateset.Client) -> None:
    with pytest.raises(stateset.NotFoundError):
        client.files.retrieve("file_missing")


def test_batch_and_files_on_the_async_client(live: Live, tmp_path: Path) -> None:
    copy = tmp_path / "copy.bin"

    async def flow() -> None:
        async with stateset.AsyncClient(api_key=live.api_key, base_url=live.base_url) as client:
            email = unique_email()
            batch = await client.batch.create(
                [
                    {"method": "POST", "path": "/v1/customers", "body": {"email": email}},
                    {"method": "GET", "path": "/v1/customers/cus_missing"},
                ]
            )
            assert [r.status for r in batch.results] == [201, 404]
            with pytest.raises(stateset.InvalidRequestError) as raised:
                await client.batch.create(
                    [{"method": "POST", "path": "/v1/customers", "body": {"email": "x"}}],
                    atomic=True,
                )
            assert raised.value.details[0]["param"] == "operations[0]"
            uploaded = await client.files.create(file=SMALL)
            assert uploaded.sha256 == hashlib.sha256(SMALL).hexdigest()
            assert (await client.files.retrieve(uploaded.id)).size == len(SMALL)
            assert await client.files.contents(uploaded.id) == SMALL
            large = os.urandom(LARGE_SIZE)
            big = await client.files.create(file=large, filename="large.bin")
            digest = hashlib.sha256()
            async with await client.files.stream_contents(big.id) as stream:
                async for chunk in stream:
                    digest.update(chunk)
            assert digest.hexdigest() == big.sha256 == hashlib.sha256(large).hexdigest()
            async with await client.files.stream_contents(big.id) as stream:
                assert await stream.write_to(copy) == LARGE_SIZE
            assert copy.read_bytes() == large
            with pytest.raises(stateset.NotFoundError):
                await client.files.stream_contents("file_missing")

    asyncio.run(flow())
