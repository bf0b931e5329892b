"""``/v1/...``: each route of the route table is a route of the app's router.

A route's endpoint turns the request into its GraphQL field's arguments (a ``Call``),
the pipeline runs it like any ``/graphql`` request, and the answer is shaped as REST:
the single object in its one representation, or a list envelope.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access.principal import Principal
from stateset_gql.errors import (
    BadRequest,
    ErrorDetail,
    StateSetError,
    ValidationFailed,
    is_key,
    path_parts,
    shown,
)
from stateset_gql.graphql.boundary import list_too_long, too_long
from stateset_gql.graphql.engine import Operation
from stateset_gql.graphql.representation.convert import to_representation
from stateset_gql.graphql.representation.form import REPRESENTATION, Page
from stateset_gql.graphql.schema import Schema
from stateset_gql.graphql.scopes import field_refusal
from stateset_gql.http.body import read_json_object
from stateset_gql.http.responses import error_body
from stateset_gql.http.routing import Route
from stateset_gql.http.serve import request_id_of, serve_request
from stateset_gql.naming import to_camel, to_snake
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.runner import Call, Outcome
from stateset_gql.rest.convert import check, to_graphql_input
from stateset_gql.rest.envelope import list_envelope, page_of
from stateset_gql.rest.operations import RouteOperation, operation_for
from stateset_gql.rest.params import OPERATORS, list_arguments
from stateset_gql.rest.routes import ROUTES, RestRoute

# GraphQL's words for list arguments, as REST clients know them.
_PARAM_NAMES = {"first": "limit", "after": "cursor", "orderBy": "sort", "order_by": "sort"}
# A field's name (``unitAmount`` or ``unit_amount``), not a header such as Idempotency-Key.
_IDENTIFIER = re.compile(r"^[a-z][A-Za-z0-9_]*$")


def rest_param(param: str | None) -> str | None:
    """A field path in the body's names and Stripe's brackets: ``line_items.0.unit_amount``
    → ``line_items[0][unit_amount]``; ``first`` → ``limit``. The body is the operation's
    ``input``, so a path through ``input`` starts inside it."""
    if param is None:
        return None
    parts = path_parts(param)
    if len(parts) > 1 and parts[0] == "input":
        parts = parts[1:]
    if len(parts) == 3 and parts[0] == "where" and parts[2] in OPERATORS:
        # A filter is the query parameter it came from: ``where.onHand._in`` → ``on_hand_in``.
        return f"{to_snake(parts[1])}{parts[2]}"
    names = [
        to_snake(p) if _IDENTIFIER.match(p) and not is_key(parts, i) else p
        for i, p in enumerate(parts)
    ]
    head = _PARAM_NAMES.get(parts[0], names[0])
    return head + "".join(f"[{p}]" for p in names[1:])


# An operation a message tells the caller to call (``pay_order``), as its route.
_CALLS = {to_snake(r.field): f"{r.method} {r.path}" for r in ROUTES if r.is_mutation}
_SNAKE_WORD = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _rest_words(text: str) -> str:
    return _SNAKE_WORD.sub(lambda m: _CALLS.get(m.group(0), m.group(0)), text)


def _rest_error(error: StateSetError) -> StateSetError:
    return error.renamed(lambda param: rest_param(param) or param, _rest_words)


def _primary_error(outcome: Outcome) -> StateSetError:
    """The error a REST response reports: field problems together, else the first."""
    errors = [domain for _, domain in outcome.errors]
    invalid = [e for e in errors if isinstance(e, ValidationFailed)]
    if len(invalid) > 1:
        return ValidationFailed.from_details([d for e in invalid for d in e.details])
    return errors[0]


def _render(
    outcome: Outcome, operation: RouteOperation, include_total: bool, request_id: str
) -> tuple[int, bytes]:
    if outcome.errors:
        error = _rest_error(_primary_error(outcome))
        return error.status, orjson.dumps(error_body(error, request_id, graphql=False))
    data = (outcome.result.data or {})["result"]
    if isinstance(data, orjson.Fragment):
        return operation.route.status, orjson.dumps(data)
    if not operation.is_list:
        return operation.route.status, orjson.dumps(to_representation(data, operation.field.type))
    # The compiled read engine answers a page whose objects are JSON text already.
    page = data if isinstance(data, Page) else page_of(data, operation.item_type)
    return 200, orjson.dumps(list_envelope(page, operation.route.path, include_total=include_total))


class RestSurface:
    """One route of the table, read as its GraphQL field."""

    graphql = False
    media_type = "application/json"

    def __init__(self, operation: RouteOperation) -> None:
        self.operation = operation

    async def prepare(self, request: Request, principal: Principal) -> Call:
        operation = self.operation
        route = operation.route
        # The scope its field declares comes first: nothing of the body is read for a key
        # that may not call it.
        if (denied := field_refusal(principal, operation.field)) is not None:
            raise _rest_error(denied)
        body = await read_json_object(request, empty_is_nothing=True) if route.is_mutation else None
        try:
            variables, include_total, deprecated = self._variables(request, body)
        except StateSetError as error:
            raise _rest_error(error) from None
        request_id = request_id_of(request)
        return Call(
            operation=Operation(
                query=operation.query_with_total if include_total else operation.query,
                variables=variables,
                form=REPRESENTATION,
            ),
            write=route.is_mutation,
            render=lambda outcome: _render(outcome, operation, include_total, request_id),
            fingerprint=(request.method, request.url.path, body),
            headers={"Deprecation": "true"} if deprecated else {},
        )

    def answer_error(self, error: StateSetError, request_id: str) -> tuple[int, bytes]:
        error = _rest_error(error)
        return error.status, orjson.dumps(error_body(error, request_id, graphql=False))

    def _variables(
        self, request: Request, body: dict[str, Any] | None
    ) -> tuple[dict[str, Any], bool, bool]:
        operation = self.operation
        renames = dict(operation.route.rename)
        variables: dict[str, Any] = {
            renames.get(k, k): unquote(v) for k, v in request.path_params.items()
        }
        if operation.is_list:
            try:
                arguments = list_arguments(operation, request.query_params)
            except StateSetError as error:
                # Named by the query parameter as it was sent (``customerId_eq`` too).
                raise error.as_named() from None
            return (
                {**variables, **arguments.variables},
                arguments.include_total,
                arguments.deprecated_page,
            )
        if not operation.route.is_mutation:
            if request.query_params:
                key = next(iter(request.query_params))
                raise BadRequest(f"Unknown parameter '{shown(key)}'", param=shown(key)).as_named()
            return variables, False, False
        # Measured before the conversion walks each item (``graphql.boundary``).
        if (long := list_too_long(body)) is not None:
            path, count = long
            raise too_long(".".join(path), count, body=True)
        problems: list[ErrorDetail] = []
        args = operation.args
        if "input" in args:
            variables["input"] = to_graphql_input(body or {}, args["input"].type, "", problems)
        else:
            for key, value in (body or {}).items():
                camel = to_camel(key)
                # Path parameters come from the path, never from the body.
                if camel not in args or camel in variables:
                    problems.append(
                        ErrorDetail(
                            shown(key),
                            "VALIDATION_ERROR",
                            f"Received unknown parameter: {shown(key)}",
                        )
                    )
                    continue
                variables[camel] = to_graphql_input(value, args[camel].type, key, problems)
        check(problems)
        return variables, False, False


class RestPath(Route):
    """The router's route for one path template, with the surface of each method (a
    batch's operation finds its surface by matching these, as the router does)."""

    def __init__(self, path: str, endpoint: Any, surfaces: dict[str, RestSurface]) -> None:
        super().__init__(path, endpoint, methods=list(surfaces))
        self.surfaces = surfaces


def rest_routes(
    pipeline: Pipeline, schema: Schema, table: list[RestRoute] = ROUTES
) -> list[RestPath]:
    """One router route per path template; the router answers 405 with its ``Allow``."""
    by_path: dict[str, dict[str, RestSurface]] = {}
    for route in table:
        surface = RestSurface(operation_for(schema, route))
        by_path.setdefault(route.path, {})[route.method] = surface

    def endpoint(surfaces: dict[str, RestSurface]) -> Any:
        async def serve(request: Request) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            return await serve_request(pipeline, request, surfaces[method])

        return serve

    return [RestPath(path, endpoint(surfaces), surfaces) for path, surfaces in by_path.items()]
