"""One exception class per error ``type`` of the API, under :class:`StatesetError`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class StatesetError(Exception):
    """Every error the SDK raises. ``http_status`` is None when no answer came."""

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        details: list[dict[str, Any]] | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
        error: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.details: list[dict[str, Any]] = details or []
        self.request_id = request_id
        self.http_status = http_status
        self.headers: dict[str, str] = dict(headers or {})
        self.error: dict[str, Any] = dict(error or {})

    def __str__(self) -> str:
        parts = [f"({self.http_status})" if self.http_status else "", self.code or "", self.message]
        text = " ".join(p for p in parts if p)
        return f"{text} [request_id: {self.request_id}]" if self.request_id else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, code={self.code!r}, "
            f"http_status={self.http_status!r}, request_id={self.request_id!r})"
        )


class APIConnectionError(StatesetError):
    """No answer came: the connection failed, was cut, or timed out (after the retries)."""


class AuthenticationError(StatesetError):
    """401: a missing, malformed, unknown or revoked API key."""


class PermissionError(StatesetError):
    """403: the key lacks the scope the route needs."""


class InvalidRequestError(StatesetError):
    """400, 408, 413, 415, 422: the request itself is wrong; ``param`` names the field."""


class ConflictError(InvalidRequestError):
    """409 ``RESOURCE_CONFLICT`` or ``RESOURCE_ALREADY_EXISTS``; ``details`` say why
    (an illegal transition names ``from`` and ``to``)."""


class NotFoundError(InvalidRequestError):
    """404: no such object in this account and mode."""


class CardError(StatesetError):
    """402: the card was declined; the failed payment is recorded as ``payment_id``."""

    def __init__(
        self,
        message: str,
        *,
        decline_code: str | None = None,
        payment_id: str | None = None,
        **rest: Any,
    ) -> None:
        super().__init__(message, **rest)
        self.decline_code = decline_code
        self.payment_id = payment_id


class IdempotencyError(StatesetError):
    """The ``Idempotency-Key`` was reused with another request, or is still in use."""


class RateLimitError(StatesetError):
    """429: ``limit`` names the limit hit (``per_minute``, ``per_day``, ``burst``,
    ``concurrent``); ``details`` carry its value and ``retry_after``."""

    def __init__(self, message: str, *, limit: str | None = None, **rest: Any) -> None:
        super().__init__(message, **rest)
        self.limit = limit


class APIError(StatesetError):
    """5xx, or an answer the SDK cannot read."""


class SubscriberTooSlowError(StatesetError):
    """A subscription fell too far behind and the server ended it; subscribe again with
    ``since`` set to ``resume_after`` (the last event it was sent)."""

    def __init__(self, message: str, *, resume_after: str | None = None, **rest: Any) -> None:
        super().__init__(message, **rest)
        self.resume_after = resume_after


class SignatureVerificationError(StatesetError):
    """A webhook's ``StateSet-Signature`` does not verify."""

    def __init__(self, message: str, *, sig_header: str | None = None) -> None:
        super().__init__(message)
        self.sig_header = sig_header


BY_TYPE: dict[str, type[StatesetError]] = {
    "invalid_request_error": InvalidRequestError,
    "authentication_error": AuthenticationError,
    "permission_error": PermissionError,
    "not_found_error": NotFoundError,
    "card_error": CardError,
    "idempotency_error": IdempotencyError,
    "rate_limit_error": RateLimitError,
    "api_error": APIError,
}

CONFLICT_CODES = frozenset({"RESOURCE_CONFLICT", "RESOURCE_ALREADY_EXISTS"})


def error_from(
    error: Mapping[str, Any], *, http_status: int | None, headers: Mapping[str, str]
) -> StatesetError:
    """The exception for one error object of the API (REST's ``error`` or GraphQL's
    ``extensions``)."""
    kind = str(error.get("type") or "api_error")
    code = error.get("code")
    cls = BY_TYPE.get(kind, APIError)
    if code in CONFLICT_CODES:
        cls = ConflictError
    details = error.get("details")
    rest: dict[str, Any] = {
        "type": kind,
        "code": code,
        "param": error.get("param"),
        "details": details if isinstance(details, list) else [],
        "request_id": error.get("request_id") or headers.get("x-request-id"),
        "http_status": http_status,
        "headers": headers,
        "error": error,
    }
    message = str(error.get("message") or "the API answered an error")
    if cls is CardError:
        return CardError(
            message,
            decline_code=error.get("decline_code"),
            payment_id=error.get("payment_id"),
            **rest,
        )
    if code == "SUBSCRIBER_TOO_SLOW":
        resume_after = error.get("resume_after")
        return SubscriberTooSlowError(
            message, resume_after=resume_after if isinstance(resume_after, str) else None, **rest
        )
    if cls is RateLimitError:
        limit = next(
            (str(d["param"]) for d in rest["details"] if isinstance(d, dict) and d.get("param")),
            None,
        )
        return RateLimitError(message, limit=limit, **rest)
    return cls(message, **rest)
