"""Lists any resource can declare in a few lines (API.md section 5).

A resource names its fields once in a ``ListSpec``: which column each is, its kind, and
whether it may be filtered and sorted. It is the list's one declaration: GraphQL's
``where`` and ``orderBy`` inputs are generated from it, and REST's filters and ``sort``
from those. ``fetch_page`` then answers a ``PageRequest``:
a filter tree (``{"email": {"like": "%@x.com"}, "and": [...], "or": [...], "not": {...}}``),
an ordering, and either a keyset cursor or an offset. Cursors carry the sort values of
the last row, so rows inserted while a client pages never shift what comes next.
"""

from __future__ import annotations

import base64
import binascii
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import ColumnElement, Select, and_, false, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from stateset_gql.errors import BadRequest, QueryTooComplex, shown

T = TypeVar("T")

MAX_FIRST = 100
MAX_OFFSET = 10_000
# Filter caps (API.md section 11), checked before any SQL is built: a tree past them costs
# the database more than any list is worth (and SQLite refuses it outright).
MAX_WHERE_NODES = 100
MAX_IN_VALUES = 500
MAX_FILTER_TEXT = 1_000
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "like", "ilike", "between")
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


# ---------------------------------------------------------------------------- filters


def _is_day(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _day_bounds(value: date) -> tuple[datetime, datetime | None]:
    """The day's first instant and the next day's; None past 9999-12-31, the last day."""
    start = datetime.combine(value, time.min, tzinfo=UTC)
    return start, None if value == date.max else start + timedelta(days=1)


def _compare(column: Any, op: str, value: Any) -> ColumnElement[bool]:
    """One comparison; a date-only value on a datetime field means its whole UTC day."""
    if _is_day(value):
        start, end = _day_bounds(value)
        before_end: ColumnElement[bool] = true() if end is None else column < end
        after_end: ColumnElement[bool] = false() if end is None else column >= end
        day: dict[str, ColumnElement[bool]] = {
            "eq": and_(column >= start, before_end),
            "ne": or_(column < start, after_end),
            "gt": after_end,
            "gte": column >= start,
            "lt": column < start,
            "lte": before_end,
        }
        return day[op]
    if op == "ne":
        # "Not x" includes rows with no value at all, as a client would read it.
        return or_(column != value, column.is_(None)) if _nullable(column) else column != value
    # Built for ``op`` alone: SQLAlchemy refuses ``>`` on a boolean value outright.
    plain: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
        "eq": operator.eq,
        "gt": operator.gt,
        "gte": operator.ge,
        "lt": operator.lt,
        "lte": operator.le,
    }
    return plain[op](column, value)


def _like_ci(column: Any, pattern: str) -> ColumnElement[bool]:
    return func.lower(column).like(func.lower(pattern))


def _field_condition(
    spec_field: ListField, name: str, ops: dict[str, Any], param: str
) -> ColumnElement[bool]:
    column = spec_field.column
    parts: list[ColumnElement[bool]] = []
    for op, value in ops.items():
        if op not in OPERATORS:
            raise BadRequest(
                f"Unknown filter operator '_{shown(op)}' on '{shown(name)}'",
                param=f"{param}.{shown(name)}",
            )
        if value is None:
            raise BadRequest(f"Filter '{name}._{op}' needs a value", param=f"{param}.{name}")
        if op in ("like", "ilike"):
            if spec_field.kind not in ("string", "id"):
                raise BadRequest(
                    f"'_{op}' applies to text fields only, not '{name}'", param=f"{param}.{name}"
                )
            parts.append(column.like(value) if op == "like" else _like_ci(column, value))
        elif op == "in":
            values = list(value)
            # A date alone is its whole UTC day, as in ``_compare``; IN can only match an
            # instant (and the datetime column cannot even bind a date), so each day is a
            # range of its own. No values at all match nothing.
            exact = [v for v in values if not _is_day(v)]
            alternatives = [_compare(column, "eq", v) for v in values if _is_day(v)]
            if exact:
                alternatives.append(column.in_(exact))
            parts.append(or_(false(), *alternatives))
        elif op == "between":
            bounds = list(value)
            if len(bounds) != 2:
                raise BadRequest(
                    f"'{name}._between' takes exactly two values, low and high",
                    param=f"{param}.{name}",
                )
            parts.append(
                and_(_compare(column, "gte", bounds[0]), _compare(column, "lte", bounds[1]))
            )
        else:
            parts.append(_compare(column, op, value))
    return and_(true(), *parts)


def _too_complex(param: str, limit_name: str, limit: int, value: int, message: str) -> None:
    raise QueryTooComplex(message, limit=limit_name, maximum=limit, value=value, param=param)


def _check_value(value: Any, param: str) -> None:
    if isinstance(value, list):
        if len(value) > MAX_IN_VALUES:
            _too_complex(
                param,
                "in_values",
                MAX_IN_VALUES,
                len(value),
                f"A filter takes at most {MAX_IN_VALUES} values, not {len(value)}",
            )
        for item in value:
            _check_value(item, param)
    elif isinstance(value, str) and len(value) > MAX_FILTER_TEXT:
        _too_complex(
            param,
            "filter_text",
            MAX_FILTER_TEXT,
            len(value),
            f"A filter value is at most {MAX_FILTER_TEXT} characters, not {len(value)}",
        )


def check_where(tree: dict[str, Any] | None, param: str) -> None:
    """The filter caps: at most ``MAX_WHERE_NODES`` nodes (each field condition and each
    ``and``/``or``/``not``), ``MAX_IN_VALUES`` values in a list, ``MAX_FILTER_TEXT``
    characters in a string. Iterative, so no tree is too deep to measure. It takes the
    plain tree ``fetch_page`` compiles and the raw ``where`` a client sent alike, so a
    surface can refuse a tree before turning it into anything."""
    nodes = 0
    stack: list[Any] = [tree or {}]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict):
            continue
        for key, value in current.items():
            if value is None:
                continue
            nodes += 1
            # The plain tree says ``or``; a GraphQL input as sent says ``_or``.
            key = key.removeprefix("_") if key in ("_and", "_or", "_not") else key
            if key in ("and", "or"):
                stack.extend(value if isinstance(value, list) else [value])
            elif key == "not":
                stack.append(value)
            elif isinstance(value, dict):
                for op, operand in value.items():
                    _check_value(operand, f"{param}.{shown(key)}._{shown(op.lstrip('_'))}")
    if nodes > MAX_WHERE_NODES:
        _too_complex(
            param,
            "where_nodes",
            MAX_WHERE_NODES,
            nodes,
            f"A filter has at most {MAX_WHERE_NODES} conditions, not {nodes}",
        )


def compile_where(spec: ListSpec, tree: dict[str, Any] | None, param: str) -> ColumnElement[bool]:
    if not tree:
        return true()
    parts: list[ColumnElement[bool]] = []
    for key, value in tree.items():
        if value is None:
            continue
        if key == "and":
            parts.append(and_(true(), *(compile_where(spec, sub, param) for sub in value)))
        elif key == "or":
            parts.append(or_(false(), *(compile_where(spec, sub, param) for sub in value)))
        elif key == "not":
            parts.append(not_(compile_where(spec, value, param)))
        else:
            spec_field = spec.fields.get(key)
            if spec_field is None or not spec_field.filterable:
                raise BadRequest(
                    f"Unknown filter field '{shown(key)}'", param=f"{param}.{shown(key)}"
                )
            parts.append(_field_condition(spec_field, key, value, param))
    return and_(true(), *parts)


# ----------------------------------------------------------------------- order, cursors


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


def _sort_column(spec: ListSpec, name: str) -> Any:
    return spec.id_column if name == "id" else spec.fields[name].column


def _nullable(column: Any) -> bool:
    return bool(getattr(column.expression, "nullable", True))


def _sort_key(column: Any, descending: bool) -> Any:
    """One ORDER BY term. A NULL sorts after every value (PostgreSQL's default, which
    SQLite reverses), said explicitly so both databases agree and ``_after`` can page past
    NULLs. Only nullable columns get the clause, so indexes on the others still serve."""
    if not _nullable(column):
        return column.desc() if descending else column.asc()
    return column.desc().nulls_first() if descending else column.asc().nulls_last()


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.astimezone(UTC).isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    return value


def encode_cursor(order: list[tuple[str, bool]], values: Sequence[Any]) -> str:
    signature = ",".join(f"{'-' if desc else ''}{name}" for name, desc in order)
    raw = orjson.dumps([signature, [_encode_value(v) for v in values]])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: list[tuple[str, bool]], param: str) -> list[Any]:
    signature = ",".join(f"{'-' if desc else ''}{name}" for name, desc in order)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = orjson.loads(raw)
        if not (isinstance(decoded, list) and len(decoded) == 2 and isinstance(decoded[1], list)):
            raise ValueError("shape")
        values = [_decode_value(v) for v in decoded[1]]
    except (ValueError, binascii.Error, orjson.JSONDecodeError, TypeError) as exc:
        raise BadRequest("Invalid cursor", param=param) from exc
    if decoded[0] != signature or len(values) != len(order):
        raise BadRequest("This cursor belongs to a list with another sort order", param=param)
    return values


_KIND_TYPES: dict[str, type] = {
    "string": str,
    "id": str,
    "enum": str,
    "int": int,
    "bool": bool,
    "datetime": datetime,
}


def _check_cursor_values(
    spec: ListSpec, order: list[tuple[str, bool]], values: list[Any], param: str
) -> None:
    """A cursor is the client's to send back, so it may come back edited: a value of the
    wrong type would reach the database (and fail there, as a 500) unless refused here."""
    for (name, _), value in zip(order, values, strict=True):
        column = _sort_column(spec, name)
        kind = "id" if name == "id" else spec.fields[name].kind
        if value is None:
            fits = _nullable(column)
        elif kind == "int":
            fits = (
                isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
            )
        elif kind == "datetime":
            fits = isinstance(value, datetime) and _storable(value)
        elif kind in ("string", "id", "enum"):
            fits = isinstance(value, str) and "\x00" not in value
        else:
            fits = isinstance(value, _KIND_TYPES[kind])
        if not fits:
            raise BadRequest("Invalid cursor", param=param)


def _storable(value: datetime) -> bool:
    """An aware date-time that is still in years 1-9999 once shifted to UTC."""
    if value.tzinfo is None:
        return False
    try:
        value.astimezone(UTC)
    except OverflowError:
        return False
    return True


def _after(spec: ListSpec, order: list[tuple[str, bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in ``order``: (a > x) or (a = x and b > y) or ...

    NULL sorts after every value (see ``_sort_key``); ``== None`` compiles to IS NULL.
    """
    alternatives: list[ColumnElement[bool]] = []
    for depth, (name, desc) in enumerate(order):
        column = _sort_column(spec, name)
        value = values[depth]
        equal = [
            _sort_column(spec, n) == v for (n, _), v in zip(order[:depth], values, strict=False)
        ]
        beyond: ColumnElement[bool]
        if value is None:
            # Descending, only the values lie past NULL; ascending, nothing does.
            beyond = column.is_not(None) if desc else false()
        elif desc:
            beyond = column < value
        else:
            beyond = column > value
            if _nullable(column):
                beyond = or_(beyond, column.is_(None))
        alternatives.append(and_(*equal, beyond))
    return or_(*alternatives)


# ------------------------------------------------------------------------------- fetch


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
        _check_cursor_values(spec, order, values, request.after_param)
        statement = statement.where(_after(spec, order, values))
    columns = [_sort_column(spec, name) for name, _ in order]
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
