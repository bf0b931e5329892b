"""The two forms an answer is written in: GraphQL's, and the representation's.

GraphQL writes camelCase keys and an enum's name (``PENDING``); the representation
writes snake_case keys and the enum's value (``pending``), and a list of objects is a
``Page`` of them rather than a connection. The compiled engine is told which form to
write; what a surface wraps around a page (REST's list envelope) is the surface's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stateset_gql.naming import to_snake


@dataclass(frozen=True)
class Form:
    name: str
    snake_case: bool
    # An enum by its value (``pending``) rather than its GraphQL name (``PENDING``).
    enum_values: bool
    # A connection answered as a ``Page`` of its nodes.
    pages: bool

    def key(self, name: str) -> str:
        return to_snake(name) if self.snake_case else name


GRAPHQL = Form("graphql", snake_case=False, enum_values=False, pages=False)
REPRESENTATION = Form("representation", snake_case=True, enum_values=True, pages=True)


@dataclass(frozen=True)
class Page:
    """One page of a list in the representation's form: its objects (JSON text, or
    values still to be encoded), whether more follow, the last one's cursor, and the
    total when it was asked for."""

    nodes: Any
    has_next_page: bool
    end_cursor: str | None
    total_count: int | None
