"""Storing, reading and purging files.

An upload is written as it arrives: the file's row first (``complete`` false, seen by no
request), then each ``CHUNK_BYTES`` of its bytes in a transaction of its own, so a long
upload never holds a write transaction (on SQLite, the database's one write lock) for
longer than one chunk's insert. ``finish`` marks the row complete with its size and
sha256 in the caller's transaction; ``abort`` deletes what was written. A process that
dies mid-upload leaves an incomplete row, which ``purge_expired`` removes once it is
older than any upload may take. Reading streams the chunks one query each, so no file
is ever whole in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.errors import RequestTooLarge, not_found
from stateset_gql.files.models import File, FileChunk
from stateset_gql.ids import new_id
from stateset_gql.serialize import timestamp

MEGABYTE = 1024 * 1024
# The largest file (API.md section 13).
MAX_FILE_BYTES = 100 * MEGABYTE
CHUNK_BYTES = MEGABYTE
# How long a file is kept after its creation (API.md section 13).
FILE_LIFETIME = timedelta(days=7)
# An upload still incomplete this long after it began belongs to a process that died.
ABANDONED_AFTER = timedelta(hours=1)
PURPOSES = ("bulk_input",)


def file_fields(file: File) -> dict[str, Any]:
    """The file as the API shows it."""
    return {
        "id": file.id,
        "object": "file",
        "purpose": file.purpose,
        "filename": file.filename,
        "size": file.size,
        "sha256": file.sha256,
        "created": timestamp(file.created),
        "expires_at": timestamp(file.expires_at),
        "livemode": file.livemode,
    }


def too_large(limit: int = MAX_FILE_BYTES) -> RequestTooLarge:
    return RequestTooLarge(f"Files can be at most {limit // MEGABYTE} MB", param="file")


class Received:
    """A file's bytes counted and hashed as they come, kept nowhere; past ``max_bytes``
    ``write`` raises 413. What a retried upload's body is read into: only to learn that
    it is the upload its Idempotency-Key first stored."""

    def __init__(self, *, filename: str, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.filename = filename
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    async def start(self) -> None:
        """Called when the file's part begins, before its bytes."""

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise too_large(self.max_bytes)
        self._hash.update(data)

    async def abort(self) -> None:
        """Called when the request fails: nothing to undo here."""


class Upload(Received):
    """One file's bytes on their way into the database, counted and hashed as they come;
    past ``max_bytes`` ``write`` raises 413 and the caller ``abort``s."""

    def __init__(
        self,
        *,
        db: Database,
        owner: Owner,
        filename: str,
        max_bytes: int = MAX_FILE_BYTES,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        super().__init__(filename=filename, max_bytes=max_bytes)
        self.db = db
        self.owner = owner
        self.chunk_bytes = chunk_bytes
        self.chunks = 0
        self._pending = bytearray()
        self._file: File | None = None

    async def start(self) -> None:
        """Writes the file's row, seen by no request until ``finish``."""
        now = utcnow()
        file = File(
            id=new_id("file"),
            account_id=self.owner.account_id,
            livemode=self.owner.livemode,
            purpose="",
            filename=self.filename,
            size=0,
            sha256="",
            chunks=0,
            complete=False,
            created=now,
            expires_at=now + FILE_LIFETIME,
        )
        async with self.db.session(write=True) as session, session.begin():
            session.add(file)
        self._file = file

    async def write(self, data: bytes) -> None:
        await super().write(data)
        self._pending += data
        while len(self._pending) >= self.chunk_bytes:
            await self._flush(bytes(self._pending[: self.chunk_bytes]))
            del self._pending[: self.chunk_bytes]

    async def finish(self, *, purpose: str, session: AsyncSession) -> File:
        """The file, complete: its last chunk written (in a transaction of its own), its
        size and sha256 recorded in ``session``'s, which the caller commits, with what
        else must become visible with the file (its Idempotency-Key's response)."""
        file = self._started()
        if self._pending:
            await self._flush(bytes(self._pending))
            self._pending.clear()
        file.purpose = purpose
        file.size = self.size
        file.sha256 = self.sha256
        file.chunks = self.chunks
        file.complete = True
        await session.execute(
            update(File)
            .where(File.id == file.id)
            .values(
                purpose=purpose,
                size=file.size,
                sha256=file.sha256,
                chunks=file.chunks,
                complete=True,
            )
        )
        return file

    async def abort(self) -> None:
        """Deletes whatever was written: the database is as it was before the upload.
        Shielded, so a cancelled request still cleans up after itself."""
        if self._file is not None:
            await asyncio.shield(_delete(self.db, [self._file.id]))
            self._file = None

    def _started(self) -> File:
        if self._file is None:
            raise RuntimeError("Upload.start was not called")
        return self._file

    async def _flush(self, data: bytes) -> None:
        file = self._started()
        async with self.db.session(write=True) as session, session.begin():
            session.add(FileChunk(file_id=file.id, number=self.chunks, data=data))
        self.chunks += 1


async def get(*, db: Database, owner: Owner, file_id: str, now: datetime | None = None) -> File:
    """The owner's complete, unexpired file, or 404."""
    async with db.session(write=False) as session:
        file = (
            await session.execute(
                select(File).where(
                    File.id == file_id,
                    File.owned_by(owner),
                    File.complete.is_(True),
                    File.expires_at > (now or utcnow()),
                )
            )
        ).scalar_one_or_none()
    if file is None:
        raise not_found("file", file_id)
    return file


async def contents(*, db: Database, file: File) -> AsyncIterator[bytes]:
    """The file's bytes, a chunk at a time, each read on its own."""
    for number in range(file.chunks):
        async with db.session(write=False) as session:
            data = (
                await session.execute(
                    select(FileChunk.data).where(
                        FileChunk.file_id == file.id, FileChunk.number == number
                    )
                )
            ).scalar_one_or_none()
        if data is None:
            return  # purged while it was read: the answer ends short of its length
        yield data


async def purge_expired(*, db: Database, now: datetime | None = None) -> int:
    """Deletes expired files and abandoned uploads, chunks and all; how many files."""
    now = now or utcnow()
    async with db.session(write=False) as session:
        ids = list(
            (
                await session.execute(
                    select(File.id).where(
                        (File.expires_at <= now)
                        | (File.complete.is_(False) & (File.created < now - ABANDONED_AFTER))
                    )
                )
            ).scalars()
        )
    # One file a transaction: SQLite's write lock is held for one file's chunks at most.
    for file_id in ids:
        await _delete(db, [file_id])
    return len(ids)


async def _delete(db: Database, file_ids: list[str]) -> None:
    async with db.session(write=True) as session, session.begin():
        await session.execute(delete(FileChunk).where(FileChunk.file_id.in_(file_ids)))
        await session.execute(delete(File).where(File.id.in_(file_ids)))
