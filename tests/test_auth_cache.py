"""The authentication cache: a key seen a moment ago costs no transaction, and a key
revoked (or an account whose plan changed) is forgotten at once, by the server that
changed it before it answers and by every other server listening on Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from stateset_gql.access.authcache import AuthCache
from stateset_gql.access.keys import redact
from stateset_gql.access.principal import Principal
from stateset_gql.db.owner import Owner
from tests.support import Account, LiveServer, data, gql, new_account, run_cli
from tests.test_rate_limits import ROOT, _free_port, _wait_for, redis_server

ME = "{ account { id plan } }"
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id deleted } }"
LONG_TTL = 60.0


def _principal(key_id: str = "key_1", account_id: str = "acct_1") -> Principal:
    return Principal(
        owner=Owner(account_id, False), key_id=key_id, key_type="sk",
        scopes=frozenset(), plan="free", account_name="Shop",
    )  # fmt: skip


def _cache(**options: Any) -> AuthCache:
    """A cache whose reading of the access version is recent (as ``Gate.watch`` keeps it)."""
    cache = AuthCache(seconds=LONG_TTL, trust_seconds=LONG_TTL, **options)
    cache.seen(0, time.monotonic())
    return cache


def _key_id(client: httpx.Client, secret: str) -> str:
    """The id of the key ``secret`` (an sk key lists itself among the account's keys)."""
    nodes = data(gql(client, secret, "{ apiKeys(first: 100) { nodes { id redacted } } }"))
    found = [n["id"] for n in nodes["apiKeys"]["nodes"] if n["redacted"] == redact(secret)]
    assert len(found) == 1, nodes
    return str(found[0])


# ----------------------------------------------------------------------- the cache alone


def test_a_cached_principal_is_answered_until_its_ttl_ends() -> None:
    cache = _cache()
    cache.put("h1", _principal(), cache.generation)
    assert cache.get("h1") == _principal()
    cache.seconds = 0.01
    cache.put("h2", _principal("key_2"), cache.generation)
    time.sleep(0.02)
    assert cache.get("h2") is None


def test_the_cache_forgets_a_revoked_key_and_every_key_of_a_changed_account() -> None:
    cache = _cache()
    cache.put("a", _principal("key_a", "acct_1"), cache.generation)
    cache.put("b", _principal("key_b", "acct_1"), cache.generation)
    cache.put("c", _principal("key_c", "acct_2"), cache.generation)
    cache.forget('{"key": "key_a"}')
    assert (cache.get("a"), len(cache)) == (None, 2)
    cache.forget('{"account": "acct_1"}')
    assert (cache.get("b"), len(cache)) == (None, 1)
    cache.forget("not json")  # unreadable: forget everything
    assert len(cache) == 0


def test_a_lookup_that_raced_a_revocation_is_not_kept() -> None:
    cache = _cache()
    read_at = cache.generation
    cache.forget('{"key": "key_1"}')  # committed while the lookup was reading
    cache.put("h", _principal(), read_at)
    assert cache.get("h") is None


def test_the_cache_holds_at_most_its_size() -> None:
    cache = _cache(size=2)
    for n in range(3):
        cache.put(f"h{n}", _principal(f"key_{n}"), cache.generation)
    assert (len(cache), cache.get("h0")) == (2, None)


def test_the_cache_answers_nothing_once_its_reading_of_the_version_is_old() -> None:
    cache = AuthCache(seconds=LONG_TTL, trust_seconds=0.05)
    cache.put("h", _principal(), cache.generation)
    assert (cache.get("h"), len(cache)) == (None, 0)  # never read: nothing kept
    cache.seen(7, time.monotonic())
    cache.put("h", _principal(), cache.generation)
    assert cache.get("h") == _principal()
    time.sleep(0.06)
    assert cache.get("h") is None


def test_the_cache_forgets_everything_when_the_version_moved() -> None:
    cache = _cache()
    cache.put("h", _principal(), cache.generation)
    read_at = cache.generation
    assert cache.seen(0, time.monotonic()) is False
    assert cache.get("h") == _principal()
    assert cache.seen(1, time.monotonic()) is True  # revoked or changed somewhere
    assert (cache.get("h"), len(cache)) == (None, 0)
    cache.put("h", _principal(), read_at)  # read before the version moved: not kept
    assert cache.get("h") is None


# --------------------------------------------------------------------- one server


@pytest.fixture(scope="module")
def cached(database_url: str) -> Iterator[LiveServer]:
    live = LiveServer.start(database_url=database_url, auth_cache_seconds=LONG_TTL)
    try:
        yield live
    finally:
        live.stop()


def test_a_key_seen_a_moment_ago_opens_no_transaction_to_authenticate(
    cached: LiveServer,
) -> None:
    account = new_account(cached.database_url)
    with httpx.Client(base_url=cached.base_url, timeout=30) as client:
        data(gql(client, account.sk_test, ME))
        with cached.count_statements() as statements:
            data(gql(client, account.sk_test, ME))
    assert not [s for s in statements if "api_keys" in s], statements


@pytest.mark.parametrize("surface", ["graphql", "rest"])
def test_a_revoked_key_is_refused_at_once_by_the_server_that_revoked_it(
    cached: LiveServer, surface: str
) -> None:
    account = new_account(cached.database_url)
    secret = account.key("sk")
    with httpx.Client(base_url=cached.base_url, timeout=30) as client:
        key_id = _key_id(client, secret)
        data(gql(client, secret, ME))  # cached now
        if surface == "graphql":
            data(gql(client, account.sk_test, REVOKE, {"id": key_id}))
        else:
            answer = client.delete(
                f"/v1/api_keys/{key_id}", headers={"Authorization": f"Bearer {account.sk_test}"}
            )
            assert answer.status_code == 200, answer.text
        assert gql(client, secret, ME).status_code == 401


def test_the_server_that_revoked_a_key_forgets_it_even_if_the_broadcast_fails(
    cached: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = new_account(cached.database_url)
    secret = account.key("sk")

    async def down(_channel: str, _message: str) -> bool:
        return False

    with httpx.Client(base_url=cached.base_url, timeout=30) as client:
        key_id = _key_id(client, secret)
        data(gql(client, secret, ME))
        monkeypatch.setattr(cached.app.state.hub, "publish", down)
        data(gql(client, account.sk_test, REVOKE, {"id": key_id}))
        assert gql(client, secret, ME).status_code == 401


def test_a_revocation_rolled_back_leaves_the_key_working(cached: LiveServer) -> None:
    account = new_account(cached.database_url)
    secret = account.key("sk")
    with httpx.Client(base_url=cached.base_url, timeout=30) as client:
        key_id = _key_id(client, secret)
        both = "mutation($id: ID!, $nope: ID!) { a: revokeApiKey(id: $id) { id } "
        both += "b: revokeApiKey(id: $nope) { id } }"
        answer = gql(client, account.sk_test, both, {"id": key_id, "nope": "key_nope"})
        assert answer.json()["errors"], answer.text
        assert gql(client, secret, ME).status_code == 200


# ---------------------------------------------------------------- two serve processes


@contextmanager
def _serve(database_url: str, broadcast_url: str) -> Iterator[httpx.Client]:
    port = _free_port()
    env = {
        **os.environ,
        "STATESET_DATABASE_URL": database_url,
        "STATESET_BROADCAST_URL": broadcast_url,
        "STATESET_ENV": "test",
        "STATESET_LOG_LEVEL": "WARNING",
        "STATESET_AUTH_CACHE_SECONDS": str(LONG_TTL),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "stateset_gql.cli", "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        # Ready: the database, and the pub/sub connection that hears revocations.
        _wait_for("serve", lambda: httpx.get(base_url + "/ready").status_code == 200)
        with httpx.Client(base_url=base_url, timeout=30) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=20)


def _within_a_second(
    server: httpx.Client, key: str, answered: Callable[[httpx.Response], bool]
) -> None:
    """Another server hears of a change on the keys channel at once (milliseconds), but
    over a socket of its own, so a request may reach it first; the promise is a second."""
    deadline = time.monotonic() + 1.0
    while not answered(gql(server, key, ME)):
        assert time.monotonic() < deadline, "another server still trusts what changed"
        time.sleep(0.02)


def _refused(answer: httpx.Response) -> bool:
    return answer.status_code == 401


def _cli(database_url: str, broadcast_url: str, *args: str) -> None:
    done = run_cli(*args, database_url=database_url, broadcast_url=broadcast_url)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def two_servers(postgres_url: str) -> Iterator[tuple[httpx.Client, httpx.Client, str]]:
    with (
        redis_server() as (redis_url, _),
        _serve(postgres_url, redis_url) as first,
        _serve(postgres_url, redis_url) as second,
    ):
        yield first, second, redis_url


def test_a_key_revoked_through_one_server_is_refused_by_the_other_at_once(
    two_servers: tuple[httpx.Client, httpx.Client, str], postgres_url: str
) -> None:
    first, second, _ = two_servers
    account = new_account(postgres_url)
    secret = account.key("sk")
    key_id = _key_id(first, secret)
    for server in (first, second, first, second):
        assert gql(server, secret, ME).status_code == 200
    revoked = first.delete(
        f"/v1/api_keys/{key_id}", headers={"Authorization": f"Bearer {account.sk_test}"}
    )
    assert revoked.status_code == 200, revoked.text
    assert gql(first, secret, ME).status_code == 401
    _within_a_second(second, secret, _refused)


def test_a_key_revoked_on_the_command_line_is_refused_by_every_server_at_once(
    two_servers: tuple[httpx.Client, httpx.Client, str], postgres_url: str
) -> None:
    first, second, redis_url = two_servers
    account: Account = new_account(postgres_url)
    secret = account.key("sk")
    key_id = _key_id(first, secret)
    for server in (first, second):
        assert gql(server, secret, ME).status_code == 200
    _cli(postgres_url, redis_url, "keys", "revoke", key_id)
    for server in (first, second):
        _within_a_second(server, secret, _refused)


def test_a_plan_changed_on_the_command_line_applies_on_every_server_at_once(
    two_servers: tuple[httpx.Client, httpx.Client, str], postgres_url: str
) -> None:
    first, second, redis_url = two_servers
    account = new_account(postgres_url, plan="free")
    for server in (first, second):
        answer = gql(server, account.sk_test, ME)
        assert answer.headers["X-RateLimit-Limit"] == "60"
        assert data(answer)["account"]["plan"] == "FREE"
    _cli(postgres_url, redis_url, "accounts", "update", account.id, "--plan", "growth")
    for server in (first, second):
        _within_a_second(
            server, account.sk_test, lambda answer: answer.headers["X-RateLimit-Limit"] == "1000"
        )
        assert data(gql(server, account.sk_test, ME))["account"]["plan"] == "GROWTH"
