"""Files (API.md section 13): uploads streamed into the database in chunks, read back as
they were sent, refused past 100 MB while they are read, gone once expired.

The small cases run on both backends against the session's servers; the two large
uploads run once each, against a ``serve`` process of their own whose memory is read
from /proc, 60 MB on PostgreSQL and 101 MB on SQLite."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func, select, update

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.files.models import File, FileChunk
from stateset_gql.files.service import MAX_FILE_BYTES
from stateset_gql.ops.maintenance import purge_once
from stateset_gql.settings import Settings
from tests.redis_support import free_port
from tests.support import Account, LiveServer, new_account, serve_cli_process

MB = 1024 * 1024
BOUNDARY = "stateset-test-boundary"


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def upload(
    client: httpx.Client, key: str, content: bytes, *, purpose: str = "bulk_input"
) -> httpx.Response:
    return client.post(
        "/v1/files",
        data={"purpose": purpose},
        files={"file": ("input.jsonl", content, "application/x-ndjson")},
        headers=_auth(key),
    )


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["request_id"] == response.headers["x-request-id"]
    return error


def stored(database_url: str, account_id: str) -> tuple[int, int]:
    """The account's file rows and chunk rows, complete or not."""

    async def count() -> tuple[int, int]:
        db = Database(database_url)
        try:
            async with db.session(write=False) as session:
                files = await session.scalar(
                    select(func.count()).select_from(File).where(File.account_id == account_id)
                )
                chunks = await session.scalar(
                    select(func.count())
                    .select_from(FileChunk)
                    .join(File, File.id == FileChunk.file_id)
                    .where(File.account_id == account_id)
                )
                return int(files or 0), int(chunks or 0)
        finally:
            await db.dispose()

    return asyncio.run(count())


def test_an_upload_answers_the_file_and_its_contents_are_the_bytes_sent(
    client: httpx.Client, account: Account
) -> None:
    # Over two chunks and a part of a third, with every byte value in it.
    content = os.urandom(2 * MB + 12_345)
    made = upload(client, account.sk_test, content)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["id"].startswith("file_")
    assert body["object"] == "file"
    assert body["purpose"] == "bulk_input"
    assert body["filename"] == "input.jsonl"
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["livemode"] is False
    assert body["created"].endswith("Z")
    assert body["expires_at"].endswith("Z")
    assert list(body) == [
        "id", "object", "purpose", "filename", "size", "sha256", "created", "expires_at",
        "livemode",
    ]  # fmt: skip
    created = body["created"].replace("Z", "+00:00")
    expires = body["expires_at"].replace("Z", "+00:00")
    assert datetime.fromisoformat(expires) - datetime.fromisoformat(created) == timedelta(days=7)

    again = client.get(f"/v1/files/{body['id']}", headers=_auth(account.sk_test))
    assert again.status_code == 200
    assert again.json() == body
    assert "x-ratelimit-limit" in again.headers

    download = client.get(f"/v1/files/{body['id']}/contents", headers=_auth(account.sk_test))
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/octet-stream"
    assert int(download.headers["content-length"]) == len(content)
    assert download.content == content


def test_an_empty_file_is_a_file_of_no_bytes(client: httpx.Client, account: Account) -> None:
    made = upload(client, account.sk_test, b"")
    assert made.status_code == 201, made.text
    assert made.json()["size"] == 0
    assert made.json()["sha256"] == hashlib.sha256(b"").hexdigest()
    download = client.get(f"/v1/files/{made.json()['id']}/contents", headers=_auth(account.sk_test))
    assert download.content == b""


def test_a_bad_purpose_is_refused_naming_purpose_and_nothing_is_stored(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    error = error_of(upload(client, account.sk_test, b"{}\n", purpose="fine_tuning"), 422)
    assert error["param"] == "purpose"
    assert error["code"] == "INVALID_FIELD_FORMAT"
    assert "bulk_input" in error["message"]
    assert stored(database_url, account.id) == (0, 0)


def _form(*parts: tuple[str, str | None, bytes], close: bool = True) -> bytes:
    """A multipart/form-data body written by hand: (name, filename, value) a part."""
    body = b""
    for name, filename, value in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        body += value + b"\r\n"
    return body + (f"--{BOUNDARY}--\r\n".encode() if close else b"")


def _post_form(client: httpx.Client, key: str, body: Any) -> httpx.Response:
    return client.post(
        "/v1/files",
        content=body,
        headers={**_auth(key), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


def test_a_bad_purpose_after_the_file_leaves_nothing_of_the_file_behind(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    body = _form(("file", "a.jsonl", b"x" * (3 * MB)), ("purpose", None, b"nope"))
    error = error_of(_post_form(client, account.sk_test, body), 422)
    assert error["param"] == "purpose"
    assert stored(database_url, account.id) == (0, 0)
    # The same order with a good purpose is a file.
    good = _form(("file", "a.jsonl", b"x" * (3 * MB)), ("purpose", None, b"bulk_input"))
    made = _post_form(client, account.sk_test, good)
    assert made.status_code == 201, made.text
    assert made.json()["size"] == 3 * MB


@pytest.mark.parametrize(
    ("parts", "param", "code"),
    [
        ([("purpose", None, b"bulk_input")], "file", "MISSING_REQUIRED_FIELD"),
        ([("file", "a.jsonl", b"{}")], "purpose", "MISSING_REQUIRED_FIELD"),
        ([("purpose", None, b"bulk_input"), ("file", None, b"{}")], "file", None),
        ([("purpose", None, b"bulk_input"), ("other", None, b"1")], "other", None),
    ],
)
def test_a_form_without_its_parts_is_refused_naming_the_part(
    client: httpx.Client,
    account: Account,
    database_url: str,
    parts: list[tuple[str, str | None, bytes]],
    param: str,
    code: str | None,
) -> None:
    error = error_of(_post_form(client, account.sk_test, _form(*parts)), 422)
    assert error["param"] == param
    if code is not None:
        assert error["code"] == code
    assert stored(database_url, account.id) == (0, 0)


def test_a_body_cut_short_or_not_a_form_stores_nothing(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    cut = _form(("purpose", None, b"bulk_input"), ("file", "a.jsonl", b"y" * MB), close=False)
    assert error_of(_post_form(client, account.sk_test, cut), 400)["code"] == "VALIDATION_ERROR"
    as_json = client.post(
        "/v1/files", json={"purpose": "bulk_input"}, headers=_auth(account.sk_test)
    )
    assert error_of(as_json, 415)["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert stored(database_url, account.id) == (0, 0)


def test_files_need_the_files_scopes_and_write_implies_read(
    client: httpx.Client, account: Account
) -> None:
    made = upload(client, account.sk_test, b"{}\n").json()
    orders_only = account.key("rk", ["orders:write"])
    refused = error_of(upload(client, orders_only, b"{}\n"), 403)
    assert refused["code"] == "INSUFFICIENT_PERMISSIONS"
    assert "files:write" in refused["message"]
    for path in (f"/v1/files/{made['id']}", f"/v1/files/{made['id']}/contents"):
        assert error_of(client.get(path, headers=_auth(orders_only)), 403)["code"] == (
            "INSUFFICIENT_PERMISSIONS"
        )
    reader = account.key("rk", ["files:read"])
    assert error_of(upload(client, reader, b"{}\n"), 403)["code"] == "INSUFFICIENT_PERMISSIONS"
    assert client.get(f"/v1/files/{made['id']}", headers=_auth(reader)).status_code == 200
    writer = account.key("rk", ["files:write"])
    mine = upload(client, writer, b"{}\n")
    assert mine.status_code == 201
    assert client.get(f"/v1/files/{mine.json()['id']}/contents", headers=_auth(writer)).content == (
        b"{}\n"
    )


def test_another_accounts_or_modes_file_is_not_found(
    client: httpx.Client, account: Account, server: LiveServer
) -> None:
    made = upload(client, account.sk_test, b"{}\n").json()
    other = new_account(server.database_url)
    for key in (other.sk_test, account.sk_live):
        for path in (f"/v1/files/{made['id']}", f"/v1/files/{made['id']}/contents"):
            error = error_of(client.get(path, headers=_auth(key)), 404)
            assert error["code"] == "RESOURCE_NOT_FOUND"
    assert error_of(client.get("/v1/files/file_nope", headers=_auth(account.sk_test)), 404)


def test_an_expired_file_is_not_found_and_the_sweep_purges_it(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    expiring = upload(client, account.sk_test, os.urandom(MB + 1)).json()
    kept = upload(client, account.sk_test, b"{}\n").json()
    assert stored(database_url, account.id) == (2, 3)

    async def expire_one() -> None:
        db = Database(database_url)
        try:
            async with db.session(write=True) as session, session.begin():
                await session.execute(
                    update(File)
                    .where(File.id == expiring["id"])
                    .values(expires_at=utcnow() - timedelta(seconds=1))
                )
        finally:
            await db.dispose()

    asyncio.run(expire_one())
    for path in (f"/v1/files/{expiring['id']}", f"/v1/files/{expiring['id']}/contents"):
        assert error_of(client.get(path, headers=_auth(account.sk_test)), 404)
    assert stored(database_url, account.id) == (2, 3)  # not found, not yet purged

    async def sweep() -> int:
        db = Database(database_url)
        try:
            return (await purge_once(db=db, settings=Settings(database_url=database_url))).files
        finally:
            await db.dispose()

    assert asyncio.run(sweep()) >= 1
    assert stored(database_url, account.id) == (1, 1)
    assert client.get(f"/v1/files/{kept['id']}", headers=_auth(account.sk_test)).status_code == 200


def _chunked(size: int, prefix: bytes = b"", suffix: bytes = b"") -> Iterator[bytes]:
    yield prefix
    piece = b"z" * (256 * 1024)
    sent = 0
    while sent < size:
        part = piece[: min(len(piece), size - sent)]
        sent += len(part)
        yield part
    yield suffix


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/v1/customers", "application/json"), ("/graphql", "application/json")],
)
def test_every_other_route_still_refuses_a_body_over_10_mb(
    client: httpx.Client, account: Account, path: str, content_type: str
) -> None:
    response = client.post(
        path,
        content=_chunked(10 * MB + 1),
        headers={**_auth(account.sk_test), "Content-Type": content_type},
    )
    assert response.status_code == 413
    assert response.text.count("REQUEST_TOO_LARGE") == 1
    # Declared: refused before a byte of it is read, on a route beside the upload's.
    declared = client.request(
        "GET",
        "/v1/files/file_x",
        content=b"z" * (10 * MB + 1),
        headers=_auth(account.sk_test),
    )
    assert declared.status_code == 413


# -- the large uploads, each on one backend, against a serve process of their own -----------


def _kilobytes(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


class Process:
    def __init__(self, pid: int, base_url: str) -> None:
        self.pid = pid
        self.base_url = base_url

    def peak(self) -> int:
        """The process's peak resident memory so far, in bytes."""
        return _kilobytes(self.pid, "VmHWM") * 1024


@pytest.fixture
def own_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Process]:
    url = str(request.getfixturevalue(request.param))
    with serve_cli_process(
        port=free_port(), log=tmp_path / "serve.log", STATESET_DATABASE_URL=url, STATESET_ENV="test"
    ) as (process, base_url):
        yield Process(process.pid, base_url)


# A few megabytes of parser pieces, a chunk being written and the allocator's slack; a
# server that held the file would grow by all of it.
MEMORY_BOUND = 24 * MB


def _warm(client: httpx.Client, key: str) -> None:
    """One upload and download first, so what a first request loads is not counted."""
    made = upload(client, key, os.urandom(3 * MB)).json()
    client.get(f"/v1/files/{made['id']}/contents", headers=_auth(key)).raise_for_status()


@pytest.mark.parametrize("own_server", ["postgres_url"], indirect=True)
def test_a_60_mb_upload_of_50000_lines_is_hashed_with_the_servers_memory_bounded(
    own_server: Process, tmp_path: Path, postgres_url: str
) -> None:
    account = new_account(postgres_url)
    path = tmp_path / "orders.jsonl"
    digest = hashlib.sha256()
    pad = "p" * 1200
    with path.open("wb") as out:
        for line in range(1, 50_001):
            fields = f'"email": "c{line}@example.com", "note": "{pad}"'
            data = f'{{"line": {line}, "input": {{{fields}}}}}\n'.encode()
            digest.update(data)
            out.write(data)
    size = path.stat().st_size
    assert 60 * MB < size < 61 * MB
    with httpx.Client(base_url=own_server.base_url, timeout=120) as client:
        _warm(client, account.sk_test)
        before = own_server.peak()
        with path.open("rb") as handle:
            made = client.post(
                "/v1/files",
                data={"purpose": "bulk_input"},
                files={"file": ("orders.jsonl", handle, "application/x-ndjson")},
                headers=_auth(account.sk_test),
            )
        assert made.status_code == 201, made.text
        assert made.json()["size"] == size
        assert made.json()["sha256"] == digest.hexdigest()
        uploaded = own_server.peak()

        downloaded = hashlib.sha256()
        received = 0
        with client.stream(
            "GET", f"/v1/files/{made.json()['id']}/contents", headers=_auth(account.sk_test)
        ) as response:
            assert response.status_code == 200
            for piece in response.iter_bytes():
                downloaded.update(piece)
                received += len(piece)
        assert received == size
        assert downloaded.hexdigest() == digest.hexdigest()
        after = own_server.peak()
    print(
        f"\n60 MB upload: peak RSS {before / MB:.1f} MB before, {uploaded / MB:.1f} MB after "
        f"the upload, {after / MB:.1f} MB after the download"
    )
    assert uploaded - before < MEMORY_BOUND
    assert after - before < MEMORY_BOUND


@pytest.mark.parametrize("own_server", ["sqlite_url"], indirect=True)
def test_a_101_mb_upload_is_a_413_while_it_is_read_and_stores_nothing(
    own_server: Process, sqlite_url: str
) -> None:
    account = new_account(sqlite_url)
    prefix = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbulk_input\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"'
        "\r\n\r\n"
    ).encode()
    suffix = f"\r\n--{BOUNDARY}--\r\n".encode()
    with httpx.Client(base_url=own_server.base_url, timeout=120) as client:
        _warm(client, account.sk_test)
        before = own_server.peak()
        # Chunked, so no Content-Length tells the server the size before it reads it.
        response = _post_form(
            client, account.sk_test, _chunked(MAX_FILE_BYTES + MB, prefix, suffix)
        )
        after = own_server.peak()
        error = error_of(response, 413)
        assert error["code"] == "REQUEST_TOO_LARGE"
        assert "100 MB" in error["message"]
        # Declared, it is refused before anything is read.
        declared = _post_form(client, account.sk_test, b"z" * (MAX_FILE_BYTES + MB))
        assert error_of(declared, 413)["code"] == "REQUEST_TOO_LARGE"
    print(f"\n101 MB upload: peak RSS {before / MB:.1f} MB before, {after / MB:.1f} MB after")
    assert after - before < MEMORY_BOUND
    # Only the warm-up's file: nothing of the refused one stays.
    assert stored(sqlite_url, account.id) == (1, 3)


def test_a_client_that_goes_away_mid_upload_leaves_nothing(
    server: LiveServer, account: Account, database_url: str
) -> None:
    head = _form(("purpose", None, b"bulk_input"), ("file", "a.jsonl", b""), close=False)
    head = head[: -len(b"\r\n")]  # the file part open, its bytes to follow
    sent = head + b"q" * (3 * MB)
    address = urlsplit(server.base_url)
    request = (
        f"POST /v1/files HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Authorization: Bearer {account.sk_test}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(sent) + 5 * MB}\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(request + sent)
        deadline = time.monotonic() + 10
        while stored(database_url, account.id)[1] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stored(database_url, account.id)[1] >= 2  # chunks were being written
    deadline = time.monotonic() + 10
    while stored(database_url, account.id) != (0, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stored(database_url, account.id) == (0, 0)
