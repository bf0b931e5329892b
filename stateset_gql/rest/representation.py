"""The one representation of a resource: what ``GET /v1/<resource>/{id}`` answers.

The REST route, the event's ``data.object`` (and so webhooks and subscriptions) all come
from the retrieve route's GraphQL selection, run in the caller's transaction and turned
into REST form by the same converter. A subject's kind is its ``object`` name
(``inventory_item``), whose retrieve route is the GraphQL field of that name.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLOutputType
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Owner, Principal
from stateset_gql.access.scopes import ALL_SCOPES
from stateset_gql.db.uow import Renderer, Subject, UnitOfWork
from stateset_gql.graphql.context import Context
from stateset_gql.graphql.engine import GraphQLEngine
from stateset_gql.graphql.schema import build_schema
from stateset_gql.rest.convert import to_rest
from stateset_gql.rest.naming import to_camel
from stateset_gql.rest.operations import operation_for, selection
from stateset_gql.rest.routes import ROUTES, RestRoute
from stateset_gql.settings import Settings

# Subjects rendered by one execution; larger batches are split.
BATCH = 20


def _retrieve_route(kind: str) -> RestRoute:
    field = to_camel(kind)
    for route in ROUTES:
        if route.method == "GET" and route.field == field and route.path.endswith("{id}"):
            return route
    raise LookupError(f"no retrieve route for {kind!r}")


def _system(owner: Owner) -> Principal:
    """Renders see the whole object, whatever the key that caused the change may read."""
    return Principal(
        owner=owner, key_id="system", key_type="sk", scopes=ALL_SCOPES, plan="", account_name=""
    )


class Representation:
    def __init__(self, engine: GraphQLEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._document = lru_cache(maxsize=256)(self._build)

    def _field(self, kind: str) -> tuple[str, GraphQLOutputType]:
        operation = operation_for(self.engine.schema, _retrieve_route(kind))
        return operation.route.field, operation.item_type

    def _build(self, kinds: tuple[str, ...]) -> DocumentNode:
        declared = ", ".join(f"$s{i}: ID!" for i in range(len(kinds)))
        fields = []
        for i, kind in enumerate(kinds):
            name, type_ = self._field(kind)
            fields.append(f"s{i}: {name}(id: $s{i}) {{ {selection(type_)} }}")
        return self.engine.prepare(f"query Render({declared}) {{ {' '.join(fields)} }}")

    async def render(
        self, session: AsyncSession, subjects: Sequence[Subject]
    ) -> list[dict[str, Any]]:
        """Each subject's representation, in order; one execution per owner and batch."""
        by_owner: dict[Owner, list[int]] = {}
        for index, subject in enumerate(subjects):
            by_owner.setdefault(subject.owner, []).append(index)
        bodies: dict[int, dict[str, Any]] = {}
        for owner, indexes in by_owner.items():
            for start in range(0, len(indexes), BATCH):
                chunk = indexes[start : start + BATCH]
                done = await self._render(session, owner, [subjects[i] for i in chunk])
                bodies.update(zip(chunk, done, strict=True))
        return [bodies[i] for i in range(len(subjects))]

    async def _render(
        self, session: AsyncSession, owner: Owner, subjects: Sequence[Subject]
    ) -> list[dict[str, Any]]:
        kinds = tuple(s.kind for s in subjects)
        context = Context(
            request_id="render",
            principal=_system(owner),
            uow=UnitOfWork(session=session),
            settings=self.settings,
        )
        result = await self.engine.execute_trusted(
            self._document(kinds), {f"s{i}": s.id for i, s in enumerate(subjects)}, context
        )
        if result.errors or result.data is None:
            error = result.errors[0] if result.errors else None
            raise RuntimeError(f"could not render {kinds}: {error}") from error
        return [to_rest(result.data[f"s{i}"], self._field(kind)[1]) for i, kind in enumerate(kinds)]


@cache
def standalone_renderer() -> Renderer:
    """A renderer on a schema of its own, for services run outside the app (seeding)."""
    return Representation(GraphQLEngine(build_schema()), Settings()).render
