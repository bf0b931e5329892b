"""One attempt: a signed POST of a delivery's body with one pooled httpx client.

Redirects are not followed (a 3xx is a failed attempt), the whole attempt is bounded by
``timeout``, and the response's first 1 KB is kept. For a live-mode endpoint the host
is resolved and checked first (``addresses``) and the connection goes to the checked
address, the URL's host still sent as ``Host`` and as the TLS server name.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from stateset_gql.db.base import utcnow
from stateset_gql.webhooks import addresses, signing
from stateset_gql.webhooks.queue import Attempt, Claimed

TIMEOUT_SECONDS = 30.0
KEPT_RESPONSE_BYTES = 1024


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


async def _head(response: httpx.Response) -> bytes:
    """The response body's first ``KEPT_RESPONSE_BYTES``, never reading much more."""
    if response.is_stream_consumed:  # already in memory (a transport that buffers)
        return response.content[:KEPT_RESPONSE_BYTES]
    chunks = bytearray()
    async for chunk in response.aiter_raw():
        chunks += chunk
        if len(chunks) >= KEPT_RESPONSE_BYTES:
            break
    return bytes(chunks[:KEPT_RESPONSE_BYTES])


class Sender:
    def __init__(
        self,
        *,
        timeout: float = TIMEOUT_SECONDS,
        resolver: addresses.Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.resolver = resolver or addresses.Resolver()
        self.client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=200),
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def _request(self, delivery: Claimed, timestamp: int) -> httpx.Request:
        target = await self.resolver.target(delivery.url, livemode=delivery.livemode)
        headers = signing.headers(
            body=delivery.body,
            webhook_id=delivery.id,
            event_type=delivery.event_type,
            timestamp=timestamp,
            secrets=delivery.secrets,
        )
        url = httpx.URL(delivery.url)
        extensions = {}
        if target.address is not None:
            headers["Host"] = url.netloc.decode("ascii")
            extensions["sni_hostname"] = target.host
            url = url.copy_with(host=target.address)
        return self.client.build_request(
            "POST", url, content=delivery.body, headers=headers, extensions=extensions
        )

    async def send(self, delivery: Claimed) -> Attempt:
        attempted_at = utcnow()
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        kept: str | None = None
        try:
            async with asyncio.timeout(self.timeout):
                request = await self._request(delivery, int(time.time()))
                response = await self.client.send(request, stream=True)
                try:
                    status = response.status_code
                    kept = (await _head(response)).decode("utf-8", "replace")
                finally:
                    await response.aclose()
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
        except addresses.Refused as refused:
            error = f"refused: {refused}"
        except (httpx.TimeoutException, TimeoutError):
            error = "timed out"
        except Exception as exc:  # noqa: BLE001 - whatever failed, the attempt is recorded
            error = f"{type(exc).__name__}: {_short(exc)}"
        return Attempt(
            delivery=delivery,
            attempted_at=attempted_at,
            status_code=status,
            duration_ms=round((time.perf_counter() - started) * 1000),
            error=error,
            response_body=kept,
        )
