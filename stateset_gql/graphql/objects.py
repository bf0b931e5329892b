"""A mapped type's objects and relation fields, derived from its ``Table``.

The ``Table`` (``compiled.mapping``) is the one declaration of where each field's value
lives. The compiled engine writes SQL from it; the resolver path reads rows by it here:

- ``Mapped.from_model(row)`` builds the Strawberry object from a row (or, for an object
  kept in a JSON column, from its dict): each field read as its ``Col``, ``Const``,
  ``JsonKey`` or ``Same`` says. The readers are worked out once per type, on first
  use, since every answer of a mutation and every event render goes through here.
- ``related()`` is the resolver of a ``One``/``Many`` field: it checks the ``scope`` the
  declaration names and loads through the request's loader for that declaration
  (``Loaders.related``), so a page of parents costs one statement per relation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Self

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import (
    StrawberryContainer,
    StrawberryOptional,
    get_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.field import StrawberryField

from stateset_gql.graphql.compiled.mapping import (
    REGISTRY,
    Col,
    Const,
    JsonKey,
    Many,
    One,
    Same,
    Table,
)
from stateset_gql.graphql.context import Info

_NAMES = StrawberryConfig().name_converter

Reader = Callable[[Any], Any]


class Mapped:
    """A Strawberry type whose ``Table`` says how it is read."""

    @classmethod
    def from_model(cls, model: Any) -> Self:
        plan = _PLANS.get(cls) or _plan(cls)
        return plan.build(model)  # type: ignore[no-any-return]


def loads_related(cls: type[Mapped]) -> bool:
    """Whether building ``cls``'s fields may load related rows (through a DataLoader,
    which batches across a turn of the event loop): a type with no ``One``/``Many``
    resolves every field at once."""
    plan = _PLANS.get(cls) or _plan(cls)
    return bool(plan.relations) or any(
        loads_related(_mapped(f.type, "")) for f in _nested_fields(cls)
    )


def relation_of(cls: type[Mapped], name: str) -> tuple[One | Many, str, type[Mapped]] | None:
    """The relation ``cls``'s field ``name`` (its GraphQL name) loads, if it is one: its
    declaration, the attribute holding its key, and the type of its rows."""
    relation = (_PLANS.get(cls) or _plan(cls)).relations.get(name)
    return None if relation is None else (relation.source, relation.local, relation.target)


def _nested_fields(cls: type[Mapped]) -> list[StrawberryField]:
    """``cls``'s fields that hold another mapped type read from the same row (``Same``)."""
    definition = get_object_definition(cls, strict=True)
    table = REGISTRY.tables[definition.name]
    return [
        f for f in definition.fields
        if isinstance(table.fields.get(_NAMES.get_graphql_name(f)), Same)
    ]  # fmt: skip


async def _resolve(root: Any, info: Info) -> Any:
    relation = (_PLANS.get(type(root)) or _plan(type(root))).relations[info.field_name]
    return await relation.resolve(root, info)


def related(description: str | None = None) -> Any:
    """A field its ``Table`` declares ``One`` or ``Many``."""
    return strawberry.field(resolver=_resolve, description=description)


@dataclass(frozen=True)
class _Relation:
    source: One | Many
    local: str  # the parent object's attribute holding the key
    target: type[Mapped]

    async def resolve(self, root: Any, info: Info) -> Any:
        many = isinstance(self.source, Many)
        key = getattr(root, self.local)
        if key is None:
            return [] if many else None
        if self.source.scope is not None:
            info.context.require(self.source.scope)
        found = await info.context.loaders.related(self.source).load(key)
        if many:
            return [self.target.from_model(row) for row in found]
        return None if found is None else self.target.from_model(found)


@dataclass(frozen=True)
class _Plan:
    """How one type is built: the fields read as they are stored (by one getter of the
    row, or by key from a JSON object's dict), then those that need more."""

    cls: type[Any]
    stored: tuple[str, ...]
    read_stored: Reader
    keys: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, Reader], ...]
    relations: dict[str, _Relation]

    def build(self, model: Any) -> Any:
        if self.keys:
            return self.cls(**{name: model.get(key) for name, key in self.keys})
        fields = dict(zip(self.stored, self.read_stored(model)))  # noqa: B905
        for name, read in self.values:
            fields[name] = read(model)
        return self.cls(**fields)


_PLANS: dict[type[Any], _Plan] = {}


def prepare(cls: type[Mapped]) -> None:
    """Works out now how ``cls`` is read; a declaration that does not fit its type (a
    field with no value, a relation without its loader) raises ``TypeError``."""
    _plan(cls)


def _plan(cls: type[Any]) -> _Plan:
    definition = get_object_definition(cls, strict=True)
    table = REGISTRY.tables.get(definition.name)
    if table is None:
        raise TypeError(f"{definition.name} has no Table")
    stored: dict[str, str] = {}  # field → the row's attribute
    keys: dict[str, str] = {}  # field → the JSON object's key
    values: list[tuple[str, Reader]] = []
    relations: dict[str, _Relation] = {}
    for field_ in definition.fields:
        name = _NAMES.get_graphql_name(field_)
        source = table.fields.get(name)
        where = f"{definition.name}.{name}"
        own = field_.base_resolver is not None and field_.base_resolver.wrapped_func is not _resolve
        if own and isinstance(source, One | Many):
            raise TypeError(f"{where}: a declared relation is resolved by related()")
        if own:
            continue
        if field_.base_resolver is not None:
            if not isinstance(source, One | Many):
                raise TypeError(f"{where}: its Table declares no One or Many")
            local = _local(table, definition.fields, source, where)
            relations[name] = _Relation(source, local, _mapped(field_.type, where))
        elif isinstance(source, Col) and source.kind != "enum":
            stored[field_.python_name] = source.column.key
        elif isinstance(source, JsonKey):
            keys[field_.python_name] = source.key
        elif isinstance(source, Const | Col | Same):
            values.append((field_.python_name, _reader(source, field_, where)))
        else:
            raise TypeError(f"{where}: its Table gives it no value")
    if keys and (stored or values):
        raise TypeError(f"{definition.name}: read from a JSON object, it has only JsonKey fields")
    read: Reader = attrgetter(*stored.values()) if stored else (lambda _row: ())
    if len(stored) == 1:
        read_one = read
        read = lambda row: (read_one(row),)  # noqa: E731
    plan = _Plan(cls, tuple(stored), read, tuple(keys.items()), tuple(values), relations)
    _PLANS[cls] = plan
    return plan


def _reader(source: Const | Col | Same, field_: StrawberryField, where: str) -> Reader:
    if isinstance(source, Const):
        value = source.value
        return lambda _row: value
    if isinstance(source, Col):  # an enum's
        read = attrgetter(source.column.key)
        enum = _unwrapped(field_.type)
        if not isinstance(enum, StrawberryEnumDefinition):
            raise TypeError(f"{where}: an enum column for a field that is not an enum")
        make = enum.wrapped_cls
        if isinstance(field_.type, StrawberryOptional):
            return lambda row: None if (value := read(row)) is None else make(value)
        return lambda row: make(read(row))
    build = _mapped(field_.type, where).from_model
    if source.json_object is not None:
        read = attrgetter(source.json_object.key)
        return lambda row: build(data) if isinstance(data := read(row), dict) else None
    if len(source.present) == 1:
        present = attrgetter(source.present[0].key)
        return lambda row: None if present(row) is None else build(row)
    if source.present:
        all_present = attrgetter(*(c.key for c in source.present))
        return lambda row: None if None in all_present(row) else build(row)
    return build


def _local(table: Table, fields: list[StrawberryField], source: One | Many, where: str) -> str:
    """The field of the parent that holds the relation's key (its ``local`` column)."""
    for field_ in fields:
        declared = table.fields.get(_NAMES.get_graphql_name(field_))
        if isinstance(declared, Col) and declared.column is source.local:
            return field_.python_name
    raise TypeError(f"{where}: no field of {table.type_name} reads {source.local}")


def _unwrapped(type_: Any) -> Any:
    while isinstance(type_, StrawberryContainer):
        type_ = type_.of_type
    return type_


def _mapped(type_: Any, where: str) -> type[Mapped]:
    target = _unwrapped(type_)
    if not (isinstance(target, type) and issubclass(target, Mapped)):
        raise TypeError(f"{where}: {target} is not a Mapped type")
    return target
