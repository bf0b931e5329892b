"""Checking an operation's document: the pipeline's third stage, before anything runs.

A client's operation, whatever carried it, is checked in this order (API.md section 11):

1. its shape — a ``query`` string, ``variables`` an object, ``operationName`` a string,
   ``extensions`` an object
2. the engine's check — bytes and tokens limited before parsing, measured, validated
   (cached)
3. its kind against what carried it (``Over``): queries and mutations over HTTP, a
   mutation only with POST, subscriptions only over WebSocket, which carries every kind
4. the scopes its root fields declare (``graphql.scopes``): a key without one is refused
   (403) before anything of the input is measured or coerced
5. the input boundary (``graphql.boundary.check_input``): no list too long, no fraction
   for an integer, no NUL, no oversized ``where``

A refusal of the request (1, 3) is raised as a domain error; a refusal of the document
(2, 4, 5) comes back in ``checked.errors`` with the document ``None``, so it is answered as
any error of the operation is. A document the server wrote (a REST route's) carries a
client's variables too: ``check_server`` puts it through the input boundary only (its
surface checked the scope before it read the client's input).
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType

from stateset_gql.access.principal import Principal
from stateset_gql.errors import BadRequest, MethodNotAllowed, StateSetError
from stateset_gql.graphql.boundary import check_input
from stateset_gql.graphql.context import Checker
from stateset_gql.graphql.engine import Checked, GraphQLEngine, Operation
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.realtime.schema import OVER_WEBSOCKET
from stateset_gql.graphql.scopes import operation_refusal


class Over(Enum):
    """What carried an operation: which kinds it may carry is decided in ``refusal``."""

    GET = "GET"
    POST = "POST"
    WEBSOCKET = "WebSocket"


def operation_of(
    query: object, variables: object, operation_name: object, extensions: object = None
) -> Operation:
    """The operation a client sent, as it arrived (JSON values), or why it is no request."""
    if not isinstance(query, str) or not query.strip():
        raise BadRequest("A GraphQL request needs a 'query' string", param="query")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be a JSON object", param="variables")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("'operationName' must be a string", param="operationName")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("'extensions' must be a JSON object", param="extensions")
    return Operation(query=query, variables=variables, operation_name=operation_name)


def refusal(kind: OperationType, over: Over) -> StateSetError | None:
    """Why an operation of ``kind`` is not taken ``over`` this transport, if it is not."""
    if over is Over.WEBSOCKET:
        # graphql-transport-ws carries every kind: a query or mutation is one result.
        return None
    if kind is OperationType.SUBSCRIPTION:
        return BadRequest(OVER_WEBSOCKET, param="query")
    if kind is OperationType.MUTATION and over is not Over.POST:
        # A link followed or prefetched (GET) must never change anything.
        return MethodNotAllowed("Mutations must be sent with POST")
    return None


def operation_name(operation: Operation) -> str | None:
    """The operation's name: ``operationName`` as sent, or else that of the document's
    one operation when it names it (None when it names none or did not parse)."""
    if operation.operation_name is not None:
        return operation.operation_name
    checked = operation.checked
    document = checked.document if checked is not None else None
    if document is None:
        return None
    names = [
        d.name.value if d.name else None
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    return names[0] if len(names) == 1 else None


def check(
    engine: GraphQLEngine, operation: Operation, over: Over, principal: Principal
) -> Operation:
    """``operation`` with its ``checked`` document; raises when the request is refused."""
    operation = engine.check(operation)
    checked = operation.checked
    assert checked is not None
    # A document that did not validate has no kind: its errors are the answer.
    if checked.kind is not None and (refused := refusal(checked.kind, over)) is not None:
        raise refused
    if checked.document is not None:
        denied = operation_refusal(
            principal, core_schema(engine.schema), checked.document, operation.operation_name
        )
        if denied:
            checked = dataclasses.replace(checked, document=None, errors=denied)
            return dataclasses.replace(operation, checked=checked)
    return _input_checked(engine, operation, checked)


def checker(engine: GraphQLEngine, principal: Principal) -> Checker:
    """How a document of the client's inside a request (a bulk job's) is checked: as the
    document of a request sent with POST, for ``principal``."""

    def check_client(query: str, variables: dict[str, Any] | None) -> Operation:
        return check(engine, Operation(query=query, variables=variables), Over.POST, principal)

    return check_client


def check_server(engine: GraphQLEngine, operation: Operation) -> Operation:
    """A document the server wrote (parsed and validated once) with a client's variables."""
    return _input_checked(engine, operation, Checked(engine.trusted(operation.query), None))


def _input_checked(engine: GraphQLEngine, operation: Operation, checked: Checked) -> Operation:
    if checked.document is not None:
        refused = check_input(
            checked.document,
            operation.query,
            operation.variables,
            operation.operation_name,
            core_schema(engine.schema),
        )
        if refused is not None:
            error = GraphQLError(refused.message, original_error=refused)
            checked = dataclasses.replace(checked, document=None, errors=(error,))
    return dataclasses.replace(operation, checked=checked)
