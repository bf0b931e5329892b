"""What both clients share: building a request, deciding on a retry, reading an answer.

The sync and async clients differ only in how they send and sleep; every decision
(headers, the idempotency key, which failures are retried and after how long, which
exception an answer raises) is made here, once.
"""

from __future__ import annotations

import dataclasses
import json
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypedDict
from urllib.parse import quote

import httpx

from ._errors import APIConnectionError, APIError, StatesetError, error_from
from ._version import VERSION

DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_MAX_RETRIES: Final = 2
INITIAL_DELAY: Final = 0.5
MAX_DELAY: Final = 8.0
# A Retry-After longer than this is not waited out in a call: the error is raised.
MAX_RETRY_AFTER: Final = 60.0
WRITES: Final = frozenset({"POST", "PATCH", "DELETE"})
RETRIED_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
# No answer came: the connection failed or was cut, or the answer was late.
RETRIED_FAILURES: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class NotGiven:
    """The default of an optional body field: left out of the body (None sends null)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class RequestOptions(TypedDict, total=False):
    """Per-request overrides of the client's configuration."""

    api_key: str
    timeout: float
    max_retries: int


@dataclass(frozen=True)
class Config:
    api_key: str
    base_url: str = DEFAULT_BASE_URL
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("api_key is required (a key such as sk_test_...)")
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")


@dataclass(frozen=True)
class LastResponse:
    """The answer an object came from."""

    request_id: str | None
    http_status: int
    headers: Mapping[str, str] = field(repr=False)
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Prepared:
    """One logical request: the same method, URL, headers (its idempotency key
    included) and body on every attempt."""

    method: str
    url: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    content: bytes | None
    timeout: float
    max_retries: int
    idempotency_key: str | None


def path_segment(value: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"an id must be a non-empty string, not {value!r}")
    return quote(value, safe="")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_query_value(v) for v in value)
    return str(value)


def body_of(**fields: Any) -> dict[str, Any]:
    """The fields the caller gave (NOT_GIVEN ones left out)."""
    return {k: v for k, v in fields.items() if v is not NOT_GIVEN}


def query_of(**params: Any) -> dict[str, Any]:
    """The filters the caller gave (None ones left out)."""
    return {k: v for k, v in params.items() if v is not None and v is not NOT_GIVEN}


def prepare(
    config: Config,
    method: str,
    path: str,
    *,
    query: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    options: RequestOptions | None = None,
) -> Prepared:
    options = options or {}
    headers = {
        "Authorization": f"Bearer {options.get('api_key', config.api_key)}",
        "Accept": "application/json",
        "User-Agent": f"stateset-python/{VERSION}",
    }
    key = None
    if method in WRITES:
        key = idempotency_key or str(uuid.uuid4())
        headers["Idempotency-Key"] = key
    content = None
    if body is not None:
        content = json.dumps(body, separators=(",", ":")).encode()
        headers["Content-Type"] = "application/json"
    elif method == "POST":
        content = b"{}"
        headers["Content-Type"] = "application/json"
    return Prepared(
        method=method,
        url=config.base_url.rstrip("/") + path,
        params=[(k, _query_value(v)) for k, v in (query or {}).items()],
        headers=headers,
        content=content,
        timeout=float(options.get("timeout", config.timeout)),
        max_retries=int(options.get("max_retries", config.max_retries)),
        idempotency_key=key,
    )


class Rewindable(Protocol):
    @property
    def rewindable(self) -> bool: ...


def prepare_upload(
    config: Config,
    upload: Rewindable,
    idempotency_key: str | None,
    options: RequestOptions | None,
) -> Prepared:
    """POST /v1/files: the multipart body is httpx's to frame; an upload that cannot be
    sent again whole (a stream that cannot seek) gets no retry."""
    prepared = prepare(
        config, "POST", "/v1/files", idempotency_key=idempotency_key, options=options
    )
    headers = {k: v for k, v in prepared.headers.items() if k != "Content-Type"}
    retries = prepared.max_retries if upload.rewindable else 0
    return dataclasses.replace(prepared, headers=headers, content=None, max_retries=retries)


def backoff(retry: int) -> float:
    """Seconds before retry number ``retry`` (0 first): 0.5 s doubling, at most 8 s,
    with jitter (between half and all of it, never under 0.5 s)."""
    delay: float = min(INITIAL_DELAY * 2.0**retry, MAX_DELAY)
    return max(INITIAL_DELAY, delay * (0.5 + random.random() / 2))


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER else None


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None


def retry_delay(
    prepared: Prepared,
    retry: int,
    *,
    response: httpx.Response | None = None,
    failure: Exception | None = None,
) -> float | None:
    """Seconds to wait before retrying after this attempt, or None to stop here."""
    if retry >= prepared.max_retries:
        return None
    if failure is not None:
        return backoff(retry) if isinstance(failure, RETRIED_FAILURES) else None
    assert response is not None
    status = response.status_code
    if status == 409:
        return backoff(retry) if _error_code(response) == "IDEMPOTENCY_KEY_IN_USE" else None
    if status not in RETRIED_STATUSES:
        return None
    after = _retry_after(response.headers)
    if after is not None:
        return after
    if status == 429 and "retry-after" in response.headers:
        return None  # longer than a call should wait: the caller decides
    return backoff(retry)


def connection_error(prepared: Prepared, failure: Exception) -> APIConnectionError:
    kind = "timed out" if isinstance(failure, httpx.TimeoutException) else "failed"
    return APIConnectionError(
        f"the request to {prepared.method} {prepared.url} {kind} "
        f"after {prepared.max_retries + 1} attempt(s): {failure!r}"
    )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def last_response_of(prepared: Prepared, response: httpx.Response) -> LastResponse:
    return LastResponse(
        request_id=response.headers.get("x-request-id"),
        http_status=response.status_code,
        headers=dict(response.headers.items()),
        idempotency_key=prepared.idempotency_key,
    )


def read(prepared: Prepared, response: httpx.Response) -> tuple[Any, LastResponse]:
    """The answer's JSON body and its LastResponse, or the error it carries, raised."""
    last = last_response_of(prepared, response)
    body = _json(response)
    if response.is_success:
        if body is None:
            raise APIError(
                "the answer is not JSON",
                http_status=response.status_code,
                request_id=last.request_id,
                headers=last.headers,
            )
        return body, last
    raise _error_of(body, response)


def read_bytes(prepared: Prepared, response: httpx.Response) -> bytes:
    """The answer's bytes, or the error it carries, raised."""
    if response.is_success:
        return response.content
    raise _error_of(_json(response), response)


def read_stream(prepared: Prepared, response: httpx.Response) -> LastResponse:
    """The LastResponse of a 2xx answer whose body is still to be read, or the error
    another carries, raised (its small body read already, to decide on a retry)."""
    if response.is_success:
        return last_response_of(prepared, response)
    raise _error_of(_json(response), response)


def _error_of(body: Any, response: httpx.Response) -> StatesetError:
    headers = dict(response.headers.items())
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) and isinstance(body, dict) and body.get("errors"):
        first = body["errors"][0]
        error = {"message": first.get("message"), **(first.get("extensions") or {})}
    if not isinstance(error, dict):
        error = {
            "type": "api_error",
            "message": f"HTTP {response.status_code}: {response.text[:200]}",
        }
    return error_from(error, http_status=response.status_code, headers=headers)


def graphql_payload(query: str, variables: Mapping[str, Any] | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = dict(variables)
    return payload


def graphql_data(body: Any, last: LastResponse) -> dict[str, Any]:
    """``data`` of a GraphQL answer, or its first error raised as the REST classes are."""
    if not isinstance(body, dict):
        raise APIError("the GraphQL answer is not an object", request_id=last.request_id)
    errors = body.get("errors")
    if errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        error = {"message": first.get("message"), **(first.get("extensions") or {})}
        status = error.get("status")
        raise error_from(
            error,
            http_status=status if isinstance(status, int) else last.http_status,
            headers=last.headers,
        )
    data = body.get("data")
    if not isinstance(data, dict):
        raise APIError("the GraphQL answer has no data", request_id=last.request_id)
    return data


def next_query(query: Mapping[str, Any], cursor: str) -> dict[str, Any]:
    """The query of the page after one: the same filters, sort and limit, at ``cursor``."""
    kept = {k: v for k, v in query.items() if k not in ("cursor", "offset", "page")}
    return {**kept, "cursor": cursor}
