"""Per-request DataLoaders: a field of many rows never queries once per row.

Each loader batches the keys asked for in one tick into one statement. Rows are scoped by
the caller's owner wherever they are looked up by a client-visible id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from stateset_gql.customers import service as customers
from stateset_gql.customers.models import Customer
from stateset_gql.db.batch import children_by_parent
from stateset_gql.db.owner import Owner
from stateset_gql.orders.models import OrderLineItem
from stateset_gql.payments.models import Payment, Refund
from stateset_gql.returns.models import ReturnItem


@dataclass
class Loaders:
    session: AsyncSession
    owner: Owner
    _made: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    def _loader(self, name: str, load: Any) -> DataLoader[Any, Any]:
        if name not in self._made:
            self._made[name] = DataLoader(load_fn=load)
        return self._made[name]

    @property
    def customer(self) -> DataLoader[str, Customer | None]:
        """Customers by id, deleted ones included (orders still name them)."""

        async def load(keys: Sequence[str]) -> list[Customer | None]:
            found = await customers.get_many(session=self.session, owner=self.owner, ids=list(keys))
            return [found.get(key) for key in keys]

        return self._loader("customer", load)

    @property
    def line_items(self) -> DataLoader[str, list[OrderLineItem]]:
        async def load(keys: Sequence[str]) -> list[list[OrderLineItem]]:
            return await children_by_parent(
                session=self.session, model=OrderLineItem, parent=OrderLineItem.order_id,
                keys=keys, order_by=[OrderLineItem.order_id, OrderLineItem.position],
            )  # fmt: skip

        return self._loader("line_items", load)

    @property
    def payments(self) -> DataLoader[str, list[Payment]]:
        async def load(keys: Sequence[str]) -> list[list[Payment]]:
            return await children_by_parent(
                session=self.session, model=Payment, parent=Payment.order_id, keys=keys,
                order_by=[Payment.created, Payment.id],
            )  # fmt: skip

        return self._loader("payments", load)

    @property
    def refunds(self) -> DataLoader[str, list[Refund]]:
        async def load(keys: Sequence[str]) -> list[list[Refund]]:
            return await children_by_parent(
                session=self.session, model=Refund, parent=Refund.order_id, keys=keys,
                order_by=[Refund.created, Refund.id],
            )  # fmt: skip

        return self._loader("refunds", load)

    @property
    def return_items(self) -> DataLoader[str, list[ReturnItem]]:
        async def load(keys: Sequence[str]) -> list[list[ReturnItem]]:
            return await children_by_parent(
                session=self.session, model=ReturnItem, parent=ReturnItem.return_id, keys=keys,
                order_by=[ReturnItem.return_id, ReturnItem.position],
            )  # fmt: skip

        return self._loader("return_items", load)
