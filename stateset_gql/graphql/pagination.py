"""Relay connections and the arguments every list field takes (API.md section 5)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select

from stateset_gql.db.listing import Order, Page, PageRequest
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.filters import where_tree

T = TypeVar("T")
F = TypeVar("F")
M = TypeVar("M")


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="One sort key; several are applied in order.")
class Sort(Generic[F]):
    field: F
    direction: SortDirection = SortDirection.ASC


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
