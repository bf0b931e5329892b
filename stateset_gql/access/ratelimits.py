"""Rate limits by plan (API.md section 11); None means unlimited.

Every plan has fixed limits except ``enterprise``, whose limits are the account's own
(``stateset-gql accounts update ACCT --limits per_minute=N,...``); a limit it leaves
unset is unlimited. ``effective_limits`` is the one place that decides a key's limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The names a limit goes by on the command line, in ``details`` and in storage.
LIMIT_NAMES = ("per_minute", "per_day", "burst", "concurrent")


@dataclass(frozen=True)
class PlanLimits:
    per_minute: int | None
    per_day: int | None
    burst_per_second: int | None
    concurrent: int | None

    @property
    def unlimited(self) -> bool:
        return self == UNLIMITED

    def to_stored(self) -> dict[str, int]:
        """The JSON kept on an enterprise account: only the limits that are set."""
        values = (self.per_minute, self.per_day, self.burst_per_second, self.concurrent)
        return {name: value for name, value in zip(LIMIT_NAMES, values, strict=True) if value}

    @classmethod
    def from_stored(cls, stored: Mapping[str, int] | None) -> PlanLimits:
        stored = stored or {}
        return cls(
            per_minute=stored.get("per_minute"),
            per_day=stored.get("per_day"),
            burst_per_second=stored.get("burst"),
            concurrent=stored.get("concurrent"),
        )


UNLIMITED = PlanLimits(None, None, None, None)

PLAN_LIMITS = {
    "free": PlanLimits(60, 1_000, 100, 10),
    "starter": PlanLimits(100, 10_000, 200, 25),
    "growth": PlanLimits(1_000, 100_000, 1_000, 100),
    "scale": PlanLimits(5_000, 500_000, 5_000, 500),
    # Configured per account; with nothing configured, unlimited.
    "enterprise": UNLIMITED,
}


def limits_for(plan: str) -> PlanLimits:
    return PLAN_LIMITS.get(plan, PLAN_LIMITS["free"])


def effective_limits(plan: str, configured: Mapping[str, int] | None) -> PlanLimits:
    """A key's limits: its plan's, or for ``enterprise`` what the account configured."""
    if plan == "enterprise":
        return PlanLimits.from_stored(configured)
    return limits_for(plan)


def parse_limits(text: str) -> PlanLimits:
    """``per_minute=600,burst=50`` (as the command line takes it); ValueError if bad."""
    values: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name = name.strip()
        if not sep or name not in LIMIT_NAMES:
            raise ValueError(f"limits are NAME=N with NAME one of {', '.join(LIMIT_NAMES)}")
        if name in values:
            raise ValueError(f"{name} is given twice")
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not {raw.strip()[:20]!r}") from None
        if value < 1:
            raise ValueError(f"{name} must be at least 1")
        values[name] = value
    return PlanLimits.from_stored(values)
