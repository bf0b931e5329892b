"""The subscribers benchmark's results: one row per subscriber count and order rate,
the table they print as, and the verdict against the target."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench.order_writer import WRITERS

TARGET_P99_MS = 100.0
TARGET_KB = 20.0


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


def print_table(
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
