"""``serve --workers N``: N server processes on one port, each with its own event loop.

This process checks, binds and watches; it serves nothing. It binds N listening
sockets to the port with ``SO_REUSEPORT``, one per server process, so the kernel spreads
new connections evenly over them (one shared socket lets whichever process wakes first
take a whole burst of connections). The sockets stay open here: a connection the kernel
queued for a process that died is answered by its replacement, on the same socket.

Each server process is started with multiprocessing's ``spawn`` (a fresh interpreter, as
uvicorn's own ``--workers`` does), builds its app and runs ``Server``, so each closes its
WebSockets with 1001 and drains its requests on shutdown exactly as a lone ``serve``.
The processes are in a process group of their own: a signal reaches them only through
this one, once. SIGTERM or SIGINT here stops them all gracefully (a second SIGINT
stops them at once) and returns when the last has finished. A process that dies after
it started is replaced; one that fails to start (its log says why) stops them all, and
``serve`` exits non-zero. A process whose supervisor is gone (``kill -9``) stops itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event
from types import FrameType

from stateset_gql import startup
from stateset_gql.cli.serving import ServeOptions, build_server
from stateset_gql.http.requestctx import configure_logging
from stateset_gql.http.server import Server

log = logging.getLogger("stateset_gql.serve")

SPAWN = multiprocessing.get_context("spawn")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class SupervisedServer(Server):
    """A server that tells its supervisor when it listens, and stops when it is gone."""

    supervisor: int = 0
    listening: Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.listening is not None:
            self.listening.set()

    async def on_tick(self, counter: int) -> bool:
        if counter % 10 == 0 and os.getppid() != self.supervisor:
            log.warning("the supervisor of this server process is gone; stopping")
            self.should_exit = True
        return await super().on_tick(counter)


def _serve_on(options: ServeOptions, index: int, listener: socket.socket, listening: Event) -> None:
    """One server process (the target of ``spawn``)."""
    os.setpgid(0, 0)
    configure_logging(options.settings.log_level)
    server = build_server(options, SupervisedServer, index=index)
    server.supervisor = os.getppid()
    server.listening = listening
    server.run(sockets=[listener])


def _listener(options: ServeOptions) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        options.host, options.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(address)
    listener.listen(options.backlog)
    return listener


@dataclass
class _Slot:
    """One server process's socket, and the process serving it now."""

    index: int
    listener: socket.socket
    process: SpawnProcess | None = None
    listening: Event | None = None  # set by the process once it listens

    def start(self, options: ServeOptions) -> None:
        self.listening = SPAWN.Event()
        self.process = SPAWN.Process(
            target=_serve_on,
            args=(options, self.index, self.listener, self.listening),
            name=f"stateset-gql serve :{options.port}",
        )
        self.process.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.exitcode is None

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.pid is not None and self.running:
            os.kill(self.process.pid, signum)


def supervise(options: ServeOptions, *, workers: int) -> None:
    """Runs ``workers`` server processes on options' port until SIGTERM or SIGINT;
    raises StartupError when one of them fails to start."""
    # Checked free by ``serve`` already; bound here before any process starts.
    slots = [_Slot(index, _listener(options)) for index in range(workers)]
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    wake_read, wake_write = socket.socketpair()
    wake_write.setblocking(False)
    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    previous_wakeup = signal.set_wakeup_fd(wake_write.fileno())
    failed: str | None = None
    try:
        for slot in slots:
            slot.start(options)
        pids = ", ".join(str(slot.process.pid) for slot in slots if slot.process)
        log.info(
            "serving on http://%s:%d with %d processes (%s)",
            options.host, options.port, workers, pids,
        )  # fmt: skip
        stopping = False
        while any(slot.running for slot in slots):
            sentinels = [slot.process.sentinel for slot in slots if slot.process and slot.running]
            wait([*sentinels, wake_read], timeout=1.0)
            _drain(wake_read)
            while received:
                signum = received.pop(0)
                # The first signal stops every process gracefully; another SIGINT, at once.
                if not stopping or signum == signal.SIGINT:
                    for slot in slots:
                        slot.signal(signal.SIGTERM if not stopping else signal.SIGINT)
                stopping = True
            if stopping:
                continue
            for slot in slots:
                if slot.process is None or slot.running:
                    continue
                code = slot.process.exitcode
                if slot.listening is None or not slot.listening.is_set():
                    failed = (
                        f"a server process failed to start (exit code {code}); "
                        "its log above says why"
                    )
                    stopping = True
                    for other in slots:
                        other.signal(signal.SIGTERM)
                    break
                log.error(
                    "server process %d died (exit code %s); starting another",
                    slot.process.pid,
                    code,
                )
                slot.start(options)
    finally:
        # Only on an error of this loop: whatever still runs is stopped, gracefully.
        for slot in slots:
            slot.signal(signal.SIGTERM)
        for slot in slots:
            if slot.process is not None:
                slot.process.join()
        signal.set_wakeup_fd(previous_wakeup)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        wake_read.close()
        wake_write.close()
        for slot in slots:
            slot.listener.close()
    if failed is not None:
        raise startup.StartupError(failed)
    log.info("stopped the %d server processes", workers)


def _drain(wake: socket.socket) -> None:
    wake.setblocking(False)
    try:
        while wake.recv(512):
            pass
    except BlockingIOError:
        pass
