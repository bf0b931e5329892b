"""The scope each root field needs, declared once on the field.

Every ``Query``, ``Mutation`` and ``Subscription`` field carries one of two extensions:

* ``Needs(scope)`` — the key needs ``scope`` for the field. The extension checks it before
  the resolver runs, so a resolver reads ``info.context.owner`` and never names the scope;
  the pipeline reads the same declaration to refuse an operation before its variables are
  coerced (``operation_refusal``), and REST before it converts a body (``field_refusal``);
  the compiled engine's ``Root`` reads ``Needs.scope``.
* ``ChoosesItself(reason)`` — the field decides itself what it needs (``node(id)`` by the
  type its id names, ``account`` by which of its fields are selected).

A root field with neither fails ``tests/test_scopes.py``.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import FieldExtension

from stateset_gql.access.principal import Principal
from stateset_gql.db.owner import Owner
from stateset_gql.errors import PermissionDenied
from stateset_gql.graphql.context import Info, RootField
from stateset_gql.graphql.internals import field_node


class Needs(FieldExtension):
    """The scope a root field needs: ``extensions=[Needs("orders:write")]``."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    def owner(self, info: Info) -> Owner:
        """The caller's owner, once the key is known to hold this scope (a read by id that
        ``node(id)`` shares with its root field checks it so)."""
        return info.context.require(self.scope)

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        info.context.require(self.scope)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        info.context.require(self.scope)
        # Root fields of a mutation run one after another: a move one defers names it.
        info.context.uow.current_field = RootField(str(info.path.key), field_node(info))
        return await next_(source, info, **kwargs)


class ChoosesItself(FieldExtension):
    """A root field that decides itself what the key needs (``reason`` says how)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def declaration(field: GraphQLField) -> Needs | ChoosesItself | None:
    """What a root field declares, or None when it declares nothing."""
    definition = (field.extensions or {}).get("strawberry-definition")
    for extension in getattr(definition, "extensions", None) or ():
        if isinstance(extension, Needs | ChoosesItself):
            return extension
    return None


def field_refusal(principal: Principal, field: GraphQLField) -> PermissionDenied | None:
    """Why ``principal`` may not call the root field ``field``, if it may not."""
    declared = declaration(field)
    if isinstance(declared, Needs):
        try:
            principal.require(declared.scope)
        except PermissionDenied as denied:
            return denied
    return None


def operation_refusal(
    principal: Principal,
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
) -> tuple[GraphQLError, ...]:
    """An error per root field of the operation whose scope the key lacks, each as the
    field's own check would raise it, located at the field: a validated document is
    refused before its variables are coerced or its input measured."""
    operation = _operation(document, operation_name)
    if operation is None:
        return ()
    root = schema.get_root_type(operation.operation)
    if root is None:
        return ()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    errors = []
    for node in _root_fields(operation.selection_set, fragments, set()):
        field = root.fields.get(node.name.value)
        denied = None if field is None else field_refusal(principal, field)
        if denied is not None:
            # At the field (its location), with no path: nothing was executed.
            errors.append(GraphQLError(denied.message, [node], original_error=denied))
    return tuple(errors)


def operation_fields(document: DocumentNode, operation_name: str | None) -> list[FieldNode]:
    """The root fields of the document's operation, through fragments."""
    operation = _operation(document, operation_name)
    if operation is None:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return _root_fields(operation.selection_set, fragments, set())


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def _root_fields(
    selections: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> list[FieldNode]:
    """The operation's root fields, through fragments (validation ruled out cycles)."""
    found: list[FieldNode] = []
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_root_fields(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                seen.add(name)
                found.extend(_root_fields(fragments[name].selection_set, fragments, seen))
    return found
