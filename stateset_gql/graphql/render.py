"""The one representation of a resource: what ``GET /v1/<resource>/{id}`` answers.

The REST route, the event's ``data.object`` (and so webhooks and subscriptions) all come
from the representation's selection of the resource's GraphQL type
(``graphql.representation.selection``), executed by the same resolvers and turned into
the representation's form by the same converter. A subject's kind is its ``object``
name (``inventory_item``).

A render starts from the rows the transaction already holds: the selection is executed
with the object as its root (a schema whose query type is the object's type), so a row
in the session's identity map costs no statement, and related rows come through the
DataLoaders, batched across every subject rendered together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import DocumentNode, GraphQLObjectType, GraphQLSchema
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Principal
from stateset_gql.access.scopes import ALL_SCOPES
from stateset_gql.customers.models import Customer as CustomerModel
from stateset_gql.db.batch import rows_by_id
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Renderer, Subject, UnitOfWork
from stateset_gql.events.models import Event as EventModel
from stateset_gql.graphql.context import Context
from stateset_gql.graphql.customers.types import Customer
from stateset_gql.graphql.engine import GraphQLEngine
from stateset_gql.graphql.events.types import Event
from stateset_gql.graphql.internals import core_schema, derived_schema
from stateset_gql.graphql.inventory.types import InventoryItem
from stateset_gql.graphql.objects import loads_related
from stateset_gql.graphql.orders.types import Order
from stateset_gql.graphql.representation.convert import to_representation
from stateset_gql.graphql.representation.selection import selection
from stateset_gql.graphql.returns.types import Return
from stateset_gql.graphql.schema import build_schema
from stateset_gql.graphql.subscriptions.types import CustomerSubscription
from stateset_gql.inventory.models import InventoryItem as InventoryItemModel
from stateset_gql.orders.models import Order as OrderModel
from stateset_gql.returns.models import Return as ReturnModel
from stateset_gql.settings import Settings
from stateset_gql.subscriptions.models import CustomerSubscription as SubscriptionModel

# Each kind: its row and the GraphQL type that presents it (``from_model``).
KINDS: dict[str, tuple[Any, Any]] = {
    "customer": (CustomerModel, Customer),
    "order": (OrderModel, Order),
    "inventory_item": (InventoryItemModel, InventoryItem),
    "return": (ReturnModel, Return),
    "customer_subscription": (SubscriptionModel, CustomerSubscription),
    "event": (EventModel, Event),
}


def _system(owner: Owner) -> Principal:
    """Renders see the whole object, whatever the key that caused the change may read."""
    return Principal(
        owner=owner, key_id="system", key_type="sk", scopes=ALL_SCOPES, plan="", account_name=""
    )


@dataclass(frozen=True)
class _Kind:
    model: Any
    present: Any  # the Strawberry type, with from_model
    type_: GraphQLObjectType
    schema: GraphQLSchema
    document: DocumentNode
    # Whether rendering it may load related rows (batched by DataLoaders).
    loads_related: bool


class Representation:
    def __init__(self, engine: GraphQLEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._kinds: dict[str, _Kind] = {}

    def _kind(self, kind: str) -> _Kind:
        if kind not in self._kinds:
            model, present = KINDS[kind]
            main = self.engine.schema
            type_ = core_schema(main).get_type(present.__strawberry_definition__.name)
            assert isinstance(type_, GraphQLObjectType)
            types = list(core_schema(main).type_map.values())
            schema = derived_schema(main, GraphQLSchema(query=type_, types=types))
            document = self.engine.prepare(f"{{ {selection(type_)} }}", schema)
            self._kinds[kind] = _Kind(
                model, present, type_, schema, document, loads_related(present)
            )
        return self._kinds[kind]

    async def _rows(self, session: AsyncSession, subjects: Sequence[Subject]) -> dict[Subject, Any]:
        """The rows of ``subjects``: those given or in the session's identity map, the rest
        in one statement a kind."""
        rows: dict[Subject, Any] = {}
        missing: dict[str, list[Subject]] = {}
        for subject in subjects:
            model = self._kind(subject.kind).model
            row = subject.row or session.identity_map.get(session.identity_key(model, subject.id))
            if row is None:
                missing.setdefault(subject.kind, []).append(subject)
            else:
                rows[subject] = row
        for kind, wanted in missing.items():
            model = self._kind(kind).model
            found = await rows_by_id(
                session=session, model=model, id_column=model.id, keys=[s.id for s in wanted]
            )
            rows.update({s: row for s, row in zip(wanted, found, strict=True) if row is not None})
        return rows

    async def render(
        self, session: AsyncSession, subjects: Sequence[Subject]
    ) -> list[dict[str, Any]]:
        """Each subject's representation, in order."""
        await session.flush()
        rows = await self._rows(session, subjects)
        contexts = {
            owner: Context(
                request_id="render",
                principal=_system(owner),
                uow=UnitOfWork(session=session),
                settings=self.settings,
            )
            for owner in {s.owner for s in subjects}
        }

        async def one(subject: Subject) -> dict[str, Any]:
            row = rows.get(subject)
            if row is None or (row.account_id, row.livemode) != (
                subject.owner.account_id,
                subject.owner.livemode,
            ):
                raise LookupError(f"no {subject.kind} {subject.id} of {subject.owner}")
            kind = self._kind(subject.kind)
            result = await self.engine.execute_trusted(
                kind.document, {}, contexts[subject.owner], schema=kind.schema,
                root=kind.present.from_model(row),
            )  # fmt: skip
            if result.errors or result.data is None:
                error = result.errors[0] if result.errors else None
                raise RuntimeError(f"could not render {subject}: {error}") from error
            body: dict[str, Any] = to_representation(result.data, kind.type_)
            return body

        if not any(self._kind(s.kind).loads_related for s in subjects):
            # Every field at once: one after another, with no turn of the event loop in
            # between (a write renders its stock this way while it holds the stock's lock).
            return [await one(s) for s in subjects]
        # Together, so the DataLoaders batch the related rows of every subject.
        return list(await asyncio.gather(*(one(s) for s in subjects)))


@cache
def standalone_renderer() -> Renderer:
    """A renderer on a schema of its own, for services run outside the app (seeding)."""
    return Representation(GraphQLEngine(build_schema()), Settings()).render
