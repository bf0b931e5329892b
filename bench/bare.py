"""The floor under a read: a bare ASGI app that runs one SQL statement and returns its JSON.

``python bench/bare.py PORT STATEMENT_FILE DSN`` serves, on every POST, the answer of the
statement in ``STATEMENT_FILE`` (``{"text": ..., "values": [...]}``, the one statement this
service's compiled engine sends for a query: ``CompiledReads.connection_statement``) as
``{"data":{"<root>":...}}``: a Starlette route, an asyncpg pool of the size this
service keeps, the same session settings, and nothing else — no key, no document, no
limits. ``bench/sidebyside.py`` measures it beside the service to show what the rest
of a request costs.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stateset_gql.db.engine import SERVER_SETTINGS, Pool  # noqa: E402


def bare_app(dsn: str, root: str, text: str, values: list[Any]) -> Starlette:
    pool: dict[str, asyncpg.Pool] = {}
    head, tail = b'{"data":{' + orjson.dumps(root) + b":", b"}}"

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        size = Pool()
        pool["pg"] = await asyncpg.create_pool(
            dsn,
            min_size=size.size,
            max_size=size.size + size.max_overflow,
            server_settings=dict(SERVER_SETTINGS),
        )
        try:
            yield
        finally:
            await pool["pg"].close()

    async def read(request: Request) -> Response:
        await request.body()
        answer: str = await pool["pg"].fetchval(text, *values)
        return Response(head + answer.encode() + tail, media_type="application/json")

    return Starlette(routes=[Route("/graphql", read, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    port, statement_file, dsn = sys.argv[1], sys.argv[2], sys.argv[3]
    statement = orjson.loads(Path(statement_file).read_bytes())
    app = bare_app(dsn, statement["root"], statement["text"], statement["values"])
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
