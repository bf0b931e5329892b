"""The input boundary: no list longer than ``MAX_LIST_ITEMS``, no fraction where an
integer is due, no submitted string holding a NUL character, and no ``where`` past the
filter caps of ``db.filters`` (API.md section 11).

Every value a client sends, through ``/graphql``, a REST route (whose path, query and
body become the variables of its GraphQL field) or a subscription, reaches the resolvers
as a variable or a literal of one operation; the pipeline's document check
(``pipeline.document``) calls ``check_input`` on both once, before anything executes.
PostgreSQL cannot store a NUL in text at all, and nothing a client means by one is worth
storing, so it is refused where it is read:

    an id argument (``id``, ``endpointId``)       404  nothing has such an id
    an argument of a mutation (``input``, ...)    422  INVALID_FIELD_FORMAT
    any other argument (``where``, ``after``)     400  VALIDATION_ERROR

A list is measured before anything walks its items: a REST body before it is converted
(``list_too_long``), variables before graphql-core coerces them, so 150,000 line items
cost one ``len``, not seconds of conversion before the answer. An integer (money, a
quantity) given as ``100.0`` is refused, as the document's own ``100.0`` is: JSON has one
number type, and a client who sends a fraction means something no integer says.

Only a request that holds a NUL pays for finding which argument it is in. A ``where``
is measured as sent, before graphql-core and Strawberry turn its thousands of nodes
into objects once per field that takes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    is_input_type,
    type_from_ast,
    value_from_ast_untyped,
)

from stateset_gql.db.filters import check_where
from stateset_gql.errors import (
    BadRequest,
    ErrorDetail,
    NotFound,
    StateSetError,
    ValidationFailed,
    shown,
)

NUL = "\x00"
# Far above any list an operation takes (an order has at most 100 line items); a longer
# one is refused before its items are looked at.
MAX_LIST_ITEMS = 1_000


def list_too_long(value: Any, path: tuple[str, ...] = ()) -> tuple[tuple[str, ...], int] | None:
    """Where in ``value`` (JSON) a list holds over ``MAX_LIST_ITEMS`` items, and how many.
    Only containers are followed, so 400,000 metadata values cost one loop, not a path each."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, list):
            if len(current) > MAX_LIST_ITEMS:
                return where, len(current)
            items: Any = enumerate(current)
        elif isinstance(current, dict):
            items = current.items()
        else:
            continue
        for key, item in items:
            if isinstance(item, list | dict) and item:
                stack.append((item, (*where, shown(str(key)))))
    return None


def too_long(param: str, count: int, *, body: bool) -> StateSetError:
    """The refusal of a list of ``count`` items at ``param``: 422 in a body (a mutation's
    input), 400 elsewhere."""
    message = f"{param} can list at most {MAX_LIST_ITEMS} items, not {count}"
    if body:
        return ValidationFailed.from_details([ErrorDetail(param, "INVALID_FIELD_FORMAT", message)])
    return BadRequest(message, param=param)


def _fraction(value: Any, type_: GraphQLInputType, path: tuple[str, ...]) -> tuple[str, ...] | None:
    """Where ``value`` gives a number with a fraction (or a float at all) for an ``Int``."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if (found := _fraction(item, type_.of_type, (*path, str(i)))) is not None:
                return found
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        for name, item in value.items():
            field = type_.fields.get(name)
            if field is not None and (found := _fraction(item, field.type, (*path, name))):
                return found
    elif isinstance(type_, GraphQLScalarType) and type_.name == "Int" and isinstance(value, float):
        return path
    return None


def nul_path(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where in ``value`` (JSON) a string or an object key holds a NUL, or None."""
    try:
        # Written out, a NUL is always this escape: one fast scan clears nearly every
        # request, and only one that holds a NUL is walked to find where.
        if b"\\u0000" not in orjson.dumps(value):
            return None
    except TypeError:
        pass
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, str):
            if NUL in current:
                return where
        elif isinstance(current, dict):
            for key, item in current.items():
                if isinstance(key, str) and NUL in key:
                    return (*where, shown(key.replace(NUL, "\\u0000")))
                stack.append((item, (*where, str(key))))
        elif isinstance(current, list):
            stack.extend((item, (*where, str(i))) for i, item in enumerate(current))
    return None


def _literal_nul(node: ValueNode, path: tuple[str, ...]) -> tuple[str, ...] | None:
    if isinstance(node, StringValueNode):
        return path if NUL in node.value else None
    if isinstance(node, ListValueNode):
        for i, item in enumerate(node.values):
            if (found := _literal_nul(item, (*path, str(i)))) is not None:
                return found
    if isinstance(node, ObjectValueNode):
        for field in node.fields:
            if (found := _literal_nul(field.value, (*path, field.name.value))) is not None:
                return found
    return None


def _variables_in(node: ValueNode, path: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...]]]:
    if isinstance(node, VariableNode):
        yield node.name.value, path
    elif isinstance(node, ListValueNode):
        for i, item in enumerate(node.values):
            yield from _variables_in(item, (*path, str(i)))
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _variables_in(field.value, (*path, field.name.value))


def _arguments(
    document: DocumentNode, operation: OperationDefinitionNode
) -> Iterator[tuple[str, ValueNode]]:
    """Every argument of every field the operation selects; each fragment once."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    seen: set[str] = set()
    stack: list[SelectionSetNode] = [operation.selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    yield argument.name.value, argument.value
                if selection.selection_set:
                    stack.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    stack.append(fragments[name].selection_set)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition
    return None


def _param(argument: str, path: tuple[str, ...]) -> str:
    inner = path[1:] if argument == "input" else path
    return ".".join(inner) or argument


def _refusal(argument: str, path: tuple[str, ...], mutation: bool) -> StateSetError:
    param = _param(argument, path)
    message = f"{param} must not contain a NUL character"
    if argument == "id" or argument.endswith("Id"):
        return NotFound(f"No such object: '{argument}' holds a NUL character", param=argument)
    if mutation:
        return ValidationFailed.from_details([ErrorDetail(param, "INVALID_FIELD_FORMAT", message)])
    return BadRequest(message, param=param)


def _typed(
    schema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict[str, Any]
) -> StateSetError | None:
    """A fraction given for an integer, in the variables as their definitions type them."""
    mutation = operation.operation is OperationType.MUTATION
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        if name not in variables or not is_input_type(type_):
            continue
        found = _fraction(variables[name], type_, (name,))
        if found is not None:
            param = ".".join(found)
            message = f"{param} must be an integer, not a number with a fraction"
            if mutation:
                detail = ErrorDetail(param, "INVALID_FIELD_FORMAT", message)
                return ValidationFailed.from_details([detail])
            return BadRequest(message, param=param)
    return None


def check_input(
    document: DocumentNode,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    schema: GraphQLSchema | None = None,
) -> StateSetError | None:
    """The error for the first NUL or oversized ``where`` in the operation's input, else
    for a list too long, else for a fraction given for an integer."""
    variables = variables or {}
    operation = _operation(document, operation_name)
    if operation is None:
        return None  # graphql-core reports the missing operation itself
    mutation = operation.operation is OperationType.MUTATION
    refused = _where_or_nul(document, operation, query, variables, mutation)
    if refused is not None:
        return refused
    if (long := list_too_long(variables)) is not None:
        path, count = long
        # Named through its variable: ``input.lineItems``, as each surface renders it.
        return too_long(".".join(path), count, body=mutation)
    if schema is not None:
        return _typed(schema, operation, variables)
    return None


def _where_or_nul(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    query: str,
    variables: dict[str, Any],
    mutation: bool,
) -> StateSetError | None:
    """The first NUL in the input, or a ``where`` past the filter caps (which measure its
    lists before the generic list cap would)."""
    in_variables = nul_path(variables)
    if in_variables is None and "\\u0000" not in query and "where" not in query:
        return None
    for argument, value in _arguments(document, operation):
        if (found := _literal_nul(value, (argument,))) is not None:
            return _refusal(argument, found, mutation)
        for variable, path in _variables_in(value, (argument,)):
            if (inside := nul_path(variables.get(variable))) is not None:
                return _refusal(argument, (*path, *inside), mutation)
        if argument == "where":
            tree = value_from_ast_untyped(value, variables)
            if isinstance(tree, dict):
                try:
                    check_where(tree, argument)
                except StateSetError as error:
                    return error
    if in_variables is not None:
        # A variable no argument uses: nothing reads it, but it is still refused.
        return BadRequest("Variables must not contain a NUL character", param=in_variables[0])
    return None
