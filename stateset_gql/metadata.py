"""Metadata rules (API.md section 3): string to string, 50 keys, 40 and 500 characters."""

from __future__ import annotations

from typing import TypeAlias

from stateset_gql.errors import Validator, shown

# Metadata as the client sent it: any JSON value, until ``check_metadata`` has looked.
RawMetadata: TypeAlias = object

MAX_KEYS = 50
MAX_KEY_LENGTH = 40
MAX_VALUE_LENGTH = 500


def check_metadata(
    value: RawMetadata, check: Validator, *, param: str = "metadata"
) -> dict[str, str]:
    """The metadata as given, with problems added to ``check``; ``""`` values kept."""
    if not isinstance(value, dict):
        check.invalid(param, f"{param} must be an object of string keys to string values")
        return {}
    if len(value) > 2 * MAX_KEYS:
        # Even an update removing 50 keys and setting 50 has no more entries than this;
        # a larger object is refused whole, not examined key by key.
        check.invalid(param, f"metadata can have at most {MAX_KEYS} keys")
        return {}
    clean: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            check.invalid(param, "metadata keys must be non-empty strings")
            continue
        if len(key) > MAX_KEY_LENGTH:
            check.invalid(
                f"{param}.{key[:MAX_KEY_LENGTH]}...",
                f"metadata keys can be at most {MAX_KEY_LENGTH} characters",
            )
            continue
        if not isinstance(item, str):
            check.invalid(f"{param}.{shown(key)}", "metadata values must be strings")
            continue
        if len(item) > MAX_VALUE_LENGTH:
            limit = f"metadata values can be at most {MAX_VALUE_LENGTH} characters"
            check.invalid(f"{param}.{shown(key)}", limit)
            continue
        clean[key] = item
    return canonical(clean)


def canonical(metadata: dict[str, str]) -> dict[str, str]:
    """Keys in one order everywhere: PostgreSQL's JSONB order (shorter keys first, then
    bytewise), so an object reads the same from memory and after a round trip."""
    return dict(sorted(metadata.items(), key=lambda kv: (len(kv[0].encode()), kv[0].encode())))


def merge_metadata(
    current: dict[str, str], update: dict[str, str], check: Validator, *, param: str = "metadata"
) -> dict[str, str]:
    """``update`` laid over ``current``; a key set to ``""`` is removed."""
    merged = dict(current)
    for key, item in update.items():
        if item == "":
            merged.pop(key, None)
        else:
            merged[key] = item
    if len(merged) > MAX_KEYS:
        check.invalid(param, f"metadata can have at most {MAX_KEYS} keys")
    return canonical(merged)
