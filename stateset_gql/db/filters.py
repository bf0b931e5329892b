"""A list's filter tree, checked against its caps and compiled to a SQL condition.

The tree is ``{"email": {"like": "%@x.com"}, "and": [...], "or": [...], "not": {...}}``
over the fields a ``ListSpec`` declares filterable.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

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
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "like", "ilike", "between")


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

    def __init__(self, column: Any, values: list[Any]) -> None:
        self.column = column
        self.values: BindParameter[list[Any]] = bindparam(
            None, values, type_=_Values(column.type), unique=True
        )


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


def _like(column: Any, op: str, pattern: str, name: str, param: str) -> ColumnElement[bool]:
    at = f"{param}.{name}._{op}"
    trailing = len(pattern) - len(pattern.rstrip(LIKE_ESCAPE))
    if trailing % 2:
        raise BadRequest(
            f"'{at}' ends in a lone backslash; write two to match a backslash", param=at
        )
    if op == "like":
        matched: ColumnElement[bool] = column.like(pattern, escape=LIKE_ESCAPE)
        return matched
    return func.lower(column).like(func.lower(pattern), escape=LIKE_ESCAPE)


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
            parts.append(_like(column, op, value, name, param))
        elif op == "in":
            values = list(value)
            # A date alone is its whole UTC day, as in ``_compare``; IN can only match an
            # instant (and the datetime column cannot even bind a date), so each day is a
            # range of its own. No values at all match nothing.
            exact = [v for v in values if not _is_day(v)]
            alternatives = [_compare(column, "eq", v) for v in values if _is_day(v)]
            if exact:
                alternatives.append(_OneOf(column, exact))
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
