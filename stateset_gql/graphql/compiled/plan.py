"""What the compiler hands the executor: a ``Plan`` per operation, a ``RootPlan`` per root
field, and the slots and parameters a request fills in (``execute``).

A plan is kept per document, operation, form and the variables ``@skip``/``@include``
read (``switches``): those are all that shape its SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from graphql import DirectiveNode, DocumentNode, FieldNode, GraphQLField, Visitor, visit

from stateset_gql.graphql.compiled.fragment import SQL, Param, Prepared, Slot
from stateset_gql.graphql.compiled.mapping import Root

HANDLED_DIRECTIVES = frozenset({"skip", "include"})

# What a request gives a connection's fragment (``execute``): its page's statement and
# count as slots; ``first`` and whether a page came before as parameters. The row order
# and each row's cursor are slots filled once per sort order.
PAGE = Slot("page")
COUNT = Slot("count")
ROW_ORDER = Slot("row_order")
FIRST = SQL(Param("first"), "::int")
PREVIOUS = SQL(Param("previous"), "::boolean")


def cursor_slot(alias: str) -> Slot:
    return Slot(f"cursor:{alias}")


class PageStatement(NamedTuple):
    """A connection's statement for one page shape, numbered: what each request of that
    shape runs with its own values."""

    prepared: Prepared
    # What execution itself applies to each named value (``UTCDateTime`` writes UTC).
    processors: dict[str, Any]

    def values(self, params: dict[str, Any]) -> tuple[Any, ...]:
        for name, processor in self.processors.items():
            value = params.get(name)
            if value is not None:
                params[name] = processor(value)
        return tuple(self.prepared.values(params))


@dataclass(frozen=True)
class RootPlan:
    key: str
    kind: str  # "typename", "object", "connection" or "node"
    template: SQL = field(default_factory=SQL)
    # For "typename": the JSON text of the answer.
    constant: str = ""
    field_name: str = ""
    node: FieldNode | None = None
    field_def: GraphQLField | None = None
    root: Root | None = None
    total: bool = False
    cursor_aliases: tuple[str, ...] = ()
    # A connection's fragment per sort order, its row order and cursors filled in once.
    by_order: dict[tuple[tuple[str, bool], ...], SQL] = field(default_factory=dict)
    # Its statement numbered, by page shape (``db.pages.PageShape.key``): built once each.
    prepared: dict[tuple[Any, ...], PageStatement] = field(default_factory=dict)
    # For "node": an object plan per id prefix, each with the scopes it needs.
    variants: dict[str, RootPlan] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plan:
    roots: tuple[RootPlan, ...]
    scopes: frozenset[str]


class _Directives(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.unhandled = False
        self.switches: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        if node.name.value not in HANDLED_DIRECTIVES:
            self.unhandled = True
        for argument in node.arguments or ():
            name = getattr(argument.value, "name", None)
            if name is not None:
                self.switches.add(name.value)


def switches(document: DocumentNode) -> tuple[str, ...] | None:
    """The variables ``@skip``/``@include`` read (they shape the SQL), or None when the
    document uses another directive."""
    found = _Directives()
    visit(document, found)
    return None if found.unhandled else tuple(sorted(found.switches))
