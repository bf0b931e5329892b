"""``GET /v1/jobs/{id}/results`` (API.md section 14): a job's results as JSONL, streamed.

The one job route outside the route table (``rest/routes.py`` holds the others): its
answer is no JSON object but lines, read a recorded part at a time, so no result set is
ever whole in memory. A running job's results are what it has recorded so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from stateset_gql.access.principal import Principal
from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.errors import BadRequest, NotFound, shown
from stateset_gql.http.gated import GatedEndpoint
from stateset_gql.http.routing import Route
from stateset_gql.jobs import queue, service
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.rest.files import error_responses

JSONL = "application/x-ndjson"


class JobRoutes:
    def __init__(self, *, pipeline: Pipeline, db: Database) -> None:
        self.pipeline = pipeline
        self.db = db

    def routes(self) -> list[Route]:
        return [
            Route(
                "/v1/jobs/{id}/results",
                GatedEndpoint(self.pipeline, "jobs:read", self.results),
                methods=["GET"],
            )
        ]

    async def results(self, request: Request, principal: Principal) -> Response:
        if request.query_params:
            key = next(iter(request.query_params))
            raise BadRequest(f"Unknown parameter '{shown(key)}'", param=shown(key))
        job_id = unquote(request.path_params["id"])
        async with self.db.session(write=False) as session:
            job = await service.get(session=session, owner=principal.owner, job_id=job_id)
        if job.results_expires_at is not None and job.results_expires_at <= utcnow():
            raise NotFound(
                f"The results of job '{shown(job_id)}' expired at "
                f"{job.results_expires_at.isoformat()}",
                param="id",
            )
        return StreamingResponse(
            queue.results(db=self.db, job_id=job.id, parts=job.parts), media_type=JSONL
        )


def openapi_paths(status_names: Mapping[int, str]) -> dict[str, Any]:
    """The path item of the results, for ``rest/openapi.py``."""
    return {
        "/v1/jobs/{id}/results": {
            "get": {
                "operationId": "jobs_results",
                "tags": ["jobs"],
                "summary": "A job's results, JSONL",
                "description": "Streamed, one JSON object a line: for a bulk mutation "
                '`{"line": N, "data": {...}}` or `{"line": N, "error": {...}}` for each '
                "input line in order; for a bulk query one node a line. A running job's "
                "results are those recorded so far; kept 7 days after the job ends "
                "(`results_expires_at`), then 404. Scope `jobs:read`.",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {JSONL: {"schema": {"type": "string"}}},
                    },
                    **error_responses(status_names, 404),
                },
            }
        }
    }
