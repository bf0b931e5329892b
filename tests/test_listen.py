"""``stateset-gql listen`` and ``stateset-gql trigger`` (API.md section 16), as a developer
runs them: real processes against a real server, forwarding to a real local receiver.

- listen's POST is what a webhook endpoint would get: the bytes of ``GET /v1/events/{id}``,
  verified by Stripe's library and by Standard Webhooks' with the secret it printed,
  within a second of the write's response;
- after its server is killed and started again, with events written just before the
  kill, while it is down (by another server on the same database) and just after, the
  receiver has every event of the account once, in order;
- trigger emits each of the 25 event types (one loop against one server).
"""

from __future__ import annotations

import contextlib
import json
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import httpx
import pytest
import stripe
from standardwebhooks.webhooks import Webhook

from stateset_gql.cli import main
from stateset_gql.events.types import EVENT_TYPES
from tests.redis_support import free_port
from tests.rest_support import Rest
from tests.support import (
    CLI,
    Account,
    LiveServer,
    cli_environ,
    new_account,
    run_cli,
    serve_cli_process,
)
from tests.webhook_support import new_customer, receiver

SECRET = re.compile(r"signing secret is (whsec_\S+)")


class Listening:
    """A ``stateset-gql listen`` process; its stdout read line by line as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def line(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """The next stdout line matching ``pattern`` (earlier lines are kept in ``seen``)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; got {self.seen}") from None
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    def stop(self) -> tuple[int, str]:
        """SIGINT, as Ctrl-C: its exit code and stderr."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=15)
        assert self.process.stderr is not None
        return code, self.process.stderr.read()


@contextmanager
def listen(base_url: str, key: str, forward_to: str, *args: str) -> Iterator[tuple[Listening, str]]:
    """``listen`` running until its first subscription is under way: it and its secret."""
    process = subprocess.Popen(
        [*CLI, "listen", "--api", base_url, "--forward-to", forward_to, *args],
        env=cli_environ(STATESET_API_KEY=key),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        listening = Listening(process)
        secret = listening.line(SECRET.pattern).group(1)
        listening.line("^Forwarding ")
        yield listening, secret
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_listen_forwards_the_event_signed_as_a_webhook_within_a_second_of_its_commit(
    backend: str, server: LiveServer, client: httpx.Client, account: Account
) -> None:
    once_beside_sqlite(backend)
    rest = Rest(client, account.sk_test)
    with receiver() as hooks, listen(server.base_url, account.sk_test, hooks.url) as (run, secret):
        # The first event warms the path (the server's first render of an event, the
        # listener's first POST); the second is the one measured.
        new_customer(rest)
        hooks.wait(1)
        written = time.time()
        customer = new_customer(rest)
        answered = time.time()
        got = hooks.wait(2)[1]
        for _ in range(2):
            run.line(
                r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  customer\.created +evt_\w+  \[200\] \d+ ms$"
            )
        code, stderr = run.stop()
    assert got.at - answered < 1.0, f"arrived {got.at - answered:.3f} s after the response"
    assert got.at > written
    event = got.json
    assert event["type"] == "customer.created"
    assert event["data"]["object"]["id"] == customer["id"]
    # Byte for byte what GET /v1/events/{id} answers, as the server's own deliveries.
    assert got.body == rest.get(f"/v1/events/{event['id']}").content
    headers = got.headers
    assert headers["StateSet-Event-Type"] == "customer.created"
    assert headers["webhook-id"] == event["id"]
    assert headers["User-Agent"] == "StateSet-Webhooks/1"
    verified = stripe.Webhook.construct_event(
        got.body.decode(), headers["StateSet-Signature"], secret
    )
    assert verified["id"] == event["id"]
    assert Webhook(secret).verify(got.body, headers)["id"] == event["id"]
    # Another secret verifies nothing: the signature is the printed secret's.
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            got.body.decode(), headers["StateSet-Signature"], "whsec_" + "A" * 44
        )
    assert code == 0, stderr
    assert "Stopped after forwarding 2 events." in stderr


def test_listen_forwards_only_the_events_its_patterns_select_with_a_given_secret(
    backend: str, server: LiveServer, client: httpx.Client, account: Account
) -> None:
    """A receiver's failure is printed and not retried (the server's endpoints retry)."""
    once_beside_sqlite(backend)
    rest = Rest(client, account.sk_test)
    secret = "whsec_" + "c2VjcmV0LWZvci10aGUtdGVzdC0zMi1ieXRlcy1sb25n"
    with (
        receiver() as hooks,
        listen(
            server.base_url, account.sk_test, hooks.url, "--events", "inventory.*",
            "--secret", secret,
        ) as (run, printed),
    ):  # fmt: skip
        assert printed == secret
        hooks.statuses = [500]
        new_customer(rest)  # not selected
        mug = {"sku": "LSN-1", "name": "Mug", "on_hand": 3}
        item = rest.ok(rest.post("/v1/inventory", mug), 201)
        failed = run.line(r" inventory\.updated +(evt_\w+)  \[500\] \d+ ms$").group(1)
        rest.ok(rest.post(f"/v1/inventory/{item['id']}/adjust", {"delta": 2, "reason": "count"}))
        run.line(r" inventory\.updated +evt_\w+  \[200\] \d+ ms$")
        got = hooks.quiet(0.5)
        assert got[0].json["id"] == failed
        assert [r.json["data"]["object"]["on_hand"] for r in got] == [3, 5]
        for r in got:
            Webhook(secret).verify(r.body, r.headers)
        run.stop()


def test_ctrl_c_while_an_event_is_being_forwarded_lets_its_post_be_answered_first(
    backend: str, server: LiveServer, client: httpx.Client, account: Account
) -> None:
    once_beside_sqlite(backend)
    rest = Rest(client, account.sk_test)
    with receiver() as hooks, listen(server.base_url, account.sk_test, hooks.url) as (run, _):
        hooks.delay = 1.0
        new_customer(rest)
        hooks.wait(1)  # the receiver has it and takes a second to answer
        code, stderr = run.stop()
        line = run.line(r" customer\.created +evt_\w+  \[200\] (\d+) ms$", timeout=1)
    assert int(line.group(1)) >= 900
    assert code == 0, stderr
    assert "Stopped after forwarding 1 event." in stderr


def once_beside_sqlite(backend: str) -> None:
    """``listen`` is a client of the API: these run once, beside the embedded default."""
    if backend != "sqlite":
        pytest.skip("listen is a client: it runs beside SQLite")


@pytest.mark.parametrize("command", ["listen", "trigger"])
def test_help_names_the_options(command: str) -> None:
    done = run_cli(command, "--help")
    assert done.returncode == 0, done.stderr
    assert f"usage: stateset-gql {command}" in done.stdout
    assert "--api URL" in done.stdout
    assert "--api-key KEY" in done.stdout
    assert "STATESET_API_KEY" in done.stdout


def test_listen_resumes_after_its_server_restarts_with_nothing_missed_or_repeated(
    tmp_path: Path,
) -> None:
    """Its own serve process on a fixed port, killed (no close frame) and started again.
    Events are written just before the kill (some may be on their way), while it is down
    (by another server on the same database: the listener cannot see them live), and
    just after the restart (before the listener is back)."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'listen.db'}"
    assert run_cli("migrate", database_url=database_url).returncode == 0
    account = new_account(database_url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = {"STATESET_DATABASE_URL": database_url, "STATESET_ENV": "test"}
    written: list[str] = []

    def write(rest: Rest, count: int) -> None:
        written.extend(new_customer(rest)["id"] for _ in range(count))

    with ExitStack() as stack:
        hooks = stack.enter_context(receiver())
        rest = Rest(
            stack.enter_context(httpx.Client(base_url=base_url, timeout=30)), account.sk_test
        )
        with serve_cli_process(port=port, log=tmp_path / "serve1.log", **settings) as (first, _):
            write(rest, 2)  # before listen starts: not forwarded
            run, secret = stack.enter_context(listen(base_url, account.sk_test, hooks.url))
            write(rest, 3)
            hooks.wait(3)
            write(rest, 5)
            first.kill()
            first.wait()
        other = LiveServer.start(database_url=database_url)
        try:
            with httpx.Client(base_url=other.base_url, timeout=30) as down:
                write(Rest(down, account.sk_test), 4)
        finally:
            other.stop()
        with serve_cli_process(port=port, log=tmp_path / "serve2.log", **settings):
            write(rest, 3)
            hooks.wait(15, timeout=30)
            arrived = hooks.quiet(1.0)
            events = rest.ok(rest.get("/v1/events", {"limit": 100, "sort": "sequence"}))
            bodies = {r.json["id"]: rest.get(f"/v1/events/{r.json['id']}").content for r in arrived}
            code, stderr = run.stop()
    stored = [e["id"] for e in events["data"]]
    assert len(written) == len(stored) == 17
    # Every event after the start once, in the account's order, each the bytes the API shows.
    assert [r.json["id"] for r in arrived] == stored[2:]
    assert [r.json["data"]["object"]["id"] for r in arrived] == written[2:]
    assert all(r.body == bodies[r.json["id"]] for r in arrived)
    for r in arrived:
        Webhook(secret).verify(r.body, r.headers)
    assert code == 0, stderr
    assert "Connection lost" in stderr
    assert "Stopped after forwarding 15 events." in stderr


class Proxy:
    """A TCP relay between ``listen`` and its server that can drop every connection and
    refuse new ones (``cut``) until ``restore``: a dropped network, the server still up."""

    def __init__(self, target: str) -> None:
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                near, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.up:
                near.close()
                continue
            far = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [near, far]
            for source, sink in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            cut, self.sockets = self.sockets, []
        for end in cut:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_listen_of_an_account_without_events_loses_none_written_while_it_was_cut_off(
    server: LiveServer, client: httpx.Client, account: Account
) -> None:
    """No event to resume after: what was written while the connection was down is read
    from GET /v1/events once it is back, then the stream goes on from there."""
    rest = Rest(client, account.sk_test)
    proxy = Proxy(server.base_url)
    try:
        with receiver() as hooks, listen(proxy.url, account.sk_test, hooks.url) as (run, _):
            proxy.cut()
            written = [new_customer(rest)["id"] for _ in range(3)]
            time.sleep(0.3)  # the listener has tried again, and been refused
            proxy.restore()
            hooks.wait(3)
            written += [new_customer(rest)["id"] for _ in range(2)]
            hooks.wait(5)
            arrived = hooks.quiet(0.5)
            code, stderr = run.stop()
    finally:
        proxy.close()
    assert [r.json["data"]["object"]["id"] for r in arrived] == written
    # Those read from the list too: the bytes of GET /v1/events/{id}.
    assert all(r.body == rest.get(f"/v1/events/{r.json['id']}").content for r in arrived)
    assert code == 0, stderr
    assert "Connection lost" in stderr


def test_listen_exits_with_one_line_when_the_key_is_refused(server: LiveServer) -> None:
    done = run_cli(
        "listen", "--api", server.base_url, "--forward-to", "http://127.0.0.1:9/x",
        STATESET_API_KEY="sk_test_wrong",
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("error: GET /v1/account answered 401 ")
    assert done.stderr.count("\n") == 1


def test_listen_exits_with_one_line_when_the_server_is_unreachable() -> None:
    done = run_cli(
        "listen", "--api", f"http://127.0.0.1:{free_port()}", "--forward-to",
        "http://127.0.0.1:9/x", STATESET_API_KEY="sk_test_unused",
    )  # fmt: skip
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("error: cannot reach the API at http://127.0.0.1:")
    assert line.endswith("start it with: stateset-gql serve, or pass --api URL")


@pytest.fixture(scope="module")
def trigger_server(sqlite_url: str) -> Iterator[LiveServer]:
    """One SQLite server on memory:// (it runs the jobs itself): the loop over the types
    runs once, not per backend."""
    live = LiveServer.start(database_url=sqlite_url)
    try:
        yield live
    finally:
        live.stop()


def test_trigger_emits_each_event_type_through_the_api(
    trigger_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    account = new_account(trigger_server.database_url)
    base_url = trigger_server.base_url
    # Once as its own process, as a script runs it.
    done = run_cli(
        "trigger", "order.shipped", "--json", "--api", base_url,
        STATESET_API_KEY=account.sk_test,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["type"] == "order.shipped"
    assert [(o["object"], o["did"]) for o in shown["objects"]] == [
        ("inventory_item", "created"), ("order", "created"), ("order", "paid"),
        ("order", "processed"), ("order", "shipped"),
    ]  # fmt: skip
    emitted: dict[str, str] = {"order.shipped": shown["event"]}
    for event_type in EVENT_TYPES:
        if event_type == "order.shipped":
            continue  # the command's own process made it
        code = main(["trigger", event_type, "--api", base_url, "--api-key", account.sk_test])
        printed = capsys.readouterr()
        assert code == 0, printed.err
        found = re.search(rf"^Emitted {re.escape(event_type)}: (evt_\w+)$", printed.out, re.M)
        assert found, printed.out
        emitted[event_type] = found.group(1)
    with httpx.Client(base_url=base_url, timeout=30) as http:
        rest = Rest(http, account.sk_test)
        shipped = rest.ok(rest.get(f"/v1/events/{shown['event']}"))["data"]["object"]
        assert shipped["id"] == shown["objects"][-1]["id"]
        for event_type, event_id in emitted.items():
            assert rest.ok(rest.get(f"/v1/events/{event_id}"))["type"] == event_type
            listed = rest.ok(rest.get("/v1/events", {"type": event_type, "limit": 100}))
            assert event_id in [e["id"] for e in listed["data"]]


def test_trigger_refuses_an_unknown_type_listing_the_types() -> None:
    done = run_cli("trigger", "order.teleported", STATESET_API_KEY="sk_test_unused")
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("error: unknown event type 'order.teleported'; the types: ")
    assert all(t in line for t in EVENT_TYPES)


def test_trigger_refuses_a_live_key(trigger_server: LiveServer) -> None:
    account = new_account(trigger_server.database_url)
    done = run_cli(
        "trigger", "customer.created", "--api", trigger_server.base_url,
        STATESET_API_KEY=account.sk_live,
    )  # fmt: skip
    assert done.returncode == 2
    assert "use a test key" in done.stderr
    with httpx.Client(base_url=trigger_server.base_url) as http:
        rest = Rest(http, account.sk_live)
        assert rest.ok(rest.get("/v1/customers"))["data"] == []
