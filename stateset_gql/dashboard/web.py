"""The dashboard's web plumbing: templates, its static files, a signed-in page's
request (``Page``), the same-origin rule and the searches its lists make."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from stateset_gql.access.principal import Principal
from stateset_gql.dashboard.console import Problem
from stateset_gql.dashboard.session import Session
from stateset_gql.events.types import EVENT_TYPES
from stateset_gql.http.serve import request_id_of
from stateset_gql.settings import Settings
from stateset_gql.webhooks.deliveries import TEST_EVENT_TYPE

log = logging.getLogger("stateset_gql.dashboard")

HERE = Path(__file__).parent
STATIC = HERE / "static"
PREFIX = "/dashboard"
HTMX = "vendor/htmx-2.0.11/htmx.min.js"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
CACHED = "public, max-age=31536000, immutable"
# Only this server's scripts and styles; forms post only here; never framed.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# The rotation overlaps the form offers: seconds the previous secret keeps signing.
OVERLAPS = ((0, "end the old secret now"), (3600, "1 hour"), (86400, "24 hours"))
SIMULATED = (TEST_EVENT_TYPE, *EVENT_TYPES)
LOGS_SCOPE = "request_logs:read"
# The request log's status filter: a class, as [low, high).
STATUS_CLASSES = {
    "2xx": (200, 300),
    "3xx": (300, 400),
    "4xx": (400, 500),
    "5xx": (500, 600),
    "errors": (400, 600),
}


@cache
def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = _static_url
    env.filters["json"] = lambda value: orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    env.filters["money"] = lambda amount, currency: (
        f"{amount / 100:,.2f} {currency.upper()}" if amount is not None else ""
    )
    return env


@cache
def _assets() -> dict[str, Path]:
    return {
        path.relative_to(STATIC).as_posix(): path
        for path in sorted(STATIC.rglob("*"))
        if path.is_file()
    }


@cache
def _digest(name: str) -> str:
    return hashlib.sha256(_assets()[name].read_bytes()).hexdigest()[:16]


def _static_url(name: str) -> str:
    if name.startswith("vendor/"):  # the version is in the path
        return f"{PREFIX}/static/{name}"
    return f"{PREFIX}/static/{name}?v={_digest(name)}"


async def static(request: Request) -> Response:
    """``GET /dashboard/static/{name}``: one of the package's static files, nothing else."""
    name = request.path_params["name"]
    path = _assets().get(name)
    if path is None:
        raise HTTPException(404)
    current = name.startswith("vendor/") or request.query_params.get("v") == _digest(name)
    return FileResponse(
        path,
        media_type=MEDIA_TYPES.get(path.suffix, "text/plain; charset=utf-8"),
        headers={
            "Cache-Control": CACHED if current else "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


def session_secret(settings: Settings) -> bytes:
    if settings.dashboard_secret:
        return settings.dashboard_secret.encode()
    if settings.env == "production":
        log.warning(
            "STATESET_DASHBOARD_SECRET is not set: dashboard sessions are signed with a "
            "secret of this process's own, so they end at a restart and do not cross "
            "processes"
        )
    return secrets.token_bytes(32)


@dataclass
class Page:
    """One signed-in request: who, and what its page renders with."""

    request: Request
    session: Session
    principal: Principal
    csrf: str
    form: FormData | None = None
    message: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def request_id(self) -> str:
        return request_id_of(self.request)

    def field(self, name: str) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""


Handler = Callable[[Page], Awaitable[Response]]


def same_origin(request: Request) -> bool:
    """Whether the request's ``Origin`` is this server as the browser addressed it."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    if not origin or not host or origin == "null":
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def forbidden(why: str) -> Response:
    return HTMLResponse(
        f"<!doctype html><title>Forbidden</title><p>Forbidden: {why}</p>",
        status_code=403,
        headers={"Cache-Control": "no-store", "Content-Security-Policy": POLICY},
    )


def where_search(kind: str, q: str) -> dict[str, Any] | None:
    """The ``where`` a list's search box means: an id, or a text match on its names."""
    if not q:
        return None
    like = {"_ilike": f"%{q}%"}
    if kind == "orders":
        return {"customerId": {"_eq": q}} if q.startswith("cus_") else {"id": {"_eq": q}}
    if kind == "customers":
        return {"_or": [{"email": like}, {"name": like}, {"id": {"_eq": q}}]}
    if kind == "inventory":
        return {"_or": [{"sku": like}, {"name": like}, {"location": like}]}
    return {"orderId": {"_eq": q}} if q.startswith("ord_") else {"id": {"_eq": q}}
