"""``client.jobs.results(id)`` and ``client.jobs.wait(id)``, written by hand on the
generated jobs resource (``create``, ``list``, ``retrieve`` and ``cancel`` come from the
manifest).

A job's results are no route of the table the manifest is made from: they are JSONL,
streamed, one JSON object a line (for a bulk mutation ``{"line": N, "data": {...}}`` or
``{"line": N, "error": {...}}`` for each input line in order; for a bulk query one node a
line), read here as they arrive (``_streams``), never whole in memory.
"""

from __future__ import annotations

import asyncio
import time
from typing import Final, Protocol

from . import _resources
from ._core import RequestOptions, path_segment
from ._objects import AsyncRequester, SyncRequester
from ._streams import AsyncByteStream, AsyncJsonLines, ByteStream, JsonLines
from ._types import Job

# The statuses a job ends in (API.md section 14).
ENDED: Final = frozenset({"succeeded", "failed", "cancelled"})
DEFAULT_WAIT: Final = 600.0
POLL_INTERVAL: Final = 0.5


class SyncStreamer(SyncRequester, Protocol):
    def _stream(self, path: str, options: RequestOptions | None = None) -> ByteStream: ...


class AsyncStreamer(AsyncRequester, Protocol):
    async def _stream(
        self, path: str, options: RequestOptions | None = None
    ) -> AsyncByteStream: ...


def _results_path(id: str) -> str:
    return f"/v1/jobs/{path_segment(id)}/results"


def _late(job: Job, timeout: float) -> TimeoutError:
    return TimeoutError(
        f"job {job.id} is still {job.status} after {timeout:g} s "
        f"({job.processed} of {job.total} lines processed)"
    )


class JobsResource(_resources.JobsResource):
    """`client.jobs`: /v1/jobs, and a job's results."""

    def __init__(self, client: SyncStreamer) -> None:
        super().__init__(client)
        self._streamer = client

    def results(self, id: str, *, request_options: RequestOptions | None = None) -> JsonLines:
        """The job's results as they arrive, one dict per line: GET /v1/jobs/{id}/results
        (``for result in client.jobs.results(id)``). A running job's are those recorded
        so far; 404 once they expired (7 days after the job ended)."""
        return JsonLines(self._streamer._stream(_results_path(id), request_options))

    def wait(
        self,
        id: str,
        *,
        timeout: float = DEFAULT_WAIT,
        interval: float = POLL_INTERVAL,
        request_options: RequestOptions | None = None,
    ) -> Job:
        """The job once it ended (``succeeded``, ``failed`` or ``cancelled``), retrieved
        every ``interval`` seconds; ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.retrieve(id, request_options=request_options)
            if job.status in ENDED:
                return job
            if time.monotonic() + interval > deadline:
                raise _late(job, timeout)
            time.sleep(interval)


class AsyncJobsResource(_resources.AsyncJobsResource):
    """`client.jobs`: /v1/jobs, and a job's results."""

    def __init__(self, client: AsyncStreamer) -> None:
        super().__init__(client)
        self._streamer = client

    async def results(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> AsyncJsonLines:
        """The job's results as they arrive, one dict per line (see ``Client.jobs``):
        ``async for result in await client.jobs.results(id)``."""
        return AsyncJsonLines(await self._streamer._stream(_results_path(id), request_options))

    async def wait(
        self,
        id: str,
        *,
        interval: float = POLL_INTERVAL,
        request_options: RequestOptions | None = None,
    ) -> Job:
        """The job once it ended, retrieved every ``interval`` seconds; bound the wait with
        ``async with asyncio.timeout(seconds):``."""
        while True:
            job = await self.retrieve(id, request_options=request_options)
            if job.status in ENDED:
                return job
            await asyncio.sleep(interval)
