"""Loading many rows by key in one statement, for per-request DataLoaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")


async def children_by_parent(
    *,
    session: AsyncSession,
    model: type[T],
    parent: InstrumentedAttribute[Any],
    keys: Sequence[Any],
    order_by: Sequence[Any] = (),
) -> list[list[T]]:
    """For each key, its rows (``parent == key``), in ``order_by`` order; one statement."""
    grouped: dict[Any, list[T]] = defaultdict(list)
    if keys:
        statement = select(model).where(parent.in_(set(keys))).order_by(*order_by)
        for row in (await session.execute(statement)).scalars():
            grouped[getattr(row, parent.key)].append(row)
    return [grouped.get(key, []) for key in keys]


async def rows_by_id(
    *,
    session: AsyncSession,
    model: type[T],
    id_column: InstrumentedAttribute[Any],
    keys: Sequence[Any],
) -> list[T | None]:
    """For each key, its row or None; one statement."""
    found: dict[Any, T] = {}
    if keys:
        rows = await session.execute(select(model).where(id_column.in_(set(keys))))
        found = {getattr(row, id_column.key): row for row in rows.scalars()}
    return [found.get(key) for key in keys]
