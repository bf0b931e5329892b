"""The command line's words: every command, its options and their help."""

from __future__ import annotations

import argparse
from typing import Any

from stateset_gql.access.models import PLANS
from stateset_gql.access.scopes import ALL_SCOPES
from stateset_gql.cli.client import DEFAULT_API, KEY_VARIABLE, SECRET_VARIABLE
from stateset_gql.events.types import EVENT_TYPES

DESCRIPTION = """The stateset-gql command: serve, worker, migrate, accounts and keys; and, as
clients of a running server, listen and trigger.

Every command prints readable lines or a small table, or JSON with --json. A command
that cannot start says why in one line on stderr, with the fix, and exits non-zero;
--debug (or STATESET_LOG_LEVEL=DEBUG) adds the traceback.
"""

# What --type takes: a key's prefix. What the command prints is what REST and GraphQL
# answer: the type (sk, rk, pk) and livemode.
KEY_CHOICES = ("sk_test", "sk_live", "rk_test", "rk_live", "pk_test", "pk_live")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0, not {text!r}")
    return value


def _common() -> argparse.ArgumentParser:
    """The options of every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="on a failure, print the traceback too"
    )
    return common


def _output() -> argparse.ArgumentParser:
    """The options of every command that answers something."""
    output = argparse.ArgumentParser(add_help=False, parents=[_common()])
    output.add_argument("--json", action="store_true", help="print JSON, for scripts")
    return output


def _add_serve(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the API over HTTP", parents=[_output()])
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="server processes on the one port, each with its own event loop: about one "
        "per core. Above 1 needs PostgreSQL and a redis:// broadcast (refused on SQLite or "
        "memory://); the limits below, the database pool and /metrics are per process "
        "(default 1)",
    )
    serve.add_argument(
        "--metrics-port",
        type=_positive,
        metavar="PORT",
        help="also serve the Prometheus metrics on 127.0.0.1:PORT/metrics; with --workers N, "
        "each process its own, on PORT to PORT+N-1 (/metrics on the API's port answers for "
        "whichever process took the connection)",
    )
    serve.add_argument(
        "--limit-concurrency",
        type=_positive,
        default=1000,
        metavar="N",
        help="HTTP requests in flight at most; beyond it, 503 with Retry-After (idle "
        "connections and WebSockets do not count; /health is never refused) (default 1000)",
    )
    serve.add_argument(
        "--limit-connections",
        type=_positive,
        default=16384,
        metavar="N",
        help="open connections at most, idle ones and WebSockets included: the last line "
        "against running out of file descriptors, above --limit-concurrency plus "
        "STATESET_WS_MAX_SOCKETS (default 16384)",
    )
    serve.add_argument(
        "--timeout-keep-alive",
        type=_positive,
        default=5,
        metavar="SECONDS",
        help="close a connection idle this long between requests (default 5)",
    )
    serve.add_argument(
        "--header-timeout",
        type=_positive,
        default=10,
        metavar="SECONDS",
        help="close a connection whose request headers take longer than this (default 10)",
    )
    serve.add_argument(
        "--backlog",
        type=_positive,
        default=2048,
        metavar="N",
        help="connections waiting to be accepted at most (default 2048)",
    )


def _add_worker(commands: Any) -> None:
    worker = commands.add_parser(
        "worker",
        help="deliver webhooks and republish unpublished events (any number may run)",
        parents=[_common()],
    )
    worker.add_argument(
        "--metrics-port",
        type=_positive,
        metavar="PORT",
        help="serve this worker's Prometheus metrics on 127.0.0.1:PORT/metrics",
    )


def _add_accounts(commands: Any) -> None:
    accounts = commands.add_parser("accounts", help="create, list and update accounts")
    actions = accounts.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create", help="create an account and its sk_ and pk_ keys", parents=[_output()]
    )
    create.add_argument("--name", required=True)
    create.add_argument("--plan", default="free", choices=PLANS)
    actions.add_parser("list", help="list every account", parents=[_output()])
    update = actions.add_parser(
        "update", help="change an account's plan or its enterprise rate limits", parents=[_output()]
    )
    update.add_argument("account_id", metavar="ACCT")
    update.add_argument("--plan", choices=PLANS)
    update.add_argument(
        "--limits",
        help="enterprise only: per_minute=N,per_day=N,burst=N,concurrent=N; "
        "a limit left out is unlimited",
    )


def _add_keys(commands: Any) -> None:
    keys = commands.add_parser("keys", help="create, list and revoke API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create an API key", parents=[_output()])
    create.add_argument("--account", required=True, metavar="ACCT")
    create.add_argument(
        "--type", required=True, choices=KEY_CHOICES, help="the key's prefix: type and mode"
    )
    create.add_argument(
        "--scopes", help=f"comma list for rk_ keys, of: {', '.join(sorted(ALL_SCOPES))}"
    )
    create.add_argument("--name")
    listed = actions.add_parser(
        "list", help="list an account's keys, revoked ones too", parents=[_output()]
    )
    listed.add_argument("--account", required=True, metavar="ACCT")
    revoke = actions.add_parser("revoke", help="revoke an API key", parents=[_output()])
    revoke.add_argument("key_id", metavar="KEY_ID")


def _api() -> argparse.ArgumentParser:
    """The options of every command that is a client of a running server."""
    api = argparse.ArgumentParser(add_help=False, parents=[_common()])
    api.add_argument(
        "--api", default=DEFAULT_API, metavar="URL", help=f"the server (default {DEFAULT_API})"
    )
    api.add_argument("--api-key", metavar="KEY", help=f"the key to send (default: ${KEY_VARIABLE})")
    return api


def _add_listen(commands: Any) -> None:
    listen = commands.add_parser(
        "listen",
        help="forward the key's events to a local URL as signed webhooks",
        description="Follows the key's events over the server's WebSocket and POSTs each "
        "to URL signed as the server signs webhooks, with a secret printed at start; one "
        "line per event. After a dropped connection it resumes with nothing missed or "
        "repeated. Ctrl-C stops it.",
        parents=[_api()],
    )
    listen.add_argument("--forward-to", required=True, metavar="URL")
    listen.add_argument(
        "--events",
        metavar="PATTERNS",
        help="comma list of types (order.shipped), families (order.*) or * (default *)",
    )
    listen.add_argument(
        "--secret",
        metavar="WHSEC",
        help=f"the signing secret (default: ${SECRET_VARIABLE}, else a new one each run)",
    )


def _add_trigger(commands: Any) -> None:
    trigger = commands.add_parser(
        "trigger",
        help="create, through the API, the objects that emit an event",
        description="Creates through the API the test-mode objects that emit EVENT_TYPE "
        "(order.shipped: stock, an order, paid with the test card, processed, shipped), "
        "prints their ids and the event's. Types: " + ", ".join(EVENT_TYPES) + ".",
        parents=[_api()],
    )
    trigger.add_argument("event_type", metavar="EVENT_TYPE")
    trigger.add_argument("--json", action="store_true", help="print JSON, for scripts")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stateset-gql",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_serve(commands)
    _add_worker(commands)
    commands.add_parser(
        "migrate", help="upgrade the database to the newest schema", parents=[_output()]
    )
    _add_accounts(commands)
    _add_keys(commands)
    _add_listen(commands)
    _add_trigger(commands)
    return parser
