"""``client.batch`` and ``client.files``: written by hand beside the generated resources.

Neither is a route of the table the manifest is made from: a batch answers each
operation's own body (any object, or an error), and an upload is ``multipart/form-data``
streamed from a path, bytes or a binary file, its contents bytes rather than JSON.

An upload is retried as any POST is (one Idempotency-Key across the attempts) only when
its body can be sent again whole: a path (opened afresh each attempt), bytes, or a file
object that can seek. A stream that cannot is sent once: a failure mid-way raises
``APIConnectionError`` rather than resending half of it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NotRequired, Protocol, TypedDict

from ._core import RequestOptions, path_segment
from ._objects import StatesetObject
from ._streams import AsyncByteStream, ByteStream


class Readable(Protocol):
    """A binary file object or stream: ``read(size)`` answering bytes."""

    def read(self, size: int = -1, /) -> bytes: ...


# What ``files.create(file=...)`` takes: a path, the bytes, or a binary file object.
FileInput = str | os.PathLike[str] | bytes | Readable


class BatchOperation(TypedDict):
    """One operation of a batch: a ``/v1`` route, as that request alone would be made."""

    method: Literal["GET", "POST", "PATCH", "DELETE"]
    path: str
    body: NotRequired[Mapping[str, Any]]
    idempotency_key: NotRequired[str]


@dataclass(kw_only=True)
class BatchResult(StatesetObject):
    """One operation's answer: its HTTP status and its body as plain data (the object,
    a list, or an error body ``{"error": {...}}``)."""

    status: int
    body: dict[str, Any]


@dataclass(kw_only=True)
class Batch(StatesetObject):
    """A batch's answer: one result per operation, in the order they were given."""

    _nested: ClassVar[dict[str, type[StatesetObject]]] = {"results": BatchResult}

    object: str
    atomic: bool
    results: list[BatchResult]


@dataclass(kw_only=True)
class File(StatesetObject):
    """An uploaded file (kept 7 days): its size and sha256 as the server computed them."""

    id: str
    object: str
    purpose: str
    filename: str
    size: int
    sha256: str
    created: str
    expires_at: str
    livemode: bool


@dataclass(frozen=True)
class Upload:
    """The multipart form of one upload, rebuilt for every attempt."""

    source: FileInput
    filename: str
    purpose: str

    @property
    def rewindable(self) -> bool:
        if isinstance(self.source, str | os.PathLike | bytes):
            return True
        seekable = getattr(self.source, "seekable", None)
        try:
            return bool(seekable()) if callable(seekable) else False
        except ValueError:  # closed
            return False

    @contextmanager
    def form(self) -> Iterator[dict[str, Any]]:
        """The ``files=`` and ``data=`` of one attempt (a path opened for it alone)."""
        with ExitStack() as stack:
            source = self.source
            if isinstance(source, str | os.PathLike):
                source = stack.enter_context(open(source, "rb"))
            yield {
                "files": {"file": (self.filename, source, "application/octet-stream")},
                "data": {"purpose": self.purpose},
            }


def upload_of(file: FileInput, purpose: str, filename: str | None) -> Upload:
    if isinstance(file, str | os.PathLike):
        name = filename or os.path.basename(os.fspath(file))
    elif isinstance(file, bytes | bytearray | memoryview):
        file, name = bytes(file), filename or "upload"
    elif isinstance(file, io.TextIOBase):
        raise TypeError("files.create takes a binary file (open it with 'rb'), not a text one")
    elif hasattr(file, "read"):
        name = filename or os.path.basename(str(getattr(file, "name", "") or "")) or "upload"
    else:
        raise TypeError(f"file must be a path, bytes or a binary file object, not {file!r}")
    return Upload(source=file, filename=name, purpose=purpose)


class SyncBulkRequester(Protocol):
    def _object(
        self,
        cls: type[Any],
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> Any: ...

    def _upload(
        self,
        upload: Upload,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> File: ...

    def _bytes(self, path: str, options: RequestOptions | None = None) -> bytes: ...

    def _stream(self, path: str, options: RequestOptions | None = None) -> ByteStream: ...


class AsyncBulkRequester(Protocol):
    async def _object(
        self,
        cls: type[Any],
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> Any: ...

    async def _upload(
        self,
        upload: Upload,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> File: ...

    async def _bytes(self, path: str, options: RequestOptions | None = None) -> bytes: ...

    async def _stream(
        self, path: str, options: RequestOptions | None = None
    ) -> AsyncByteStream: ...


def _batch_body(operations: Sequence[BatchOperation], atomic: bool) -> dict[str, Any]:
    if isinstance(operations, str | bytes | Mapping):
        raise TypeError("operations must be a list of {method, path, body?, idempotency_key?}")
    return {"operations": [dict(op) for op in operations], "atomic": atomic}


class BatchResource:
    """`client.batch`: /v1/batch."""

    def __init__(self, client: SyncBulkRequester) -> None:
        self._client = client

    def create(
        self,
        operations: Sequence[BatchOperation],
        atomic: bool = False,
        *,
        idempotency_key: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> Batch:
        """Run up to 1,000 operations in one call: POST /v1/batch. Not atomic, each
        result is that request's own answer (a failure among them raises nothing); atomic,
        the first failure raises its error class, ``details[0]["param"]`` naming
        ``operations[i]``, and nothing is kept."""
        batch: Batch = self._client._object(
            Batch,
            "POST",
            "/v1/batch",
            body=_batch_body(operations, atomic),
            idempotency_key=idempotency_key,
            options=request_options,
        )
        return batch


class AsyncBatchResource:
    """`client.batch`: /v1/batch."""

    def __init__(self, client: AsyncBulkRequester) -> None:
        self._client = client

    async def create(
        self,
        operations: Sequence[BatchOperation],
        atomic: bool = False,
        *,
        idempotency_key: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> Batch:
        """Run up to 1,000 operations in one call: POST /v1/batch (see ``Client.batch``)."""
        batch: Batch = await self._client._object(
            Batch,
            "POST",
            "/v1/batch",
            body=_batch_body(operations, atomic),
            idempotency_key=idempotency_key,
            options=request_options,
        )
        return batch


class FilesResource:
    """`client.files`: /v1/files."""

    def __init__(self, client: SyncBulkRequester) -> None:
        self._client = client

    def create(
        self,
        *,
        file: FileInput,
        purpose: str = "bulk_input",
        filename: str | None = None,
        idempotency_key: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> File:
        """Upload a file of up to 100 MB, streamed: POST /v1/files. ``file`` is a path,
        bytes or a binary file object; ``filename`` defaults to the path's or file's name."""
        return self._client._upload(
            upload_of(file, purpose, filename),
            idempotency_key=idempotency_key,
            options=request_options,
        )

    def retrieve(self, id: str, *, request_options: RequestOptions | None = None) -> File:
        """One file: GET /v1/files/{id}."""
        file: File = self._client._object(
            File, "GET", f"/v1/files/{path_segment(id)}", options=request_options
        )
        return file

    def contents(self, id: str, *, request_options: RequestOptions | None = None) -> bytes:
        """The file's bytes, all in memory: GET /v1/files/{id}/contents (for a large file,
        ``stream_contents``)."""
        return self._client._bytes(f"/v1/files/{path_segment(id)}/contents", request_options)

    def stream_contents(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> ByteStream:
        """The file's bytes as they arrive, never whole in memory: GET
        /v1/files/{id}/contents. ``with client.files.stream_contents(id) as stream:`` then
        ``for chunk in stream`` or ``stream.write_to(path_or_file)``."""
        return self._client._stream(f"/v1/files/{path_segment(id)}/contents", request_options)


class AsyncFilesResource:
    """`client.files`: /v1/files."""

    def __init__(self, client: AsyncBulkRequester) -> None:
        self._client = client

    async def create(
        self,
        *,
        file: FileInput,
        purpose: str = "bulk_input",
        filename: str | None = None,
        idempotency_key: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> File:
        """Upload a file of up to 100 MB, streamed: POST /v1/files (see ``Client.files``)."""
        return await self._client._upload(
            upload_of(file, purpose, filename),
            idempotency_key=idempotency_key,
            options=request_options,
        )

    async def retrieve(self, id: str, *, request_options: RequestOptions | None = None) -> File:
        """One file: GET /v1/files/{id}."""
        file: File = await self._client._object(
            File, "GET", f"/v1/files/{path_segment(id)}", options=request_options
        )
        return file

    async def contents(self, id: str, *, request_options: RequestOptions | None = None) -> bytes:
        """The file's bytes, all in memory: GET /v1/files/{id}/contents (for a large file,
        ``stream_contents``)."""
        return await self._client._bytes(f"/v1/files/{path_segment(id)}/contents", request_options)

    async def stream_contents(
        self, id: str, *, request_options: RequestOptions | None = None
    ) -> AsyncByteStream:
        """The file's bytes as they arrive (see ``Client.files.stream_contents``):
        ``async with await client.files.stream_contents(id) as stream:`` then
        ``async for chunk in stream`` or ``await stream.write_to(path_or_file)``."""
        return await self._client._stream(f"/v1/files/{path_segment(id)}/contents", request_options)
