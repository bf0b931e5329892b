"""Request logs as the API reads them (API.md section 15): listed newest first, one by
id, and purged after 30 days. Rows are written only by ``requestlogs.writer``; the
caller owns the read's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.requestlogs.models import RequestLog

RETENTION = timedelta(days=30)
# Rows one purge's transaction deletes: SQLite's write lock is never held for long.
PURGE_CHUNK = 5_000

LIST_SPEC = ListSpec(
    id_column=RequestLog.id,
    fields={
        "id": ListField(RequestLog.id, "id", sortable=True),
        "status": ListField(RequestLog.status, "int", sortable=True),
        "path": ListField(RequestLog.path, "string"),
        "method": ListField(RequestLog.method, "string"),
        "api_key_id": ListField(RequestLog.api_key_id, "id"),
        "created": ListField(RequestLog.created, "datetime", sortable=True),
    },
)
REQUEST_LOGS = OwnedRows(RequestLog, "request log", LIST_SPEC)


async def get(*, session: Any, owner: Owner, request_log_id: str) -> RequestLog:
    return await REQUEST_LOGS.get(session=session, owner=owner, object_id=request_log_id)


async def list_page(*, session: Any, owner: Owner, request: PageRequest) -> Page[RequestLog]:
    return await REQUEST_LOGS.list_page(session=session, owner=owner, request=request)


async def purge_expired(*, db: Database, now: datetime | None = None) -> int:
    """Deletes the rows past ``RETENTION``, a chunk a transaction; how many."""
    cutoff = (now or utcnow()) - RETENTION
    purged = 0
    while True:
        expired = select(RequestLog.id).where(RequestLog.created < cutoff).limit(PURGE_CHUNK)
        async with db.session(write=True) as session, session.begin():
            result = await session.execute(
                delete(RequestLog).where(RequestLog.id.in_(expired.scalar_subquery()))
            )
        count = int(getattr(result, "rowcount", 0) or 0)
        purged += count
        if count < PURGE_CHUNK:
            return purged
