"""``createOrder`` over HTTP at a steady rate, as the subscribers benchmark's source of
events."""

from __future__ import annotations

import asyncio
import secrets
import time

import orjson

from bench.environment import SKUS
from bench.loadgen import Connection

CREATE_ORDER = "mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }"
WRITERS = 16  # HTTP connections the writer spreads its orders over


class Writer:
    """createOrder over HTTP at a steady rate, on a few keep-alive connections."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.run_id = secrets.token_hex(4)
        self.pool: asyncio.Queue[Connection] = asyncio.Queue()
        self.made = 0
        self.errors = 0
        self.unsent = 0
        self.n = 0

    async def open(self) -> None:
        for _ in range(WRITERS):
            self.pool.put_nowait(await Connection.open("127.0.0.1", self.port))

    async def close(self) -> None:
        while not self.pool.empty():
            await self.pool.get_nowait().close()

    async def order(self, until: float = float("inf")) -> bool | None:
        """One createOrder: True when made; None when no connection came free before
        ``until`` (perf_counter), so it was never sent."""
        self.n += 1
        line = {"sku": SKUS[self.n % len(SKUS)], "name": f"s{self.run_id}", "quantity": 1,
                "unitAmount": 1999}  # fmt: skip
        body = orjson.dumps(
            {"query": CREATE_ORDER, "variables": {"i": {"currency": "USD", "lineItems": [line]}}}
        )
        http = await self.pool.get()
        if time.perf_counter() > until:
            self.pool.put_nowait(http)
            self.unsent += 1
            return None
        try:
            response = await http.request("POST", "/graphql", body, self.headers)
        except (OSError, IndexError, asyncio.IncompleteReadError):
            # The server closed it while it idled (keep-alive timeout): a new one.
            await http.close()
            http = await Connection.open("127.0.0.1", self.port)
            response = await http.request("POST", "/graphql", body, self.headers)
        finally:
            self.pool.put_nowait(http)
        ok = response.status == 200 and b'"errors"' not in response.body
        self.made += ok
        self.errors += not ok
        return ok

    async def paced(self, rate: float, seconds: float) -> tuple[int, float]:
        """Orders at ``rate`` a second for ``seconds``, open loop over ``WRITERS``
        connections; one still waiting for a connection at the end is not sent
        (``unsent``). How many were made, and the seconds from the first send to the last
        answer."""
        self.made = self.errors = self.unsent = 0
        total = round(rate * seconds)
        started = time.perf_counter()
        until = started + seconds
        pending: set[asyncio.Task[bool | None]] = set()
        for i in range(total):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.add(asyncio.create_task(self.order(until)))
        if pending:
            await asyncio.wait(pending)
        return self.made, time.perf_counter() - started
