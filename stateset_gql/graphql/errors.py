"""GraphQL errors, translated through the one error tree in ``stateset_gql.errors``.

A resolver raises a domain error and it is answered as itself. An error graphql-core
finds before execution (syntax, unknown fields, depth) is a 400 ``VALIDATION_ERROR``; a
variable that fails coercion is a 422 naming the field (``MISSING_REQUIRED_FIELD``,
``INVALID_FIELD_FORMAT``). Anything else raised while resolving is a bug: it is logged
with the request id and answered as ``INTERNAL_ERROR`` with nothing of its internals.
Values are never echoed back, so a card number sent as the wrong type stays out of
responses and logs.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from stateset_gql.errors import (
    BadRequest,
    ErrorDetail,
    InternalError,
    StateSetError,
    ValidationFailed,
)

log = logging.getLogger("stateset_gql.graphql")

_VARIABLE = re.compile(
    r"^Variable '\$(?P<var>\w+)' has invalid value(?: at (?P<path>\S+))?: (?P<reason>.*)$", re.S
)
_MISSING = re.compile(r"to include required field '(?P<field>\w+)'")
_UNKNOWN = re.compile(r"not to include unknown field '(?P<field>\w+)'")
# Left out, or sent as an explicit null: either way the required field is missing.
_NOT_PROVIDED = re.compile(r"non-null type '[^']+' (?:to be provided|not to be (?:None|null))")
# graphql-core ends many reasons with the offending value; it is cut off, never echoed.
_VALUE_TAIL = re.compile(r"(?:, but encountered|; found:|: |\. Did you mean).*$", re.S)


def _param(var: str, path: str | None, field: str | None = None) -> str:
    parts = [p for p in re.split(r"[.\[\]]", path or "") if p]
    if field:
        parts.append(field)
    return ".".join(parts) or var


def _variable_error(match: re.Match[str]) -> StateSetError:
    var, path, reason = match.group("var"), match.group("path"), match.group("reason")
    if found := _MISSING.search(reason):
        param = _param(var, path, found.group("field"))
        detail = ErrorDetail(param, "MISSING_REQUIRED_FIELD", f"{param} is required")
    elif found := _UNKNOWN.search(reason):
        param = _param(var, path, found.group("field"))
        detail = ErrorDetail(param, "VALIDATION_ERROR", f"Received unknown parameter: {param}")
    elif _NOT_PROVIDED.search(reason):
        param = _param(var, path)
        detail = ErrorDetail(param, "MISSING_REQUIRED_FIELD", f"{param} is required")
    else:
        param = _param(var, path)
        why = _VALUE_TAIL.sub("", reason).rstrip(".")
        detail = ErrorDetail(param, "INVALID_FIELD_FORMAT", f"Invalid value for '{param}': {why}")
    return ValidationFailed.from_details([detail])


def _domain_cause(error: GraphQLError) -> StateSetError | None:
    """A domain error a scalar raised, however deep graphql-core wrapped it."""
    cause: BaseException | None = error.original_error
    for _ in range(5):
        if isinstance(cause, StateSetError):
            return cause
        if not isinstance(cause, GraphQLError):
            return None
        cause = cause.original_error
    return None


def to_domain_error(error: GraphQLError) -> StateSetError:
    original = error.original_error
    if isinstance(original, StateSetError):
        return original
    if error.path is None:
        if (cause := _domain_cause(error)) is not None:
            # Raised by a scalar, which cannot know where its value was.
            if cause.param is None and (match := _VARIABLE.match(error.message)):
                cause.param = _param(match.group("var"), match.group("path"))
            return cause
        # Found before execution: the document or the variables are at fault.
        if match := _VARIABLE.match(error.message):
            return _variable_error(match)
        return BadRequest(_VALUE_TAIL.sub("", error.message) if original else error.message)
    return InternalError(
        "An internal error occurred. Retry later; quote the request id if it persists."
    )


def format_error(error: GraphQLError, domain: StateSetError, request_id: str) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": domain.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = error.path
    formatted["extensions"] = {**domain.to_payload(request_id), "status": domain.status}
    return formatted


def log_unexpected(error: GraphQLError, request_id: str) -> None:
    original = error.original_error
    log.error(
        "unexpected error in %s",
        ".".join(str(p) for p in error.path or []),
        exc_info=(type(original), original, original.__traceback__) if original else None,
        extra={"request_id": request_id},
    )
