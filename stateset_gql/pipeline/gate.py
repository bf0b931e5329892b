"""The gate: who is calling, and whether they may call now.

``authenticate`` and ``admit`` are the pipeline's third and fourth stages, the same for
an HTTP request and a WebSocket's ``connection_init``. They run before a body is read.
Rate limiting is a ``RateLimiter``; ``Unlimited`` admits everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from stateset_gql.access.principal import Principal
from stateset_gql.access.service import authenticate
from stateset_gql.db.engine import Database


@dataclass(frozen=True)
class Admission:
    """A request let through: the headers every response to it carries."""

    headers: Mapping[str, str] = field(default_factory=dict)

    async def release(self) -> None:
        """The request is answered (frees a concurrency slot, where one was taken)."""


class RateLimiter(Protocol):
    async def admit(self, principal: Principal) -> Admission: ...


class Unlimited:
    async def admit(self, principal: Principal) -> Admission:
        return Admission()


class Gate:
    def __init__(self, *, db: Database, limiter: RateLimiter | None = None) -> None:
        self.db = db
        self.limiter: RateLimiter = limiter or Unlimited()

    async def authenticate(self, secret: str | None) -> Principal:
        """The caller behind a key, or 401 (missing, malformed, unknown or revoked)."""
        async with self.db.session(write=False) as session:
            return await authenticate(session=session, secret=secret)

    async def admit(self, principal: Principal) -> Admission:
        """429 when the key is over a limit; otherwise its admission."""
        return await self.limiter.admit(principal)
