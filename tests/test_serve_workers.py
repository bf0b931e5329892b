"""``stateset-gql serve --workers 2``: two server processes on one port, on PostgreSQL and
Redis, stay one service. A key revoked through one process is refused by the other
within a second, a rate limit holds across both, and a subscriber on one process gets
the events of writes that landed on the other. ``/health``, ``/ready`` and ``/metrics``
answer for the process that took the connection. SIGTERM stops both gracefully (their
WebSockets closed with 1001); a process that dies is replaced; a process whose
supervisor was killed stops by itself. On SQLite or ``memory://`` more than one worker
is refused with one line.

Which process holds a connection is read from ``/proc`` (as ``ss -p`` does), not from
anything the server says: a client's local port names its connection, the kernel's
socket table its inode, and one server process's file descriptors hold that inode.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.redis_support import free_port
from tests.rest_support import Rest
from tests.support import (
    CLI,
    cli_environ,
    create_customer,
    gql,
    new_account,
    run_cli,
    serve_cli_process,
)
from tests.test_auth_cache import ME, _key_id
from tests.test_rate_limits import _assert_headers, _assert_refused
from tests.ws_support import GraphQLSocket

EVENTS = 'subscription { events(types: ["customer.*"]) { id type sequence data } }'
# The bound API.md sets for a revocation reaching every server; polled, never slept.
AT_ONCE = 1.0
# Fresh connections spread over both processes by the kernel; this many miss one with a
# probability of 2 ** -39.
HAMMER = 40


# ------------------------------------------------------------- which process, from /proc


def _tcp_table() -> list[tuple[int, int, str, int]]:
    """(local port, remote port, state, inode) of every TCP socket of this host."""
    rows = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = (int(f.rsplit(":", 1)[1], 16) for f in fields[1:3])
            rows.append((local, remote, fields[3], int(fields[9])))
    return rows


def _sockets_of(pid: int) -> set[int]:
    inodes: set[int] = set()
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for descriptor in descriptors:
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if found := re.fullmatch(r"socket:\[(\d+)\]", target):
            inodes.add(int(found.group(1)))
    return inodes


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _two_free_ports() -> int:
    """A free port whose next one is free too."""
    for _ in range(100):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise AssertionError("no two free ports in a row")


@dataclass
class Workers:
    """A ``serve --workers 2`` and what the test reads of it."""

    process: subprocess.Popen[bytes]
    base_url: str
    port: int
    database_url: str
    metrics_port: int

    def servers(self) -> set[int]:
        """The supervisor's children that listen on the port: its server processes."""
        listening = {
            inode for local, _, state, inode in _tcp_table() if local == self.port and state == "0A"
        }
        return {pid for pid in _children(self.process.pid) if _sockets_of(pid) & listening}

    def process_of(self, client_port: int) -> int:
        """The server process holding the connection from ``client_port``."""
        ends = [
            inode
            for local, remote, _, inode in _tcp_table()
            if local == self.port and remote == client_port and inode
        ]
        assert len(ends) == 1, f"no accepted connection from port {client_port}"
        owners = [pid for pid in self.servers() if ends[0] in _sockets_of(pid)]
        assert len(owners) == 1, owners
        return owners[0]

    def client(self) -> tuple[httpx.Client, int]:
        """A client on one kept-alive connection, and the process serving it."""
        client = httpx.Client(base_url=self.base_url, timeout=30)
        answer = client.get("/health")
        assert answer.status_code == 200
        port = answer.extensions["network_stream"].get_extra_info("client_addr")[1]
        return client, self.process_of(port)

    @contextmanager
    def one_client_each(self) -> Iterator[dict[int, httpx.Client]]:
        """A kept-alive client on each server process, by its pid."""
        with ExitStack() as stack:
            found: dict[int, httpx.Client] = {}
            for _ in range(HAMMER):
                client, pid = self.client()
                stack.callback(client.close)
                found.setdefault(pid, client)
                if len(found) == 2:
                    break
            assert len(found) == 2, f"{HAMMER} connections all reached one process"
            yield found


def _hammer(base_url: str, send: Callable[[httpx.Client], httpx.Response]) -> list[httpx.Response]:
    """``send`` once on each of HAMMER fresh connections."""
    answers = []
    for _ in range(HAMMER):
        with httpx.Client(base_url=base_url, timeout=30) as client:
            answers.append(send(client))
    return answers


def _within(seconds: float, happened: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not happened():
        assert time.monotonic() < deadline, f"not within {seconds} s"
        time.sleep(0.02)


@contextmanager
def _workers(postgres_url: str, redis_url: str, log: Path) -> Iterator[Workers]:
    port = free_port()
    metrics_port = _two_free_ports()
    with serve_cli_process(
        "--workers", "2",
        "--metrics-port", str(metrics_port),
        # A test's kept-alive client stays on the process it reached.
        "--timeout-keep-alive", "120",
        port=port,
        log=log,
        STATESET_ENV="production",
        STATESET_DATABASE_URL=postgres_url,
        STATESET_BROADCAST_URL=redis_url,
        # Only what the processes tell each other can make one forget a key.
        STATESET_AUTH_CACHE_SECONDS="600",
    ) as (process, base_url):  # fmt: skip
        workers = Workers(
            process=process,
            base_url=base_url,
            port=port,
            database_url=postgres_url,
            metrics_port=metrics_port,
        )
        _within(60, lambda: len(workers.servers()) == 2)
        # Both processes ready: their Redis subscriptions (keys, events) are listening.
        for _ in range(HAMMER):
            with httpx.Client(base_url=base_url) as client:
                _within(30, lambda: client.get("/ready").status_code == 200)
        yield workers


@pytest.fixture(scope="module")
def workers(
    postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    with _workers(postgres_url, redis_url, tmp_path_factory.mktemp("workers") / "serve.log") as w:
        yield w


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("database", "broadcast", "named"),
    [
        ("sqlite", "memory://", "needs PostgreSQL"),
        ("sqlite", "redis", "needs PostgreSQL"),
        ("postgres", "memory://", "needs STATESET_BROADCAST_URL=redis://"),
    ],
)
def test_more_than_one_worker_is_refused_in_one_line_without_postgres_and_redis(
    database: str,
    broadcast: str,
    named: str,
    sqlite_url: str,
    postgres_url: str,
    redis_url: str,
) -> None:
    done = run_cli(
        "serve", "--workers", "2", "--port", str(free_port()),
        database_url=sqlite_url if database == "sqlite" else postgres_url,
        broadcast_url=redis_url if broadcast == "redis" else broadcast,
        # Allowed to run embedded in production, still not in several processes.
        STATESET_ENV="production",
        STATESET_ALLOW_EMBEDDED="1",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: --workers 2 {named}"), lines[0]
    assert "--workers 1" in lines[0]


def test_workers_is_a_whole_number_above_zero() -> None:
    done = run_cli("serve", "--workers", "0")
    assert done.returncode == 2
    assert "--workers: must be a whole number above 0, not '0'" in done.stderr


# ------------------------------------------------------------------ one service, two processes


def test_both_processes_serve_the_port_and_each_answers_health_and_ready(
    workers: Workers,
) -> None:
    with workers.one_client_each() as clients:
        assert set(clients) == workers.servers()
        for client in clients.values():
            assert client.get("/health").json() == {"status": "ok"}
            assert client.get("/ready").status_code == 200


def _health_count(client: httpx.Client, url: str = "/metrics") -> float:
    text = client.get(url).text
    found = re.search(
        r'^stateset_http_requests_total\{method="GET",route="/health",status="200"\} (\S+)$',
        text,
        re.MULTILINE,
    )
    assert found, text
    return float(found.group(1))


def test_metrics_count_the_requests_of_the_process_that_answers_the_scrape(
    workers: Workers,
) -> None:
    with workers.one_client_each() as clients:
        first, second = clients.values()
        before = _health_count(first), _health_count(second)
        for _ in range(5):
            assert first.get("/health").status_code == 200
        assert (_health_count(first), _health_count(second)) == (before[0] + 5, before[1])


def test_each_process_serves_its_own_metrics_on_a_port_of_its_own(workers: Workers) -> None:
    ports = (workers.metrics_port, workers.metrics_port + 1)
    with httpx.Client(timeout=30) as scraper:

        def counts() -> list[float]:
            return [_health_count(scraper, f"http://127.0.0.1:{p}/metrics") for p in ports]

        before = counts()
        answers = _hammer(workers.base_url, lambda c: c.get("/health"))
        assert {a.status_code for a in answers} == {200}

        def grown() -> list[float]:
            return [after - earlier for after, earlier in zip(counts(), before, strict=True)]

        # A request is counted just after its answer is sent.
        _within(2, lambda: sum(grown()) == HAMMER)
        assert all(g > 0 for g in grown()), grown()  # both processes answered some


def test_a_metrics_port_in_use_is_refused_in_one_line(postgres_url: str, redis_url: str) -> None:
    port = _two_free_ports()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port + 1))
        holder.listen()
        done = run_cli(
            "serve", "--workers", "2", "--port", str(free_port()),
            "--metrics-port", str(port),
            database_url=postgres_url, broadcast_url=redis_url, STATESET_ENV="test",
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        f"error: port {port + 1} on 127.0.0.1 is in use (another stateset-gql serve?); "
        f"stop what holds it, or choose another: --metrics-port {port + 101}\n"
    )


def test_a_key_revoked_through_one_process_is_refused_by_the_other_within_a_second(
    workers: Workers,
) -> None:
    account = new_account(workers.database_url)
    secret = account.key("sk")
    with workers.one_client_each() as clients:
        revoking, other = clients.values()
        key_id = _key_id(revoking, secret)
        for client in (revoking, other):
            assert gql(client, secret, ME).status_code == 200  # cached by both
        # Every connection, on either process, trusts it.
        assert {a.status_code for a in _hammer(workers.base_url, lambda c: gql(c, secret, ME))} == {
            200
        }
        revoked = Rest(revoking, account.sk_test).delete(f"/v1/api_keys/{key_id}")
        assert revoked.status_code == 200, revoked.text
        assert gql(revoking, secret, ME).status_code == 401
        _within(AT_ONCE, lambda: gql(other, secret, ME).status_code == 401)
    answers = _hammer(workers.base_url, lambda c: gql(c, secret, ME))
    assert {a.status_code for a in answers} == {401}


def test_a_rate_limit_counts_the_requests_of_both_processes(workers: Workers) -> None:
    account = new_account(workers.database_url, plan="free")
    with workers.one_client_each() as clients:
        first, second = clients.values()
        for sent in range(1, 61):
            answer = gql(first if sent % 2 else second, account.sk_test, ME)
            assert answer.status_code == 200, answer.text
            _assert_headers(answer, limit=60, remaining=60 - sent)
        for client in (first, second):
            _assert_refused(gql(client, account.sk_test, ME), 429, "per_minute")


def test_a_subscriber_on_one_process_receives_the_events_of_writes_on_the_other(
    workers: Workers,
) -> None:
    account = new_account(workers.database_url)
    with workers.one_client_each() as clients, ExitStack() as stack:
        subscribers: dict[int, GraphQLSocket] = {}
        while len(subscribers) < 2:
            sock = stack.enter_context(GraphQLSocket(workers.base_url))
            pid = workers.process_of(sock.ws.socket.getsockname()[1])
            if pid in subscribers:
                continue
            assert sock.init(account.sk_test)["type"] == "connection_ack"
            sock.subscribe("1", EVENTS)
            subscribers[pid] = sock
        time.sleep(0.5)  # both subscriptions are listening before the writes
        made = []
        for client in clients.values():
            made.append(create_customer(client, account.sk_test)["id"])
        for sock in subscribers.values():
            received = [sock.next_data("1")["events"] for _ in made]
            assert [e["data"]["object"]["id"] for e in received] == made
            sequences = [e["sequence"] for e in received]
            assert sequences == sorted(sequences)


# -------------------------------------------------------------------- signals and deaths


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_stops_both_processes_gracefully_closing_their_websockets_with_1001(
    signum: signal.Signals, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    with _workers(postgres_url, redis_url, tmp_path / "serve.log") as workers:
        account = new_account(postgres_url)
        servers = workers.servers()
        with ExitStack() as stack:
            held: dict[int, GraphQLSocket] = {}
            while len(held) < 2:
                sock = stack.enter_context(GraphQLSocket(workers.base_url))
                held.setdefault(workers.process_of(sock.ws.socket.getsockname()[1]), sock)
            for sock in held.values():
                assert sock.init(account.sk_test)["type"] == "connection_ack"
            workers.process.send_signal(signum)
            assert [sock.closed_with() for sock in held.values()] == [1001, 1001]
            assert workers.process.wait(timeout=30) == 0
        assert not any(_running(pid) for pid in servers)
        assert "stopped the 2 server processes" in (tmp_path / "serve.log").read_text()


def test_a_server_process_that_dies_is_replaced_on_the_same_port(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    with _workers(postgres_url, redis_url, tmp_path / "serve.log") as workers:
        first, survivor = sorted(workers.servers())
        os.kill(first, signal.SIGKILL)
        _within(60, lambda: len(workers.servers() - {first}) == 2)
        assert survivor in workers.servers()
        answers = _hammer(workers.base_url, lambda c: c.get("/health"))
        assert {a.status_code for a in answers} == {200}
        assert workers.process.poll() is None


def test_server_processes_stop_by_themselves_when_their_supervisor_is_killed(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    with _workers(postgres_url, redis_url, tmp_path / "serve.log") as workers:
        servers = workers.servers()
        workers.process.kill()
        workers.process.wait()
        _within(10, lambda: not any(_running(pid) for pid in servers))


def test_a_process_that_fails_to_start_stops_them_all_and_serve_exits_1(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    metrics_port = _two_free_ports()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*CLI, "serve", "--workers", "2", "--port", str(free_port()),
             "--metrics-port", str(metrics_port)],
            env=cli_environ(
                STATESET_DATABASE_URL=postgres_url, STATESET_BROADCAST_URL=redis_url,
                STATESET_ENV="test",
            ),
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        # Free when serve checked it; taken while its processes start (they take seconds
        # to import), so the second one cannot serve its metrics there.
        _within(60, lambda: "with 2 processes" in log.read_text())
        servers = _children(process.pid)
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", metrics_port + 1))
            holder.listen()
            assert process.wait(timeout=60) == 1
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    lines = log.read_text().splitlines()
    assert lines[-1] == (
        "error: a server process failed to start (exit code 1); its log above says why"
    )
    assert "Address already in use" in log.read_text()
    _within(10, lambda: not any(_running(pid) for pid in servers))
