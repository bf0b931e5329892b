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

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLSchema,
    ListValueNode,
    Node,
    ObjectValueNode,
    ValueNode,
    get_named_type,
    parse,
)
from strawberry.utils.str_converters import to_camel_case

from stateset_gql.errors import (
    BadRequest,
    ErrorDetail,
    InternalError,
    StateSetError,
    ValidationFailed,
    is_key,
    path_parts,
    shown,
)

log = logging.getLogger("stateset_gql.graphql")

_VARIABLE = re.compile(
    r"^Variable '\$(?P<var>\w+)' has invalid value(?: at (?P<path>\S+))?: (?P<reason>.*)$", re.S
)
_VARIABLE_MISSING = re.compile(
    r"^Variable '\$(?P<var>\w+)' of required type '[^']+' was not provided"
)
_MISSING = re.compile(r"to include required field '(?P<field>\w+)'")
_UNKNOWN = re.compile(r"not to include unknown field '(?P<field>\w+)'")
# Left out, or sent as an explicit null: either way the required field is missing.
_NOT_PROVIDED = re.compile(r"non-null type '[^']+' (?:to be provided|not to be (?:None|null))")
_ARGUMENT_MISSING = re.compile(r"^Argument '[\w.]+\((?P<field>\w+):\)' of type '[^']+' is required")
# graphql-core ends many reasons with the offending value; it is cut off, never echoed.
_VALUE_TAIL = re.compile(r"(?:, but encountered|; found:|: |\. Did you mean).*$", re.S)
# graphql-core's words for a value of the wrong type, in ours.
_WORDS = (
    (
        re.compile(r"^Int cannot represent non 32-bit"),
        "must be an integer between -2147483648 and 2147483647",
    ),
    (re.compile(r"^Int cannot represent"), "must be an integer"),
    (re.compile(r"^Float cannot represent"), "must be a number"),
    (re.compile(r"^(?:String|ID) cannot represent"), "must be a string"),
    (re.compile(r"^Boolean cannot represent"), "must be true or false"),
    (
        re.compile(r"^(?:Value '[^']*' does not exist in|Enum) '(?P<enum>\w+)'"),
        "must be one of the {enum} values",
    ),
    (
        re.compile(r"^Expected type '\w+' to be an object|^Expected value of type '\w+!?'"),
        "has the wrong shape",
    ),
    (re.compile(r"^Expected type '[^']+' to be a list|^Expected .* list"), "must be a list"),
)
# A snake_case word of a message, a field's name as REST writes it.
_SNAKE_WORD = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _why(reason: str) -> str:
    for pattern, words in _WORDS:
        if found := pattern.search(reason):
            return words.format(enum=found.groupdict().get("enum"))
    return _VALUE_TAIL.sub("", reason).rstrip(".")


def _param(var: str, path: str | None, field: str | None = None) -> str:
    """A field path through a variable: ``$input`` at ``lineItems[0]`` →
    ``input.lineItems.0``."""
    parts = [var, *(p for p in re.split(r"[.\[\]]", path or "") if p)]
    if field:
        parts.append(field)
    return ".".join(shown(p) for p in parts)


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
        detail = ErrorDetail(param, "INVALID_FIELD_FORMAT", f"{param} {_why(reason)}")
    return ValidationFailed.from_details([detail])


def _same(node: Node, target: Node) -> bool:
    """The same node of two parses of one document: same kind, same place."""
    return (
        node.kind == target.kind
        and node.loc is not None
        and target.loc is not None
        and node.loc.start == target.loc.start
    )


def _value_path(value: ValueNode, target: Node, path: list[str]) -> list[str] | None:
    if _same(value, target):
        return path
    if isinstance(value, ObjectValueNode):
        for item in value.fields:
            if item is target or (
                item.loc
                and target.loc
                and (item.loc.start, item.kind) == (target.loc.start, target.kind)
            ):
                return [*path, shown(item.name.value)]
            if (
                found := _value_path(item.value, target, [*path, shown(item.name.value)])
            ) is not None:
                return found
    if isinstance(value, ListValueNode):
        for index, element in enumerate(value.values):
            if (found := _value_path(element, target, [*path, str(index)])) is not None:
                return found
    return None


def _document_path(error: GraphQLError) -> list[str] | None:
    """Where in the document's arguments ``error`` points: ``["input", "lineItems", "0"]``."""
    if not error.nodes or error.source is None:
        return None
    target = error.nodes[0]
    if isinstance(target, FieldNode):
        return []
    try:
        document = parse(error.source)
    except GraphQLError:
        return None
    pending: list[Node] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, ArgumentNode):
            if (found := _value_path(node.value, target, [node.name.value])) is not None:
                return found
            continue
        for key in node.keys:
            child = getattr(node, key, None)
            if isinstance(child, Node):
                pending.append(child)
            elif isinstance(child, tuple | list):
                pending.extend(c for c in child if isinstance(c, Node))
    return None


def _document_error(error: GraphQLError) -> StateSetError | None:
    """A field of an argument written in the document, refused by validation, named as
    it would be had it come in variables: one code however it was sent."""
    message = error.message
    argument = _ARGUMENT_MISSING.match(message)
    missing = _MISSING.search(message)
    unknown = _UNKNOWN.search(message)
    wrong_value = " cannot represent " in message or message.startswith(
        ("Expected value of", "Value '", "Enum '")
    )
    if argument is None and not wrong_value:
        return None
    path = [] if argument is not None else _document_path(error)
    if path is None:
        return None
    if argument is not None or missing is not None or _NOT_PROVIDED.search(message):
        found = argument or missing
        param = ".".join([*path, found.group("field")] if found else path)
        detail = ErrorDetail(param, "MISSING_REQUIRED_FIELD", f"{param} is required")
        return ValidationFailed.from_details([detail])
    if unknown is not None:
        # The document points at the unknown field itself.
        param = ".".join(path)
        detail = ErrorDetail(param, "VALIDATION_ERROR", f"Received unknown parameter: {param}")
        return ValidationFailed.from_details([detail])
    param = ".".join(path)
    return BadRequest(f"{param} {_why(message)}", param=param)


def _shape(type_: GraphQLInputObjectType) -> str:
    """``{field: ID | AMOUNT, direction: ASC | DESC}``: what an input object takes."""
    fields = []
    for name, field in type_.fields.items():
        named = get_named_type(field.type)
        kind = " | ".join(named.values) if isinstance(named, GraphQLEnumType) else named.name
        fields.append(f"{name}: {kind}")
    return "{" + ", ".join(fields) + "}"


def to_domain_errors(
    errors: list[GraphQLError], schema: GraphQLSchema
) -> list[tuple[GraphQLError, StateSetError]]:
    """Each error as a domain error; an input object given a field it does not have
    (``orderBy: [{amount: DESC}]``) is one error saying what the object takes, not one
    for the unknown field and one for each required field it then lacks. An unknown
    field where nothing is then missing (``input.nickname``) stays an error naming it."""
    pairs = [(error, to_domain_error(error)) for error in errors]
    lacking = {
        (domain.param or "").rpartition(".")[0]
        for _, domain in pairs
        if domain.param and domain.code == "MISSING_REQUIRED_FIELD"
    }
    shapes: dict[str, str] = {}
    for error, domain in pairs:
        unknown = _UNKNOWN.search(error.message)
        typed = re.search(r"type '(?P<type>\w+)'", error.message)
        type_ = schema.get_type(typed.group("type")) if typed else None
        if (
            unknown
            and domain.param
            and domain.param.rpartition(".")[0] in lacking
            and isinstance(type_, GraphQLInputObjectType)
        ):
            shapes.setdefault(domain.param.rpartition(".")[0], _shape(type_))
    if not shapes:
        return pairs
    merged: list[tuple[GraphQLError, StateSetError]] = []
    for at, shape in shapes.items():
        mine = [(e, d) for e, d in pairs if d.param and d.param.rpartition(".")[0] == at]
        extra = [
            (d.param or "").rpartition(".")[2] for _, d in mine if d.code == "VALIDATION_ERROR"
        ]
        message = f"{at} has no field '{extra[0]}'; it takes {shape}"
        detail = ErrorDetail(at, "VALIDATION_ERROR", message)
        merged.append((mine[0][0], ValidationFailed(message, param=at, details=[detail])))
    kept = [(e, d) for e, d in pairs if not d.param or d.param.rpartition(".")[0] not in shapes]
    return merged + kept


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
        if match := _VARIABLE_MISSING.match(error.message):
            param = match.group("var")
            detail = ErrorDetail(param, "MISSING_REQUIRED_FIELD", f"{param} is required")
            return ValidationFailed.from_details([detail])
        if (inline := _document_error(error)) is not None:
            return inline
        return BadRequest(_VALUE_TAIL.sub("", error.message) if original else error.message)
    return InternalError(
        "An internal error occurred. Retry later; quote the request id if it persists."
    )


def graphql_param(param: str, arguments: frozenset[str] = frozenset()) -> str:
    """A field path in the input's names: ``line_items.0.unit_amount`` →
    ``input.lineItems.0.unitAmount``. ``arguments`` are those of the field that raised
    it; a path that names none of them starts inside its ``input``."""
    parts = path_parts(param)
    # ``_in``, ``_or``: a filter's operators are GraphQL's names already.
    names = [
        p if is_key(parts, i) or p.startswith("_") else to_camel_case(p)
        for i, p in enumerate(parts)
    ]
    if names[0] not in arguments and "input" in arguments:
        names.insert(0, "input")
    return ".".join(names)


def _words(text: str) -> str:
    return _SNAKE_WORD.sub(lambda m: to_camel_case(m.group(0)), text)


def in_graphql_names(error: GraphQLError, domain: StateSetError) -> StateSetError:
    """``domain`` as GraphQL names it: its params and messages in the input's names."""
    node = error.nodes[0] if error.nodes else None
    arguments = frozenset(
        a.name.value for a in ((node.arguments or ()) if isinstance(node, FieldNode) else ())
    )
    return domain.renamed(lambda param: graphql_param(param, arguments), _words)


def format_error(error: GraphQLError, domain: StateSetError, request_id: str) -> dict[str, Any]:
    domain = in_graphql_names(error, domain)
    payload = domain.to_payload(request_id)
    # The message as the payload keeps it: one rule keeps every part of the body small.
    formatted: dict[str, Any] = {"message": payload["message"]}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = error.path
    formatted["extensions"] = {**payload, "status": domain.status}
    return formatted


def log_unexpected(error: GraphQLError, request_id: str) -> None:
    original = error.original_error
    log.error(
        "unexpected error in %s",
        ".".join(str(p) for p in error.path or []),
        exc_info=(type(original), original, original.__traceback__) if original else None,
        extra={"request_id": request_id},
    )
