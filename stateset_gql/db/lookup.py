"""Reading owned rows: one by id (the 404 and the row lock every service needs) and a
page of them, each service declaring only what differs (its 404's name, which rows
exist for the API besides its owner's)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, ColumnElement, Select, bindparam, inspect, select
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
    def _by_id(self) -> Select[M]:
        """The row of an id (``object_id``) and owner (``Owner.params``) the API sees;
        built once, as a statement built per call costs more to build and key than to
        run. By the one-column primary key every owned row is found by."""
        key: Column[Any] = inspect(self.model).primary_key[0]
        statement = select(self.model).where(
            self.model.owned_by_params(), key == bindparam("object_id")
        )
        return statement if self.visible is None else statement.where(self.visible)

    @cached_property
    def _by_id_locked(self) -> Select[M]:
        return locking(self._by_id)

    def owned(self, owner: Owner) -> Select[M]:
        """Every row of ``owner`` the API sees: the base of every read."""
        statement = self.model.select_owned(owner)
        return statement if self.visible is None else statement.where(self.visible)

    async def get(
        self, *, session: AsyncSession, owner: Owner, object_id: str, lock: bool = False
    ) -> M:
        """The owner's row ``object_id``, or 404 (locked, when ``lock``)."""
        statement = self._by_id_locked if lock else self._by_id
        params = {**owner.params(), "object_id": object_id}
        row: M | None = (await session.execute(statement, params)).scalar_one_or_none()
        if row is None:
            raise not_found(self.kind, object_id)
        return row

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
