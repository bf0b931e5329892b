"""SQL built from fragments, as PostGraphile's pg-sql2 builds it: the text the compiler
writes and the values a request brings stay apart until the statement is rendered,
once, with every value as a ``$n`` of PostgreSQL's.

A fragment is a sequence of pieces: SQL text, a ``Value`` (bound where it stands), a
``Param`` (a value the plan names and a request gives: one ``$n`` however often it
appears) or a ``Slot`` (a fragment a request gives: a page's statement, its count).
``fill`` puts fragments into slots, never text into text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple


class Value(NamedTuple):
    value: Any


class Param(NamedTuple):
    name: str


class Slot(NamedTuple):
    name: str


Piece = str | Value | Param | Slot


class Prepared(NamedTuple):
    """A fragment rendered: its text, and where each ``$n``'s value comes from."""

    text: str
    sources: tuple[Value | Param, ...]

    def values(self, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The values of ``$1..$n`` for one run of the statement."""
        given = params or {}
        return [s.value if isinstance(s, Value) else given[s.name] for s in self.sources]


class SQL:
    __slots__ = ("_prepared", "pieces")

    def __init__(self, *parts: SQL | Piece) -> None:
        pieces: list[Piece] = []
        for part in parts:
            for piece in part.pieces if isinstance(part, SQL) else (part,):
                if isinstance(piece, str):
                    if not piece:
                        continue
                    if pieces and isinstance(pieces[-1], str):
                        pieces[-1] += piece
                        continue
                pieces.append(piece)
        self.pieces: tuple[Piece, ...] = tuple(pieces)
        self._prepared: Prepared | None = None

    def __add__(self, other: SQL | Piece) -> SQL:
        return SQL(self, other)

    def __radd__(self, other: Piece) -> SQL:
        return SQL(other, self)

    def __contains__(self, piece: Piece) -> bool:
        return piece in self.pieces

    def __repr__(self) -> str:
        return f"SQL{self.pieces!r}"

    def fill(self, slots: Mapping[str, SQL | str]) -> SQL:
        """This fragment with ``slots`` put in (those not given stay slots)."""
        return SQL(
            *(
                slots.get(piece.name, piece) if isinstance(piece, Slot) else piece
                for piece in self.pieces
            )
        )

    def render(self, params: Mapping[str, Any] | None = None) -> tuple[str, list[Any]]:
        """The statement's text and its values, in ``$n`` order."""
        prepared = self.prepare()
        return prepared.text, prepared.values(params)

    def prepare(self) -> Prepared:
        """The text with every value numbered, worked out once a fragment: a kept plan's
        statement is numbered on its first run, not on each."""
        if self._prepared is not None:
            return self._prepared
        text: list[str] = []
        sources: list[Value | Param] = []
        numbered: dict[str, int] = {}
        for piece in self.pieces:
            if isinstance(piece, str):
                text.append(piece)
            elif isinstance(piece, Value):
                sources.append(piece)
                text.append(f"${len(sources)}")
            elif isinstance(piece, Param):
                if piece.name not in numbered:
                    sources.append(piece)
                    numbered[piece.name] = len(sources)
                text.append(f"${numbered[piece.name]}")
            else:
                raise ValueError(f"slot {piece.name!r} was never filled")
        self._prepared = Prepared("".join(text), tuple(sources))
        return self._prepared

    def names(self) -> tuple[str, ...]:
        """The ``Param`` names, in the order ``render`` numbers them."""
        return tuple(dict.fromkeys(p.name for p in self.pieces if isinstance(p, Param)))


def join(fragments: Iterable[SQL | Piece], separator: str) -> SQL:
    parts: list[SQL | Piece] = []
    for i, fragment in enumerate(fragments):
        parts += [separator, fragment] if i else [fragment]
    return SQL(*parts)


_FORMAT = re.compile(r"(%%|%s)")


def format_places(text: str) -> int:
    """How many values a ``format`` driver's statement takes."""
    return sum(1 for token in _FORMAT.findall(text) if token == "%s")


def from_format(text: str, values: Iterable[SQL | Piece]) -> SQL:
    """A statement SQLAlchemy wrote for a ``format`` driver (``%s`` for each value in
    order, ``%%`` for a percent sign) as a fragment with ``values`` in its places."""
    given = iter(values)
    parts: list[SQL | Piece] = []
    for token in _FORMAT.split(text):
        if token == "%s":
            parts.append(next(given))
        else:
            parts.append("%" if token == "%%" else token)
    if next(given, None) is not None:
        raise ValueError("more values than the statement has places")
    return SQL(*parts)
