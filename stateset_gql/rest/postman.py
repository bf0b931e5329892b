"""A Postman collection (v2.1) of every REST route, from the route table."""

from __future__ import annotations

import re
from typing import Any

from stateset_gql import __version__
from stateset_gql.rest.routes import ROUTES

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def collection() -> dict[str, Any]:
    folders: dict[str, list[dict[str, Any]]] = {}
    for route in ROUTES:
        segments = route.path.strip("/").split("/")
        folder = segments[1] if len(segments) > 1 else segments[0]
        raw = "{{baseUrl}}" + re.sub(r"\{(\w+)\}", r":\1", route.path)
        request: dict[str, Any] = {
            "method": route.method,
            "header": [{"key": "Content-Type", "value": "application/json"}],
            "url": {
                "raw": raw,
                "host": ["{{baseUrl}}"],
                "path": [re.sub(r"\{(\w+)\}", r":\1", s) for s in segments],
                "variable": [
                    {"key": name, "value": ""} for name in re.findall(r"\{(\w+)\}", route.path)
                ],
            },
        }
        if route.is_mutation:
            request["body"] = {"mode": "raw", "raw": "{}", "options": {"raw": {"language": "json"}}}
        folders.setdefault(folder, []).append(
            {"name": f"{route.method} {route.path} ({route.field})", "request": request}
        )
    return {
        "info": {"name": f"StateSet GQL {__version__}", "schema": SCHEMA},
        "auth": {
            "type": "bearer",
            "bearer": [{"key": "token", "value": "{{apiKey}}", "type": "string"}],
        },
        "variable": [
            {"key": "baseUrl", "value": "http://127.0.0.1:8000"},
            {"key": "apiKey", "value": "sk_test_..."},
        ],
        "item": [{"name": name, "item": items} for name, items in folders.items()],
    }
