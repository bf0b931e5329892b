"""Housekeeping every API process runs now and then: events and request logs past 30
days, idempotency keys past 24 hours, and files past their ``expires_at`` (with uploads a
dead process left unfinished) are deleted. Deleting twice is harmless, so any number of
processes may run it at once."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete

from stateset_gql.access.idempotency import purge_expired
from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.events.models import Event
from stateset_gql.files.service import purge_expired as purge_expired_files
from stateset_gql.jobs.queue import purge_expired_results
from stateset_gql.requestlogs.service import purge_expired as purge_expired_request_logs
from stateset_gql.settings import Settings

log = logging.getLogger("stateset_gql.maintenance")

EVENT_RETENTION = timedelta(days=30)
INTERVAL_SECONDS = 3600


@dataclass(frozen=True)
class Purged:
    events: int
    idempotency_keys: int
    files: int = 0
    job_results: int = 0
    request_logs: int = 0


async def purge_once(*, db: Database, settings: Settings) -> Purged:
    async with db.session(write=True) as session, session.begin():
        result = await session.execute(
            delete(Event).where(Event.created < utcnow() - EVENT_RETENTION)
        )
    events = int(getattr(result, "rowcount", 0) or 0)
    keys = await purge_expired(db=db, ttl_seconds=settings.idempotency_ttl_seconds)
    files = await purge_expired_files(db=db)
    job_results = await purge_expired_results(db=db)
    request_logs = await purge_expired_request_logs(db=db)
    return Purged(
        events=events,
        idempotency_keys=keys,
        files=files,
        job_results=job_results,
        request_logs=request_logs,
    )


async def run_forever(*, db: Database, settings: Settings) -> None:
    while True:
        try:
            purged = await purge_once(db=db, settings=settings)
            if any(dataclasses.astuple(purged)):
                log.info(
                    "purged %s events, %s idempotency keys, %s files, %s jobs' results "
                    "and %s request logs",
                    *dataclasses.astuple(purged),
                )
        except Exception:
            log.exception("maintenance failed; trying again later")
        await asyncio.sleep(INTERVAL_SECONDS)
