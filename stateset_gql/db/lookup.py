"""Reading owned rows: one by id (the 404 and the row lock every service needs) and a
page of them, each service declaring only what differs (its 404's name, which rows
exist for the API besides its owner's)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, ColumnElement, Select, inspect
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.listing import ListSpec, Page, PageRequest
from stateset_gql.db.owner import Owner, OwnerScoped
from stateset_gql.db.pages import fetch_page
from stateset_gql.errors import not_found

T = TypeVar("T")
M = TypeVar("M", bound=OwnerScoped)


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


@dataclass(frozen=True)
class OwnedRows(Generic[M]):
    """One kind of owned row as the API reads it: ``kind`` names it in a 404, ``spec``
    lists it, and ``visible`` (when given) narrows the owner's rows to those that exist
    for the API (a soft-deleted one does not)."""

    model: type[M]
    kind: str
    spec: ListSpec | None = None
    visible: ColumnElement[bool] | None = None

    @cached_property
    def _id(self) -> Column[Any]:
        # The one-column primary key every owned row is found by.
        key: Column[Any] = inspect(self.model).primary_key[0]
        return key

    def owned(self, owner: Owner) -> Select[M]:
        """Every row of ``owner`` the API sees: the base of every read."""
        statement = self.model.select_owned(owner)
        return statement if self.visible is None else statement.where(self.visible)

    async def get(
        self, *, session: AsyncSession, owner: Owner, object_id: str, lock: bool = False
    ) -> M:
        """The owner's row ``object_id``, or 404 (locked, when ``lock``)."""
        statement = self.owned(owner).where(self._id == object_id)
        return await one_or_404(session, statement, kind=self.kind, object_id=object_id, lock=lock)

    async def list_page(
        self, *, session: AsyncSession, owner: Owner, request: PageRequest
    ) -> Page[M]:
        return await self.page(session=session, base=self.owned(owner), request=request)

    async def page(
        self, *, session: AsyncSession, base: Select[M], request: PageRequest
    ) -> Page[M]:
        """One page of ``base`` (``owned`` narrowed further) as ``request`` asks."""
        if self.spec is None:
            raise TypeError(f"{self.kind} rows are not listed")
        return await fetch_page(session=session, spec=self.spec, base=base, request=request)
