"""Loading many rows by key in one statement, for per-request DataLoaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from stateset_gql.db.inserted import children_of_new

T = TypeVar("T")


async def children_by_parent(
    *,
    session: AsyncSession,
    model: type[T],
    parent: InstrumentedAttribute[Any],
    keys: Sequence[Any],
    order_by: Sequence[Any] = (),
) -> list[list[T]]:
    """For each key, its rows (``parent == key``), in ``order_by`` order; one statement,
    or none for the keys whose parent this transaction inserted (``db.inserted``)."""
    grouped: dict[Any, list[T]] = defaultdict(list)
    new = children_of_new(
        session.sync_session, model=model, parent=parent, keys=keys, order_by=order_by
    )
    grouped.update(new or {})
    rest = [key for key in keys if key not in grouped]
    if rest:
        statement = select(model).where(parent.in_(set(rest))).order_by(*order_by)
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
