"""The event types (API.md section 7), and type patterns: ``order.shipped``, the family
``order.*``, or ``*`` for all."""

from __future__ import annotations

EVENT_TYPES: tuple[str, ...] = (
    "order.created", "order.updated", "order.paid", "order.processing", "order.shipped",
    "order.delivered", "order.cancelled", "order.refunded",
    "return.created", "return.approved", "return.received", "return.processed",
    "return.rejected",
    "inventory.low_stock", "inventory.out_of_stock", "inventory.updated", "inventory.transfer",
    "customer.created", "customer.updated", "customer.deleted",
    "customer.subscription.created", "customer.subscription.cancelled",
)  # fmt: skip

# Every family a pattern may name: ``order``, ``customer``, ``customer.subscription``...
FAMILIES = frozenset(
    ".".join(t.split(".")[:n]) for t in EVENT_TYPES for n in range(1, t.count(".") + 1)
)


def is_pattern(pattern: str) -> bool:
    """Whether ``pattern`` names a known type, a known family (``order.*``) or ``*``."""
    if pattern == "*" or pattern in EVENT_TYPES:
        return True
    return pattern.endswith(".*") and pattern[:-2] in FAMILIES


def matches(patterns: list[str], event_type: str) -> bool:
    return any(
        p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1]))
        for p in patterns
    )
