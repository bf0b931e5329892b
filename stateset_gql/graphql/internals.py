"""What we reach for inside the libraries we use, each reached here and nowhere else.

Every function below reads or sets an attribute a library keeps private, because no
public API gives it. When a library grows one, only this module changes.

- Strawberry keeps the graphql-core schema it builds in ``Schema._schema``; validation,
  execution against a derived schema and the type map need that object.
- graphql-core resolvers find the Strawberry schema through
  ``GraphQLSchema._strawberry_schema`` (``Info.schema`` reads it), so a schema we derive
  from Strawberry's carries it too.
- Strawberry's own execution passes ``execution_context_class_kwargs`` to graphql-core's
  ``execute``; running a document ourselves, we pass the same.
- Strawberry's ``Info`` keeps graphql-core's ``GraphQLResolveInfo`` in ``_raw_info``;
  a root field's node (whose arguments name its errors' params) is there.
- SQLAlchemy applies each bound value's processor (``SQLCompiler._bind_processors``) at
  execution; the compiled reads, which run a statement compiled once per page shape with
  each request's values, apply them themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from graphql import FieldNode, GraphQLSchema
from sqlalchemy.sql.compiler import SQLCompiler
from strawberry.schema._graphql_core import execution_context_class_kwargs

__all__ = [
    "bind_processors",
    "core_schema",
    "derived_schema",
    "execution_context_class_kwargs",
    "field_node",
]


def core_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema Strawberry built."""
    return schema._schema


def field_node(info: Any) -> FieldNode:
    """The node of the field a Strawberry ``Info`` resolves."""
    node: FieldNode = info._raw_info.field_nodes[0]
    return node


def derived_schema(schema: strawberry.Schema, derived: GraphQLSchema) -> GraphQLSchema:
    """``derived`` (a schema made of ``schema``'s types), resolvable as ``schema`` is."""
    derived._strawberry_schema = schema  # type: ignore[attr-defined]
    return derived


def bind_processors(compiled: SQLCompiler) -> Mapping[str, Any]:
    """What execution applies to each bound value (``UTCDateTime`` writes UTC)."""
    return compiled._bind_processors
