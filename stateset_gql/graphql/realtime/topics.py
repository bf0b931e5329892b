"""A subscription document, turned into what the fan-out follows (a ``SubscriptionTopic``).

Each event carries its object as ``GET /v1/<resource>/{id}`` answered at that commit (the
one representation). A subscriber's selection is executed on that object, turned back
into its GraphQL form, on ``Snapshots.schema``: the same SDL as the API's schema, whose
fields read the object in hand instead of the database. So a subscriber sees the order
as of each event, as REST and webhooks do, and selecting it costs no statement. A field
the representation does not carry (an order's ``customer``: select ``customerId``) is
refused before the subscription starts.

Subscribers with the same document, variables and scopes on the same channel have equal
``key``s: the fan-out executes and encodes each event once for all of them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_schema,
    execute,
    print_schema,
    visit,
)
from graphql.execution.values import get_argument_values, get_variable_values

from stateset_gql.access.principal import Principal
from stateset_gql.events.service import check_type_pattern
from stateset_gql.events.types import matches
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.representation.convert import from_representation
from stateset_gql.graphql.representation.selection import carried
from stateset_gql.graphql.schema import Schema
from stateset_gql.graphql.scopes import field_refusal

# Each subscription field: the kind of object it yields (None: the event itself). The
# scope it needs is declared on the field (``graphql.scopes``).
KINDS: dict[str, str | None] = {
    "events": None,
    "orderUpdated": "order",
    "inventoryUpdated": "inventory_item",
    "jobUpdated": "job",
}


class SubscriptionRefused(Exception):
    """The document cannot be followed; ``errors`` say why (sent as the ``error`` message)."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


class _Uncarried(Visitor):
    def __init__(self, type_info: TypeInfo, root: GraphQLObjectType) -> None:
        super().__init__()
        self.type_info = type_info
        self.root = root
        self.errors: list[GraphQLError] = []

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        parent = self.type_info.get_parent_type()
        name = node.name.value
        if parent is self.root or name == "__typename" or not isinstance(parent, GraphQLObjectType):
            return
        if name not in carried(parent):
            self.errors.append(
                GraphQLError(
                    f"'{parent.name}.{name}' is not part of the object an event carries; "
                    f"subscriptions select the fields of its REST representation"
                    + (f" (select '{name}Id')" if f"{name}Id" in parent.fields else ""),
                    node,
                )
            )


class Snapshots:
    """The API's schema, resolving every field from the object in hand."""

    def __init__(self, schema: Schema) -> None:
        self.api = core_schema(schema)
        self.schema = build_schema(print_schema(self.api))
        subscription = self.api.subscription_type
        assert subscription is not None
        self.root = subscription

    def uncarried(self, document: DocumentNode) -> list[GraphQLError]:
        type_info = TypeInfo(self.api)
        visitor = _Uncarried(type_info, self.root)
        visit(document, TypeInfoVisitor(type_info, visitor))
        return visitor.errors

    def graphql_form(self, field_name: str, representation: dict[str, Any]) -> Any:
        return from_representation(representation, self.root.fields[field_name].type)

    def execute(
        self,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        root: dict[str, Any],
    ) -> ExecutionResult:
        result = execute(
            self.schema,
            document,
            root_value=root,
            variable_values=variables,
            operation_name=operation_name,
        )
        assert isinstance(result, ExecutionResult), "snapshot fields resolve synchronously"
        return result


@dataclass(frozen=True)
class Rendered:
    """One event as a subscriber's ``next`` payload: ``data`` encoded once, for all."""

    data: orjson.Fragment | None
    errors: list[GraphQLError] | None


@dataclass(frozen=True, eq=False)
class SubscriptionTopic:
    key: Hashable
    root_field: str
    kind: str | None
    snapshots: Snapshots
    document: DocumentNode
    variables: dict[str, Any] | None
    operation_name: str | None
    types: tuple[str, ...] = ("*",)
    since: str | None = None
    match: dict[str, Any] = field(default_factory=dict)

    def _object(self, event: dict[str, Any]) -> dict[str, Any] | None:
        data = event.get("data")
        found = data.get("object") if isinstance(data, dict) else None
        return found if isinstance(found, dict) else None

    def matches(self, event: dict[str, Any]) -> bool:
        if self.kind is None:
            return matches(self.types, str(event["type"]))
        found = self._object(event)
        if found is None or found.get("object") != self.kind:
            return False
        return all(found.get(key) == value for key, value in self.match.items())

    def render(self, event: dict[str, Any]) -> Rendered:
        subject = event if self.kind is None else self._object(event)
        assert subject is not None
        root = {self.root_field: self.snapshots.graphql_form(self.root_field, subject)}
        result = self.snapshots.execute(self.document, self.variables, self.operation_name, root)
        data = None if result.data is None else orjson.Fragment(orjson.dumps(result.data))
        return Rendered(data=data, errors=result.errors or None)


def _root_field(
    document: DocumentNode, operation_name: str | None
) -> tuple[OperationDefinitionNode, FieldNode]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            # Validation allows one root field in a subscription.
            selected = definition.selection_set.selections[0]
            assert isinstance(selected, FieldNode)
            return definition, selected
    raise SubscriptionRefused([GraphQLError("Could not choose the operation to run")])


def topic_of(
    snapshots: Snapshots,
    principal: Principal,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> SubscriptionTopic:
    """The topic of a checked subscription document; ``SubscriptionRefused`` or a
    ``StateSetError`` (a missing scope, a bad type pattern) when it cannot be followed."""
    operation, node = _root_field(document, operation_name)
    assert operation.operation is OperationType.SUBSCRIPTION
    errors = snapshots.uncarried(document)
    if errors:
        raise SubscriptionRefused(errors)
    name = node.name.value
    kind = KINDS[name]
    if (denied := field_refusal(principal, snapshots.root.fields[name])) is not None:
        raise denied
    coerced = get_variable_values(
        snapshots.api, operation.variable_definitions or (), variables or {}
    )
    if isinstance(coerced, list):
        raise SubscriptionRefused(coerced)
    args = get_argument_values(snapshots.root.fields[name], node, coerced)
    key = (
        orjson.dumps([document.loc.source.body if document.loc else id(document), operation_name,
                      variables], option=orjson.OPT_SORT_KEYS),
        principal.scopes,
    )  # fmt: skip
    common: dict[str, Any] = {
        "key": key, "root_field": name, "kind": kind, "snapshots": snapshots, "document": document,
        "variables": variables, "operation_name": operation_name,
    }  # fmt: skip
    if name == "events":
        types = tuple(check_type_pattern(t, param="types") for t in (args.get("types") or ["*"]))
        return SubscriptionTopic(**common, types=types, since=args.get("since"))
    match = {k: v for k, v in args.items() if v is not None}
    return SubscriptionTopic(**common, match=match)
