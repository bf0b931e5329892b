"""The stateset-gql command: serve, worker, migrate, accounts and keys; listen and trigger.

``parser`` holds the words, ``processes`` the commands that run a process (serve,
worker, migrate), ``serving`` how a server process is built and ``supervisor`` how
``serve --workers N`` runs N of them, ``admin`` the commands on accounts and keys, and
``output`` how an answer reads. ``listen`` and ``trigger`` are clients of a running
server over its API (``client``), so they read no settings and open no database. Here:
running one command, and the one line a failure prints.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from stateset_gql import startup
from stateset_gql.cli import admin, processes
from stateset_gql.cli.client import ClientFailed
from stateset_gql.cli.parser import build_parser
from stateset_gql.errors import StateSetError
from stateset_gql.settings import ConfigurationError, Settings

__all__ = ["build_parser", "main"]


def _fail(message: str, exc: BaseException, debug: bool, code: int) -> int:
    if debug:
        traceback.print_exception(exc)
    sys.stderr.write(f"error: {message}\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get("STATESET_LOG_LEVEL", "").upper() == "DEBUG"
    try:
        if args.command == "listen":
            from stateset_gql.cli import listen  # the WebSocket and HTTP clients: here only

            return listen.run(args)
        if args.command == "trigger":
            from stateset_gql.cli import trigger

            return trigger.run(args)
        settings = Settings.from_env()
        if args.command == "serve":
            return processes.serve(settings, args)
        if args.command == "worker":
            return processes.worker(settings, args)
        if args.command == "migrate":
            return processes.migrate_database(settings, args)
        return admin.run(settings, args)
    except KeyboardInterrupt:
        # Ctrl-C: the process stops as asked, with no traceback.
        return 130
    except ClientFailed as exc:
        return _fail(str(exc), exc, debug, exc.exit_code)
    except ConfigurationError as exc:
        return _fail(str(exc), exc, debug, 2)
    except startup.StartupError as exc:
        return _fail(str(exc), exc, debug, 1)
    except StateSetError as exc:
        return _fail(f"{exc.code}: {exc.message}", exc, debug, 1)
    except Exception as exc:  # noqa: BLE001 -- one line instead of a traceback, by design
        return _fail(startup.explain(exc), exc, debug, 1)
