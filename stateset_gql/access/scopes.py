"""Scopes: ``RESOURCE:read`` and ``RESOURCE:write``; write implies read."""

from __future__ import annotations

from collections.abc import Iterable

RESOURCES = (
    "customers", "orders", "inventory", "returns", "subscriptions", "webhooks", "api_keys", "files",
    "jobs",
)  # fmt: skip
ALL_SCOPES: frozenset[str] = frozenset(
    [f"{r}:{a}" for r in RESOURCES for a in ("read", "write")]
    + ["events:read", "request_logs:read"]
)
PUBLISHABLE_SCOPES: frozenset[str] = frozenset({"inventory:read"})
KEY_TYPES = ("sk", "rk", "pk")


def grants(held: Iterable[str], needed: str) -> bool:
    held = set(held)
    if needed in held:
        return True
    resource, _, action = needed.partition(":")
    return action == "read" and f"{resource}:write" in held


def closure(scopes: Iterable[str]) -> frozenset[str]:
    """Every scope the given ones grant, so sets can be compared as sets."""
    return frozenset(s for s in ALL_SCOPES if grants(scopes, s))


def unknown(scopes: Iterable[str]) -> list[str]:
    return sorted(set(scopes) - ALL_SCOPES)


def scopes_for_type(key_type: str, requested: Iterable[str] | None) -> frozenset[str]:
    if key_type == "sk":
        return ALL_SCOPES
    if key_type == "pk":
        return PUBLISHABLE_SCOPES
    return frozenset(requested or ())
