"""One Settings object, read once from the environment and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./stateset.db"
MAX_BODY_BYTES = 10 * 1024 * 1024
ENVIRONMENTS = ("development", "test", "production")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


# What a URL may start with, and the driver it means: the forms other tools and hosting
# providers give (postgres://, postgresql://, sqlite://) name no driver, and this one
# runs PostgreSQL on asyncpg and SQLite on aiosqlite.
DATABASE_SCHEMES = {
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "sqlite": "sqlite+aiosqlite",
}


class ConfigurationError(Exception):
    """The environment asks for something this process cannot run with."""


def database_url(url: str) -> str:
    """``url`` with the driver this process uses; a scheme it does not know is left as
    it is (``validate`` refuses it)."""
    scheme, sep, rest = url.partition("://")
    driver = DATABASE_SCHEMES.get(scheme.lower())
    return f"{driver}{sep}{rest}" if sep and driver else url


def _seconds(env: Mapping[str, str], name: str, default: float, *, zero: bool = False) -> float:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not (seconds >= 0 if zero else seconds > 0):
        what = "zero or a positive" if zero else "a positive"
        raise ConfigurationError(f"{name} must be {what} number of seconds, got {raw!r}")
    return seconds


def _whole(env: Mapping[str, str], name: str, default: int, *, zero: bool = False) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        count = int(raw)
    except ValueError:
        count = -1
    if not (count >= 0 if zero else count > 0):
        what = "zero or a positive" if zero else "a positive"
        raise ConfigurationError(f"{name} must be {what} whole number, got {raw!r}")
    return count


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    broadcast_url: str = "memory://"
    # Seconds before each retry of a failed webhook attempt (fractions allowed).
    webhook_retry_schedule: tuple[float, ...] = (60, 600, 3600)
    # How often a worker looks for due deliveries and new events besides its wake-ups.
    webhook_poll_seconds: float = 1.0
    # How long a worker holds a claimed delivery; a dead worker's come due again after
    # it. Longer than an attempt may take (30 s).
    webhook_lease_seconds: float = 60.0
    # A bulk job's lease: its worker renews it (three times a lease) while it runs the job;
    # a dead worker's job is taken over this long after its last renewal.
    job_lease_seconds: float = 30.0
    # How often a worker looks for a job besides the wake-up a new job sends it.
    job_poll_seconds: float = 1.0
    # Jobs one worker process runs at once, and lines one job runs at once: what bounds a
    # job's share of the database beside interactive requests (a job's lines spend no
    # rate limit). SQLite runs one write at a time whatever these say.
    job_slots: int = 2
    job_concurrency: int = 4
    env: str = "development"
    allow_embedded: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    # A request body that has not fully arrived this long after its headers is a 408.
    body_timeout_seconds: float = 30.0
    idempotency_ttl_seconds: int = 24 * 3600
    # A claimed idempotency key's lease: its running request renews it (three times per
    # lease), so only a dead process's (kill -9) claim lapses, after at most this long;
    # a retry then takes the key over. Short, so a client's retries of a request whose
    # process died succeed within seconds instead of a minute.
    idempotency_lock_seconds: int = 10
    # PostgreSQL connections one process keeps (pool) and may open beyond them at a peak
    # (overflow); a request waits this long for one before it is answered 503. Every
    # serve and worker process has its own pool: their totals together must stay under
    # the server's max_connections (100 by default). An overflow connection is closed as
    # soon as it is returned, so under steady load past the pool every request beyond it
    # opened and closed one (20 concurrent reads ran at half the rate): the default keeps
    # the same 20 at most, all pooled.
    db_pool_size: int = 20
    db_max_overflow: int = 0
    db_pool_timeout_seconds: float = 5.0
    log_level: str = "INFO"
    # How long a server trusts a key it authenticated without asking the database again;
    # a revocation or plan change published through Redis drops it at once (0: no cache).
    auth_cache_seconds: float = 10.0
    # A WebSocket that sends no connection_init this long after opening is closed (4408);
    # the server pings each socket this often (API.md section 9).
    ws_init_seconds: float = 10.0
    ws_ping_seconds: float = 15.0
    # HTTP requests this process runs at once; beyond it a request is answered 503 with
    # Retry-After (``/health`` and ``/metrics`` are never refused). Set by serve's
    # --limit-concurrency, not read from the environment.
    max_requests_in_flight: int = 1000
    # WebSockets this process holds open at once, and of those how many may still be
    # waiting for their connection_init: beyond either, an upgrade is answered 503.
    ws_max_sockets: int = 10_000
    ws_max_unauthenticated: int = 500
    # Queries compiled to one SQL statement per root field on PostgreSQL (the resolver
    # path answers whatever does not compile); off, every query runs on the resolvers.
    compiled_reads: bool = True
    # Every authenticated API request logged (API.md section 15), written off the
    # request's path in batches; off only to measure what the log costs (the bench).
    request_logs: bool = True
    # The demo account's test key when `serve` has just created it (development only,
    # never read from the environment): GraphiQL's headers editor starts with it.
    demo_key: str | None = field(default=None, repr=False)
    # What signs the dashboard's session cookies (STATESET_DASHBOARD_SECRET); unset, each
    # process draws its own, so sessions do not cross processes or restarts.
    dashboard_secret: str | None = field(default=None, repr=False)
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Whoever reads the URL (the engine, the migrations, the start-up checks) reads
        # the one with its driver named.
        object.__setattr__(self, "database_url", database_url(self.database_url))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_embedded(self) -> bool:
        return self.is_sqlite or self.broadcast_url.startswith("memory://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        schedule_raw = env.get("STATESET_WEBHOOK_RETRY_SCHEDULE", "60,600,3600")
        try:
            schedule = tuple(float(part) for part in schedule_raw.split(",") if part.strip())
        except ValueError:
            schedule = ()
        if not schedule or not min(schedule) > 0:
            raise ConfigurationError(
                "STATESET_WEBHOOK_RETRY_SCHEDULE must be a comma list of seconds "
                f"(e.g. 60,600,3600), not {schedule_raw!r}"
            )
        settings = cls(
            database_url=env.get("STATESET_DATABASE_URL", DEFAULT_DATABASE_URL),
            db_pool_size=_whole(env, "STATESET_DB_POOL_SIZE", 20),
            db_max_overflow=_whole(env, "STATESET_DB_MAX_OVERFLOW", 0, zero=True),
            db_pool_timeout_seconds=_seconds(env, "STATESET_DB_POOL_TIMEOUT_SECONDS", 5.0),
            broadcast_url=env.get("STATESET_BROADCAST_URL", "memory://"),
            webhook_retry_schedule=schedule,
            webhook_poll_seconds=_seconds(env, "STATESET_WEBHOOK_POLL_SECONDS", 1.0),
            webhook_lease_seconds=_seconds(env, "STATESET_WEBHOOK_LEASE_SECONDS", 60.0),
            job_lease_seconds=_seconds(env, "STATESET_JOB_LEASE_SECONDS", 30.0),
            job_poll_seconds=_seconds(env, "STATESET_JOB_POLL_SECONDS", 1.0),
            job_slots=_whole(env, "STATESET_JOB_SLOTS", 2),
            job_concurrency=_whole(env, "STATESET_JOB_CONCURRENCY", 4),
            env=env.get("STATESET_ENV", "development"),
            allow_embedded=env.get("STATESET_ALLOW_EMBEDDED", "") == "1",
            log_level=env.get("STATESET_LOG_LEVEL", "INFO").upper(),
            body_timeout_seconds=_seconds(env, "STATESET_BODY_TIMEOUT_SECONDS", 30.0),
            compiled_reads=env.get("STATESET_COMPILED_READS", "1") != "0",
            request_logs=env.get("STATESET_REQUEST_LOGS", "1") != "0",
            auth_cache_seconds=_seconds(env, "STATESET_AUTH_CACHE_SECONDS", 10.0, zero=True),
            ws_max_sockets=_whole(env, "STATESET_WS_MAX_SOCKETS", 10_000),
            ws_max_unauthenticated=_whole(env, "STATESET_WS_MAX_UNAUTHENTICATED", 500),
            dashboard_secret=env.get("STATESET_DASHBOARD_SECRET") or None,
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Each refusal names the setting at fault and what it may be."""
        if self.env not in ENVIRONMENTS:
            raise ConfigurationError(
                f"STATESET_ENV must be {', '.join(ENVIRONMENTS[:-1])} or {ENVIRONMENTS[-1]}, "
                f"not {self.env!r}"
            )
        if self.log_level not in LOG_LEVELS:
            raise ConfigurationError(
                f"STATESET_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {self.log_level!r}"
            )
        if not self.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            scheme, sep, _ = self.database_url.partition("://")
            raise ConfigurationError(
                "STATESET_DATABASE_URL must start with postgresql://, postgres:// or sqlite:/// "
                "(postgresql+asyncpg:// and sqlite+aiosqlite:/// too), "
                + (f"not {scheme}://" if sep else "and this is not a URL")
            )
        if not self.broadcast_url.startswith(("memory://", "redis://", "rediss://")):
            raise ConfigurationError(
                "STATESET_BROADCAST_URL must start with memory://, redis:// or rediss://"
            )
        if self.ws_max_unauthenticated > self.ws_max_sockets:
            raise ConfigurationError(
                "STATESET_WS_MAX_UNAUTHENTICATED must be at most STATESET_WS_MAX_SOCKETS "
                f"({self.ws_max_sockets}), not {self.ws_max_unauthenticated}"
            )
        if self.env == "production" and not self.allow_embedded:
            if self.is_sqlite:
                raise ConfigurationError(
                    "STATESET_DATABASE_URL is SQLite; production needs PostgreSQL "
                    "(or set STATESET_ALLOW_EMBEDDED=1)"
                )
            if self.broadcast_url.startswith("memory://"):
                raise ConfigurationError(
                    "STATESET_BROADCAST_URL is memory://; production needs Redis "
                    "(or set STATESET_ALLOW_EMBEDDED=1)"
                )
