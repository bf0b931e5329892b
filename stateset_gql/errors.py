"""The domain error tree and its contract codes (API.md section 4).

    StateSetError                      status  type                    code
    ├── BadRequest                     400     invalid_request_error   VALIDATION_ERROR
    │   ├── QueryTooComplex            400     invalid_request_error   QUERY_TOO_COMPLEX
    │   ├── InvalidJSON                400     invalid_request_error   INVALID_JSON
    │   ├── QueryTooComplex            400     invalid_request_error   QUERY_TOO_COMPLEX
    │   └── IdempotencyKeyMismatch     400     idempotency_error       IDEMPOTENCY_KEY_MISMATCH
    ├── AuthenticationFailed           401     authentication_error    INVALID_API_KEY
    │   └── MissingApiKey              401     authentication_error    MISSING_API_KEY
    ├── CardDeclined                   402     card_error              CARD_DECLINED
    ├── PermissionDenied               403     permission_error        INSUFFICIENT_PERMISSIONS
    ├── NotFound                       404     not_found_error         RESOURCE_NOT_FOUND
    ├── MethodNotAllowed               405     invalid_request_error   METHOD_NOT_ALLOWED
    ├── RequestTimeout                 408     invalid_request_error   REQUEST_TIMEOUT
    ├── Conflict                       409     invalid_request_error   RESOURCE_CONFLICT
    │   ├── AlreadyExists              409     invalid_request_error   RESOURCE_ALREADY_EXISTS
    │   └── IdempotencyKeyInUse        409     idempotency_error       IDEMPOTENCY_KEY_IN_USE
    ├── RequestTooLarge                413     invalid_request_error   REQUEST_TOO_LARGE
    ├── UnsupportedMediaType           415     invalid_request_error   UNSUPPORTED_MEDIA_TYPE
    ├── ValidationFailed               422     invalid_request_error   VALIDATION_ERROR
    ├── RateLimited                    429     rate_limit_error        RATE_LIMIT_EXCEEDED
    ├── InternalError                  500     api_error               INTERNAL_ERROR
    └── ServiceUnavailable             503     api_error               SERVICE_UNAVAILABLE

An error may ask for response ``headers`` of its own (a 503's ``Retry-After``).

Every HTTP error and every GraphQL error's ``extensions`` is built from one of these by
``StateSetError.to_payload``; nothing else decides a status or a code. It also keeps
every body small (API.md section 4): at most ``MAX_DETAILS`` details, no submitted value
longer than ``MAX_ECHO`` characters repeated (``shown``), at most ``MAX_BODY`` bytes.

A ``param`` is raised as a neutral field path: the snake_case names of the REST body
joined by dots, indexes as numbers (``line_items.0.unit_amount``, ``card.number``,
``metadata.<key>``), relative to the operation's arguments, its ``input`` implied. Each
surface renders it, wherever it appears (``param``, every detail's ``param``, the
messages), with ``StateSetError.renamed``: REST as ``line_items[0][unit_amount]``,
GraphQL as ``input.lineItems.0.unitAmount``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Self

import orjson

MAX_DETAILS = 50
MAX_ECHO = 100
MAX_BODY = 64 * 1024
# A message or param is the server's words around at most a few submitted values.
_MAX_TEXT = 4 * MAX_ECHO


def shown(value: object) -> str:
    """A submitted value as a message may repeat it: at most ``MAX_ECHO`` characters."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= MAX_ECHO:
        return text
    return f"{text[: MAX_ECHO - 3]}..."


def _clipped(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else f"{text[: _MAX_TEXT - 3]}..."


# A field holding free-form data: what follows it in a path is one key, never renamed.
DATA_FIELDS = frozenset({"metadata"})


def path_parts(param: str) -> list[str]:
    """``line_items.0.sku`` → ``["line_items", "0", "sku"]``; ``metadata.a.b`` →
    ``["metadata", "a.b"]`` (a metadata key is one part, dots and all)."""
    parts: list[str] = []
    rest = param
    while rest:
        head, dot, rest = rest.partition(".")
        parts.append(head)
        if head in DATA_FIELDS and dot:
            parts.append(rest)
            break
    return parts


def is_key(parts: list[str], index: int) -> bool:
    """Whether ``parts[index]`` is a data key or an index rather than a field name."""
    return parts[index].isdigit() or (index > 0 and parts[index - 1] in DATA_FIELDS)


def _is_path(param: str) -> bool:
    """Whether ``param`` reads as a field path rather than a plain word: ``card.number``,
    ``unit_amount``, but not ``card``."""
    return any(mark in param for mark in "._[")


# Text between single quotes is a submitted value: a renderer leaves it alone.
_QUOTED = re.compile(r"('[^']*')")


@dataclass(frozen=True)
class ErrorDetail:
    param: str
    code: str
    message: str
    # More facts about the problem, e.g. ``{"from": "shipped", "to": "cancelled"}``.
    extra: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "param": _clipped(self.param),
            "code": self.code,
            "message": _clipped(self.message),
            **dict(self.extra),
        }


class StateSetError(Exception):
    status: ClassVar[int] = 500
    type: ClassVar[str] = "api_error"
    code: str = "INTERNAL_ERROR"
    # A request that failed with an error whose ``commits`` is true still commits what it
    # wrote (a declined payment is recorded), and its response is kept for idempotency.
    commits: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        details: list[ErrorDetail] | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.details = details or []
        if code is not None:
            self.code = code
        self.extra = extra or {}
        self.in_callers_names = False

    @property
    def headers(self) -> dict[str, str]:
        """Response headers the error's answer carries besides the usual ones."""
        return {}

    def renamed(self, name: Callable[[str], str], words: Callable[[str], str]) -> Self:
        """A copy in one surface's names: ``name`` renders each field path (the param
        and every detail's, also where a message quotes one); ``words`` renders the rest
        of a message's text outside quoted values. An error already in the caller's
        names (``in_callers_names``) is returned as it is."""
        if self.in_callers_names:
            return self
        params = {p for p in (self.param, *(d.param for d in self.details)) if p}
        rendered = {p: name(p) for p in params}
        # Longest first, so ``card.number`` is not read as ``card`` + ``.number``.
        quoted = "|".join(re.escape(p) for p in sorted(params, key=len, reverse=True))
        field = re.compile(rf"(?<![\w.\[])(?:{quoted})(?![\w\[])") if quoted else None

        def text(message: str) -> str:
            out = []
            for number, piece in enumerate(_QUOTED.split(message)):
                if piece.startswith("'") and piece.endswith("'") and len(piece) > 1:
                    inner = piece[1:-1]
                    out.append(f"'{rendered[inner]}'" if inner in rendered else piece)
                    continue
                done = []
                last = 0
                for match in field.finditer(piece) if field else ():
                    if not _is_path(match.group(0)) and (number, match.start()) != (0, 0):
                        # A plain word inside prose is a word ("Your card was declined"),
                        # not the field; only as a message's subject is it the field.
                        continue
                    done.append(words(piece[last : match.start()]))
                    done.append(rendered[match.group(0)])
                    last = match.end()
                done.append(words(piece[last:]))
                out.append("".join(done))
            return "".join(out)

        # Not ``copy.copy``: it calls ``__init__`` again, which a subclass such as
        # ``QueryTooComplex`` defines with arguments of its own.
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.message = text(self.message)
        # An empty name (a body key ``""``) has nothing to render.
        clone.param = None if self.param is None else rendered.get(self.param, self.param)
        clone.details = [
            replace(d, param=rendered.get(d.param, d.param), message=text(d.message))
            for d in self.details
        ]
        clone.args = (clone.message,)
        clone.in_callers_names = True
        return clone

    def as_named(self) -> Self:
        """This error, its params already in the caller's own names (a REST query
        parameter as it was sent): ``renamed`` leaves it alone."""
        self.in_callers_names = True
        return self

    def to_payload(self, request_id: str | None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "type": self.type,
            "code": self.code,
            "message": _clipped(self.message),
            "param": None if self.param is None else _clipped(self.param),
            "details": _capped_details(self.details, MAX_DETAILS),
            "request_id": request_id,
        }
        payload.update(self.extra)
        # Details are the only part that can grow; shed them until the body fits.
        keep = len(payload["details"])
        while keep > 1 and len(orjson.dumps(payload)) > MAX_BODY:
            keep //= 2
            payload["details"] = _capped_details(self.details, keep)
        return payload


def _capped_details(details: list[ErrorDetail], limit: int) -> list[dict[str, Any]]:
    """At most ``limit`` entries, the last saying how many were left out."""
    if len(details) <= limit:
        return [d.to_dict() for d in details]
    kept = [d.to_dict() for d in details[: limit - 1]]
    left = len(details) - len(kept)
    kept.append(
        {
            "param": None,
            "code": "TOO_MANY_ERRORS",
            "message": f"{left} more problems were left out",
            "left_out": left,
        }
    )
    return kept


class BadRequest(StateSetError):
    status = 400
    type = "invalid_request_error"
    code = "VALIDATION_ERROR"


class InvalidJSON(BadRequest):
    code = "INVALID_JSON"


class QueryTooComplex(BadRequest):
    """A GraphQL document or a filter over a limit of API.md section 11; its one detail
    names the limit, its maximum and the value found."""

    code = "QUERY_TOO_COMPLEX"

    def __init__(self, message: str, *, limit: str, maximum: int, value: int, param: str) -> None:
        extra = (("limit", limit), ("max", maximum), ("value", value))
        detail = ErrorDetail(param, self.code, message, extra)
        super().__init__(message, param=param, details=[detail])


class IdempotencyKeyMismatch(BadRequest):
    type = "idempotency_error"
    code = "IDEMPOTENCY_KEY_MISMATCH"


class AuthenticationFailed(StateSetError):
    status = 401
    type = "authentication_error"
    code = "INVALID_API_KEY"


class MissingApiKey(AuthenticationFailed):
    code = "MISSING_API_KEY"


class CardDeclined(StateSetError):
    status = 402
    type = "card_error"
    code = "CARD_DECLINED"
    commits = True


class PermissionDenied(StateSetError):
    status = 403
    type = "permission_error"
    code = "INSUFFICIENT_PERMISSIONS"


class NotFound(StateSetError):
    status = 404
    type = "not_found_error"
    code = "RESOURCE_NOT_FOUND"


class MethodNotAllowed(StateSetError):
    status = 405
    type = "invalid_request_error"
    code = "METHOD_NOT_ALLOWED"


class Conflict(StateSetError):
    status = 409
    type = "invalid_request_error"
    code = "RESOURCE_CONFLICT"


class AlreadyExists(Conflict):
    code = "RESOURCE_ALREADY_EXISTS"


class IdempotencyKeyInUse(Conflict):
    type = "idempotency_error"
    code = "IDEMPOTENCY_KEY_IN_USE"


class RequestTimeout(StateSetError):
    """The request body did not fully arrive in time; the connection is closed."""

    status = 408
    type = "invalid_request_error"
    code = "REQUEST_TIMEOUT"


class RequestTooLarge(StateSetError):
    status = 413
    type = "invalid_request_error"
    code = "REQUEST_TOO_LARGE"


class UnsupportedMediaType(StateSetError):
    status = 415
    type = "invalid_request_error"
    code = "UNSUPPORTED_MEDIA_TYPE"


class ValidationFailed(StateSetError):
    """A body that failed validation: one ``details`` entry per field."""

    status = 422
    type = "invalid_request_error"
    code = "VALIDATION_ERROR"

    @classmethod
    def from_details(cls, details: list[ErrorDetail]) -> ValidationFailed:
        first = details[0]
        code = first.code if len(details) == 1 else "VALIDATION_ERROR"
        return cls(first.message, param=first.param, details=details, code=code)


class RateLimited(StateSetError):
    status = 429
    type = "rate_limit_error"
    code = "RATE_LIMIT_EXCEEDED"


class InternalError(StateSetError):
    status = 500
    type = "api_error"
    code = "INTERNAL_ERROR"


class ServiceUnavailable(StateSetError):
    """The database refused or lost the connection (too many clients, down, restarting,
    or every pooled connection busy past the pool's timeout): the request did not run to
    completion and can be retried after ``Retry-After`` seconds (with its Idempotency-Key,
    a write is never applied twice)."""

    status = 503
    type = "api_error"
    code = "SERVICE_UNAVAILABLE"
    retry_after_seconds: ClassVar[int] = 1

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


def not_found(kind: str, object_id: str, param: str = "id") -> NotFound:
    return NotFound(f"No such {kind}: '{shown(object_id)}'", param=param)


class Validator:
    """Collects field problems so one 422 can name every bad field at once."""

    def __init__(self) -> None:
        self.details: list[ErrorDetail] = []

    def add(self, param: str, code: str, message: str) -> None:
        self.details.append(ErrorDetail(param=param, code=code, message=message))

    def missing(self, param: str) -> None:
        self.add(param, "MISSING_REQUIRED_FIELD", f"{param} is required")

    def invalid(self, param: str, message: str) -> None:
        self.add(param, "INVALID_FIELD_FORMAT", message)

    def check(self) -> None:
        if self.details:
            raise ValidationFailed.from_details(self.details)
