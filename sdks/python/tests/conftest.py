"""The live server's fixtures the conformance suites share: ``live`` (tests/live.py; the
tests skip without it) and a ``client`` on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stateset
from live import Live, live_server


@pytest.fixture
def live() -> Live:
    return live_server()


@pytest.fixture
def client(live: Live) -> Iterator[stateset.Client]:
    with stateset.Client(api_key=live.api_key, base_url=live.base_url) as client:
        yield client
