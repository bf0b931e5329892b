"""The API's two spellings of a name: camelCase in GraphQL, snake_case in the
representation (REST bodies, events, webhooks). Depends on nothing, so any layer may
use it."""

from __future__ import annotations

import re
from functools import lru_cache

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=4096)
def to_snake(name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", name).lower()


@lru_cache(maxsize=4096)
def to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
