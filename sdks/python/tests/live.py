"""The live server the conformance tests run against, read from the environment.

The conformance harness (the repository's tests/test_sdk_conformance.py) starts the
server, the proxies and a webhook delivery, and sets:

- STATESET_BASE_URL, STATESET_API_KEY: the server's root and an sk_test key of its own;
- STATESET_PAGING_API_KEY: a key of an account holding exactly 250 customers;
- STATESET_LOSING_URL: a proxy losing the answer to the first request it receives;
- STATESET_LIMITED_URL: a proxy answering its first request 429 with ``Retry-After: 1``;
- STATESET_WEBHOOK_FILE: a real delivery: {payload, header, secret, event_id, event_type};
- STATESET_CUT_URL, STATESET_CUT_CONTROL: a TCP proxy to the server, and the URL a POST
  to which closes every connection open through it.

Without STATESET_BASE_URL the conformance tests skip, so the suite runs offline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

VARIABLES = (
    "STATESET_BASE_URL",
    "STATESET_API_KEY",
    "STATESET_PAGING_API_KEY",
    "STATESET_LOSING_URL",
    "STATESET_LIMITED_URL",
    "STATESET_WEBHOOK_FILE",
    "STATESET_CUT_URL",
    "STATESET_CUT_CONTROL",
)


@dataclass(frozen=True)
class Live:
    base_url: str
    api_key: str
    paging_api_key: str
    losing_url: str
    limited_url: str
    webhook_file: str
    cut_url: str
    cut_control: str


def live_server() -> Live:
    """The live server's variables; skips without STATESET_BASE_URL, fails naming any
    other variable missing."""
    if not os.environ.get("STATESET_BASE_URL"):
        pytest.skip(f"no live server: set {', '.join(VARIABLES)} (the conformance harness does)")
    missing = [name for name in VARIABLES if not os.environ.get(name)]
    if missing:
        pytest.fail(f"STATESET_BASE_URL is set but not {', '.join(missing)}")
    values = [os.environ[name] for name in VARIABLES]
    return Live(*values)
