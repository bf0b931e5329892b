"""Per-request DataLoaders: a field of many rows never queries once per row.

There is one loader per relation a ``Table`` declares (``One``/``Many``), made on first
use and keyed by that declaration; each batches the keys asked for in one tick into one
statement. A ``One`` row is looked up by a client-visible id, so it is scoped by the
caller's owner; a ``Many`` row by its parent's id, which the caller could already read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from stateset_gql.db.batch import children_by_parent
from stateset_gql.db.owner import Owner
from stateset_gql.graphql.compiled.mapping import Many, One


@dataclass
class Loaders:
    session: AsyncSession
    owner: Owner
    _made: dict[One | Many, DataLoader[Any, Any]] = field(default_factory=dict)

    def related(self, source: One | Many) -> DataLoader[Any, Any]:
        """The loader of one declared relation: by ``local``'s value, its row (``One``,
        or None) or its rows (``Many``, in ``order_by`` order)."""
        loader = self._made.get(source)
        if loader is None:
            load = self._one(source) if isinstance(source, One) else self._many(source)
            loader = self._made[source] = DataLoader(load_fn=load)
        return loader

    async def load(self, source: One | Many, keys: Sequence[Any]) -> list[Any]:
        """What ``related(source)`` loads for ``keys``, at once, in ``keys`` order (no
        DataLoader: for a caller that has gathered its keys itself)."""
        load = self._one(source) if isinstance(source, One) else self._many(source)
        found: list[Any] = await load(keys)
        return found

    def forget(self, key: str) -> None:
        """Drops what the loaders hold under ``key``: a mutation has just changed the rows
        an earlier field of the same operation may have read."""
        for loader in self._made.values():
            if loader.cache_map.get(key) is not None:
                loader.clear(key)

    def _one(self, source: One) -> Any:
        model: Any = source.remote.class_
        owner = self.owner

        async def load(keys: Sequence[Any]) -> list[Any]:
            # Every row with the key, deleted ones included (an order still names its
            # deleted customer).
            statement = select(model).where(model.owned_by(owner), source.remote.in_(keys))
            rows = await self.session.execute(statement)
            found = {getattr(row, source.remote.key): row for row in rows.scalars()}
            return [found.get(key) for key in keys]

        return load

    def _many(self, source: Many) -> Any:
        model: Any = source.remote.class_

        async def load(keys: Sequence[Any]) -> list[list[Any]]:
            return await children_by_parent(
                session=self.session, model=model, parent=source.remote,
                keys=keys, order_by=source.order_by,
            )  # fmt: skip

        return load
