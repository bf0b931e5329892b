"""Reading a ``multipart/form-data`` body as it arrives, with nothing spooled.

Starlette's ``request.form()`` writes each file to a temporary file (in memory up to
1 MB, on disk past it) and hands it over only once the whole body is in. An upload is
stored as it comes instead, so this reads the body through python-multipart's
incremental parser (the one ``request.form()`` itself uses) and yields what the parser
found after each piece of the body: a part's start (``PartStart``, its headers parsed),
its data (``bytes``, never more than the piece of body it came in), its end
(``PartEnd``). Memory stays at one piece of body plus one part's headers, whatever the
size of the body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from stateset_gql.errors import BadRequest, UnsupportedMediaType

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

# A part's headers (Content-Disposition, Content-Type) are short; more is not a form.
MAX_HEADER_BYTES = 16 * 1024


@dataclass(frozen=True)
class PartStart:
    name: str
    # Present for a file part (``Content-Disposition: form-data; name="file"; filename=...``).
    filename: str | None


@dataclass(frozen=True)
class PartEnd:
    pass


Event = PartStart | bytes | PartEnd


def _malformed(why: str) -> BadRequest:
    return BadRequest(f"The request body is not valid multipart/form-data: {why}")


def boundary_of(request: Request) -> bytes:
    """The body's boundary; 415 for a body that is not ``multipart/form-data``."""
    kind, options = parse_options_header(request.headers.get("content-type"))
    if kind != b"multipart/form-data":
        shown = kind.decode("latin-1") or "no content type"
        raise UnsupportedMediaType(f"Send files as multipart/form-data, not {shown}")
    boundary = options.get(b"boundary")
    if not boundary:
        raise _malformed("its Content-Type names no boundary")
    return boundary


class _Collector:
    """The parser's callbacks, gathering events until the reader takes them."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.ended = False
        self._field = b""
        self._value = b""
        self._header_bytes = 0
        self._disposition = b""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": lambda: self.events.append(PartEnd()),
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._header_bytes = 0
        self._disposition = b""

    def _grow(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > MAX_HEADER_BYTES:
            raise _malformed(f"a part's headers are over {MAX_HEADER_BYTES // 1024} KB")

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._grow(end - start)
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._grow(end - start)
        self._value += data[start:end]

    def _header_end(self) -> None:
        if self._field.lower() == b"content-disposition":
            self._disposition = self._value
        self._field, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise _malformed("a part has no Content-Disposition name")
        filename = options.get(b"filename")
        self.events.append(
            PartStart(
                name=options[b"name"].decode("utf-8", "replace"),
                filename=None if filename is None else filename.decode("utf-8", "replace"),
            )
        )

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self.events.append(data[start:end])

    def _end(self) -> None:
        self.ended = True


async def read_form(request: Request) -> AsyncIterator[Event]:
    """The body's parts as they arrive; 400 when the body is not a complete form."""
    collector = _Collector()
    parser = MultipartParser(boundary_of(request), collector.callbacks())
    async for piece in request.stream():
        try:
            parser.write(piece)
        except FormParserError as exc:
            raise _malformed("it does not follow its boundary") from exc
        events, collector.events = collector.events, []
        for event in events:
            yield event
    parser.finalize()
    if not collector.ended:
        raise _malformed("it ended before its closing boundary")
