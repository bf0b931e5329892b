"""The compiled read engine answers as the resolver path does, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.compiled_support import Pair, seed
from tests.support import Account, LiveServer, new_account

pytestmark = pytest.mark.usefixtures("postgres_only")


@pytest.fixture(scope="module")
def servers(postgres_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    compiled = LiveServer.start(database_url=postgres_url)
    resolver = LiveServer.start(database_url=postgres_url, compiled_reads=False)
    try:
        yield compiled, resolver
    finally:
        compiled.stop()
        resolver.stop()


@pytest.fixture(scope="module")
def pair(servers: tuple[LiveServer, LiveServer]) -> Iterator[Pair]:
    compiled, resolver = servers
    with (
        httpx.Client(base_url=compiled.base_url, timeout=30) as left,
        httpx.Client(base_url=resolver.base_url, timeout=30) as right,
    ):
        yield Pair(compiled=left, resolver=right, compiled_server=compiled)


@pytest.fixture(scope="module")
def shop(postgres_url: str, pair: Pair) -> tuple[Account, dict[str, Any]]:
    account = new_account(postgres_url)
    return account, seed(pair.resolver, account)


def test_smoke(pair: Pair, shop: tuple[Account, dict[str, Any]]) -> None:
    account, seeded = shop
    body = pair.same(account.sk_test, "{ orders(first: 50) { nodes { id status created metadata lineItems { sku amount } customer { id email address { city } } payments { id status card { brand } } refunds { id amount } } pageInfo { hasNextPage endCursor } totalCount } }")
    print(body.decode())
