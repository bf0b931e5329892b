"""Lists any resource can declare in a few lines (API.md section 5).

A resource names its fields once in a ``ListSpec``: which column each is, its kind, and
whether it may be filtered and sorted. It is the list's one declaration: GraphQL's
``where`` and ``orderBy`` inputs are generated from it, and REST's filters and ``sort``
from those. A ``PageRequest`` asks for one page: a filter tree (``db.filters``), an
ordering, and either a keyset cursor (``db.cursor``) or an offset; ``db.pages`` answers
it with a ``Page``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")

MAX_FIRST = 100
MAX_OFFSET = 10_000
KINDS = ("string", "int", "datetime", "bool", "enum", "id")


@dataclass(frozen=True)
class ListField:
    column: InstrumentedAttribute[Any]
    kind: str
    sortable: bool = False
    filterable: bool = True


@dataclass(frozen=True)
class ListSpec:
    fields: dict[str, ListField]
    id_column: InstrumentedAttribute[Any]
    default_order: tuple[tuple[str, bool], ...] = (("created", True),)

    def __post_init__(self) -> None:
        for name, item in self.fields.items():
            if item.kind not in KINDS:
                raise ValueError(f"{name}: unknown kind {item.kind!r}")

    def sort_column(self, name: str) -> Any:
        """The column a sort key names: a field's, or the id that breaks ties."""
        return self.id_column if name == "id" else self.fields[name].column

    def kind(self, name: str) -> str:
        return "id" if name == "id" else self.fields[name].kind


def nullable(column: Any) -> bool:
    return bool(getattr(column.expression, "nullable", True))


@dataclass(frozen=True)
class Order:
    field: str
    descending: bool = False


@dataclass
class PageRequest:
    first: int = 10
    after: str | None = None
    offset: int | None = None
    where: dict[str, Any] | None = None
    order: list[Order] = field(default_factory=list)
    # Names used in errors, so each surface can speak its own words.
    first_param: str = "first"
    after_param: str = "after"
    offset_param: str = "offset"
    where_param: str = "where"
    order_param: str = "orderBy"


@dataclass
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool
    count_statement: Select[int]

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None
