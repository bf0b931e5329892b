"""One page of a list as SQL: the sort order made total, the keyset condition past a
cursor, the filter, the limit, and the count of every match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.cursor import check_cursor_values, decode_cursor, encode_cursor
from stateset_gql.db.filters import WherePlan, check_where, plan_where, where_condition
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

# The names a page binds its own values under (the filter's are ``filters.WHERE_PARAM``).
AFTER_PARAM = "after_"
OFFSET_PARAM = "page_offset"
LIMIT_PARAM = "page_limit"


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
    Each value is a bind parameter named by its place (``after_0``...), so which of them
    are NULL is all the SQL text depends on.
    """
    columns = [spec.sort_column(name) for name, _ in order]
    bound = [
        None if value is None else bindparam(f"{AFTER_PARAM}{i}", value, type_=column.type)
        for i, (column, value) in enumerate(zip(columns, values, strict=True))
    ]
    alternatives: list[ColumnElement[bool]] = []
    for depth, (_, desc) in enumerate(order):
        column = columns[depth]
        value = bound[depth]
        equal = [c == v for c, v in zip(columns[:depth], bound, strict=False)]
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
class PageShape:
    """A page request checked: what its statements' SQL depends on (``key``: the sort
    order, the filter's shape, which cursor values are NULL, whether an offset is given)
    and every value they bind, by name (``params``). Requests of one key make the same
    SQL text, so it can be built once and run with each request's ``params``."""

    key: tuple[Any, ...]
    order: list[tuple[str, bool]]
    where: WherePlan
    after: list[Any] | None
    offset: bool
    params: dict[str, Any]


def page_shape(spec: ListSpec, request: PageRequest) -> PageShape:
    """``request`` checked against ``spec`` (a ``BadRequest`` names what is wrong)."""
    check_request(request)
    check_where(request.where, request.where_param)
    order = resolve_order(spec, request.order, request.order_param)
    where = plan_where(spec, request.where, request.where_param)
    params = where.params()
    after = None
    if request.after is not None:
        after = decode_cursor(request.after, order, request.after_param)
        check_cursor_values(spec, order, after, request.after_param)
        params.update({f"{AFTER_PARAM}{i}": v for i, v in enumerate(after) if v is not None})
    offset = bool(request.offset)
    if offset:
        params[OFFSET_PARAM] = request.offset
    params[LIMIT_PARAM] = request.first + 1
    nulls = None if after is None else tuple(v is None for v in after)
    key = (tuple(order), where.shape, nulls, offset)
    return PageShape(key, order, where, after, offset, params)


@dataclass(frozen=True)
class PageQuery(Generic[T]):
    """The statements behind one page: its rows (one more than asked, to tell whether
    there is a next page), the count of every match, and the resolved sort order."""

    statement: Select[T]
    count_statement: Select[int]
    order: list[tuple[str, bool]]
    columns: list[Any]


def page_query(*, spec: ListSpec, base: Select[T], request: PageRequest) -> PageQuery[T]:
    """The page ``request`` asks of ``base`` (already scoped to its owner), as SQL."""
    return shaped_query(spec=spec, base=base, shape=page_shape(spec, request))


def shaped_query(*, spec: ListSpec, base: Select[T], shape: PageShape) -> PageQuery[T]:
    """The statements of a checked page of ``base``: what ``fetch_page`` runs, and what
    the compiled read engine builds once per shape and wraps in its JSON. Every value the
    page adds is a bind parameter named as ``shape.params`` names it."""
    condition = where_condition(spec, shape.where)
    filtered = base.where(condition)
    count_statement = select(func.count()).select_from(filtered.order_by(None).subquery())
    statement = filtered
    if shape.after is not None:
        statement = statement.where(_after(spec, shape.order, shape.after))
    columns = [spec.sort_column(name) for name, _ in shape.order]
    statement = statement.order_by(
        *(_sort_key(c, d) for c, (_, d) in zip(columns, shape.order, strict=True))
    )
    if shape.offset:
        statement = statement.offset(
            bindparam(OFFSET_PARAM, shape.params[OFFSET_PARAM], type_=Integer())
        )
    statement = statement.limit(bindparam(LIMIT_PARAM, shape.params[LIMIT_PARAM], type_=Integer()))
    return PageQuery(statement, count_statement, shape.order, columns)


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
