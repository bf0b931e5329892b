"""A type's ``Table`` is the one declaration of how its fields are read: every field of
a type that has one is in it (or declared resolver-only, with why), and the resolver
path's objects, relation loaders and scope checks are derived from it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from graphql import GraphQLObjectType, GraphQLSchema

from stateset_gql.graphql.compiled.mapping import REGISTRY, Many, One, Registry, ResolverOnly
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.objects import Mapped, loads_related, prepare
from stateset_gql.graphql.render import KINDS
from stateset_gql.graphql.schema import build_schema

SCHEMA = build_schema()


def undeclared(schema: GraphQLSchema, registry: Registry) -> list[str]:
    """``Type.field`` for each field of a type with a table that its table does not
    declare, and each declaration naming no field of its type."""
    found: list[str] = []
    for name, table in registry.tables.items():
        type_ = schema.get_type(name)
        assert isinstance(type_, GraphQLObjectType), f"{name} is not an object type"
        declared = set(table.fields) | set(table.resolver_only)
        assert not set(table.fields) & set(table.resolver_only), name
        found += [f"{name}.{field}" for field in type_.fields if field not in declared]
        found += [f"{name}.{field} (no such field)" for field in declared - set(type_.fields)]
    return found


def test_every_field_of_a_type_with_a_table_is_declared_in_it() -> None:
    assert undeclared(core_schema(SCHEMA), REGISTRY) == []


def test_a_field_left_out_of_its_table_is_named() -> None:
    order = REGISTRY.tables["Order"]
    fields = {k: v for k, v in order.fields.items() if k not in ("carrier", "payments")}
    registry = Registry(tables={"Order": replace(order, fields=fields)})
    assert undeclared(core_schema(SCHEMA), registry) == ["Order.carrier", "Order.payments"]
    only = replace(order, fields=fields, resolver_only={"carrier": "x", "payments": "y"})
    assert undeclared(core_schema(SCHEMA), Registry(tables={"Order": only})) == []


def test_a_resolver_only_field_says_why() -> None:
    with pytest.raises(ValueError, match="says why"):
        ResolverOnly(" ")
    for table in REGISTRY.tables.values():
        assert all(reason.strip() for reason in table.resolver_only.values()), table.type_name


@pytest.mark.parametrize("name", sorted(REGISTRY.tables))
def test_a_type_with_a_table_is_built_from_it(name: str) -> None:
    definition = SCHEMA.get_type_by_name(name)
    assert definition is not None
    cls = getattr(definition, "origin", None)
    assert isinstance(cls, type)
    assert issubclass(cls, Mapped), f"{name} is not Mapped"
    prepare(cls)  # raises on a field its table gives no value, or a relation no loader


def test_a_relation_is_resolved_only_as_its_table_declares() -> None:
    """The scope a relation needs is written once, in its declaration."""
    scoped = {
        f"{table.type_name}.{field}": source.scope
        for table in REGISTRY.tables.values()
        for field, source in table.fields.items()
        if isinstance(source, One | Many) and source.scope is not None
    }
    assert scoped == {"Order.customer": "customers:read"}


def test_only_types_with_relations_load_related_rows_when_rendered() -> None:
    # A render of these is one turn of the event loop (DataLoaders batch across
    # subjects); the rest render field by field at once, as a write holding stock does.
    loading = {kind for kind, (_, present) in KINDS.items() if loads_related(present)}
    assert loading == {"order", "return"}
