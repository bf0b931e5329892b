"""What every language's emitter shares: where the manifest is, and its names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SDKS = Path(__file__).resolve().parent.parent
MANIFEST = SDKS / "manifest.json"


def load() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST.read_text())
    return manifest


def pascal(name: str) -> str:
    """``webhook_endpoints`` -> ``WebhookEndpoints``."""
    return "".join(part.capitalize() for part in name.split("_"))


def camel(name: str) -> str:
    """``webhook_endpoints`` -> ``webhookEndpoints``."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def refs(spec: dict[str, Any]) -> list[str]:
    """The named types a parameter or field's type mentions."""
    if spec["type"] == "list":
        return refs(spec["items"])
    return [spec["name"]] if spec["type"] == "ref" else []


def nested_object(spec: dict[str, Any], objects: set[str]) -> str | None:
    """The object type a field holds (itself, or as a list's items), if any."""
    if spec["type"] == "list":
        return nested_object(spec["items"], objects)
    if spec["type"] == "ref" and spec["name"] in objects:
        return str(spec["name"])
    return None
