"""The two clients: the same surface, one sending with httpx.Client and sleeping with
time.sleep, the other with httpx.AsyncClient and asyncio.sleep. Everything else is
decided in ``_core``."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from . import _core, _subscribe
from ._bulk import AsyncBatchResource, AsyncFilesResource, BatchResource, File, FilesResource
from ._bulk import Upload as _Upload
from ._core import Config, LastResponse, Prepared, RequestOptions
from ._jobs import AsyncJobsResource, JobsResource
from ._objects import AsyncPage, Page, StatesetObject, page_fields
from ._resources import AsyncResources, Resources
from ._streams import AsyncByteStream, ByteStream
from ._subscribe import AsyncSubscription, Subscription

T = TypeVar("T", bound=StatesetObject)


def _config(api_key: str | None, base_url: str | None, timeout: float, max_retries: int) -> Config:
    return Config(
        api_key=api_key or os.environ.get("STATESET_API_KEY", ""),
        base_url=base_url or os.environ.get("STATESET_BASE_URL", _core.DEFAULT_BASE_URL),
        timeout=timeout,
        max_retries=max_retries,
    )


def _subscription(
    config: Config,
    query: str,
    variables: Mapping[str, Any] | None,
    options: RequestOptions | None,
) -> tuple[_subscribe.Protocol, _subscribe.Settings]:
    _subscribe.require_websockets()
    options = options or {}
    protocol = _subscribe.Protocol(query, variables, options.get("api_key", config.api_key))
    settings = _subscribe.Settings(
        url=_subscribe.ws_url(config.base_url),
        timeout=float(options.get("timeout", config.timeout)),
        max_retries=int(options.get("max_retries", config.max_retries)),
    )
    return protocol, settings


def _send_kwargs(prepared: Prepared) -> dict[str, Any]:
    return {
        "params": prepared.params,
        "headers": prepared.headers,
        "content": prepared.content,
        "timeout": prepared.timeout,
    }


def _upload_kwargs(prepared: Prepared) -> dict[str, Any]:
    return {"params": prepared.params, "headers": prepared.headers, "timeout": prepared.timeout}


class Client(Resources):
    """The StateSet API, synchronously: ``client.orders.create(...)``."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = _core.DEFAULT_TIMEOUT,
        max_retries: int = _core.DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.config = _config(api_key, base_url, timeout, max_retries)
        self._http = http_client or httpx.Client()
        super().__init__(self)
        self.batch = BatchResource(self)
        self.files = FilesResource(self)
        self.jobs: JobsResource = JobsResource(self)

    def _respond(
        self, prepared: Prepared, upload: _Upload | None = None, *, stream: bool = False
    ) -> httpx.Response:
        """The answer after the retries the rules allow: its body read, but for a 2xx
        answer when ``stream`` (the caller reads and closes it)."""
        retry = 0
        while True:
            try:
                if stream:
                    request = self._http.build_request(
                        prepared.method, prepared.url, **_send_kwargs(prepared)
                    )
                    response = self._http.send(request, stream=True)
                    if not response.is_success:
                        response.read()
                elif upload is None:
                    response = self._http.request(
                        prepared.method, prepared.url, **_send_kwargs(prepared)
                    )
                else:
                    with upload.form() as form:
                        response = self._http.request(
                            prepared.method, prepared.url, **_upload_kwargs(prepared), **form
                        )
            except httpx.TransportError as failure:
                delay = _core.retry_delay(prepared, retry, failure=failure)
                if delay is None:
                    raise _core.connection_error(prepared, failure) from failure
            else:
                delay = _core.retry_delay(prepared, retry, response=response)
                if delay is None:
                    return response
            time.sleep(delay)
            retry += 1

    def _send(self, prepared: Prepared) -> tuple[Any, LastResponse]:
        return _core.read(prepared, self._respond(prepared))

    def _upload(
        self,
        upload: _Upload,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> File:
        prepared = _core.prepare_upload(self.config, upload, idempotency_key, options)
        return File.construct(*_core.read(prepared, self._respond(prepared, upload)))

    def _bytes(self, path: str, options: RequestOptions | None = None) -> bytes:
        prepared = _core.prepare(self.config, "GET", path, options=options)
        return _core.read_bytes(prepared, self._respond(prepared))

    def _stream(self, path: str, options: RequestOptions | None = None) -> ByteStream:
        prepared = _core.prepare(self.config, "GET", path, options=options)
        response = self._respond(prepared, stream=True)
        return ByteStream(response, _core.read_stream(prepared, response))

    def _object(
        self,
        cls: type[T],
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> T:
        prepared = _core.prepare(
            self.config, method, path, body=body, idempotency_key=idempotency_key, options=options
        )
        answer, last = self._send(prepared)
        return cls.construct(answer, last)

    def _page(
        self,
        cls: type[T],
        path: str,
        query: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> Page[T]:
        prepared = _core.prepare(self.config, "GET", path, query=query, options=options)
        answer, last = self._send(prepared)

        def following(cursor: str) -> Page[T]:
            return self._page(cls, path, _core.next_query(query, cursor), options)

        return Page(**page_fields(answer, cls, last), _next=following)

    def graphql(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any]:
        """Run one GraphQL operation; its ``data``, or its first error raised."""
        prepared = _core.prepare(
            self.config,
            "POST",
            "/graphql",
            body=_core.graphql_payload(query, variables),
            idempotency_key=idempotency_key,
            options=request_options,
        )
        answer, last = self._send(prepared)
        return _core.graphql_data(answer, last)

    def subscribe(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> Subscription:
        """Subscribe over ``graphql-transport-ws`` at ``<base_url>/graphql``: each
        result's ``data`` as it comes. A dropped socket is reconnected and an ``events``
        subscription resumed after the last event yielded (declare ``$since: ID``, pass
        ``events(since: $since)``, select the event's ``id``). Closing it closes the socket."""
        protocol, settings = _subscription(self.config, query, variables, request_options)
        return Subscription(_subscribe.run(protocol, settings))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(AsyncResources):
    """The StateSet API on asyncio: ``await client.orders.create(...)``."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = _core.DEFAULT_TIMEOUT,
        max_retries: int = _core.DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.config = _config(api_key, base_url, timeout, max_retries)
        self._http = http_client or httpx.AsyncClient()
        super().__init__(self)
        self.batch = AsyncBatchResource(self)
        self.files = AsyncFilesResource(self)
        self.jobs: AsyncJobsResource = AsyncJobsResource(self)

    async def _respond(
        self, prepared: Prepared, upload: _Upload | None = None, *, stream: bool = False
    ) -> httpx.Response:
        """The answer after the retries the rules allow: its body read, but for a 2xx
        answer when ``stream`` (the caller reads and closes it)."""
        retry = 0
        while True:
            try:
                if stream:
                    request = self._http.build_request(
                        prepared.method, prepared.url, **_send_kwargs(prepared)
                    )
                    response = await self._http.send(request, stream=True)
                    if not response.is_success:
                        await response.aread()
                elif upload is None:
                    response = await self._http.request(
                        prepared.method, prepared.url, **_send_kwargs(prepared)
                    )
                else:
                    with upload.form() as form:
                        response = await self._http.request(
                            prepared.method, prepared.url, **_upload_kwargs(prepared), **form
                        )
            except httpx.TransportError as failure:
                delay = _core.retry_delay(prepared, retry, failure=failure)
                if delay is None:
                    raise _core.connection_error(prepared, failure) from failure
            else:
                delay = _core.retry_delay(prepared, retry, response=response)
                if delay is None:
                    return response
            await asyncio.sleep(delay)
            retry += 1

    async def _send(self, prepared: Prepared) -> tuple[Any, LastResponse]:
        return _core.read(prepared, await self._respond(prepared))

    async def _upload(
        self,
        upload: _Upload,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> File:
        prepared = _core.prepare_upload(self.config, upload, idempotency_key, options)
        return File.construct(*_core.read(prepared, await self._respond(prepared, upload)))

    async def _bytes(self, path: str, options: RequestOptions | None = None) -> bytes:
        prepared = _core.prepare(self.config, "GET", path, options=options)
        return _core.read_bytes(prepared, await self._respond(prepared))

    async def _stream(self, path: str, options: RequestOptions | None = None) -> AsyncByteStream:
        prepared = _core.prepare(self.config, "GET", path, options=options)
        response = await self._respond(prepared, stream=True)
        return AsyncByteStream(response, _core.read_stream(prepared, response))

    async def _object(
        self,
        cls: type[T],
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> T:
        prepared = _core.prepare(
            self.config, method, path, body=body, idempotency_key=idempotency_key, options=options
        )
        answer, last = await self._send(prepared)
        return cls.construct(answer, last)

    async def _page(
        self,
        cls: type[T],
        path: str,
        query: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> AsyncPage[T]:
        prepared = _core.prepare(self.config, "GET", path, query=query, options=options)
        answer, last = await self._send(prepared)

        async def following(cursor: str) -> AsyncPage[T]:
            return await self._page(cls, path, _core.next_query(query, cursor), options)

        return AsyncPage(**page_fields(answer, cls, last), _next=following)

    async def graphql(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> dict[str, Any]:
        """Run one GraphQL operation; its ``data``, or its first error raised."""
        prepared = _core.prepare(
            self.config,
            "POST",
            "/graphql",
            body=_core.graphql_payload(query, variables),
            idempotency_key=idempotency_key,
            options=request_options,
        )
        answer, last = await self._send(prepared)
        return _core.graphql_data(answer, last)

    def subscribe(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> AsyncSubscription:
        """Subscribe over ``graphql-transport-ws`` at ``<base_url>/graphql``: each
        result's ``data`` as it comes. A dropped socket is reconnected and an ``events``
        subscription resumed after the last event yielded (declare ``$since: ID``, pass
        ``events(since: $since)``, select the event's ``id``). Closing it closes the socket."""
        protocol, settings = _subscription(self.config, query, variables, request_options)
        return AsyncSubscription(_subscribe.run_async(protocol, settings))

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
