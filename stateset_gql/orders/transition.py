"""The one path every change of an order's status takes, payments and refunds included.

``transition`` locks the order's row (unless the caller already holds it), loads its line
items, takes the order's snapshot, moves it through the ``ORDER`` table (409 naming
``from`` and ``to``), applies the change that goes with the move, stamps ``updated``,
flushes, emits one event, and lets ``move_stock`` apply the stock effect of the move.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from stateset_gql.db.base import utcnow
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.orders import service
from stateset_gql.orders.models import Order
from stateset_gql.orders.states import ORDER

# What goes with a move (a carrier, a timestamp, an amount), given the change's time.
Change = Callable[[Order, datetime], None]


def _nothing(order: Order, now: datetime) -> None:
    return None


async def transition(
    *,
    uow: UnitOfWork,
    owner: Owner,
    order: Order | str,
    to: str | None,
    change: Change = _nothing,
    event: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Moves ``order`` (an id, or an order whose row the caller has locked) to ``to``.

    ``to=None`` changes the order without moving its status (a partial refund); the event
    is then named by ``event``, which otherwise defaults to ``order.<to>``. ``now`` is the
    change's time (by default the current time).
    """
    if to is None and event is None:
        raise ValueError("a change that moves no status must name its event")
    if isinstance(order, str):
        order = await service.get(session=uow.session, owner=owner, order_id=order, lock=True)
    line_items = await service.line_items_of(session=uow.session, order_id=order.id)
    before = await uow.snapshot(service.subject(order))
    was = order.status
    if to is not None:
        ORDER.move(order, to)
    now = now or utcnow()
    change(order, now)
    order.updated = now
    await uow.session.flush()
    uow.emit(event or f"order.{to}", service.subject(order), before=before)
    await service.move_stock(uow=uow, owner=owner, order=order, line_items=line_items, was=was)
    return order
