"""GraphiQL, served from this package so that it works without internet.

``page.html`` loads React, ReactDOM and GraphiQL's own builds from ``vendor/`` (which
versions, and how to refresh them: ``README.md`` here) and ``start.js``, which mounts
GraphiQL with the headers editor open and holding ``Authorization: Bearer `` (with the
demo key when ``serve`` has just created one). Every asset URL changes when its content
does, a version in its path or a digest in its query, so assets are cached for a year;
the page itself, which may hold a key, is never cached.
"""

from __future__ import annotations

import hashlib
import html
from functools import cache
from pathlib import Path
from string import Template

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

HERE = Path(__file__).parent
VENDOR = HERE / "vendor"
PREFIX = "/graphiql/"
# The pinned builds, one folder each under vendor/ (README.md: how to refresh them).
GRAPHIQL = "graphiql-3.9.0"
REACT = "react-18.3.1"
REACT_DOM = "react-dom-18.3.1"
CACHED = "public, max-age=31536000, immutable"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
# Scripts and styles only from this server; the page's own bootstrap is start.js, so
# no inline script runs. GraphiQL sets inline styles and embeds its fonts and icons.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DEFAULT_QUERY = """\
# Welcome to StateSet GQL.
#
# Every request needs an API key: put yours after "Bearer " in the Headers tab
# below (`make run` printed a test key the first time it started), then press
# the run button or Ctrl-Enter.

{
  account {
    id
    mode
    plan
  }
}
"""


@cache
def _assets() -> dict[str, tuple[Path, str]]:
    """What may be fetched under ``/graphiql/``: its name there, its file and media type."""
    found: dict[str, tuple[Path, str]] = {}
    for path in sorted(VENDOR.rglob("*")):
        if path.is_file():
            media = MEDIA_TYPES.get(path.suffix, "text/plain; charset=utf-8")
            found[path.relative_to(VENDOR).as_posix()] = (path, media)
    found["start.js"] = (HERE / "start.js", MEDIA_TYPES[".js"])
    return found


@cache
def _digest(name: str) -> str:
    return hashlib.sha256(_assets()[name][0].read_bytes()).hexdigest()[:16]


def _url(name: str) -> str:
    if "/" in name:  # vendor/<package>-<version>/...: the version is in the path
        return PREFIX + name
    return f"{PREFIX}{name}?v={_digest(name)}"


@cache
def _template() -> Template:
    return Template((HERE / "page.html").read_text(encoding="utf-8"))


def page(*, url: str, key: str | None) -> Response:
    """The GraphiQL page for the endpoint at ``url``; ``key`` fills the Authorization
    header (``serve`` passes the demo key it has just created, in development only)."""
    headers = orjson.dumps(
        {"Authorization": f"Bearer {key or ''}"}, option=orjson.OPT_INDENT_2
    ).decode()
    config = orjson.dumps({"url": url, "headers": headers, "query": DEFAULT_QUERY}).decode()
    # Inside <script type="application/json">: nothing may close the element early.
    config = config.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    body = _template().substitute(
        config=config,
        graphiql_css=html.escape(_url(f"{GRAPHIQL}/graphiql.min.css")),
        react_js=html.escape(_url(f"{REACT}/react.production.min.js")),
        react_dom_js=html.escape(_url(f"{REACT_DOM}/react-dom.production.min.js")),
        graphiql_js=html.escape(_url(f"{GRAPHIQL}/graphiql.min.js")),
        start_js=html.escape(_url("start.js")),
    )
    return HTMLResponse(
        body,
        headers={"Cache-Control": "no-store", "Content-Security-Policy": POLICY},
    )


async def asset(request: Request) -> Response:
    """``GET /graphiql/{name}``: one of the files above, nothing else."""
    found = _assets().get(request.path_params["name"])
    if found is None:
        raise HTTPException(404)
    path, media = found
    name = request.path_params["name"]
    current = "/" in name or request.query_params.get("v") == _digest(name)
    return FileResponse(
        path,
        media_type=media,
        headers={
            "Cache-Control": CACHED if current else "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )
