"""The gate: who is calling, and whether they may call now.

``authenticate`` and ``admit`` are the pipeline's third and fourth stages, the same for
an HTTP request and a WebSocket's ``connection_init``. They run before a body is read.
A key seen a moment ago is answered from the ``AuthCache`` (``access/authcache.py``)
without a transaction; ``forget`` applies what the keys channel says changed, and
``watch`` reads the access version twice a second, whatever the channel carried: when it
moved, the cache is emptied and the open WebSockets' keys are checked again (as they are
after the channel reconnects, and every ``recheck_seconds``). ``current`` waits for a
reading that began after a given moment, so no event committed after a key's revocation
is streamed to that key's sockets.
Rate limiting is a ``RateLimiter``: ``Unlimited`` admits everything, ``CountingLimiter``
counts each key against the limits its principal carries (API.md section 11).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from stateset_gql.access.authcache import KEYS_CHANNEL, AuthCache, read_version
from stateset_gql.access.keys import hash_secret, parse_secret
from stateset_gql.access.limiter import Counter, Decision, Window
from stateset_gql.access.principal import Principal
from stateset_gql.access.service import authenticate, revoked_keys
from stateset_gql.db.engine import Database
from stateset_gql.db.uow import Notice
from stateset_gql.errors import ErrorDetail, RateLimited

log = logging.getLogger("stateset_gql.ratelimit")

# After the counter fails, requests are admitted without asking it for this long.
FAIL_OPEN_SECONDS = 2.0
# How often the access version is read; a reading asked for sooner (``current``) waits
# at least ``VERSION_GAP_SECONDS`` after the last one began.
VERSION_SECONDS = 0.5
VERSION_GAP_SECONDS = 0.005
# Open WebSockets' keys are checked again at least this often when there is no cache.
RECHECK_SECONDS = 10.0

OnChange = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Admission:
    """The gate's answer: the headers every response to the request carries, and
    ``refused`` when the request is over a limit (answered 429 with those headers)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    refused: RateLimited | None = None
    on_release: Callable[[], Awaitable[None]] | None = None

    async def release(self) -> None:
        """The request is answered (frees a concurrency slot, where one was taken)."""
        if self.on_release is not None:
            await self.on_release()


class RateLimiter(Protocol):
    async def admit(self, principal: Principal, count: int = 1) -> Admission: ...

    async def close(self) -> None: ...


class Unlimited:
    async def admit(self, principal: Principal, count: int = 1) -> Admission:
        return Admission()

    async def close(self) -> None:
        return None


def _shown(decision: Decision) -> Window | None:
    """The window the headers describe: the one that refused, else the minute's (the
    day's, the second's when the minute is unlimited)."""
    by_name = {w.name: w for w in decision.windows}
    if decision.refused_by in by_name:
        return by_name[decision.refused_by]
    for name in ("per_minute", "per_day", "burst"):
        if name in by_name:
            return by_name[name]
    return None


def rate_limit_headers(decision: Decision, principal: Principal) -> dict[str, str]:
    now = time.time()
    headers: dict[str, str] = {}
    window = _shown(decision)
    if decision.refused_by == "concurrent" and principal.limits.concurrent:
        limit, remaining, reset = principal.limits.concurrent, 0, now + 1
    elif window is not None:
        limit, remaining = window.limit, max(0, window.limit - window.used)
        reset = now + window.reset_ms / 1000
        if decision.refused_by:
            remaining = 0
    else:
        return headers
    headers["X-RateLimit-Limit"] = str(limit)
    headers["X-RateLimit-Remaining"] = str(remaining)
    headers["X-RateLimit-Reset"] = str(math.ceil(reset))
    if not decision.admitted:
        retry = str(max(1, math.ceil(decision.retry_after_ms / 1000)))
        headers["Retry-After"] = retry
        headers["X-RateLimit-Retry-After"] = retry
    return headers


MESSAGES = {
    "burst": "more than {limit} requests in one second",
    "per_minute": "more than {limit} requests in one minute",
    "per_day": "more than {limit} requests in one day",
    "concurrent": "more than {limit} requests at once",
}


# A batch's operations over what is left of a window (API.md section 12).
BATCH_MESSAGES = {
    "per_minute": "one minute",
    "per_day": "one day",
}


def _refusal(
    decision: Decision, principal: Principal, retry_after: str, count: int = 1
) -> RateLimited:
    name = decision.refused_by or "per_minute"
    limits = principal.limits
    limit = {
        "burst": limits.burst_per_second,
        "per_minute": limits.per_minute,
        "per_day": limits.per_day,
        "concurrent": limits.concurrent,
    }[name]
    message = (
        f"Too many requests: this API key made {MESSAGES[name].format(limit=limit)}. "
        f"Retry after {retry_after} s."
    )
    if count > 1 and name in BATCH_MESSAGES and limit is not None:
        window = BATCH_MESSAGES[name]
        used = next((w.used for w in decision.windows if w.name == name), 0)
        if count > limit:
            message = (
                f"Too many requests: a batch of {count} operations is more than this API "
                f"key's {limit} requests in {window}; send fewer operations at once, or "
                "larger work to /v1/jobs."
            )
        else:
            message = (
                f"Too many requests: a batch of {count} operations does not fit in the "
                f"{max(0, limit - used)} of this API key's {limit} requests in {window} "
                f"left now. Retry after {retry_after} s, or send fewer operations."
            )
    detail = ErrorDetail(
        param=name,
        code="RATE_LIMIT_EXCEEDED",
        message=message,
        extra=(("limit", limit), ("retry_after", int(retry_after))),
    )
    return RateLimited(message, details=[detail])


class CountingLimiter:
    """Counts every request of a key against its limits; fails open when the counter
    (Redis) does not answer, since the database, not the counter, is the record."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self._skip_until = 0.0
        self._releasing: set[asyncio.Task[None]] = set()

    async def admit(self, principal: Principal, count: int = 1) -> Admission:
        """``count`` requests at once (a batch's operations) are admitted all or none."""
        limits = principal.limits
        if limits.unlimited or time.monotonic() < self._skip_until:
            return Admission()
        try:
            decision = await self.counter.take(principal.key_id, limits, count)
        except Exception:
            self._skip_until = time.monotonic() + FAIL_OPEN_SECONDS
            log.warning(
                "rate-limit counter unreachable; admitting without limits for %.0f s",
                FAIL_OPEN_SECONDS,
                exc_info=True,
            )
            return Admission()
        headers = rate_limit_headers(decision, principal)
        if not decision.admitted:
            refused = _refusal(decision, principal, headers["Retry-After"], count)
            return Admission(headers, refused)
        slot = decision.slot
        if slot is None:
            return Admission(headers)

        async def give_back() -> None:
            try:
                await self.counter.release(principal.key_id, slot)
            except Exception:
                log.warning("could not release a concurrency slot", exc_info=True)

        async def release() -> None:
            # Given back beside the response rather than before it: the answer does not
            # wait for a second round trip to Redis.
            task = asyncio.create_task(give_back())
            self._releasing.add(task)
            task.add_done_callback(self._releasing.discard)

        return Admission(headers, on_release=release)

    async def close(self) -> None:
        if self._releasing:
            await asyncio.gather(*self._releasing, return_exceptions=True)
        await self.counter.close()


class Gate:
    def __init__(
        self, *, db: Database, limiter: RateLimiter | None = None, cache: AuthCache | None = None
    ) -> None:
        self.db = db
        self.limiter: RateLimiter = limiter or Unlimited()
        self.cache = cache if cache is not None else AuthCache(seconds=0)
        # The unix time at which the last complete reading of the access version began;
        # the reading under way (its end is ``_round``), and what asks for one sooner.
        self.checked_at = 0.0
        self._watching = False
        self._round = asyncio.Event()
        self._wake = asyncio.Event()
        self._recheck = True
        self._rechecked = 0.0

    async def authenticate(self, secret: str | None) -> Principal:
        """The caller behind a key, or 401 (missing, malformed, unknown or revoked)."""
        # Only a well-formed secret is looked up in the cache; the rest fail below.
        digest = hash_secret(secret) if secret and parse_secret(secret) else None
        if digest is not None and (cached := self.cache.get(digest)) is not None:
            return cached
        generation = self.cache.generation
        async with self.db.session(write=False) as session:
            principal = await authenticate(session=session, secret=secret)
        if digest is not None:
            self.cache.put(digest, principal, generation)
        return principal

    def forget(self, message: str) -> None:
        """A message of the keys channel: drop what it names from the cache."""
        self.cache.forget(message)

    async def committed(self, notices: Sequence[Notice]) -> None:
        """The runner's notices of a commit in this process, heard before the answer."""
        for notice in notices:
            if notice.channel == KEYS_CHANNEL:
                self.forget(notice.message)

    async def admit(self, principal: Principal, count: int = 1) -> Admission:
        """The key's admission for ``count`` requests (a batch's operations, all or
        none): ``refused`` (429) when they do not fit."""
        return await self.limiter.admit(principal, count)

    async def revoked(self, key_ids: Iterable[str]) -> set[str]:
        """Which of these keys are revoked now."""
        async with self.db.session(write=False) as session:
            return await revoked_keys(session=session, key_ids=key_ids)

    def recheck_soon(self) -> None:
        """Revocations may have been missed (the channel reconnected): the next reading
        checks the open sockets' keys again, whether or not the version moved."""
        self._recheck = True
        self._wake.set()

    async def current(self, moment: float) -> None:
        """Returns once a reading of the access version that began at or after ``moment``
        (unix time; a later one is taken as now) has been acted on."""
        moment = min(moment, time.time())
        while self._watching and self.checked_at < moment:
            ended = self._round
            self._wake.set()
            await ended.wait()

    async def watch(self, on_change: OnChange, *, recheck_seconds: float) -> None:
        """Reads the access version every ``VERSION_SECONDS`` (sooner when asked); when
        it moved, or the channel reconnected, or every ``recheck_seconds``, forgets the
        cache and calls ``on_change`` (the WebSockets check their keys again)."""
        self._watching = True
        self._rechecked = time.monotonic()
        try:
            while True:
                began, began_at = time.monotonic(), time.time()
                if await self._read(began, on_change, recheck_seconds):
                    self.checked_at = began_at
                ended, self._round = self._round, asyncio.Event()
                ended.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), VERSION_SECONDS)
                self._wake.clear()
                await asyncio.sleep(max(0.0, began + VERSION_GAP_SECONDS - time.monotonic()))
        finally:
            self._watching = False
            self._round.set()

    async def _read(self, began: float, on_change: OnChange, recheck_seconds: float) -> bool:
        """One reading; whether it (and the recheck it called for) succeeded."""
        try:
            async with self.db.session(write=False) as session:
                version = await read_version(session)
        except Exception:
            # The cache stops answering once its last reading is too old.
            log.warning("could not read the access version", exc_info=True)
            return False
        moved = self.cache.seen(version, began)
        if not (moved or self._recheck or began - self._rechecked >= recheck_seconds):
            return True
        self._recheck, self._rechecked = False, began
        try:
            await on_change()
        except Exception:
            self._recheck = True
            log.warning("could not check the open sockets' keys again", exc_info=True)
            return False
        return True
