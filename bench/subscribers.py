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
import sys
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.environment import SKUS, free_port, fresh_database, redis_answers, serve  # noqa: E402
from bench.order_writer import Writer  # noqa: E402
from bench.procstats import cpu_seconds, raise_open_files, rss_kb  # noqa: E402
from bench.subscriber_client import SUBSCRIBE, client_main, init_message  # noqa: E402
from bench.subscriber_report import TARGET_P99_MS, Row, print_table  # noqa: E402


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


async def _warm_up(port: int, key: str, writer: Writer) -> None:
    """One subscriber gets one event: what the first subscription builds once (the
    snapshot schema, the channel, the listener) is not counted per connection."""
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    async with connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(init_message(key))
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
    from stateset_gql.db.engine import Database
    from stateset_gql.db.owner import Owner
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
    broadcast = args.redis if redis_answers(args.redis) else "memory://"
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
            server = serve(url, port, broadcast, ("--limit-concurrency", str(count + 1000)))
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
        print_table(rows, database, shown, args.seconds, not args.no_compression)
        return 0
    finally:
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
