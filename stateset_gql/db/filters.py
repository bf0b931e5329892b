"""A list's filter tree, checked against its caps and compiled to a SQL condition.

The tree is ``{"email": {"like": "%@x.com"}, "and": [...], "or": [...], "not": {...}}``
over the fields a ``ListSpec`` declares filterable.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Boolean,
    ColumnElement,
    Dialect,
    String,
    TypeDecorator,
    and_,
    bindparam,
    false,
    func,
    not_,
    or_,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal

from stateset_gql.db.listing import ListField, ListSpec, nullable
from stateset_gql.errors import BadRequest, QueryTooComplex, shown

# Filter caps (API.md section 11), checked before any SQL is built: a tree past them costs
# the database more than any list is worth (and SQLite refuses it outright).
MAX_WHERE_NODES = 100
MAX_IN_VALUES = 500
MAX_FILTER_TEXT = 1_000
# A filter value is bound as ``where_<n>``, its place among the tree's values.
WHERE_PARAM = "where_"
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "like", "ilike", "between")


def _is_day(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


# What a value's SQL depends on: a plain value is one parameter; a date alone is its
# whole UTC day, two (its first instant and the next day's), or one for the last day.
VALUE = "value"
DAY = "day"
LAST_DAY = "last_day"


def _kind(value: Any) -> str:
    if not _is_day(value):
        return VALUE
    return LAST_DAY if value == date.max else DAY


def _values_of(value: Any) -> list[Any]:
    """The parameters a value is bound as, in the order ``_compare`` takes them."""
    if not _is_day(value):
        return [value]
    start = datetime.combine(value, time.min, tzinfo=UTC)
    return [start] if value == date.max else [start, start + timedelta(days=1)]


class _Take:
    """Hands out a plan's values in order, each a bind parameter named by its place
    (``where_0``, ``where_1``...): the same shape writes the same SQL text, whatever the
    values."""

    def __init__(self, values: Sequence[Any]) -> None:
        self.values = values
        self.taken = 0

    def __call__(self, type_: Any) -> BindParameter[Any]:
        name = f"{WHERE_PARAM}{self.taken}"
        value = self.values[self.taken]
        self.taken += 1
        return bindparam(name, value, type_=type_)


def _compare(column: Any, op: str, kind: str, take: _Take) -> ColumnElement[bool]:
    """One comparison; a date-only value on a datetime field means its whole UTC day."""
    if kind != VALUE:
        start = take(column.type)
        end = take(column.type) if kind == DAY else None
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
    value = take(column.type)
    if op == "ne":
        # "Not x" includes rows with no value at all, as a client would read it.
        return or_(column != value, column.is_(None)) if nullable(column) else column != value
    # Built for ``op`` alone: SQLAlchemy refuses ``>`` on a boolean value outright.
    plain: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
        "eq": operator.eq,
        "gt": operator.gt,
        "gte": operator.ge,
        "lt": operator.lt,
        "lte": operator.le,
    }
    return plain[op](column, value)


class _Values(TypeDecorator[list[Any]]):
    """A list of ``item`` values bound as one parameter: a PostgreSQL array, or JSON text
    that SQLite's ``json_each`` reads (each value written as the column's type writes it)."""

    impl = String
    cache_ok = True

    def __init__(self, item: TypeEngine[Any]) -> None:
        super().__init__()
        self.item = item

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(self.item))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        process = self.item.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            value = [None if v is None else process(v) for v in value]
        return json.dumps(value)


class _OneOf(ColumnElement[bool]):
    """``column IN values`` with the values in one bind parameter, however many: a list
    of ``MAX_IN_VALUES`` in each of ``MAX_WHERE_NODES`` conditions is far past what either
    database takes as parameters of their own (32,767 on PostgreSQL, 32,766 on SQLite)."""

    inherit_cache = True
    type = Boolean()
    # A condition in itself: SQLite needs no ``= 1`` after it.
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, take: _Take) -> None:
        self.column = column
        self.values: BindParameter[list[Any]] = take(_Values(column.type))


@compiles(_OneOf)
def _one_of(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({compiler.process(element.values, **kw)}))"


@compiles(_OneOf, "postgresql")
def _one_of_array(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY({compiler.process(element.values, **kw)})"


# ``%`` and ``_`` are the wildcards; a backslash before one (or before itself) matches
# it literally, on both databases (SQLite has no escape character unless told).
LIKE_ESCAPE = "\\"


def _check_like(op: str, pattern: str, name: str, param: str) -> None:
    at = f"{param}.{name}._{op}"
    trailing = len(pattern) - len(pattern.rstrip(LIKE_ESCAPE))
    if trailing % 2:
        raise BadRequest(
            f"'{at}' ends in a lone backslash; write two to match a backslash", param=at
        )


def _like(column: Any, op: str, take: _Take) -> ColumnElement[bool]:
    if op == "like":
        matched: ColumnElement[bool] = column.like(take(column.type), escape=LIKE_ESCAPE)
        return matched
    return func.lower(column).like(func.lower(take(String())), escape=LIKE_ESCAPE)


def _field_plan(
    spec_field: ListField, name: str, ops: dict[str, Any], param: str, values: list[Any]
) -> tuple[Any, ...]:
    """A field's conditions checked: their shape, their values appended to ``values``."""
    shapes: list[tuple[str, Any]] = []
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
            _check_like(op, value, name, param)
            shapes.append((op, VALUE))
            values.append(value)
        elif op == "in":
            # A date alone is its whole UTC day, as in ``_compare``; IN can only match an
            # instant (and the datetime column cannot even bind a date), so each day is a
            # range of its own. No values at all match nothing.
            items = list(value)
            days = tuple(_kind(v) for v in items if _is_day(v))
            exact = [v for v in items if not _is_day(v)]
            for item in items:
                if _is_day(item):
                    values += _values_of(item)
            if exact:
                values.append(exact)
            shapes.append((op, (days, bool(exact))))
        elif op == "between":
            bounds = list(value)
            if len(bounds) != 2:
                raise BadRequest(
                    f"'{name}._between' takes exactly two values, low and high",
                    param=f"{param}.{name}",
                )
            values += _values_of(bounds[0]) + _values_of(bounds[1])
            shapes.append((op, (_kind(bounds[0]), _kind(bounds[1]))))
        else:
            values += _values_of(value)
            shapes.append((op, _kind(value)))
    return tuple(shapes)


def _field_condition(
    column: Any, shapes: tuple[tuple[str, Any], ...], take: _Take
) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    for op, shape in shapes:
        if op in ("like", "ilike"):
            parts.append(_like(column, op, take))
        elif op == "in":
            days, exact = shape
            alternatives = [_compare(column, "eq", kind, take) for kind in days]
            if exact:
                alternatives.append(_OneOf(column, take))
            parts.append(or_(false(), *alternatives))
        elif op == "between":
            low, high = shape
            parts.append(
                and_(_compare(column, "gte", low, take), _compare(column, "lte", high, take))
            )
        else:
            parts.append(_compare(column, op, shape, take))
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


class WherePlan(NamedTuple):
    """A filter tree checked: its ``shape`` (what its SQL depends on, hashable: the
    fields, operators and nesting, whether a value is a day) and its values, in the order
    its condition binds them."""

    shape: tuple[Any, ...]
    values: tuple[Any, ...]

    def params(self) -> dict[str, Any]:
        """The values by the names its condition binds them under."""
        return {f"{WHERE_PARAM}{i}": value for i, value in enumerate(self.values)}


def plan_where(spec: ListSpec, tree: dict[str, Any] | None, param: str) -> WherePlan:
    """``tree`` checked against ``spec`` (an unknown field or operator, a missing value, a
    bad pattern is ``BadRequest``), as a shape and its values."""
    values: list[Any] = []
    shape = _plan(spec, tree, param, values)
    return WherePlan(shape, tuple(values))


def _plan(
    spec: ListSpec, tree: dict[str, Any] | None, param: str, values: list[Any]
) -> tuple[Any, ...]:
    parts: list[tuple[Any, ...]] = []
    for key, value in (tree or {}).items():
        if value is None:
            continue
        if key in ("and", "or"):
            parts.append((key, tuple(_plan(spec, sub, param, values) for sub in value)))
        elif key == "not":
            parts.append((key, _plan(spec, value, param, values)))
        else:
            spec_field = spec.fields.get(key)
            if spec_field is None or not spec_field.filterable:
                raise BadRequest(
                    f"Unknown filter field '{shown(key)}'", param=f"{param}.{shown(key)}"
                )
            parts.append(("field", key, _field_plan(spec_field, key, value, param, values)))
    return tuple(parts)


def where_condition(spec: ListSpec, plan: WherePlan) -> ColumnElement[bool]:
    """The SQL condition of a checked tree: written from its shape alone, each value a
    bind parameter named by its place, so one shape is one statement text."""
    take = _Take(plan.values)
    condition = _condition(spec, plan.shape, take)
    assert take.taken == len(plan.values)
    return condition


def _condition(spec: ListSpec, shape: tuple[Any, ...], take: _Take) -> ColumnElement[bool]:
    if not shape:
        return true()
    parts: list[ColumnElement[bool]] = []
    for part in shape:
        if part[0] == "and":
            parts.append(and_(true(), *(_condition(spec, sub, take) for sub in part[1])))
        elif part[0] == "or":
            parts.append(or_(false(), *(_condition(spec, sub, take) for sub in part[1])))
        elif part[0] == "not":
            parts.append(not_(_condition(spec, part[1], take)))
        else:
            parts.append(_field_condition(spec.fields[part[1]].column, part[2], take))
    return and_(true(), *parts)


def compile_where(spec: ListSpec, tree: dict[str, Any] | None, param: str) -> ColumnElement[bool]:
    return where_condition(spec, plan_where(spec, tree, param))
