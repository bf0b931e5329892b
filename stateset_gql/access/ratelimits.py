"""Rate limits by plan (API.md section 11); None means unlimited."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanLimits:
    per_minute: int | None
    per_day: int | None
    burst_per_second: int | None
    concurrent: int | None


PLAN_LIMITS = {
    "free": PlanLimits(60, 1_000, 100, 10),
    "starter": PlanLimits(100, 10_000, 200, 25),
    "growth": PlanLimits(1_000, 100_000, 1_000, 100),
    "scale": PlanLimits(5_000, 500_000, 5_000, 500),
    "enterprise": PlanLimits(10_000, None, None, None),
}


def limits_for(plan: str) -> PlanLimits:
    return PLAN_LIMITS.get(plan, PLAN_LIMITS["free"])
