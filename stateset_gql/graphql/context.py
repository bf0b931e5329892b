"""What every resolver is handed: the caller, the transaction and the request's identity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from graphql import FieldNode
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info as StrawberryInfo

from stateset_gql.access.principal import Principal
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.graphql.loaders import Loaders
from stateset_gql.settings import Settings

if TYPE_CHECKING:
    from stateset_gql.graphql.engine import Operation

# Checks a document of the client's (and its variables) as a request's document is
# checked: its limits, validation, the key's scopes, its input (``pipeline.document``).
Checker = Callable[[str, dict[str, Any] | None], "Operation"]


class RootField(NamedTuple):
    """A root field as it ran: its response key and its node (whose arguments name the
    params of its errors). What a move it defers is attributed to."""

    key: str
    node: FieldNode


@dataclass
class Context:
    request_id: str
    principal: Principal
    uow: UnitOfWork
    settings: Settings
    # Secrets this response shows once (a new key's): an idempotent replay answers null.
    shown_once: set[str] = field(default_factory=set)
    # How a field that takes a document of the client's (a bulk job's) checks it.
    check: Checker | None = None

    @property
    def session(self) -> AsyncSession:
        return self.uow.session

    def require(self, scope: str) -> Owner:
        return self.principal.require(scope)

    @property
    def owner(self) -> Owner:
        """The caller's account and mode, for a root field whose declared scope
        (``graphql.scopes.Needs``) was checked before its resolver ran."""
        return self.principal.owner

    @cached_property
    def loaders(self) -> Loaders:
        """Made on first use, one set per request: batches never cross requests."""
        return Loaders(session=self.session, owner=self.principal.owner)


Info = StrawberryInfo[Context, None]
