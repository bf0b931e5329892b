"""Typed objects, one page of a list, and the interface the resources call."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from ._core import LastResponse, RequestOptions


@dataclass(kw_only=True)
class StatesetObject:
    """An object of the API: REST's fields as attributes, under REST's names, and
    ``last_response`` (its ``request_id``) of the answer it came from."""

    # Fields holding objects (or lists of them), by field name: set by each generated type.
    _nested: ClassVar[dict[str, type[StatesetObject]]] = {}

    last_response: LastResponse | None = field(default=None, repr=False, compare=False)
    _raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def construct(cls, data: Mapping[str, Any], last_response: LastResponse | None = None) -> Self:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in ("last_response", "_raw"):
                continue
            value = data.get(f.name)
            nested = cls._nested.get(f.name)
            if nested is not None and value is not None:
                if isinstance(value, list):
                    value = [nested.construct(v) for v in value]
                elif isinstance(value, Mapping):
                    value = nested.construct(value)
            values[f.name] = value
        return cls(last_response=last_response, _raw=dict(data), **values)

    def to_dict(self) -> dict[str, Any]:
        """The object as the API sent it (fields this SDK version does not know included)."""
        return dict(self._raw)


T = TypeVar("T", bound=StatesetObject)


@dataclass
class Page(Generic[T]):
    """One page of a list. ``auto_paging_iter()`` walks every page from this one on,
    fetching each next page only when the previous one is used up."""

    data: list[T]
    has_more: bool
    next_cursor: str | None
    url: str | None = None
    total_count: int | None = None
    last_response: LastResponse | None = field(default=None, repr=False, compare=False)
    _next: Callable[[str], Page[T]] | None = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def next_page(self) -> Page[T] | None:
        if not self.has_more or not self.next_cursor or self._next is None:
            return None
        return self._next(self.next_cursor)

    def auto_paging_iter(self) -> Iterator[T]:
        page: Page[T] | None = self
        while page is not None:
            yield from page.data
            page = page.next_page()


@dataclass
class AsyncPage(Generic[T]):
    """One page of a list on the async client; ``async for`` (or
    ``auto_paging_iter()``) walks every page from this one on, lazily."""

    data: list[T]
    has_more: bool
    next_cursor: str | None
    url: str | None = None
    total_count: int | None = None
    last_response: LastResponse | None = field(default=None, repr=False, compare=False)
    _next: Callable[[str], Awaitable[AsyncPage[T]]] | None = field(
        default=None, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.data)

    async def next_page(self) -> AsyncPage[T] | None:
        if not self.has_more or not self.next_cursor or self._next is None:
            return None
        return await self._next(self.next_cursor)

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.data:
                yield item
            page = await page.next_page()

    def __aiter__(self) -> AsyncIterator[T]:
        return self.auto_paging_iter()


def page_fields(body: Mapping[str, Any], cls: type[T], last: LastResponse) -> dict[str, Any]:
    """The fields of a Page or AsyncPage read from a list answer."""
    return {
        "data": [cls.construct(item) for item in body.get("data") or []],
        "has_more": bool(body.get("has_more")),
        "next_cursor": body.get("next_cursor"),
        "url": body.get("url"),
        "total_count": body.get("total_count"),
        "last_response": last,
    }


class SyncRequester(Protocol):
    def _object(
        self,
        cls: type[T],
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> T: ...

    def _page(
        self,
        cls: type[T],
        path: str,
        query: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> Page[T]: ...


class AsyncRequester(Protocol):
    async def _object(
        self,
        cls: type[T],
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> T: ...

    async def _page(
        self,
        cls: type[T],
        path: str,
        query: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> AsyncPage[T]: ...
