"""Relay connections and the arguments every list field takes (API.md section 5)."""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, Generic, TypeVar, cast

import strawberry
from sqlalchemy import Select

from stateset_gql.db.listing import ListSpec, Order, Page, PageRequest
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.filters import where_tree

T = TypeVar("T")
F = TypeVar("F")
M = TypeVar("M")
S = TypeVar("S", bound="Sort[Any]")


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="One sort key; several are applied in order.")
class Sort(Generic[F]):
    field: F
    direction: SortDirection = SortDirection.ASC


def order_input(spec: ListSpec) -> Callable[[type[S]], type[S]]:
    """The ``orderBy`` input of ``spec`` under the decorated class's name, so a list sorts
    by exactly the fields its domain declares sortable. The class it returns is built
    anew on ``Sort[<name>Field]``, an enum of those fields; the decorated one only names
    it (and types it for mypy)."""

    def build(cls: type[S]) -> type[S]:
        members = {name.upper(): name for name, item in spec.fields.items() if item.sortable}
        field_enum = strawberry.enum(cast("type[Enum]", Enum(f"{cls.__name__}Field", members)))
        built = types.new_class(
            cls.__name__,
            (Sort[field_enum],),  # type: ignore[valid-type]
            exec_body=lambda ns: ns.update(__module__=cls.__module__, __doc__=cls.__doc__),
        )
        return strawberry.input(name=cls.__name__)(built)

    return build


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    _count_statement: strawberry.Private[Select[int]]

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="Rows matching `where`, ignoring pagination; costs a query.")
    async def total_count(self, info: Info) -> int:
        return int((await info.context.session.execute(self._count_statement)).scalar_one())


def page_request(
    *,
    first: int,
    after: str | None,
    offset: int | None,
    where: Any | None,
    order_by: Sequence[Sort[Any]] | None,
) -> PageRequest:
    return PageRequest(
        first=first,
        after=after,
        offset=offset,
        where=where_tree(where) if where is not None else None,
        order=[
            Order(field=item.field.value, descending=item.direction is SortDirection.DESC)
            for item in order_by or []
        ],
    )


def connection(page: Page[M], convert: Callable[[M], T], *, request: PageRequest) -> Connection[T]:
    edges = [Edge(cursor=c, node=convert(m)) for c, m in zip(page.cursors, page.items, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=request.after is not None or bool(request.offset),
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.end_cursor,
        ),
        _count_statement=page.count_statement,
    )
