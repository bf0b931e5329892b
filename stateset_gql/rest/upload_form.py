"""The upload form of ``POST /v1/files``, read as it arrives: ``purpose`` checked as soon
as it is in, the file's bytes handed to a ``Received`` (an ``Upload`` that stores them, or
one that only counts and hashes a retry's), and the fingerprint an Idempotency-Key keeps
of an upload."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request

from stateset_gql.access import idempotency
from stateset_gql.errors import ErrorDetail, ValidationFailed, shown
from stateset_gql.files.service import PURPOSES, Received
from stateset_gql.http.multipart import PartEnd, PartStart, read_form

# A form field's value (``purpose``) is a word, not a document.
MAX_FIELD_BYTES = 1024
MAX_FILENAME = 255


def _invalid(param: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed.from_details([ErrorDetail(param, code, message)])


def _check_purpose(value: str) -> None:
    if value not in PURPOSES:
        raise _invalid(
            "purpose",
            "INVALID_FIELD_FORMAT",
            f"purpose must be one of: {', '.join(PURPOSES)} (got '{shown(value)}')",
        )


def _check_filename(filename: str | None) -> str:
    if filename is None:
        raise _invalid("file", "INVALID_FIELD_FORMAT", "file must be a file part, with a filename")
    if "\x00" in filename:
        raise _invalid("file", "INVALID_FIELD_FORMAT", "file's filename holds a NUL character")
    if len(filename) > MAX_FILENAME:
        raise _invalid(
            "file",
            "INVALID_FIELD_FORMAT",
            f"file's filename can be at most {MAX_FILENAME} characters",
        )
    return filename


R = TypeVar("R", bound=Received)


async def read_upload(request: Request, receive: Callable[[str], R]) -> tuple[str, R]:
    """The form's ``purpose`` and its file, whose bytes go to ``receive(filename)`` as
    they arrive; ``purpose`` is checked as soon as it is in (before the file, when it
    comes first). Whatever was received is aborted if the form fails."""
    purpose: str | None = None
    field = bytearray()
    received: R | None = None
    reading: str | None = None
    try:
        async for event in read_form(request):
            if isinstance(event, bytes):
                if reading == "file" and received is not None:
                    await received.write(event)
                    continue
                field += event
                if len(field) > MAX_FIELD_BYTES:
                    raise _invalid(
                        shown(reading or ""),
                        "INVALID_FIELD_FORMAT",
                        f"{shown(reading or '')} can be at most {MAX_FIELD_BYTES} bytes",
                    )
            elif isinstance(event, PartStart):
                reading = event.name
                if event.name == "file":
                    if received is not None:
                        raise _invalid("file", "VALIDATION_ERROR", "Send one file")
                    received = receive(_check_filename(event.filename))
                    await received.start()
                elif event.name == "purpose":
                    if purpose is not None:
                        raise _invalid("purpose", "VALIDATION_ERROR", "Send one purpose")
                    field.clear()
                else:
                    raise _invalid(
                        shown(event.name),
                        "VALIDATION_ERROR",
                        f"Received unknown parameter: {shown(event.name)}",
                    )
            elif isinstance(event, PartEnd):
                if reading == "purpose":
                    purpose = field.decode("utf-8", "replace")
                    _check_purpose(purpose)
                reading = None
        if purpose is None or received is None:
            raise ValidationFailed.from_details(
                [
                    ErrorDetail(name, "MISSING_REQUIRED_FIELD", f"{name} is required")
                    for name, value in (("purpose", purpose), ("file", received))
                    if value is None
                ]
            )
    except BaseException:
        if received is not None:
            await received.abort()
        raise
    return purpose, received


def upload_fingerprint(request: Request, purpose: str, received: Received) -> str:
    """An upload's Idempotency-Key fingerprint: method, path, purpose, filename and the
    file's size and sha256. Not the multipart bytes: curl, httpx and browsers draw a new
    boundary for every request, so a retry of the very same file would never match."""
    form = {
        "purpose": purpose,
        "filename": received.filename,
        "size": received.size,
        "sha256": received.sha256,
    }
    return idempotency.fingerprint(request.method, request.url.path, form)
