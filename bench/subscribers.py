"""The subscribers benchmark (issue 9): one ``serve`` process, N idle-then-active WebSocket
subscribers on ``events(types: ["order.*"])``, orders committed at a steady rate.

For each subscriber count a fresh ``serve`` (PostgreSQL + Redis, the production pairing,
when both answer) gets one warm-up subscriber, then its RSS is read; a client process
(asyncio + ``websockets``, every connection in one process) opens N sockets, inits and
subscribes on each, and waits for each ``pong`` after its ``subscribe``; the RSS once all
N are idle gives KB per idle connection. Then, for each order rate, probe orders go out
until every socket has had one (all are in their feed), and ``createOrder`` is POSTed
to ``/graphql`` at that rate for a few seconds (open loop, several connections). Each
subscriber's latency is its receive time (``time.time()``) minus the event's ``created``
(the same clock). Every socket must receive every ``order.created``: missing ones are
counted. The given rates run lowest first.

The client process and the writer share the machine's cores with the server: the CPU
each used during the window is printed beside the table.

    python bench/subscribers.py [--subscribers 1000,5000] [--rates 100] [--seconds 10]
                                [--slow-messages 10000] [--database auto|postgres|sqlite]
                                [--redis redis://127.0.0.1:6379/0] [--no-compression]

``--slow-messages``: when a count misses the target (p99 over 100 ms or anything missing)
at a rate, it runs again, on the same sockets, at the order rate that makes this many
messages a second (10 orders/s for 1,000 subscribers, 2 for 5,000), so the fan-out's own
latency shows where the machine keeps up. The writer sends for ``--seconds`` at most; an
order still waiting for one of its connections then is not sent, and said so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import secrets
import sys
import time
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import Connection  # noqa: E402
from bench.run import SKUS, _redis_answers, _serve, free_port, fresh_database  # noqa: E402

EVENTS = 'subscription { events(types: ["order.*"]) { id type sequence created } }'
CREATE_ORDER = "mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }"
TARGET_P99_MS = 100.0
TARGET_KB = 20.0
WRITERS = 16  # HTTP connections the writer spreads its orders over
SUBSCRIBE = orjson.dumps({"type": "subscribe", "id": "1", "payload": {"query": EVENTS}}).decode()


def _init(key: str) -> str:
    return orjson.dumps(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}}
    ).decode()


def raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


# -- the client process ------------------------------------------------------------------


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
        await ws.send(_init(key))
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


# -- the coordinator -----------------------------------------------------------------------


@dataclass
class Row:
    subscribers: int
    connected: int
    kb_per_conn: float
    rate: float
    achieved: float
    delivered: float
    p50: float
    p99: float
    max: float
    received: int
    expected: int
    least: int
    orders: int
    write_errors: int
    unsent: int
    server_cpu: float
    client_cpu: float
    writer_cpu: float
    window: float
    ended: int

    def line(self) -> str:
        missing = self.expected - self.received
        return (
            f"{self.subscribers:>11,} {self.kb_per_conn:>9.1f} {self.rate:>7.0f} "
            f"{self.achieved:>9.1f} {self.delivered:>10,.0f} {self.p50 * 1000:>8.1f} "
            f"{self.p99 * 1000:>8.1f} {self.max * 1000:>8.0f} "
            f"{self.received:>9,}/{self.expected:<9,} {missing:>8,} "
            f"{self.server_cpu:>5.0%} {self.client_cpu:>5.0%} {self.writer_cpu:>5.0%}"
        )


HEADER = (
    f"{'subscribers':>11} {'KB/idle':>9} {'target':>7} {'orders/s':>9} {'msgs/s':>10} "
    f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'received/expected':>19} {'missing':>8} "
    f"{'srv':>5} {'cli':>5} {'wrt':>5}"
)


class Client:
    """The client process, driven a command at a time."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, port: int, key: str, count: int, compression: bool) -> Client:
        args = [str(Path(__file__)), "--client", "--port", str(port), "--key", key,
                "--count", str(count)] + ([] if compression else ["--no-compression"])  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        return cls(process)

    async def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()

    async def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the client process ended")
        answer: dict[str, Any] = orjson.loads(line)
        return answer

    async def ask(self, command: str) -> dict[str, Any]:
        await self.send(command)
        return await self.read()

    async def stop(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            await self.send("quit")
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


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


async def _warm_up(port: int, key: str, writer: Writer) -> None:
    """One subscriber gets one event: what the first subscription builds once (the
    snapshot schema, the channel, the listener) is not counted per connection."""
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    async with connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(_init(key))
        await ws.recv()
        await ws.send(SUBSCRIBE)
        await asyncio.sleep(0.3)
        for _ in range(20):
            await writer.order()
            with contextlib.suppress(TimeoutError):
                while orjson.loads(await asyncio.wait_for(ws.recv(), 1)).get("type") != "next":
                    pass
                return
        raise RuntimeError("the warm-up subscriber got no event")


async def measure(
    *,
    server_pid: int,
    port: int,
    key: str,
    count: int,
    rates: list[float],
    seconds: float,
    slow_messages: float,
    compression: bool,
) -> list[Row]:
    writer = Writer(port, key)
    await writer.open()
    await _warm_up(port, key, writer)
    await asyncio.sleep(1.0)
    before = rss_kb(server_pid)
    client = await Client.start(port, key, count, compression)
    rows: list[Row] = []
    try:
        connected = await client.ask("connect")
        print(
            f"  {connected['connected']:,} of {count:,} subscribed in "
            f"{connected['seconds']:.1f} s ({connected['failed']} failed)",
            flush=True,
        )
        await asyncio.sleep(2.0)  # idle
        kb = (rss_kb(server_pid) - before) / max(1, connected["connected"])
        print(f"  server RSS {before / 1024:.0f} MB before, {kb:.1f} KB per idle connection",
              flush=True)  # fmt: skip
        plan = sorted(rates)
        done: list[float] = []
        while plan:
            rate = plan.pop(0)
            row = await _one_rate(client, writer, server_pid, count, connected, kb, rate, seconds)
            rows.append(row)
            done.append(rate)
            print("  " + row.line(), flush=True)
            missed = row.p99 * 1000 > TARGET_P99_MS or row.received < row.expected
            slow_rate = max(1.0, round(slow_messages / max(1, connected["connected"])))
            if missed and slow_messages and slow_rate < rate and slow_rate not in done + plan:
                # Runs after: the overloaded rate already ran on these sockets, and may
                # have cut subscribers off; it runs last when there is still time.
                plan.insert(0, slow_rate)
                if row.ended:
                    break
    finally:
        await client.stop()
        await writer.close()
    return rows


async def _one_rate(
    client: Client,
    writer: Writer,
    server_pid: int,
    count: int,
    connected: dict[str, Any],
    kb: float,
    rate: float,
    seconds: float,
) -> Row:
    # Probe orders until every socket has had one: all of them are in their feed.
    await client.ask("probe 30")
    answer = asyncio.create_task(client.read())
    while not answer.done():
        await writer.order()
        await asyncio.wait({answer}, timeout=0.5)
    if answer.result()["missing"]:
        print(f"  {answer.result()['missing']} sockets got no probe event", flush=True)
    await asyncio.sleep(1.0)  # the last probe reaches everyone
    await client.ask("reset")
    server_cpu = cpu_seconds(server_pid)
    client_cpu = (await client.ask("stats"))["cpu"]
    writer_cpu = sum(os.times()[:2])
    started = time.time()
    made, _ = await writer.paced(rate, seconds)
    write_errors = writer.errors
    written = time.time()
    achieved = made / (written - started)
    # Drain: until every socket has every order, or nothing arrives for 3 s, or 20 s.
    expected = made * connected["connected"]
    last_received, quiet_since = -1, time.monotonic()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        stats = await client.ask("stats")
        if stats["received"] >= expected:
            break
        if stats["received"] != last_received:
            last_received, quiet_since = stats["received"], time.monotonic()
        elif time.monotonic() - quiet_since > 3:
            break
        await asyncio.sleep(0.25)
    report = await client.ask("report")
    window = max(report["last"], written) - started
    return Row(
        subscribers=count,
        connected=connected["connected"],
        kb_per_conn=kb,
        rate=rate,
        achieved=achieved,
        delivered=report["received"] / window,
        p50=report["p50"],
        p99=report["p99"],
        max=report["max"],
        received=report["received"],
        expected=expected,
        least=report["least"],
        orders=made,
        write_errors=write_errors,
        unsent=writer.unsent,
        server_cpu=(cpu_seconds(server_pid) - server_cpu) / window,
        client_cpu=(report["cpu"] - client_cpu) / window,
        writer_cpu=(sum(os.times()[:2]) - writer_cpu) / window,
        window=window,
        ended=report["ended"],
    )


async def seed(url: str) -> str:
    """A fresh enterprise account (no limits) with 20 stocked SKUs; its sk_test key."""
    from stateset_gql.access import service
    from stateset_gql.access.principal import Owner
    from stateset_gql.db.engine import Database
    from stateset_gql.db.uow import UnitOfWork
    from stateset_gql.graphql.render import standalone_renderer
    from stateset_gql.inventory import service as inventory

    db = Database(url)
    try:
        async with db.session(write=True) as session, session.begin():
            _, keys = await service.create_account(session=session, name="Subs", plan="enterprise")
        owner = Owner(account_id=keys["sk_test"].key.account_id, livemode=False)
        async with db.session(write=True) as session:
            uow = UnitOfWork(session=session, render=standalone_renderer())
            for sku in SKUS:
                await inventory.create(
                    uow=uow, owner=owner,
                    data=inventory.InventoryInput(sku=sku, name=sku, on_hand=900_000_000),
                )  # fmt: skip
            await uow.commit()
        return str(keys["sk_test"].secret)
    finally:
        await db.dispose()


def _print_table(
    rows: list[Row], database: str, broadcast: str, seconds: float, compression: bool
) -> None:
    print(
        f'\nsubscribers on events(types: ["order.*"]), one serve process ({database} + '
        f"{broadcast}), createOrder over HTTP for {seconds:.0f} s a row, {os.cpu_count()} cores"
    )
    print("latency: client receive time - event created (same clock), every message of every")
    print("subscriber; srv/cli/wrt: CPU of the server, the client process (all sockets, same")
    print("cores as the server: its own queueing is in the latency) and the writer, per second")
    print(
        "clients offer permessage-deflate, as browsers do\n"
        if compression
        else "clients do not offer permessage-deflate\n"
    )
    print(HEADER)
    for row in rows:
        print(row.line())
    for row in rows:
        notes = []
        if row.connected < row.subscribers:
            notes.append(f"only {row.connected:,} of {row.subscribers:,} connected")
        if row.unsent:
            notes.append(
                f"{row.unsent:,} orders not sent: all {WRITERS} writer connections were "
                "waiting on createOrder"
            )
        if row.write_errors:
            notes.append(f"{row.write_errors} createOrder failed")
        if row.received < row.expected:
            notes.append(
                f"{row.expected - row.received:,} messages missing (the least-served "
                f"socket got {row.least} of {row.orders})"
            )
        if row.ended:
            notes.append(f"{row.ended} subscriptions ended by the server (too slow)")
        if notes:
            print(f"  {row.subscribers:,} at {row.rate:.0f}/s: " + "; ".join(notes))
    worst = [r for r in rows if r.subscribers >= 5000 and r.rate >= 100]
    for row in worst:
        verdict = row.p99 * 1000 <= TARGET_P99_MS and row.received == row.expected
        print(
            f"\ntarget (5,000 at 100 orders/s, p99 <= {TARGET_P99_MS:.0f} ms, <= {TARGET_KB:.0f} "
            f"KB/idle): {'met' if verdict and row.kb_per_conn <= TARGET_KB else 'NOT met'} "
            f"(needs {row.subscribers * row.rate:,.0f} messages/s; delivered "
            f"{row.delivered:,.0f}/s, p99 {row.p99 * 1000:,.0f} ms, {row.kb_per_conn:.1f} KB)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", default="1000,5000")
    parser.add_argument("--rates", default="100", help="orders a second, comma-separated")
    parser.add_argument(
        "--slow-messages",
        type=float,
        default=10_000,
        help="a rate that misses the target runs again at this many messages a second "
        "(orders/s = this / subscribers); 0: not",
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument(
        "--redis", default=os.environ.get("STATESET_TEST_REDIS", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--no-compression", action="store_true",
                        help="clients do not offer permessage-deflate (browsers do)")  # fmt: skip
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        asyncio.run(client_main(args.port, args.key, args.count, not args.no_compression))
        return 0

    raise_open_files()
    counts = [int(n) for n in args.subscribers.split(",")]
    rates = [float(r) for r in args.rates.split(",")]
    database, url, drop = fresh_database(args.database, "subs")
    broadcast = args.redis if _redis_answers(args.redis) else "memory://"
    if broadcast == "memory://":
        print(f"Redis at {args.redis} is not answering; memory:// instead")
    rows: list[Row] = []
    try:
        from stateset_gql.db import migrate

        migrate.upgrade(url)
        key = asyncio.run(seed(url))
        for count in counts:
            port = free_port()
            print(f"{count:,} subscribers: a fresh server on :{port}", flush=True)
            server = _serve(url, port, broadcast, ("--limit-concurrency", str(count + 1000)))
            try:
                rows += asyncio.run(
                    measure(
                        server_pid=server.pid, port=port, key=key, count=count, rates=rates,
                        seconds=args.seconds, slow_messages=args.slow_messages,
                        compression=not args.no_compression,
                    )
                )  # fmt: skip
            finally:
                server.terminate()
                server.wait(timeout=30)
        shown = "Redis" if broadcast != "memory://" else broadcast
        _print_table(rows, database, shown, args.seconds, not args.no_compression)
        return 0
    finally:
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
