"""Retries: what is retried and after how long, with one Idempotency-Key across a write's
attempts (over httpx.MockTransport: no server)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import stateset
from stateset import _core

Handler = Callable[[httpx.Request], httpx.Response]
CUSTOMER = {"id": "cus_1", "object": "customer", "email": "r@example.com"}
LIMITED = {
    "error": {
        "type": "rate_limit_error",
        "code": "RATE_LIMIT_EXCEEDED",
        "message": "Too many requests",
        "details": [{"param": "burst", "code": "RATE_LIMIT_EXCEEDED"}],
        "request_id": "req_limited",
    }
}


def client_of(
    answers: list[httpx.Response | Exception], max_retries: int = 2
) -> tuple[stateset.Client, list[httpx.Request]]:
    """A client whose every request gets the next answer (an exception is raised)."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return stateset.Client(api_key="sk_test_x", max_retries=max_retries, http_client=http), sent


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    return waits


def test_backoff_doubles_from_half_a_second_to_eight_with_jitter() -> None:
    for _ in range(200):
        assert _core.backoff(0) == 0.5
        assert 0.5 <= _core.backoff(1) <= 1.0
        assert 1.0 <= _core.backoff(2) <= 2.0
        assert 2.0 <= _core.backoff(3) <= 4.0
        assert 4.0 <= _core.backoff(4) <= 8.0
        assert 4.0 <= _core.backoff(10) <= 8.0
    assert len({_core.backoff(3) for _ in range(50)}) > 1  # jittered


def test_a_429_is_waited_out_for_its_retry_after_with_the_same_key() -> None:
    answers: list[httpx.Response | Exception] = [
        httpx.Response(429, json=LIMITED, headers={"Retry-After": "1"}),
        httpx.Response(201, json=CUSTOMER),
    ]
    client, sent = client_of(answers)
    started = time.monotonic()
    customer = client.customers.create(email="r@example.com")
    assert time.monotonic() - started >= 1.0
    assert customer.id == "cus_1"
    keys = [r.headers["idempotency-key"] for r in sent]
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert uuid.UUID(keys[0]).version == 4
    assert customer.last_response is not None
    assert customer.last_response.idempotency_key == keys[0]


@pytest.mark.parametrize(
    "first",
    [
        httpx.Response(500, json={"error": {"type": "api_error", "code": "INTERNAL_ERROR"}}),
        httpx.Response(502, content=b"bad gateway"),
        httpx.Response(503, json={"error": {"type": "api_error", "code": "UNAVAILABLE"}}),
        httpx.Response(504, content=b""),
        httpx.Response(
            409, json={"error": {"type": "idempotency_error", "code": "IDEMPOTENCY_KEY_IN_USE"}}
        ),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("late"),
        httpx.RemoteProtocolError("cut"),
    ],
)
def test_retried_failures_are_retried_with_the_same_key(
    first: httpx.Response | Exception, slept: list[float]
) -> None:
    client, sent = client_of([first, httpx.Response(200, json=CUSTOMER)])
    assert client.customers.update("cus_1", name="Ada").id == "cus_1"
    assert len(sent) == 2
    assert sent[0].headers["idempotency-key"] == sent[1].headers["idempotency-key"]
    assert len(slept) == 1
    assert 0.5 <= slept[0] <= 1.0


@pytest.mark.parametrize(
    ("status", "error_type", "code", "cls"),
    [
        (400, "invalid_request_error", "VALIDATION_ERROR", stateset.InvalidRequestError),
        (401, "authentication_error", "INVALID_API_KEY", stateset.AuthenticationError),
        (402, "card_error", "CARD_DECLINED", stateset.CardError),
        (404, "not_found_error", "RESOURCE_NOT_FOUND", stateset.NotFoundError),
        (409, "invalid_request_error", "RESOURCE_CONFLICT", stateset.ConflictError),
        (409, "idempotency_error", "IDEMPOTENCY_KEY_MISMATCH", stateset.IdempotencyError),
    ],
)
def test_nothing_else_is_retried(
    status: int, error_type: str, code: str, cls: type[stateset.StatesetError], slept: list[float]
) -> None:
    body = {"error": {"type": error_type, "code": code, "message": "no"}}
    client, sent = client_of([httpx.Response(status, json=body)])
    with pytest.raises(cls):
        client.customers.create(email="r@example.com")
    assert (len(sent), slept) == (1, [])


def test_retries_stop_at_max_retries_and_back_off(slept: list[float]) -> None:
    unavailable = [httpx.Response(503, json={"error": {"type": "api_error"}}) for _ in range(4)]
    client, sent = client_of(list(unavailable), max_retries=3)
    with pytest.raises(stateset.APIError) as raised:
        client.account.retrieve()
    assert raised.value.http_status == 503
    assert len(sent) == 4
    assert [0.5 <= slept[0] <= 0.5, 0.5 <= slept[1] <= 1.0, 1.0 <= slept[2] <= 2.0] == [True] * 3


def test_a_429_without_retries_raises_rate_limit_error_naming_the_limit() -> None:
    answer = httpx.Response(429, json=LIMITED, headers={"Retry-After": "1", "X-Request-Id": "r"})
    client, sent = client_of([answer], max_retries=0)
    with pytest.raises(stateset.RateLimitError) as raised:
        client.customers.list()
    assert (raised.value.http_status, raised.value.limit) == (429, "burst")
    assert raised.value.request_id == "req_limited"
    assert len(sent) == 1


def test_a_retry_after_too_long_to_wait_is_raised(slept: list[float]) -> None:
    answer = httpx.Response(429, json=LIMITED, headers={"Retry-After": "3600"})
    client, sent = client_of([answer])
    with pytest.raises(stateset.RateLimitError):
        client.customers.list()
    assert (len(sent), slept) == (1, [])


def test_no_answer_at_all_raises_api_connection_error(slept: list[float]) -> None:
    client, sent = client_of([httpx.ConnectError("refused")] * 2, max_retries=1)
    with pytest.raises(stateset.APIConnectionError, match="2 attempt") as raised:
        client.account.retrieve()
    assert raised.value.http_status is None
    assert len(sent) == 2


def test_a_callers_key_wins_and_reads_send_none() -> None:
    answers: list[httpx.Response | Exception] = [
        httpx.Response(201, json=CUSTOMER),
        httpx.Response(200, json=CUSTOMER),
    ]
    client, sent = client_of(answers)
    client.customers.create(email="r@example.com", idempotency_key="mine-1")
    client.customers.retrieve("cus_1")
    assert sent[0].headers["idempotency-key"] == "mine-1"
    assert "idempotency-key" not in sent[1].headers


def test_request_options_override_the_key_and_retries(slept: list[float]) -> None:
    client, sent = client_of([httpx.Response(503, json={})])
    with pytest.raises(stateset.APIError):
        client.account.retrieve(request_options={"max_retries": 0, "api_key": "rk_test_y"})
    assert sent[0].headers["authorization"] == "Bearer rk_test_y"
    assert slept == []


FILE = {
    "id": "file_1",
    "object": "file",
    "purpose": "bulk_input",
    "filename": "a.jsonl",
    "size": 9,
    "sha256": "x",
    "created": "2025-01-01T00:00:00Z",
    "expires_at": "2025-01-08T00:00:00Z",
    "livemode": False,
}


class Stream:
    """A binary stream that cannot seek (a pipe, a socket, a download)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, size: int = -1) -> bytes:
        size = len(self._data) if size < 0 else size
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk

    def seekable(self) -> bool:
        return False


def uploads_of(answers: list[httpx.Response | Exception]) -> tuple[stateset.Client, list[bytes]]:
    """A client whose uploads are read whole by the transport, then answered in turn."""
    bodies: list[bytes] = []
    client, _ = client_of(answers)

    def read(request: httpx.Request) -> None:
        bodies.append(request.read())

    client._http.event_hooks["request"] = [read]
    return client, bodies


@pytest.mark.parametrize("kind", ["bytes", "path", "seekable"])
def test_an_upload_that_can_be_read_again_is_retried_whole_with_one_key(
    kind: str, slept: list[float], tmp_path: Path
) -> None:
    data = b"abc\n" * 1000
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    client, bodies = uploads_of([httpx.ConnectError("reset"), httpx.Response(201, json=FILE)])
    with path.open("rb") as opened:
        sources: dict[str, stateset.FileInput] = {"bytes": data, "path": path, "seekable": opened}
        source = sources[kind]
        assert client.files.create(file=source).id == "file_1"
    assert len(bodies) == 2
    assert all(data in body for body in bodies)  # each attempt sent the whole file
    assert len(bodies[0]) == len(bodies[1])
    assert b'name="purpose"\r\n\r\nbulk_input' in bodies[0]


def test_an_upload_from_a_stream_that_cannot_seek_is_sent_once(slept: list[float]) -> None:
    client, bodies = uploads_of([httpx.ConnectError("reset"), httpx.Response(201, json=FILE)])
    with pytest.raises(stateset.APIConnectionError, match="after 1 attempt"):
        client.files.create(file=Stream(b"abc\n" * 1000))
    assert (len(bodies), slept) == (1, [])


def test_an_upload_sends_one_idempotency_key_across_its_attempts(slept: list[float]) -> None:
    client, sent = client_of(
        [httpx.Response(503, json={"error": {"type": "api_error"}}), httpx.Response(201, json=FILE)]
    )
    client.files.create(file=b"abc", idempotency_key="upload-1")
    assert [r.headers["idempotency-key"] for r in sent] == ["upload-1", "upload-1"]
    assert sent[0].headers["content-type"].startswith("multipart/form-data; boundary=")


class CutBody(httpx.SyncByteStream):
    """An answer's body that sends ``parts`` and then loses its connection."""

    def __init__(self, *parts: bytes) -> None:
        self.parts = parts

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts
        raise httpx.ReadError("connection reset mid-body")


def test_a_streamed_download_is_retried_until_its_answer_comes_then_never(
    slept: list[float],
) -> None:
    client, sent = client_of(
        [
            httpx.ConnectError("refused"),
            httpx.Response(503, json={"error": {"type": "api_error"}}),
            httpx.Response(200, content=b"abc" * 100),
        ],
        max_retries=2,
    )
    with client.files.stream_contents("file_1") as stream:
        assert b"".join(stream) == b"abc" * 100
    assert (len(sent), len(slept)) == (3, 2)

    client, sent = client_of([httpx.Response(200, stream=CutBody(b"abc", b"def"))])
    received: list[bytes] = []
    with (
        client.files.stream_contents("file_1") as stream,
        pytest.raises(stateset.APIConnectionError, match="cut after 6 bytes"),
    ):
        received.extend(stream)
    assert (received, len(sent)) == ([b"abc", b"def"], 1)  # nothing yielded twice


def test_job_results_are_parsed_a_line_at_a_time_as_they_arrive() -> None:
    body = CutBody(b'{"line": 1, "data": {}}\n{"line": 2, "err', b'or": {"code": "X"}}\n\n')
    client, _ = client_of([httpx.Response(200, stream=body)])
    found: list[dict[str, object]] = []
    with pytest.raises(stateset.APIConnectionError, match="cut after"):
        found.extend(client.jobs.results("job_1"))
    assert found == [{"line": 1, "data": {}}, {"line": 2, "error": {"code": "X"}}]

    client, _ = client_of([httpx.Response(200, content=b'{"line": 1}\n<html>\n')])
    with pytest.raises(stateset.APIError, match="line 2 of the answer is not JSON"):
        list(client.jobs.results("job_1"))
