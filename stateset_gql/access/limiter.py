"""Counting requests per key against its limits: in Redis, shared, or in this process.

Each limit is a window that opens at a key's first request and lasts its length (one
second for ``burst``, a minute, a day): a key may make N requests in the window, and the
window's end is when the count starts again. A request is counted in every window only
when all of them admit it, so refused requests use up nothing. ``concurrent`` is a slot
held from admission until ``release``.

``take`` may count several requests at once (``count``: a batch's operations, API.md
section 12): all of them toward the minute and the day, or none when they do not all
fit. The second's ``burst`` and ``concurrent`` count the one HTTP request that carried
them, whose operations run one after another.

``RedisCounter`` decides in one Lua script, one round trip, atomically for every process
on the same Redis; concurrency slots there expire after ``SLOT_SECONDS`` so that a
process that died never holds them for good. ``MemoryCounter`` is its in-process twin
for ``memory://``.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from typing import Any, Protocol

from stateset_gql.access.ratelimits import PlanLimits

# (name in ``details``, window length in milliseconds), in the order they are checked.
WINDOWS = (("burst", 1_000), ("per_minute", 60_000), ("per_day", 86_400_000))
SLOT_SECONDS = 300


@dataclass(frozen=True)
class Window:
    """Where one window of a key stands after the decision."""

    name: str
    limit: int
    used: int
    reset_ms: int  # milliseconds until the window ends


@dataclass(frozen=True)
class Decision:
    admitted: bool
    windows: tuple[Window, ...]
    refused_by: str | None = None  # the limit hit: burst, per_minute, per_day, concurrent
    retry_after_ms: int = 0
    slot: str | None = None  # the concurrency slot taken, to give back on release


class Counter(Protocol):
    async def take(self, key_id: str, limits: PlanLimits, count: int = 1) -> Decision: ...

    async def release(self, key_id: str, slot: str) -> None: ...

    async def close(self) -> None: ...


def _window_limits(limits: PlanLimits) -> list[tuple[str, int, int]]:
    values = {
        "burst": limits.burst_per_second,
        "per_minute": limits.per_minute,
        "per_day": limits.per_day,
    }
    return [(name, values[name] or 0, length) for name, length in WINDOWS]


def _amount(name: str, count: int) -> int:
    """What ``count`` requests carried by one HTTP request take from the window ``name``."""
    return 1 if name == "burst" else count


class MemoryCounter:
    """Per process: what ``memory://`` counts with."""

    def __init__(self) -> None:
        # (key id, window name) -> (count, window end in monotonic milliseconds)
        self._windows: dict[tuple[str, str], tuple[int, float]] = {}
        self._slots: dict[str, int] = {}
        self._next_sweep = 0.0

    async def take(self, key_id: str, limits: PlanLimits, count: int = 1) -> Decision:
        now = time.monotonic() * 1000
        self._sweep(now)
        checked: list[tuple[str, int, int, float]] = []
        for name, limit, length in _window_limits(limits):
            if not limit:
                continue
            used, ends = self._windows.get((key_id, name), (0, now + length))
            if ends <= now:
                used, ends = 0, now + length
            if used + _amount(name, count) > limit:
                windows = tuple(Window(n, lim, c, math.ceil(e - now)) for n, lim, c, e in checked)
                window = Window(name, limit, used, math.ceil(ends - now))
                return Decision(False, (*windows, window), name, math.ceil(ends - now))
            checked.append((name, limit, used, ends))
        if limits.concurrent and self._slots.get(key_id, 0) >= limits.concurrent:
            windows = tuple(Window(n, lim, c, math.ceil(e - now)) for n, lim, c, e in checked)
            return Decision(False, windows, "concurrent", 1_000)
        taken = [(n, lim, c + _amount(n, count), e) for n, lim, c, e in checked]
        for name, _limit, used, ends in taken:
            self._windows[(key_id, name)] = (used, ends)
        slot = None
        if limits.concurrent:
            self._slots[key_id] = self._slots.get(key_id, 0) + 1
            slot = key_id
        windows = tuple(Window(n, lim, c, math.ceil(e - now)) for n, lim, c, e in taken)
        return Decision(True, windows, slot=slot)

    async def release(self, key_id: str, slot: str) -> None:
        held = self._slots.get(key_id, 0) - 1
        if held > 0:
            self._slots[key_id] = held
        else:
            self._slots.pop(key_id, None)

    def _sweep(self, now: float) -> None:
        """Forget windows that have ended, at most once a minute."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + 60_000
        self._windows = {k: v for k, v in self._windows.items() if v[1] > now}

    async def close(self) -> None:
        return None


# KEYS: burst, minute and day counters, the concurrency set.
# ARGV: the three window limits (0: unlimited), their lengths in ms, the concurrency
# limit (0: unlimited), the slot's name, now and the slot's lifetime in ms, then what the
# request takes from each window (1, or a batch's operations).
# Returns {refused (0 or the 1-based window, 4 for concurrent), retry ms,
#          then count and ms-to-reset for each window}.
TAKE_SCRIPT = """
local counts, resets = {0, 0, 0}, {}
for i = 1, 3 do resets[i] = tonumber(ARGV[i + 3]) end
for i = 1, 3 do
  local limit = tonumber(ARGV[i])
  if limit > 0 then
    counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl > 0 then resets[i] = ttl end
    if counts[i] + tonumber(ARGV[i + 10]) > limit then
      return {i, resets[i], counts[1], resets[1], counts[2], resets[2], counts[3], resets[3]}
    end
  end
end
local concurrent = tonumber(ARGV[7])
if concurrent > 0 then
  local now = tonumber(ARGV[9])
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) >= concurrent then
    return {4, 1000, counts[1], resets[1], counts[2], resets[2], counts[3], resets[3]}
  end
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[10]), ARGV[8])
  redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[10]))
end
for i = 1, 3 do
  if tonumber(ARGV[i]) > 0 then
    local amount = tonumber(ARGV[i + 10])
    counts[i] = redis.call('INCRBY', KEYS[i], amount)
    if counts[i] == amount then redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[i + 3])) end
  end
end
return {0, 0, counts[1], resets[1], counts[2], resets[2], counts[3], resets[3]}
"""

REFUSED_BY = {1: "burst", 2: "per_minute", 3: "per_day", 4: "concurrent"}


class RedisCounter:
    """Shared by every process on one Redis: the broadcast Redis."""

    def __init__(self, url: str, *, timeout: float = 0.5) -> None:
        self.url = url
        self.timeout = timeout
        self._redis: Any = None
        self._script: Any = None

    def _client(self) -> Any:
        # Made on first use, inside the event loop that serves the requests.
        if self._redis is None:
            import redis.asyncio as aioredis

            self._redis = aioredis.from_url(
                self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
            )
            self._script = self._redis.register_script(TAKE_SCRIPT)
        return self._redis

    @staticmethod
    def _keys(key_id: str) -> list[str]:
        # One hash tag per key: every counter of a key lives on one Redis Cluster slot.
        return [f"ratelimit:{{{key_id}}}:{name}" for name in ("s", "m", "d", "slots")]

    async def take(self, key_id: str, limits: PlanLimits, count: int = 1) -> Decision:
        self._client()
        windows = _window_limits(limits)
        slot = secrets.token_hex(8) if limits.concurrent else None
        args: list[int | str] = [limit for _, limit, _ in windows]
        args += [length for _, _, length in windows]
        args += [limits.concurrent or 0, slot or "", int(time.time() * 1000), SLOT_SECONDS * 1000]
        args += [_amount(name, count) for name, _, _ in windows]
        result = await self._script(keys=self._keys(key_id), args=args)
        refused, retry_ms = int(result[0]), int(result[1])
        states = tuple(
            Window(name, limit, int(result[2 + 2 * i]), int(result[3 + 2 * i]))
            for i, (name, limit, _) in enumerate(windows)
            if limit
        )
        if refused:
            return Decision(False, states, REFUSED_BY[refused], retry_ms)
        return Decision(True, states, slot=slot)

    async def release(self, key_id: str, slot: str) -> None:
        await self._client().zrem(self._keys(key_id)[3], slot)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
