"""``/v1/files`` (API.md section 13): upload, retrieve, download.

These three routes are outside the route table (``rest/routes.py``): the table's routes
each run a GraphQL field on a JSON body, and a file is neither JSON going in nor coming
out. They pass the same gate as every request (authenticate, admit, the key's scope) and
answer errors in the contract's format. An upload is read as it arrives
(``rest/upload_form``) and stored a chunk at a time (``files/service.Upload``); nothing of
a failed upload stays behind. With an Idempotency-Key, the key is claimed before the body
is read and the answer stored as the file becomes complete (``access/idempotency``:
``claim_unread``). ``ALLOWANCES`` gives ``POST /v1/files`` the only body over 10 MB,
through the body-limit middleware.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from stateset_gql.access import idempotency
from stateset_gql.access.principal import Principal
from stateset_gql.db.engine import Database
from stateset_gql.errors import BadRequest, shown
from stateset_gql.files import service
from stateset_gql.files.models import File
from stateset_gql.files.service import MAX_FILE_BYTES, PURPOSES, Received, Upload, file_fields
from stateset_gql.http.gated import GatedEndpoint
from stateset_gql.http.middleware import BodyAllowance
from stateset_gql.http.responses import JSONResponse
from stateset_gql.http.routing import Route
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.rest.upload_form import read_upload, upload_fingerprint
from stateset_gql.settings import Settings

# The form around the file (boundaries, part headers, ``purpose``) on top of its bytes.
FORM_OVERHEAD = 64 * 1024
# A 100 MB upload must arrive within this long (the default 30 s would need 3.4 MB/s).
UPLOAD_SECONDS = 600.0
ALLOWANCES = {
    ("POST", "/v1/files"): BodyAllowance(
        max_bytes=MAX_FILE_BYTES + FORM_OVERHEAD, timeout_seconds=UPLOAD_SECONDS
    )
}


class FileRoutes:
    def __init__(self, *, pipeline: Pipeline, db: Database, settings: Settings) -> None:
        self.pipeline = pipeline
        self.db = db
        self.settings = settings

    def routes(self) -> list[Route]:
        return [
            Route(
                "/v1/files",
                GatedEndpoint(self.pipeline, "files:write", self.create),
                methods=["POST"],
            ),
            Route(
                "/v1/files/{id}",
                GatedEndpoint(self.pipeline, "files:read", self.retrieve),
                methods=["GET"],
            ),
            Route(
                "/v1/files/{id}/contents",
                GatedEndpoint(self.pipeline, "files:read", self.contents),
                methods=["GET"],
            ),
        ]

    async def create(self, request: Request, principal: Principal) -> Response:
        """An upload; with an Idempotency-Key, its key claimed before the body is read, so
        a concurrent retry is told 409 at once. A retry after the first stored its answer
        reads its body, stores none of it, and is answered the first file or 400."""
        key = request.headers.get("idempotency-key")
        if key is None:
            return await self._upload(request, principal, claim=None)
        lease = self.settings.idempotency_lock_seconds
        claimed = await idempotency.claim_unread(
            db=self.db,
            api_key_id=principal.key_id,
            key=idempotency.check_key(key),
            ttl_seconds=self.settings.idempotency_ttl_seconds,
            lock_seconds=lease,
        )
        if isinstance(claimed, idempotency.Answered):
            purpose, received = await read_upload(request, lambda name: Received(filename=name))
            replay = claimed.replay(upload_fingerprint(request, purpose, received))
            return JSONResponse(
                replay.body, status_code=replay.status, headers={"Idempotent-Replayed": "true"}
            )
        stored = False
        try:
            # Renewed while the body arrives (up to UPLOAD_SECONDS), as a JSON request's is
            # while it runs: only a dead process's claim ever lapses.
            async with idempotency.kept(db=self.db, claim=claimed, lock_seconds=lease):
                response = await self._upload(request, principal, claim=claimed)
            stored = True
        finally:
            if not stored:
                # Nothing committed (413, 422, the client gone): the key is free again.
                # Shielded, like the upload's own abort, so a cancelled request still does.
                await asyncio.shield(
                    idempotency.release(db=self.db, claim=claimed, lock_seconds=lease)
                )
        return response

    async def _upload(
        self, request: Request, principal: Principal, *, claim: idempotency.Claim | None
    ) -> Response:
        """Stores the file; its row becomes complete in the transaction that stores the
        response under ``claim``, so a file is visible exactly when its answer is kept."""

        def upload(filename: str) -> Upload:
            return Upload(db=self.db, owner=principal.owner, filename=filename)

        purpose, received = await read_upload(request, upload)
        try:
            async with self.db.session(write=True) as session, session.begin():
                file = await received.finish(purpose=purpose, session=session)
                body = orjson.dumps(file_fields(file))
                if claim is not None:
                    await idempotency.store(
                        session=session,
                        claim=claim,
                        status=201,
                        body=body,
                        fingerprint=upload_fingerprint(request, purpose, received),
                    )
        except BaseException:
            await received.abort()
            raise
        return JSONResponse(body, status_code=201)

    async def retrieve(self, request: Request, principal: Principal) -> Response:
        file = await self._file(request, principal)
        return JSONResponse(file_fields(file))

    async def contents(self, request: Request, principal: Principal) -> Response:
        file = await self._file(request, principal)
        return StreamingResponse(
            service.contents(db=self.db, file=file),
            media_type="application/octet-stream",
            headers={"Content-Length": str(file.size)},
        )

    async def _file(self, request: Request, principal: Principal) -> File:
        if request.query_params:
            key = next(iter(request.query_params))
            raise BadRequest(f"Unknown parameter '{shown(key)}'", param=shown(key))
        file_id = unquote(request.path_params["id"])
        return await service.get(db=self.db, owner=principal.owner, file_id=file_id)


# -- OpenAPI: the three routes, described here since the route table does not hold them ----

FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An uploaded file; kept 7 days after its creation",
    "properties": {
        "id": {"type": "string"},
        "object": {"const": "file"},
        "purpose": {"type": "string", "enum": list(PURPOSES)},
        "filename": {"type": "string"},
        "size": {"type": "integer", "description": "bytes"},
        "sha256": {"type": "string", "description": "hex digest of the bytes"},
        "created": {"type": "string", "format": "date-time"},
        "expires_at": {"type": "string", "format": "date-time"},
        "livemode": {"type": "boolean"},
    },
    "required": [
        "id", "object", "purpose", "filename", "size", "sha256", "created", "expires_at",
        "livemode",
    ],
}  # fmt: skip


def _errors(
    names: Mapping[int, str], *statuses: int, inline: dict[int, str] | None = None
) -> dict[str, Any]:
    """Responses by reference to the shared error responses (``names``: their component
    names), and ``inline`` ones whose description is this route's own."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    found: dict[str, Any] = {
        str(s): {"$ref": f"#/components/responses/{names[s]}"} for s in statuses
    }
    for status, text in (inline or {}).items():
        found[str(status)] = {"description": text, "content": error}
    return dict(sorted(found.items()))


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_COMMON = (400, 401, 403, 429, 500, 503)


def error_responses(names: Mapping[int, str], *statuses: int) -> dict[str, Any]:
    """The error responses of a route outside the table: those every request may meet,
    and ``statuses``."""
    return _errors(names, *_COMMON, *statuses)


def openapi_paths(status_names: Mapping[int, str]) -> dict[str, Any]:
    """The path items of ``/v1/files``, for ``rest/openapi.py`` (``status_names``: the
    components of its shared error responses)."""
    file_ref = {"$ref": "#/components/schemas/File"}
    return {
        "/v1/files": {
            "post": {
                "operationId": "files_create",
                "tags": ["files"],
                "summary": "Upload a file",
                "description": "multipart/form-data with `purpose` and `file`: up to 100 MB, "
                "streamed; refused with 413 while it is read past the limit. Scope "
                "`files:write`.",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "schema": {"type": "string", "maxLength": 255},
                        "description": "Retries with the same key and the same purpose, "
                        "filename and file bytes replay the first answer (24 hours)",
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "purpose": {"type": "string", "enum": list(PURPOSES)},
                                    "file": {"type": "string", "format": "binary"},
                                },
                                "required": ["purpose", "file"],
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "content": {"application/json": {"schema": file_ref}},
                    },
                    **_errors(
                        status_names,
                        *_COMMON,
                        409,
                        422,
                        inline={
                            413: "File over 100 MB",
                            415: "Body that is not multipart/form-data",
                        },
                    ),
                },
            }
        },
        "/v1/files/{id}": {
            "get": {
                "operationId": "files_retrieve",
                "tags": ["files"],
                "summary": "Retrieve one file",
                "description": "Scope `files:read`; an expired file is not found.",
                "parameters": [_ID],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": file_ref}},
                    },
                    **_errors(status_names, *_COMMON, 404),
                },
            }
        },
        "/v1/files/{id}/contents": {
            "get": {
                "operationId": "files_contents",
                "tags": ["files"],
                "summary": "Download a file's bytes",
                "description": "Streamed as they were uploaded. Scope `files:read`.",
                "parameters": [_ID],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },
                    **_errors(status_names, *_COMMON, 404),
                },
            }
        },
    }
