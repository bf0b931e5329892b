"""Where each GraphQL field's value lives in the database, declared once beside its type.

A ``Table`` names a GraphQL object type's model and, for each of its fields, how it is
read: a column of the row (``Col``), a constant (``Const``), an object made of the
same row (``Same``), one related row (``One``) or a list of them (``Many``), with the
scope a relation needs. Both paths read it: the compiled engine writes its SQL from
it, and the resolver path builds its objects, relation loaders and scope checks from
it (``graphql.objects``). The GraphQL schema stays the source of truth for names,
types, enums and arguments.

A field only a resolver can answer is declared so, with why (``ResolverOnly``): it is
kept out of ``Table.fields``, so the compiler does not read it and an operation that
selects it runs on the resolver path. A field declared neither way fails
``tests/test_type_mapping.py``.

A ``Root`` says how a ``Query`` field reads its rows: one row by id, or a connection
over a ``ListSpec`` from ``db.listing``, both starting from the domain's ``owned(owner)``
query, and which scope the key needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select
from sqlalchemy.dialects.postgresql import asyncpg
from sqlalchemy.orm import ColumnProperty, InstrumentedAttribute
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import iterate

from stateset_gql.db.listing import ListSpec

# A column's kind decides how its value is written as JSON text: ``json`` is a JSONB
# column, ``json_text`` a plain JSON one (its text kept as written).
KINDS = ("string", "int", "float", "bool", "datetime", "json", "json_text", "enum")
DIALECT = asyncpg.dialect()  # type: ignore[no-untyped-call]


def column_name(attribute: InstrumentedAttribute[Any]) -> str:
    """The database name of a mapped column (``Order.meta`` is ``metadata``)."""
    return str(attribute.property.columns[0].name)


def column_sql(attribute: InstrumentedAttribute[Any], alias: str) -> str:
    """A mapped attribute read from the row ``alias``: its column (``t1.metadata``), or
    a hybrid's SQL expression over that row's columns (``t1.on_hand - t1.reserved``)."""
    prop = getattr(attribute, "property", None)
    if isinstance(prop, ColumnProperty):
        return f"{alias}.{column_name(attribute)}"
    expression: Any = attribute.expression
    elements: list[Any] = list(iterate(expression))
    tables = {e.table for e in elements if getattr(e, "table", None) is not None}
    if len(tables) != 1:
        raise ValueError(f"{attribute} does not read exactly one table")
    table = tables.pop()
    adapted = ClauseAdapter(table.alias(alias)).traverse(expression)
    compiled = adapted.compile(dialect=DIALECT, compile_kwargs={"literal_binds": True})
    return f"({compiled})"


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


# A relation is compared by identity (each is one declaration, the key of its
# request's loader); its columns' ``==`` would build SQL.
@dataclass(frozen=True, eq=False)
class One:
    """The row of ``type_name`` whose ``remote`` equals this row's ``local``, in the same
    account and mode; ``scope`` is what the key needs to read it."""

    type_name: str
    local: InstrumentedAttribute[Any]
    remote: InstrumentedAttribute[Any]
    scope: str | None = None


@dataclass(frozen=True, eq=False)
class Many:
    """The rows of ``type_name`` whose ``remote`` equals this row's ``local``, in
    ``order_by`` order; ``owned``: the rows carry their own account and mode too."""

    type_name: str
    local: InstrumentedAttribute[Any]
    remote: InstrumentedAttribute[Any]
    order_by: Sequence[InstrumentedAttribute[Any]]
    owned: bool = True
    scope: str | None = None


@dataclass(frozen=True)
class ResolverOnly:
    """A field its resolver answers and the compiler does not read, and ``reason`` why."""

    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("a resolver-only field says why")


Source = Col | JsonKey | Const | Same | One | Many


@dataclass(frozen=True)
class Table:
    type_name: str
    model: type[Any]
    fields: dict[str, Source]
    # GraphQL name → why only its resolver answers it.
    resolver_only: dict[str, str] = field(default_factory=dict)

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
    # A connection's arguments beyond a page's (first, after, offset, where, orderBy),
    # and how they narrow its rows (``events(type:)``): ``narrow(base, arguments)``.
    arguments: frozenset[str] = frozenset()
    narrow: Callable[[Select[Any], dict[str, Any]], Select[Any]] | None = None


@dataclass
class Registry:
    tables: dict[str, Table] = field(default_factory=dict)
    roots: dict[str, Root] = field(default_factory=dict)
    # ``node(id)``: an id's prefix (``ord``) → the root field that reads it by id.
    nodes: dict[str, str] = field(default_factory=dict)


REGISTRY = Registry()


def table(type_name: str, model: type[Any], fields: Mapping[str, Source | ResolverOnly]) -> Table:
    """Declares how ``type_name``'s fields are read (by their GraphQL names)."""
    sources = {k: v for k, v in fields.items() if not isinstance(v, ResolverOnly)}
    only = {k: v.reason for k, v in fields.items() if isinstance(v, ResolverOnly)}
    declared = Table(type_name, model, sources, only)
    REGISTRY.tables[type_name] = declared
    return declared


def root(field_name: str, declared: Root) -> Root:
    REGISTRY.roots[field_name] = declared
    return declared


def node(prefix: str, field_name: str) -> None:
    """``node(id)`` reads an id starting ``{prefix}_`` as ``field_name(id)`` does."""
    REGISTRY.nodes[prefix] = field_name
