"""Idempotency-Key on uploads (API.md sections 6 and 13): the key is claimed before the
body is read, the first file's answer stored in the transaction that makes it visible; a
retry reads its body (keeping none of it) and replays that answer or is told 400; an
upload that failed leaves the key free.

httpx draws a new multipart boundary for every request, so each retry here sends other
bytes around the same file, as curl and browsers do."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from stateset_gql.files.service import MAX_FILE_BYTES
from tests.support import Account, LiveServer, new_account
from tests.test_files import BOUNDARY, MB, _auth, _chunked, _form, error_of, stored


def upload(
    client: httpx.Client,
    key: str,
    content: bytes,
    *,
    idempotency_key: str,
    filename: str = "input.jsonl",
    purpose: str = "bulk_input",
) -> httpx.Response:
    return client.post(
        "/v1/files",
        data={"purpose": purpose},
        files={"file": (filename, content, "application/x-ndjson")},
        headers={**_auth(key), "Idempotency-Key": idempotency_key},
    )


def _post_form(client: httpx.Client, key: str, body: Any, idempotency_key: str) -> httpx.Response:
    return client.post(
        "/v1/files",
        content=body,
        headers={
            **_auth(key),
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Idempotency-Key": idempotency_key,
        },
    )


def test_a_retry_with_the_same_key_and_file_replays_the_first_answer_byte_for_byte(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    content = os.urandom(2 * MB + 777)
    first = upload(client, account.sk_test, content, idempotency_key="up-1")
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = upload(client, account.sk_test, content, idempotency_key="up-1")
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == "application/json"
    assert again.content == first.content
    # One file, its three chunks: the retry's bytes were read and kept nowhere.
    assert stored(database_url, account.id) == (1, 3)
    file_id = first.json()["id"]
    download = client.get(f"/v1/files/{file_id}/contents", headers=_auth(account.sk_test))
    assert hashlib.sha256(download.content).hexdigest() == first.json()["sha256"]


@pytest.mark.parametrize(
    "change",
    [
        {"content": b'{"email": "b@example.com"}\n'},
        {"content": b'{"email": "a@example.com"}\n', "filename": "other.jsonl"},
    ],
    ids=["other bytes", "other filename"],
)
def test_the_same_key_with_another_file_is_a_mismatch_and_makes_no_file(
    client: httpx.Client, account: Account, database_url: str, change: dict[str, Any]
) -> None:
    made = upload(client, account.sk_test, b'{"email": "a@example.com"}\n', idempotency_key="k")
    assert made.status_code == 201, made.text
    error = error_of(upload(client, account.sk_test, idempotency_key="k", **change), 400)
    assert error["code"] == "IDEMPOTENCY_KEY_MISMATCH"
    assert error["type"] == "idempotency_error"
    assert error["param"] == "Idempotency-Key"
    assert stored(database_url, account.id) == (1, 1)
    # The first answer is still the key's.
    again = upload(client, account.sk_test, b'{"email": "a@example.com"}\n', idempotency_key="k")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == made.content


def test_a_retry_whose_form_is_refused_leaves_the_stored_answer_in_place(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    made = upload(client, account.sk_test, b"{}\n", idempotency_key="keep")
    assert made.status_code == 201, made.text
    bad = upload(client, account.sk_test, b"{}\n", idempotency_key="keep", purpose="nope")
    assert error_of(bad, 422)["param"] == "purpose"
    again = upload(client, account.sk_test, b"{}\n", idempotency_key="keep")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == made.content
    assert stored(database_url, account.id) == (1, 1)


def test_a_key_used_on_another_route_is_a_mismatch_either_way(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    headers = {**_auth(account.sk_test), "Idempotency-Key": "shared"}
    customer = client.post("/v1/customers", json={"email": "a@example.com"}, headers=headers)
    assert customer.status_code == 201, customer.text
    refused = upload(client, account.sk_test, b"{}\n", idempotency_key="shared")
    assert error_of(refused, 400)["code"] == "IDEMPOTENCY_KEY_MISMATCH"
    assert stored(database_url, account.id) == (0, 0)

    made = upload(client, account.sk_test, b"{}\n", idempotency_key="file-first")
    assert made.status_code == 201, made.text
    headers["Idempotency-Key"] = "file-first"
    other = client.post("/v1/customers", json={"email": "b@example.com"}, headers=headers)
    assert error_of(other, 400)["code"] == "IDEMPOTENCY_KEY_MISMATCH"


def test_a_key_over_255_characters_is_refused_before_anything_is_stored(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    error = error_of(upload(client, account.sk_test, b"{}\n", idempotency_key="k" * 256), 400)
    assert error["param"] == "Idempotency-Key"
    assert stored(database_url, account.id) == (0, 0)


def test_a_refused_upload_leaves_its_key_free_for_a_good_one(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    bad = upload(client, account.sk_test, b"{}\n", idempotency_key="retry-me", purpose="x")
    assert error_of(bad, 422)["param"] == "purpose"
    made = upload(client, account.sk_test, b"{}\n", idempotency_key="retry-me")
    assert made.status_code == 201, made.text
    assert "idempotent-replayed" not in made.headers
    assert stored(database_url, account.id) == (1, 1)


def test_a_413_with_a_key_stores_nothing_and_leaves_the_key_free(
    client: httpx.Client, account: Account, database_url: str
) -> None:
    prefix = _form(("purpose", None, b"bulk_input"), ("file", "big.jsonl", b""), close=False)
    prefix = prefix[: -len(b"\r\n")]
    suffix = f"\r\n--{BOUNDARY}--\r\n".encode()
    # Chunked, so the server learns the size only while reading (and storing) it.
    big = _chunked(MAX_FILE_BYTES + 1, prefix, suffix)
    error = error_of(_post_form(client, account.sk_test, big, "big"), 413)
    assert error["code"] == "REQUEST_TOO_LARGE"
    assert stored(database_url, account.id) == (0, 0)
    made = upload(client, account.sk_test, b"{}\n", idempotency_key="big")
    assert made.status_code == 201, made.text
    assert "idempotent-replayed" not in made.headers
    assert stored(database_url, account.id) == (1, 1)


def _open_upload(server: LiveServer, account: Account, key: str, sent: bytes) -> socket.socket:
    """An upload under ``key`` whose body has begun (``sent``) and is still to end."""
    address = urlsplit(server.base_url)
    request = (
        f"POST /v1/files HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Authorization: Bearer {account.sk_test}\r\nIdempotency-Key: {key}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(sent) + 5 * MB}\r\n\r\n"
    ).encode()
    sock = socket.create_connection((address.hostname, address.port))
    sock.sendall(request + sent)
    return sock


def _head() -> bytes:
    head = _form(("purpose", None, b"bulk_input"), ("file", "a.jsonl", b""), close=False)
    return head[: -len(b"\r\n")]  # the file part open, its bytes to follow


def test_a_client_that_goes_away_mid_upload_leaves_its_key_free(
    server: LiveServer, client: httpx.Client, account: Account, database_url: str
) -> None:
    with _open_upload(server, account, "gone", _head() + b"q" * (2 * MB)):
        deadline = time.monotonic() + 10
        while stored(database_url, account.id)[1] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stored(database_url, account.id)[1] >= 1
    # Well within the 10 s lease: the key is freed, not left to lapse.
    deadline = time.monotonic() + 5
    made = upload(client, account.sk_test, b"{}\n", idempotency_key="gone")
    while made.status_code == 409 and time.monotonic() < deadline:
        time.sleep(0.05)  # the server has yet to notice the client went
        made = upload(client, account.sk_test, b"{}\n", idempotency_key="gone")
    assert made.status_code == 201, made.text
    assert "idempotent-replayed" not in made.headers


def _read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """The status line and body of the answer on ``sock`` (sent with a Content-Length)."""
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        assert piece, data
        data += piece
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    length = next(
        int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        piece = sock.recv(65536)
        assert piece, body
        body += piece
    return lines[0], body


@pytest.fixture
def short_lease(postgres_url: str) -> Iterator[LiveServer]:
    """A server whose claims lapse after 1 s unless their request renews them."""
    live = LiveServer.start(database_url=postgres_url, idempotency_lock_seconds=1)
    try:
        yield live
    finally:
        live.stop()


def test_concurrent_uploads_with_one_key_make_one_file(
    short_lease: LiveServer, postgres_url: str
) -> None:
    account = new_account(postgres_url)
    content = b"c" * (2 * MB)
    go_on = threading.Event()
    answers: list[httpx.Response] = []

    def slow() -> Iterator[bytes]:
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n'.encode()
        yield b"bulk_input\r\n"
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '.encode()
        yield b'filename="a.jsonl"\r\n\r\n' + content[:MB]
        go_on.wait(20)
        yield content[MB:] + f"\r\n--{BOUNDARY}--\r\n".encode()

    def first() -> None:
        with httpx.Client(base_url=short_lease.base_url, timeout=30) as http:
            answers.append(_post_form(http, account.sk_test, slow(), "together"))

    thread = threading.Thread(target=first)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while stored(postgres_url, account.id)[1] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stored(postgres_url, account.id)[1] == 1
        # The second is answered at once, its body not read: only its first bytes are sent.
        with _open_upload(short_lease, account, "together", _head() + b"q" * 1024) as sock:
            began = time.monotonic()
            status, body = _read_response(sock)
        assert status.startswith(b"HTTP/1.1 409 "), (status, body)
        assert orjson.loads(body)["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
        assert time.monotonic() - began < 2
        # Past three leases the first still holds its key: it renews it while it reads.
        time.sleep(3.2)
        with httpx.Client(base_url=short_lease.base_url, timeout=30) as http:
            busy = http.post(
                "/v1/files",
                data={"purpose": "bulk_input"},
                files={"file": ("a.jsonl", content, "application/x-ndjson")},
                headers={**_auth(account.sk_test), "Idempotency-Key": "together"},
            )
            assert error_of(busy, 409)["code"] == "IDEMPOTENCY_KEY_IN_USE"
            go_on.set()
            thread.join(30)
            assert answers[0].status_code == 201, answers[0].text
            later = http.post(
                "/v1/files",
                data={"purpose": "bulk_input"},
                files={"file": ("a.jsonl", content, "application/x-ndjson")},
                headers={**_auth(account.sk_test), "Idempotency-Key": "together"},
            )
        assert later.status_code == 201, later.text
        assert later.headers["idempotent-replayed"] == "true"
        assert later.content == answers[0].content
        assert stored(postgres_url, account.id) == (1, 2)
    finally:
        go_on.set()
        thread.join(30)
