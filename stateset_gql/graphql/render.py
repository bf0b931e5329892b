"""The one representation of a resource: what ``GET /v1/<resource>/{id}`` answers.

The REST route, the event's ``data.object`` (and so webhooks and subscriptions) all come
from the representation's selection of the resource's GraphQL type
(``graphql.representation.selection``), executed by the same resolvers and turned into
the representation's form by the same converter. A subject's kind is its ``object``
name (``inventory_item``).

A render starts from the rows the transaction already holds (a row in the session's
identity map costs no statement). Every kind's answer is built straight from its rows
(``graphql.direct``: what executing the selection answers, without executing it, related
rows loaded together for every subject); a kind with a field only its resolver answers
executes the selection with the object as its root (a schema whose query type is the
object's type), its related rows through the DataLoaders.
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
from stateset_gql.graphql.direct import Plan, answers
from stateset_gql.graphql.engine import GraphQLEngine
from stateset_gql.graphql.events.types import Event
from stateset_gql.graphql.internals import core_schema, derived_schema
from stateset_gql.graphql.inventory.types import InventoryItem
from stateset_gql.graphql.jobs.types import Job
from stateset_gql.graphql.loaders import Loaders
from stateset_gql.graphql.objects import loads_related
from stateset_gql.graphql.orders.types import Order
from stateset_gql.graphql.representation.convert import to_representation
from stateset_gql.graphql.representation.selection import selection
from stateset_gql.graphql.returns.types import Return
from stateset_gql.graphql.schema import build_schema
from stateset_gql.graphql.subscriptions.types import CustomerSubscription
from stateset_gql.inventory.models import InventoryItem as InventoryItemModel
from stateset_gql.jobs.models import Job as JobModel
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
    "job": (JobModel, Job),
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
    # How its answer is built from its row without executing the selection, if it can be.
    plan: Plan | None


class Representation:
    def __init__(self, engine: GraphQLEngine, settings: Settings, *, direct: bool = True) -> None:
        self.engine = engine
        self.settings = settings
        # False: every render executes its selection (what the direct answers are
        # checked against).
        self.direct = direct
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
                model, present, type_, schema, document, loads_related(present), Plan.of(type_)
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
        for subject in subjects:
            row = rows.get(subject)
            if row is None or (row.account_id, row.livemode) != (
                subject.owner.account_id,
                subject.owner.livemode,
            ):
                raise LookupError(f"no {subject.kind} {subject.id} of {subject.owner}")
        kinds = [self._kind(s.kind) for s in subjects]
        if self.direct and all(kind.plan is not None for kind in kinds):
            return await self._direct(session, subjects, kinds, rows)
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
            kind = self._kind(subject.kind)
            result = await self.engine.execute_trusted(
                kind.document, {}, contexts[subject.owner], schema=kind.schema,
                root=kind.present.from_model(rows[subject]),
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

    async def _direct(
        self,
        session: AsyncSession,
        subjects: Sequence[Subject],
        kinds: Sequence[_Kind],
        rows: dict[Subject, Any],
    ) -> list[dict[str, Any]]:
        """What executing each kind's selection would answer, built from the rows."""
        loaders = {owner: Loaders(session, owner) for owner in {s.owner for s in subjects}}
        made = await answers(
            [
                (kind.plan, kind.present.from_model(rows[subject]), loaders[subject.owner])
                for subject, kind in zip(subjects, kinds, strict=True)
                if kind.plan is not None
            ]
        )
        return [
            to_representation(answer, kind.type_) for answer, kind in zip(made, kinds, strict=True)
        ]


@cache
def standalone_renderer() -> Renderer:
    """A renderer on a schema of its own, for services run outside the app (seeding)."""
    return Representation(GraphQLEngine(build_schema()), Settings()).render
