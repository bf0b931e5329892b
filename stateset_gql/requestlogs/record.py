"""What one request's log row is made of, gathered where each fact is known.

``RequestMiddleware`` opens a ``Facts`` for every HTTP request (its id, method and
Idempotency-Key) and makes it ``current``; the door's ``authenticate`` says whose it is
(``Pipeline.authenticate``: nothing is logged for a request no key authenticated);
the door's ``check`` names ``/graphql``'s operation; a batch adds a row for each operation
it ran alone, under that operation's own request id (an atomic batch's operations run
under the batch's id, in its transaction, and are logged as the batch). When the
response ends the middleware hands the rows to the writer
(``requestlogs.writer``) — the one place a row is enqueued.

A row on the request's path is a tuple of these facts and, for an error, the response's
body as bytes: reading that body into the ``error`` column (its ``error`` object, with
every card-number-like run of digits and every key secret scrubbed) is the writer's work,
off the path.
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from stateset_gql.access.keys import SECRET_IN_TEXT
from stateset_gql.access.principal import Principal
from stateset_gql.db.base import utcnow
from stateset_gql.requestlogs.models import KEY_LENGTH, OPERATION_LENGTH, PATH_LENGTH

# How much of an error's body a row keeps to read later: error bodies are small; a
# larger one is cut (and read as no error object).
MAX_ERROR_BYTES = 16 * 1024
# A run of 12 to 19 digits, spaces or dashes allowed between them: a card number's shape.
CARD_NUMBER = re.compile(r"(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)")
REDACTED = "[redacted]"


@dataclass(frozen=True, slots=True)
class Row:
    """One request answered, as cheap to make as a tuple: ``body`` is the response's
    bytes when it failed (status 400 and over), read into ``error`` by the writer."""

    id: str
    account_id: str
    livemode: bool
    api_key_id: str
    method: str
    path: str
    status: int
    duration_ms: float
    idempotency_key: str | None
    graphql_operation: str | None
    body: bytes | None
    created: datetime

    def columns(self) -> dict[str, Any]:
        """The row's columns, its error read and scrubbed (the writer's, off the path)."""
        return {
            "id": self.id,
            "account_id": self.account_id,
            "livemode": self.livemode,
            "api_key_id": self.api_key_id,
            "method": self.method,
            "path": self.path[:PATH_LENGTH],
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "idempotency_key": self.idempotency_key and self.idempotency_key[:KEY_LENGTH],
            "graphql_operation": (self.graphql_operation or None)
            and self.graphql_operation[:OPERATION_LENGTH],
            "error": error_of(self.body) if self.body else None,
            "created": self.created,
        }


@dataclass(slots=True)
class Facts:
    """One HTTP request's facts as they become known; ``principal`` stays None when no
    key authenticated, and then nothing is logged."""

    request_id: str
    method: str
    idempotency_key: str | None
    principal: Principal | None = None
    graphql_operation: str | None = None
    # A batch's operations, each logged as its own request under its own id.
    operations: list[Row] = field(default_factory=list)

    def row(
        self,
        *,
        request_id: str,
        method: str,
        path: str,
        status: int,
        duration_ms: float,
        idempotency_key: str | None,
        body: bytes | None = None,
        graphql_operation: str | None = None,
    ) -> Row | None:
        """A row of this request's caller (None when no key authenticated)."""
        principal = self.principal
        if principal is None:
            return None
        return Row(
            id=request_id,
            account_id=principal.owner.account_id,
            livemode=principal.owner.livemode,
            api_key_id=principal.key_id,
            method=method,
            path=path,
            status=status,
            duration_ms=duration_ms,
            idempotency_key=idempotency_key,
            graphql_operation=graphql_operation,
            body=body if status >= 400 else None,
            created=utcnow(),
        )

    def answered(
        self, *, path: str, status: int, duration_ms: float, body: bytes | None
    ) -> list[Row]:
        """The rows this request writes once answered: its own, then its operations'."""
        own = self.row(
            request_id=self.request_id,
            method=self.method,
            path=path,
            status=status,
            duration_ms=duration_ms,
            idempotency_key=self.idempotency_key,
            body=body,
            graphql_operation=self.graphql_operation,
        )
        return [] if own is None else [own, *self.operations]


current: contextvars.ContextVar[Facts | None] = contextvars.ContextVar(
    "stateset_request_facts", default=None
)


def authenticated(principal: Principal) -> None:
    """The current request (if any: a WebSocket has none) is ``principal``'s."""
    facts = current.get()
    if facts is not None:
        facts.principal = principal


def named(operation_name: str | None) -> None:
    """The current request ran the GraphQL operation ``operation_name``."""
    facts = current.get()
    if facts is not None:
        facts.graphql_operation = operation_name


def operation(
    *,
    request_id: str,
    method: str,
    path: str,
    status: int,
    duration_ms: float,
    idempotency_key: str | None,
    body: bytes,
) -> None:
    """The current request (a batch) ran one of its operations as its own request
    ``request_id``: logged beside it, as the same caller."""
    facts = current.get()
    if facts is None:
        return
    row = facts.row(
        request_id=request_id,
        method=method,
        path=path,
        status=status,
        duration_ms=duration_ms,
        idempotency_key=idempotency_key,
        body=body[:MAX_ERROR_BYTES] if status >= 400 else None,
    )
    if row is not None:
        facts.operations.append(row)


def error_of(body: bytes) -> dict[str, Any] | None:
    """The error object of an error body, scrubbed: REST's ``error``; ``/graphql``'s
    first error's ``extensions`` (the same object, with its status). None when the body
    is no such JSON."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict):
        return None
    error = document.get("error")
    if not isinstance(error, dict):
        errors = document.get("errors")
        first = errors[0] if isinstance(errors, list) and errors else None
        error = first.get("extensions") if isinstance(first, dict) else None
    if not isinstance(error, dict):
        return None
    scrubbed: dict[str, Any] = scrub(error)
    return scrubbed


def scrub(value: Any) -> Any:
    """``value`` with every card-number-like run of digits (in a string or a number)
    and every key secret replaced by ``[redacted]``, in every mode."""
    if isinstance(value, str):
        return SECRET_IN_TEXT.sub(REDACTED, CARD_NUMBER.sub(REDACTED, value))
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return REDACTED if CARD_NUMBER.fullmatch(str(abs(value))) else value
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value
