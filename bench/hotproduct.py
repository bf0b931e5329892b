"""The hot product: a flash sale, every order for one customer and the same two SKUs.

What ``bench/writes.py --scenarios hot`` drives with wrk (the Lua scripts here), what it
reads from the server's ``/metrics`` (how long stock rows stay locked, when the server
exports ``stateset_stock_lock_seconds``), and the table it prints with issue 21's targets
beside the figures.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import httpx
import orjson
from prometheus_client.parser import text_string_to_metric_families

from bench.counterwatch import Watched
from bench.wrk import Measured, lua_string

LOCK_METRIC = "stateset_stock_lock_seconds"
# The account's event counter, which every write with events takes in turn.
COUNTER_METRIC = "stateset_event_counter_lock_seconds"
PAY_ORDER = (
    'mutation($id: ID!) { payOrder(id: $id, input: {card: {number: "4242424242424242", '
    'expMonth: 12, expYear: 2040, cvc: "123"}}) { id status amountPaid } }'
)
CREATE_CUSTOMER = (
    "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id email name } }"
)
_HEADERS = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
"""


def _headers(key: str) -> str:
    return _HEADERS.replace("{key}", key)


def create_order_script(key: str, document: str, customer_id: str, skus: list[str]) -> str:
    """The same order every time: one customer, one unit of each hot SKU."""
    lines = [{"sku": sku, "name": "Flash sale", "quantity": 1, "unitAmount": 1999} for sku in skus]
    variables = {"i": {"currency": "USD", "customerId": customer_id, "lineItems": lines}}
    body = orjson.dumps({"query": document, "variables": variables}).decode()
    return _headers(key) + f"wrk.body = {lua_string(body)}\n"


def _varying(key: str, before: str, value: str, after: str, table: str = "") -> str:
    """A body per request: ``before .. <value expression> .. after``, where the Lua
    expression ``value`` may use ``n`` (this thread's request count, from 1),
    ``thread_number`` and ``thread_count``."""
    return (
        _headers(key)
        + table
        + "n = 0\n"
        + "request = function()\n"
        + "  n = n + 1\n"
        + f"  return wrk.format(nil, nil, nil, {lua_string(before)} .. {value} .. "
        + f"{lua_string(after)})\n"
        + "end\n"
    )


def spread_order_script(key: str, document: str, customer_id: str, skus: list[str]) -> str:
    """An order of one unit per request, each on the next of ``skus`` in turn (threads
    interleave: thread t of T takes the t-th, the (t+T)-th...), so concurrent requests
    seldom want the same stock row: writes that touch no hot one."""
    item = {"sku": "@SKU@", "name": "Spread", "quantity": 1, "unitAmount": 1999}
    variables = {"i": {"currency": "USD", "customerId": customer_id, "lineItems": [item]}}
    body = orjson.dumps({"query": document, "variables": variables}).decode()
    before, after = body.split("@SKU@")
    table = "skus = {" + ", ".join(lua_string(sku) for sku in skus) + "}\n"
    value = "skus[((n - 1) * thread_count + thread_number - 1) % #skus + 1]"
    return _varying(key, before, value, after, table)


def pay_order_script(key: str, order_ids: list[str]) -> str:
    """Each request pays another pending order; a thread takes every ``thread_count``-th
    id. When the ids run out they repeat, and those answers are errors. (wrk calls the
    first thread's ``request`` once to check the script before the run: its first id is
    not sent.)"""
    body = orjson.dumps({"query": PAY_ORDER, "variables": {"id": "@ID@"}}).decode()
    before, after = body.split("@ID@")
    table = "ids = {" + ", ".join(lua_string(i) for i in order_ids) + "}\n"
    value = "ids[((n - 1) * thread_count + thread_number - 1) % #ids + 1]"
    return _varying(key, before, value, after, table)


def create_customer_script(key: str) -> str:
    """Each request a new customer with its own email address."""
    tag = secrets.token_hex(4)
    variables = {"i": {"email": f"hot-{tag}-@N@@example.com", "name": "Flash shopper"}}
    body = orjson.dumps({"query": CREATE_CUSTOMER, "variables": variables}).decode()
    before, after = body.split("@N@")
    return _varying(key, before, 'thread_number .. "-" .. n', after)


# ------------------------------------------------------------------ the lock histogram


def lock_buckets(base_url: str, metric: str = LOCK_METRIC) -> dict[float, float] | None:
    """The histogram ``metric``'s cumulative buckets (upper bound → count, summed over
    any labels) from the server's ``/metrics``; None when it exports none."""
    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != metric:
            continue
        for sample in family.samples:
            if sample.name == f"{metric}_bucket":
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return buckets or None


def observed(before: dict[float, float], after: dict[float, float]) -> dict[float, float]:
    """The cumulative buckets of what was observed between two scrapes."""
    return {bound: count - before.get(bound, 0.0) for bound, count in after.items()}


def quantile(q: float, buckets: dict[float, float]) -> float | None:
    """The ``q`` quantile (seconds) of cumulative ``buckets``, by linear interpolation
    within a bucket (as PromQL's ``histogram_quantile``); None when nothing was observed."""
    bounds = sorted(buckets)
    counts = [buckets[b] for b in bounds]
    total = counts[-1] if counts else 0.0
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound, cumulative in zip(bounds, counts, strict=True):
        if cumulative >= rank:
            if bound == float("inf"):
                return lower
            inside = cumulative - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 1.0)
        lower, below = bound, cumulative
    return lower


# ---------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Target:
    """Issue 21's target for one row: at least ``per_second``, p99 at most ``p99_ms``, no
    timeouts or errors, server CPU at most ``cpu_ms`` a request (None: no target)."""

    per_second: float | None = None
    p99_ms: float | None = None
    cpu_ms: float | None = None
    clean: bool = False

    def describe(self) -> str:
        parts = []
        if self.per_second is not None:
            parts.append(f"≥ {self.per_second:.0f}/s")
        if self.p99_ms is not None:
            parts.append(f"p99 ≤ {self.p99_ms:.0f} ms")
        if self.clean:
            parts.append("no timeouts")
        if self.cpu_ms is not None:
            parts.append(f"CPU ≤ {self.cpu_ms} ms")
        return ", ".join(parts) or "—"


@dataclass
class Row:
    name: str
    side: str
    connections: int
    runs: list[Measured] = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0  # over which ``cpu_seconds`` were read
    processes: int = 1  # the server's (``serve --workers N``: N)
    accounts: int = 1  # writing at once, each through its own event counter
    # The whole machine's CPU meanwhile, in clock ticks: busy, and busy + idle.
    machine_busy: int = 0
    machine_total: int = 0
    lock: dict[float, float] | None = None  # the lock histogram's buckets, when exported
    counter: dict[float, float] | None = None  # the event counter's, likewise
    watched: Watched | None = None  # the counter held and queued for, from pg_locks
    target: Target = field(default_factory=Target)

    @property
    def requests(self) -> int:
        return sum(m.requests for m in self.runs)

    @property
    def per_second(self) -> float:
        seconds = sum(m.seconds for m in self.runs)
        return self.requests / seconds if seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / max(self.requests, 1) * 1000

    @property
    def busy(self) -> float | None:
        """The server's CPU over the wall time of the runs, in % of one core per server
        process: near 100, the server's Python is what bounds the row."""
        if not self.wall_seconds:
            return None
        return self.cpu_seconds / self.wall_seconds / self.processes * 100

    @property
    def machine(self) -> float | None:
        """The whole machine's CPU meanwhile, in % of all its cores: near 100, the
        server could not have had more whatever bounds it."""
        if not self.machine_total:
            return None
        return self.machine_busy / self.machine_total * 100

    def busy_cell(self) -> str:
        busy, machine = self.busy, self.machine
        if busy is None:
            return "—"
        return f"{busy:.0f}%" + ("" if machine is None else f" / {machine:.0f}%")

    def observe_lock(self, before: dict[float, float], after: dict[float, float]) -> None:
        self.lock = _added(self.lock, observed(before, after))

    def observe_counter(self, before: dict[float, float], after: dict[float, float]) -> None:
        self.counter = _added(self.counter, observed(before, after))

    def lock_ms(self) -> str:
        """The stock lock's p50 / p99 over every run of the row, in ms."""
        return _p50_p99_ms(self.lock)

    def counter_ms(self) -> str:
        """The event counter's p50 / p99 over every run of the row, in ms."""
        return _p50_p99_ms(self.counter)

    def watch(self, more: Watched) -> None:
        if self.watched is None:
            self.watched = Watched()
        self.watched.add(more)

    def held(self) -> str:
        """The share of the runs the event counter was held, and how many transactions
        waited for it on average."""
        if self.watched is None:
            return "—"
        share = self.watched.held_share(self.accounts)
        queued = self.watched.mean_queued(self.accounts)
        if share is None or queued is None:
            return "none sampled"
        return f"{share * 100:.0f}% / {queued:.1f}"

    def failures(self) -> str:
        """Timeouts, socket errors, non-2xx and GraphQL errors, those that happened."""
        kinds = (("timeouts", "timeouts"), ("socket_errors", "socket"), ("non_2xx", "non-2xx"),
                 ("graphql_errors", "GraphQL errors"))  # fmt: skip
        found = [f"{sum(getattr(m, a) for m in self.runs)} {n}" for a, n in kinds]
        return ", ".join(f for f in found if not f.startswith("0 ")) or "0"

    def verdict(self) -> str:
        target, missed = self.target, []
        if target.per_second is not None and self.per_second < target.per_second:
            missed.append("req/s")
        if target.p99_ms is not None and max(m.p99_ms for m in self.runs) > target.p99_ms:
            missed.append("p99")
        if target.clean and any(m.timeouts or m.errors for m in self.runs):
            missed.append("timeouts/errors")
        if target.cpu_ms is not None and self.cpu_ms > target.cpu_ms:
            missed.append("CPU")
        if target == Target():
            return ""
        return "met" if not missed else "NOT met (" + ", ".join(missed) + ")"

    def cells(self) -> list[str]:
        # Rounds alternate: p50 is their median, p99 and max the worst round's.
        p50s = sorted(m.p50_ms for m in self.runs)
        return [
            self.name, self.side, str(self.connections), f"{self.per_second:,.0f}",
            f"{p50s[len(p50s) // 2]:.1f}", f"{max(m.p99_ms for m in self.runs):.1f}",
            f"{max(m.max_ms for m in self.runs):.0f}", self.failures(), f"{self.cpu_ms:.2f}",
            self.busy_cell(), self.lock_ms(), self.counter_ms(), self.held(),
            self.target.describe(),
            self.verdict(),
        ]  # fmt: skip


def _added(into: dict[float, float] | None, more: dict[float, float]) -> dict[float, float]:
    into = into or {}
    for bound, count in more.items():
        into[bound] = into.get(bound, 0.0) + count
    return into


def _p50_p99_ms(buckets: dict[float, float] | None) -> str:
    """p50 / p99 in ms of a histogram's buckets; "—" when the server exports none."""
    if buckets is None:
        return "—"
    p50, p99 = quantile(0.5, buckets), quantile(0.99, buckets)
    if p50 is None or p99 is None:
        return "none observed"
    return f"{p50 * 1000:.1f} / {p99 * 1000:.1f}"


HEADER = [
    "row", "code", "conn", "req/s", "p50 ms", "p99 ms", "max ms", "timeouts/errors",
    "CPU ms/req", "server / machine busy", "stock lock p50/p99 ms", "event counter p50/p99 ms",
    "counter held / queued", "target (issue 21)", "",
]  # fmt: skip


def note_row(name: str, side: str, note: str) -> list[str]:
    """A row with no figures, only ``note`` in the last column."""
    return [name, side, *["—"] * (len(HEADER) - 3), note]


def table(rows: list[list[str]]) -> str:
    """A Markdown table of ``HEADER`` and ``rows``."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)
