"""An answer read as it arrives: a file's contents, a job's results (JSONL).

Only the request is retried (as any GET is, until a 2xx answer's headers come); its body
is then handed over unread, so a 100 MB file never sits whole in memory. A body cut
mid-way raises ``APIConnectionError`` naming how much had arrived, never a retry that
would yield the first bytes again. The timeout bounds each wait for the next chunk, not
the whole read.

Close what you open: ``with client.files.stream_contents(id) as stream: ...`` (reading to
the end closes it too).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import IO, Any, Self, TypeVar

import httpx

from ._core import LastResponse
from ._errors import APIConnectionError, APIError

# Where ``write_to`` writes: a path (created or truncated), or a binary file open for writing.
Destination = str | os.PathLike[str] | IO[bytes]
DEFAULT_CHUNK_SIZE = 1 << 16

T = TypeVar("T")


def _cut(response: httpx.Response, failure: Exception) -> APIConnectionError:
    request = response.request
    return APIConnectionError(
        f"the answer to {request.method} {request.url} was cut after "
        f"{response.num_bytes_downloaded} bytes: {failure!r}"
    )


def _reading(response: httpx.Response, parts: Iterator[T]) -> Iterator[T]:
    """``parts`` of the body, a cut raised as APIConnectionError, the answer closed after."""
    try:
        yield from parts
    except httpx.TransportError as failure:
        raise _cut(response, failure) from failure
    finally:
        response.close()


async def _reading_async(response: httpx.Response, parts: AsyncIterator[T]) -> AsyncIterator[T]:
    try:
        async for part in parts:
            yield part
    except httpx.TransportError as failure:
        raise _cut(response, failure) from failure
    finally:
        await response.aclose()


class ByteStream:
    """A 2xx answer's body as it arrives: iterate it for its chunks (``bytes``), or
    ``write_to(path_or_file)``. ``last_response`` is the answer's."""

    def __init__(self, response: httpx.Response, last_response: LastResponse) -> None:
        self._response = response
        self.last_response = last_response

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body's chunks (of ``chunk_size`` bytes when given, the last one shorter)."""
        return _reading(self._response, self._response.iter_bytes(chunk_size))

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_bytes()

    def iter_lines(self) -> Iterator[str]:
        """The body's lines as text, without their line breaks, blank ones skipped."""
        lines = _reading(self._response, self._response.iter_lines())
        return (line for line in lines if line.strip())

    def write_to(self, destination: Destination, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
        """Writes the body into ``destination`` chunk by chunk; the number of bytes written."""
        if isinstance(destination, str | os.PathLike):
            with open(destination, "wb") as file:
                return self.write_to(file, chunk_size)
        written = 0
        for chunk in self.iter_bytes(chunk_size):
            destination.write(chunk)
            written += len(chunk)
        return written

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncByteStream:
    """A 2xx answer's body as it arrives, on asyncio: ``async for chunk in stream``, or
    ``await stream.write_to(path_or_file)``. ``last_response`` is the answer's."""

    def __init__(self, response: httpx.Response, last_response: LastResponse) -> None:
        self._response = response
        self.last_response = last_response

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body's chunks (of ``chunk_size`` bytes when given, the last one shorter)."""
        return _reading_async(self._response, self._response.aiter_bytes(chunk_size))

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.iter_bytes()

    async def iter_lines(self) -> AsyncIterator[str]:
        """The body's lines as text, without their line breaks, blank ones skipped."""
        async for line in _reading_async(self._response, self._response.aiter_lines()):
            if line.strip():
                yield line

    async def write_to(self, destination: Destination, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
        """Writes the body into ``destination`` chunk by chunk, each write (and a path's
        opening) in a thread so the loop is never blocked; the number of bytes written."""
        if isinstance(destination, str | os.PathLike):
            file = await asyncio.to_thread(open, destination, "wb")
            try:
                return await self.write_to(file, chunk_size)
            finally:
                await asyncio.to_thread(file.close)
        written = 0
        async for chunk in self.iter_bytes(chunk_size):
            await asyncio.to_thread(destination.write, chunk)
            written += len(chunk)
        return written

    async def close(self) -> None:
        await self._response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _object_of(line: str, number: int, last: LastResponse) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError as error:
        raise APIError(
            f"line {number} of the answer is not JSON: {error}", request_id=last.request_id
        ) from error
    if not isinstance(value, dict):
        raise APIError(f"line {number} of the answer is not an object", request_id=last.request_id)
    return value


class JsonLines:
    """A JSONL answer (``application/x-ndjson``) as it arrives: iterate it for one parsed
    object (a dict) per line. ``last_response`` is the answer's. Reading to the end closes
    it; ``with`` closes it when you stop before."""

    def __init__(self, stream: ByteStream) -> None:
        self._stream = stream
        self.last_response = stream.last_response

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for number, line in enumerate(self._stream.iter_lines(), start=1):
            yield _object_of(line, number, self.last_response)

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncJsonLines:
    """A JSONL answer as it arrives, on asyncio: ``async for obj in lines``, one parsed
    object per line. Reading to the end closes it; ``async with`` when you stop before."""

    def __init__(self, stream: AsyncByteStream) -> None:
        self._stream = stream
        self.last_response = stream.last_response

    async def _objects(self) -> AsyncIterator[dict[str, Any]]:
        number = 0
        async for line in self._stream.iter_lines():
            number += 1
            yield _object_of(line, number, self.last_response)

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._objects()

    async def close(self) -> None:
        await self._stream.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
