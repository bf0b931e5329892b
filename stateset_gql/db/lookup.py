"""Finding one owned row by id: the 404 and the row lock every service needs."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.errors import not_found

T = TypeVar("T")


def locking(statement: Select[T]) -> Select[T]:
    """SELECT ... FOR UPDATE, reading the row afresh: a copy this session loaded before
    the lock must not be written back over a change committed meanwhile."""
    return statement.with_for_update().execution_options(populate_existing=True)


async def one_or_404(
    session: AsyncSession, statement: Select[T], *, kind: str, object_id: str, lock: bool = False
) -> T:
    """The one row ``statement`` finds (already scoped to its owner), or 404."""
    if lock:
        statement = locking(statement)
    row = (await session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise not_found(kind, object_id)
    return row
