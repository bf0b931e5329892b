"""How the dashboard does anything: a GraphQL operation through the API's own door.

Each page's reads and each form's action is a GraphQL document written here, run as the
signed-in key exactly as ``/graphql`` runs a client's POST (``pipeline/door.py``): the
key admitted by its rate limits, the document checked (its root fields' scopes, the input
boundary), then run in a unit of work with the form's Idempotency-Key, its events
published after commit. The dashboard never touches a table itself, so what a page shows
and does is what the key may do through the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from stateset_gql.access.principal import Principal
from stateset_gql.access.service import principal_of_key
from stateset_gql.errors import StateSetError
from stateset_gql.http.graphql_endpoint import graphql_call
from stateset_gql.pipeline.document import Over
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.runner import database_answers


@dataclass(frozen=True)
class Problem:
    """An error the API answered, as a page shows it."""

    message: str
    code: str
    status: int


@dataclass(frozen=True)
class Result:
    data: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    replayed: bool = False
    # The admission's rate-limit headers (``X-RateLimit-Limit``, ``-Remaining``...): the
    # key's use of its current window, as every API answer tells it.
    limits: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def status(self) -> int:
        """The HTTP status a page answering this result has: the first problem's."""
        return self.problems[0].status if self.problems else 200


def _problem(error: dict[str, Any]) -> Problem:
    extensions = error.get("extensions") or {}
    return Problem(
        message=str(error.get("message", "")),
        code=str(extensions.get("code", "")),
        status=int(extensions.get("status") or 400),
    )


class Console:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    async def principal(self, key_id: str) -> Principal:
        """The signed-in key's principal, read again: a revoked key raises 401."""
        with database_answers():
            async with self.pipeline.runner.db.session(write=False) as session:
                return await principal_of_key(session=session, key_id=key_id)

    async def run(
        self,
        principal: Principal,
        request_id: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Result:
        """``query`` as ``principal``'s POST to ``/graphql``; refusals come back as problems."""
        admission = await self.pipeline.admit(principal)
        try:
            if admission.refused is not None:
                raise admission.refused
            operation = self.pipeline.check(
                query, variables, None, over=Over.POST, principal=principal
            )
            rendered = await self.pipeline.run(
                principal=principal,
                request_id=request_id,
                call=graphql_call(operation, request_id),
                idempotency_key=idempotency_key,
            )
        except StateSetError as error:
            problem = Problem(error.message, error.code, error.status)
            return Result(problems=(problem,), limits=dict(admission.headers))
        finally:
            await admission.release()
        body = orjson.loads(rendered.body)
        return Result(
            data=body.get("data") or {},
            problems=tuple(_problem(e) for e in body.get("errors") or ()),
            replayed=rendered.replayed,
            limits=dict(admission.headers),
        )
