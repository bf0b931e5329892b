"""The subscribers benchmark's client process: every WebSocket subscriber in one asyncio
process, driven by commands on stdin (connect, probe, reset, stats, report, quit) and
answering one JSON line each on stdout, with its own CPU time."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from bench.procstats import raise_open_files

EVENTS = 'subscription { events(types: ["order.*"]) { id type sequence created } }'
SUBSCRIBE = orjson.dumps({"type": "subscribe", "id": "1", "payload": {"query": EVENTS}}).decode()


def init_message(key: str) -> str:
    return orjson.dumps(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}}
    ).decode()


@dataclass
class ClientState:
    count: int
    floor: int = 0  # messages at or below this sequence are not measured
    received: list[int] = field(default_factory=list)  # per socket, above the floor
    latencies: array[float] = field(default_factory=lambda: array("d"))
    first: float = 0.0
    last: float = 0.0
    max_sequence: int = 0
    errors: int = 0
    ended: int = 0  # sockets closed or operations ended
    created_at: dict[str, float] = field(default_factory=dict)
    dead: set[int] = field(default_factory=set)  # sockets that never subscribed
    unprobed: int = 0  # sockets with nothing above the floor yet
    probed: asyncio.Event = field(default_factory=asyncio.Event)

    def reset(self) -> None:
        self.floor = self.max_sequence
        self.received = [0] * self.count
        self.unprobed = self.count - len(self.dead)
        self.latencies = array("d")
        self.first = self.last = 0.0


async def _socket(
    url: str, key: str, index: int, state: ClientState, compression: bool, ready: asyncio.Event
) -> None:
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    async with connect(
        url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        compression="deflate" if compression else None,
        ping_interval=None,
        open_timeout=60,
        max_size=None,
    ) as ws:
        await ws.send(init_message(key))
        ack = orjson.loads(await ws.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"not acknowledged: {ack}")
        await ws.send(SUBSCRIBE)
        # The handler answers in order: the pong means the subscribe was taken.
        await ws.send('{"type":"ping"}')
        created_at = state.created_at
        async for raw in ws:
            now = time.time()
            message = orjson.loads(raw)
            kind = message.get("type")
            if kind == "next":
                payload = message["payload"]
                if payload.get("errors"):
                    state.errors += 1
                    continue
                event = payload["data"]["events"]
                sequence = int(event["sequence"])
                if sequence > state.max_sequence:
                    state.max_sequence = sequence
                if sequence <= state.floor:
                    continue
                created = event["created"]
                at = created_at.get(created)
                if at is None:
                    at = created_at[created] = datetime.fromisoformat(created).timestamp()
                if not state.received[index]:
                    state.unprobed -= 1
                    if not state.unprobed:
                        state.probed.set()
                state.received[index] += 1
                state.latencies.append(now - at)
                state.first = state.first or now
                state.last = now
            elif kind == "ping":
                await ws.send('{"type":"pong"}')
            elif kind == "pong":
                ready.set()
            else:  # error, complete: the operation ended
                state.ended += 1
    state.ended += 1


def _least(state: ClientState) -> int:
    alive = [n for i, n in enumerate(state.received) if i not in state.dead]
    return min(alive, default=0)


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


async def client_main(port: int, key: str, count: int, compression: bool) -> None:
    """Commands on stdin, one JSON answer a line on stdout: connect, probe, reset, stats,
    report, quit."""
    raise_open_files()
    url = f"ws://127.0.0.1:{port}/graphql"
    state = ClientState(count=count, received=[0] * count)
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tasks: list[asyncio.Task[None]] = []

    def answer(body: dict[str, Any]) -> None:
        times = os.times()
        body["cpu"] = times.user + times.system
        sys.stdout.write(orjson.dumps(body).decode() + "\n")
        sys.stdout.flush()

    while line := (await reader.readline()).decode().strip():
        command, _, argument = line.partition(" ")
        if command == "connect":
            started = time.perf_counter()
            gate = asyncio.Semaphore(200)  # handshakes in flight at once
            failed = 0

            async def one(index: int, gate: asyncio.Semaphore = gate) -> None:
                nonlocal failed
                ready = asyncio.Event()
                async with gate:
                    task = asyncio.create_task(_socket(url, key, index, state, compression, ready))
                    tasks.append(task)
                    waiter = asyncio.create_task(ready.wait())
                    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
                    if not ready.is_set():
                        waiter.cancel()
                        failed += 1
                        state.dead.add(index)
                        if task.done() and task.exception() is not None:
                            state.errors += 1

            await asyncio.gather(*(one(i) for i in range(count)))
            answer({"connected": count - failed, "failed": failed,
                    "seconds": time.perf_counter() - started})  # fmt: skip
        elif command == "probe":
            # Every socket has its probe once it got any event above the floor.
            state.floor = state.max_sequence
            state.received = [0] * count
            state.unprobed = count - len(state.dead)
            state.probed.clear()
            answer({"armed": True})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.probed.wait(), float(argument or 30))
            answer({"missing": state.received.count(0) - len(state.dead)})
        elif command == "reset":
            state.reset()
            answer({"floor": state.floor})
        elif command == "stats":
            answer({"received": sum(state.received), "least": _least(state),
                    "ended": state.ended})  # fmt: skip
        elif command == "report":
            ordered = sorted(state.latencies)
            answer(
                {
                    "received": sum(state.received),
                    "least": _least(state),
                    "most": max(state.received),
                    "first": state.first,
                    "last": state.last,
                    "p50": _percentile(ordered, 0.50),
                    "p99": _percentile(ordered, 0.99),
                    "max": ordered[-1] if ordered else 0.0,
                    "errors": state.errors,
                    "ended": state.ended,
                }
            )
        elif command == "quit":
            break
    for task in tasks:
        task.cancel()
    with contextlib.suppress(BaseException):
        await asyncio.gather(*tasks, return_exceptions=True)
