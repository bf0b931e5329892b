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
    "job.succeeded", "job.failed", "job.cancelled",
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


def type_matches(pattern: str, event_type: str) -> bool:
    """Whether a pattern selects ``event_type`` (``events.service.type_condition`` states
    the same rule in SQL, for stored events)."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return event_type == pattern


def matches(patterns: list[str] | tuple[str, ...], event_type: str) -> bool:
    """Whether any of ``patterns`` selects ``event_type``."""
    return any(type_matches(p, event_type) for p in patterns)
