"""The commands that run a process: serve the API, run a worker, migrate the database."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import sys
from typing import Any

import orjson

from stateset_gql import startup
from stateset_gql.db import migrate
from stateset_gql.db.engine import Database
from stateset_gql.settings import ConfigurationError, Settings

log = logging.getLogger("stateset_gql.worker")


def migrate_database(settings: Settings, args: argparse.Namespace) -> int:
    startup.check(settings, schema=False)
    migrate.upgrade(settings.database_url)
    if args.json:
        sys.stdout.write(orjson.dumps({"migrated": True}).decode() + "\n")
    else:
        sys.stdout.write("The database is at the newest migration.\n")
    return 0


def serve(settings: Settings, args: argparse.Namespace) -> int:
    from stateset_gql.bootstrap import ensure_demo_account, makes_demo_account
    from stateset_gql.cli.serving import ServeOptions, build_server
    from stateset_gql.cli.supervisor import supervise
    from stateset_gql.http.requestctx import configure_logging
    from stateset_gql.http.server import Server, allow_open_files

    connections = _connection_cap(settings, args)
    _check_workers(settings, args.workers)
    # Before anything is made or printed: a demo key shown by a process that cannot
    # listen would be lost.
    startup.check_port(args.host, args.port)
    if args.metrics_port is not None:
        for port in range(args.metrics_port, args.metrics_port + args.workers):
            startup.check_port("127.0.0.1", port, option="--metrics-port")
    # The embedded database migrates itself; any other is migrated by `migrate`, once
    # per release, and is only checked here.
    startup.check(settings, schema=not settings.is_sqlite, broadcast=True)
    if settings.is_sqlite:
        migrate.upgrade(settings.database_url)
    configure_logging(settings.log_level)
    if makes_demo_account(settings):
        secret = asyncio.run(_demo_key(settings, ensure_demo_account))
        if secret:
            # GraphiQL's headers start with it while this process runs.
            settings = dataclasses.replace(settings, demo_key=secret)
        if secret and args.json:
            demo = {
                "object": "demo_account",
                "secret": secret,
                "url": f"http://{args.host}:{args.port}",
            }
            sys.stdout.write(orjson.dumps(demo).decode() + "\n")
            sys.stdout.flush()
        elif secret:
            sys.stdout.write(
                "\nCreated the demo account. Its test key (shown once, keep it):\n\n"
                f"    {secret}\n\n"
                f"Try: curl -s http://{args.host}:{args.port}/graphql "
                f"-H 'Authorization: Bearer {secret}' -H 'Content-Type: application/json' "
                '-d \'{"query": "{ account { id mode plan } }"}\'\n'
                f"Or open http://{args.host}:{args.port}/graphql in a browser: GraphiQL's "
                "Headers tab holds this key until the server restarts.\n\n"
                "Lost it? .venv/bin/stateset-gql accounts list, then "
                "keys create --account ACCT --type sk_test\n\n"
            )
            sys.stdout.flush()
    settings = dataclasses.replace(settings, max_requests_in_flight=args.limit_concurrency)
    # Inherited by the processes of --workers.
    allow_open_files(connections)
    options = ServeOptions(
        settings=settings,
        host=args.host,
        port=args.port,
        connections=connections,
        timeout_keep_alive=args.timeout_keep_alive,
        header_timeout=args.header_timeout,
        backlog=args.backlog,
        metrics_port=args.metrics_port,
    )
    if args.workers == 1:
        build_server(options, Server).run()
    else:
        supervise(options, workers=args.workers)
    return 0


def _check_workers(settings: Settings, workers: int) -> None:
    """Several processes share only what lives outside them: on SQLite or memory:// each
    would keep its own, and they would disagree."""
    if workers == 1:
        return
    if settings.is_sqlite:
        raise ConfigurationError(
            f"--workers {workers} needs PostgreSQL: on SQLite each process would be a writer "
            "of its own on the one file; set STATESET_DATABASE_URL=postgresql://... (and "
            "STATESET_BROADCAST_URL=redis://...), or use --workers 1"
        )
    if settings.broadcast_url.startswith("memory://"):
        raise ConfigurationError(
            f"--workers {workers} needs STATESET_BROADCAST_URL=redis://...: on memory:// each "
            "process would have its own hub, so subscriptions, rate limits and revocations "
            "would not reach the other processes; set it, or use --workers 1"
        )


def _connection_cap(settings: Settings, args: argparse.Namespace) -> int:
    cap: int = args.limit_connections
    budgets = args.limit_concurrency + settings.ws_max_sockets
    if cap <= budgets:
        raise ConfigurationError(
            f"--limit-connections ({cap}) must be above --limit-concurrency "
            f"({args.limit_concurrency}) plus STATESET_WS_MAX_SOCKETS ({settings.ws_max_sockets}), "
            f"e.g. --limit-connections {budgets * 2}"
        )
    return cap


def worker(settings: Settings, args: argparse.Namespace) -> int:
    from stateset_gql.http.requestctx import configure_logging

    startup.check(settings, schema=True, broadcast=True)
    configure_logging(settings.log_level)
    asyncio.run(_run_worker(settings, metrics_port=args.metrics_port))
    return 0


async def _run_worker(settings: Settings, *, metrics_port: int | None) -> None:
    """The worker process: its loops until SIGTERM or SIGINT."""
    from prometheus_client import start_http_server

    from stateset_gql.app import build_state

    state = build_state(settings)
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        running.add_signal_handler(signum, stop.set)
    await state.hub.connect()
    if metrics_port is not None:
        start_http_server(metrics_port, addr="127.0.0.1", registry=state.metrics.registry)
    log.info("worker started")
    try:
        await asyncio.gather(*state.worker_loops(stop))
    finally:
        await state.hub.disconnect()
        await state.pipeline.gate.limiter.close()
        await state.db.dispose()
        log.info("worker stopped")


async def _demo_key(settings: Settings, ensure: Any) -> str | None:
    db = Database.of(settings)
    try:
        result: str | None = await ensure(db)
        return result
    finally:
        await db.dispose()
