"""One page of a list as SQL: the sort order made total, the keyset condition past a
cursor, the filter, the limit, and the count of every match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.cursor import check_cursor_values, decode_cursor, encode_cursor
from stateset_gql.db.filters import check_where, compile_where
from stateset_gql.db.listing import (
    MAX_FIRST,
    MAX_OFFSET,
    ListSpec,
    Order,
    Page,
    PageRequest,
    nullable,
)
from stateset_gql.errors import BadRequest, shown

T = TypeVar("T")


def resolve_order(spec: ListSpec, order: Sequence[Order], param: str) -> list[tuple[str, bool]]:
    resolved: list[tuple[str, bool]] = []
    for item in order or [Order(n, d) for n, d in spec.default_order]:
        spec_field = spec.fields.get(item.field)
        if spec_field is None or not spec_field.sortable:
            raise BadRequest(f"Cannot sort by '{shown(item.field)}'", param=param)
        if item.field not in (name for name, _ in resolved):
            resolved.append((item.field, item.descending))
    if "id" not in (name for name, _ in resolved):
        # The id breaks ties, in the direction of the last key, so the order is total.
        resolved.append(("id", resolved[-1][1]))
    return resolved


def _sort_key(column: Any, descending: bool) -> Any:
    """One ORDER BY term. A NULL sorts after every value (PostgreSQL's default, which
    SQLite reverses), said explicitly so both databases agree and ``_after`` can page past
    NULLs. Only nullable columns get the clause, so indexes on the others still serve."""
    if not nullable(column):
        return column.desc() if descending else column.asc()
    return column.desc().nulls_first() if descending else column.asc().nulls_last()


def _after(spec: ListSpec, order: list[tuple[str, bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in ``order``: (a > x) or (a = x and b > y) or ...

    NULL sorts after every value (see ``_sort_key``); ``== None`` compiles to IS NULL.
    """
    alternatives: list[ColumnElement[bool]] = []
    for depth, (name, desc) in enumerate(order):
        column = spec.sort_column(name)
        value = values[depth]
        equal = [spec.sort_column(n) == v for (n, _), v in zip(order[:depth], values, strict=False)]
        beyond: ColumnElement[bool]
        if value is None:
            # Descending, only the values lie past NULL; ascending, nothing does.
            beyond = column.is_not(None) if desc else false()
        elif desc:
            beyond = column < value
        else:
            beyond = column > value
            if nullable(column):
                beyond = or_(beyond, column.is_(None))
        alternatives.append(and_(*equal, beyond))
    return or_(*alternatives)


def check_request(request: PageRequest) -> None:
    if not 1 <= request.first <= MAX_FIRST:
        raise BadRequest(
            f"'{request.first_param}' must be between 1 and {MAX_FIRST}", param=request.first_param
        )
    if request.offset is not None:
        if not 0 <= request.offset <= MAX_OFFSET:
            raise BadRequest(
                f"'{request.offset_param}' must be between 0 and {MAX_OFFSET}",
                param=request.offset_param,
            )
        if request.after is not None:
            raise BadRequest(
                f"'{request.offset_param}' cannot be combined with '{request.after_param}'",
                param=request.offset_param,
            )


@dataclass(frozen=True)
class PageQuery(Generic[T]):
    """The statements behind one page: its rows (one more than asked, to tell whether
    there is a next page), the count of every match, and the resolved sort order."""

    statement: Select[T]
    count_statement: Select[int]
    order: list[tuple[str, bool]]
    columns: list[Any]


def page_query(*, spec: ListSpec, base: Select[T], request: PageRequest) -> PageQuery[T]:
    """The page ``request`` asks of ``base`` (already scoped to its owner), as SQL:
    what ``fetch_page`` runs, and what the compiled read engine wraps in its JSON."""
    check_request(request)
    check_where(request.where, request.where_param)
    order = resolve_order(spec, request.order, request.order_param)
    condition = compile_where(spec, request.where, request.where_param)
    filtered = base.where(condition)
    count_statement = select(func.count()).select_from(filtered.order_by(None).subquery())
    statement = filtered
    if request.after is not None:
        values = decode_cursor(request.after, order, request.after_param)
        check_cursor_values(spec, order, values, request.after_param)
        statement = statement.where(_after(spec, order, values))
    columns = [spec.sort_column(name) for name, _ in order]
    statement = statement.order_by(
        *(_sort_key(c, d) for c, (_, d) in zip(columns, order, strict=True))
    )
    if request.offset:
        statement = statement.offset(request.offset)
    statement = statement.limit(request.first + 1)
    return PageQuery(statement, count_statement, order, columns)


async def fetch_page(
    *,
    session: AsyncSession,
    spec: ListSpec,
    base: Select[T],
    request: PageRequest,
) -> Page[T]:
    """One page of ``base`` (already scoped to its owner) as ``request`` asks."""
    query = page_query(spec=spec, base=base, request=request)
    rows = list((await session.execute(query.statement)).scalars().all())
    has_next = len(rows) > request.first
    rows = rows[: request.first]
    cursors = [
        encode_cursor(query.order, [getattr(row, c.key) for c in query.columns]) for row in rows
    ]
    return Page(
        items=rows, cursors=cursors, has_next=has_next, count_statement=query.count_statement
    )
