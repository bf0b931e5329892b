"""The fields an object's representation carries, and the selection that reads them.

Every field of the type, recursively, except: fields that need arguments, and a single
related object that is itself a ``Node`` (an order's ``customer``): the representation
names it by id (``customer_id``), as Stripe does.
"""

from __future__ import annotations

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)


def _implements_node(type_: GraphQLObjectType) -> bool:
    return any(isinstance(i, GraphQLInterfaceType) and i.name == "Node" for i in type_.interfaces)


def _needs_arguments(field: GraphQLField) -> bool:
    return any(
        isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
        for arg in field.args.values()
    )


def carried(type_: GraphQLObjectType | GraphQLInterfaceType) -> dict[str, GraphQLField]:
    """The fields of ``type_`` that its representation carries: all but those that need
    arguments and a single related ``Node`` (named by its id instead)."""
    fields = {}
    for name, field in type_.fields.items():
        if _needs_arguments(field):
            continue
        child = get_named_type(field.type)
        is_list = isinstance(get_nullable_type(field.type), GraphQLList)
        if isinstance(child, GraphQLObjectType) and _implements_node(child) and not is_list:
            continue
        fields[name] = field
    return fields


def selection(type_: GraphQLOutputType, depth: int = 0) -> str:
    named = get_named_type(type_)
    if is_leaf_type(named) or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return ""
    if depth > 4:
        raise ValueError(f"{named.name} nests too deeply for a representation's selection")
    parts = []
    for name, field in carried(named).items():
        if is_leaf_type(get_named_type(field.type)):
            parts.append(name)
        else:
            parts.append(f"{name} {{ {selection(field.type, depth + 1)} }}")
    return " ".join(parts)
