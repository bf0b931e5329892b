"""Where each GraphQL field's value lives in the database, declared beside its type.

A ``Table`` names a GraphQL object type's model and, for each field the compiler may
read, how: a column of the row (``Col``), a constant (``Const``), an object made of the
same row (``Same``), one related row (``One``) or a list of them (``Many``). The
GraphQL schema stays the source of truth for names, types, enums and arguments; a
field missing here is simply not compiled, and an operation that selects it runs on
the resolver path.

A ``Root`` says how a ``Query`` field reads its rows: one row by id, or a connection
over a ``ListSpec`` from ``db.listing``, both starting from the domain's ``owned(owner)``
query, and which scope the key needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from stateset_gql.db.listing import ListSpec

# A column's kind decides how its value is written as JSON text.
KINDS = ("string", "int", "bool", "datetime", "json", "enum")


def column_name(attribute: InstrumentedAttribute[Any]) -> str:
    """The database name of a mapped column (``Order.meta`` is ``metadata``)."""
    return str(attribute.property.columns[0].name)


@dataclass(frozen=True)
class Col:
    column: InstrumentedAttribute[Any]
    kind: str = "string"
    nullable: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")


@dataclass(frozen=True)
class JsonKey:
    """A text value at ``key`` of the JSON object a ``Same`` reads (an address's
    ``city``)."""

    key: str


@dataclass(frozen=True)
class Const:
    value: str


@dataclass(frozen=True)
class Same:
    """An object made of the same row, null unless ``present`` (columns) are all set;
    or made of a JSON column (``json_object``), null unless it holds an object."""

    type_name: str
    present: Sequence[InstrumentedAttribute[Any]] = ()
    json_object: InstrumentedAttribute[Any] | None = None


@dataclass(frozen=True)
class One:
    """The row of ``type_name`` whose ``remote`` equals this row's ``local``, in the same
    account and mode; ``scope`` is what the key needs to read it."""

    type_name: str
    local: InstrumentedAttribute[Any]
    remote: InstrumentedAttribute[Any]
    scope: str | None = None


@dataclass(frozen=True)
class Many:
    """The rows of ``type_name`` whose ``remote`` equals this row's ``local``, in
    ``order_by`` order; ``owned``: the rows carry their own account and mode too."""

    type_name: str
    local: InstrumentedAttribute[Any]
    remote: InstrumentedAttribute[Any]
    order_by: Sequence[InstrumentedAttribute[Any]]
    owned: bool = True
    scope: str | None = None


Source = Col | JsonKey | Const | Same | One | Many


@dataclass(frozen=True)
class Table:
    type_name: str
    model: type[Any]
    fields: dict[str, Source]

    @property
    def table_name(self) -> str:
        return str(self.model.__tablename__)


@dataclass(frozen=True)
class Root:
    """A ``Query`` field: ``by_id`` (its ``id`` argument) or a connection (``spec``)."""

    type_name: str
    scope: str
    owned: Callable[[Any], Select[Any]]
    id_column: InstrumentedAttribute[Any]
    spec: ListSpec | None = None


@dataclass
class Registry:
    tables: dict[str, Table] = field(default_factory=dict)
    roots: dict[str, Root] = field(default_factory=dict)


REGISTRY = Registry()


def table(type_name: str, model: type[Any], fields: Mapping[str, Source]) -> Table:
    """Declares how ``type_name``'s fields are read (by their GraphQL names)."""
    declared = Table(type_name, model, dict(fields))
    REGISTRY.tables[type_name] = declared
    return declared


def root(field_name: str, declared: Root) -> Root:
    REGISTRY.roots[field_name] = declared
    return declared
