"""Rate limits per plan and per key (API.md section 11), through the HTTP API.

The free plan allows 60 requests a minute, 1,000 a day, 100 a second and 10 at once.
Every response to a key carries ``X-RateLimit-*``; over a limit the answer is 429
``RATE_LIMIT_EXCEEDED`` with ``Retry-After``. Counts are per key: per process on
``memory://``, and shared by every process through Redis.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import redis

from tests.support import Account, LiveServer, data, error, gql, new_account, run_cli

ME = "{ account { id } }"
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(what: str, ready: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if callable(ready) and ready():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")


@contextmanager
def redis_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A Redis of this test's own, on a free port, so it can be stopped."""
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for("redis-server", lambda: redis.Redis.from_url(url).ping())
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def free(server: LiveServer) -> Account:
    return new_account(server.database_url, plan="free")


def _assert_headers(response: httpx.Response, limit: int, remaining: int) -> None:
    assert response.headers["X-RateLimit-Limit"] == str(limit), response.headers
    assert response.headers["X-RateLimit-Remaining"] == str(remaining), response.headers
    reset = int(response.headers["X-RateLimit-Reset"])
    assert time.time() - 1 <= reset <= time.time() + 61


def _assert_refused(response: httpx.Response, status: int, limit_name: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    problem = body["errors"][0]["extensions"] if "errors" in body else body["error"]
    assert problem["code"] == "RATE_LIMIT_EXCEEDED"
    assert problem["type"] == "rate_limit_error"
    assert [d["param"] for d in problem["details"]] == [limit_name]
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-RateLimit-Retry-After"] == response.headers["Retry-After"]
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert "X-Request-Id" in response.headers
    result: dict[str, object] = problem
    return result


def test_the_free_plan_answers_429_on_request_61_within_a_minute(
    client: httpx.Client, free: Account
) -> None:
    for sent in range(1, 61):
        response = gql(client, free.sk_test, ME)
        assert response.status_code == 200, (sent, response.text)
        _assert_headers(response, limit=60, remaining=60 - sent)
    refused = gql(client, free.sk_test, ME)
    _assert_refused(refused, 429, "per_minute")
    assert int(refused.headers["Retry-After"]) <= 60
    # REST is counted the same way and refused the same way.
    rest = client.get("/v1/customers", headers={"Authorization": f"Bearer {free.sk_test}"})
    _assert_refused(rest, 429, "per_minute")


def test_two_keys_count_separately(client: httpx.Client, free: Account) -> None:
    for _ in range(60):
        assert gql(client, free.sk_test, ME).status_code == 200
    assert gql(client, free.sk_test, ME).status_code == 429
    live = gql(client, free.sk_live, ME)
    assert live.status_code == 200
    _assert_headers(live, limit=60, remaining=59)
    restricted = gql(client, free.key("rk", ["customers:read"]), ME)
    _assert_headers(restricted, limit=60, remaining=59)


def test_every_response_to_a_key_carries_the_headers(client: httpx.Client, free: Account) -> None:
    auth = {"Authorization": f"Bearer {free.sk_test}"}
    answers = [
        gql(client, free.sk_test, ME),  # a GraphQL 200
        gql(client, free.sk_test, "{ nope }"),  # a GraphQL error, answered 200
        gql(client, free.sk_test, '{ customer(id: "cus_missing") { id } }'),
        client.post("/graphql", content=b"{", headers={**auth, "Content-Type": "application/json"}),
        client.get("/v1/customers/cus_missing", headers=auth),  # a REST 404
        client.post("/v1/customers", json={"email": "not an email"}, headers=auth),  # 422
        client.get("/v1/customers", headers=auth),  # a REST 200
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 400, 404, 422, 200]
    assert error(answers[1])["code"]
    for used, answer in enumerate(answers, start=1):
        _assert_headers(answer, limit=60, remaining=60 - used)


HELD_BODY = b'{"query": "{ account { id } }"}'


def _hold(base_url: str, key: str) -> socket.socket:
    """A request whose headers arrived but whose body never does: it holds its slot."""
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {key}\r\nContent-Length: {len(HELD_BODY)}\r\n\r\n".encode()
    )
    return sock


def _check_concurrency(client: httpx.Client, base_url: str, free: Account) -> None:
    held = [_hold(base_url, free.sk_test) for _ in range(10)]
    try:
        # The held requests reach the gate a moment after their headers are sent; one that
        # came after a poll took the tenth slot was answered 429, and is held anew.
        for _ in range(20):
            time.sleep(0.2)
            answered, _, _ = select.select(held, [], [], 0)
            for sock in answered:
                held.remove(sock)
                sock.close()
                held.append(_hold(base_url, free.sk_test))
            if answered:
                continue
            response = gql(client, free.sk_test, ME)
            if response.status_code == 429:
                break
        _assert_refused(response, 429, "concurrent")
        # Another key of the same account is not held back.
        assert gql(client, free.sk_live, ME).status_code == 200
    finally:
        for sock in held:
            sock.sendall(HELD_BODY)
            sock.recv(65536)
            sock.close()
    # Answered requests give their slots back (beside their answers, so within moments).
    for _ in range(10):
        response = gql(client, free.sk_test, ME)
        if response.status_code == 200:
            break
        time.sleep(0.1)
    data(response)


def test_the_concurrency_limit_refuses_the_eleventh_request_at_once(
    client: httpx.Client, server: LiveServer, free: Account
) -> None:
    _check_concurrency(client, server.base_url, free)


def test_concurrency_slots_counted_in_redis_are_given_back(
    database_url: str, redis_url: str
) -> None:
    live = LiveServer.start(database_url=database_url, broadcast_url=redis_url)
    try:
        with httpx.Client(base_url=live.base_url, timeout=30) as client:
            _check_concurrency(client, live.base_url, new_account(database_url, plan="free"))
    finally:
        live.stop()


def test_enterprise_limits_set_on_the_command_line_take_effect(
    database_url: str, redis_url: str
) -> None:
    # The server hears through Redis what the command line changed.
    live = LiveServer.start(database_url=database_url, broadcast_url=redis_url)
    try:
        with httpx.Client(base_url=live.base_url, timeout=30) as client:
            _limits_on_the_command_line(client, live, redis_url)
    finally:
        live.stop()


def _limits_on_the_command_line(client: httpx.Client, server: LiveServer, redis_url: str) -> None:
    account = new_account(server.database_url, plan="starter")
    refused = run_cli(
        "accounts", "update", account.id, "--limits", "per_day=3", database_url=server.database_url
    )
    assert refused.returncode == 1
    assert "enterprise" in refused.stderr
    bad = run_cli(
        "accounts", "update", account.id, "--limits", "hourly=3", database_url=server.database_url
    )
    assert bad.returncode == 1
    assert "per_minute" in bad.stderr

    updated = run_cli(
        "accounts", "update", account.id,
        "--plan", "enterprise", "--limits", "per_minute=3,concurrent=5", "--json",
        database_url=server.database_url, broadcast_url=redis_url,
    )  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    shown = json.loads(updated.stdout)
    assert shown["plan"] == "enterprise"
    assert shown["limits"] == {"per_minute": 3, "per_day": None, "burst": None, "concurrent": 5}

    # The change is published after its commit, so the new limits apply at once.
    me = data(gql(client, account.sk_test, "{ account { plan limits { perMinute perDay } } }"))
    assert me["account"] == {"plan": "ENTERPRISE", "limits": {"perMinute": 3, "perDay": None}}
    for remaining in (1, 0):
        _assert_headers(gql(client, account.sk_test, ME), limit=3, remaining=remaining)
    _assert_refused(gql(client, account.sk_test, ME), 429, "per_minute")

    # Every limit left out is unlimited: no counting, no headers.
    cleared = run_cli(
        "accounts", "update", account.id, "--limits", "",
        database_url=server.database_url, broadcast_url=redis_url,
    )  # fmt: skip
    assert cleared.returncode == 0, cleared.stderr
    for _ in range(5):
        response = gql(client, account.sk_test, ME)
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response.headers


@contextmanager
def serve(database_url: str, broadcast_url: str) -> Iterator[str]:
    """``stateset-gql serve`` as its own process."""
    port = _free_port()
    env = {
        **os.environ,
        "STATESET_DATABASE_URL": database_url,
        "STATESET_BROADCAST_URL": broadcast_url,
        "STATESET_ENV": "test",
        "STATESET_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "stateset_gql.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for("serve", lambda: httpx.get(base_url + "/health").status_code == 200)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_two_serve_processes_on_one_redis_share_the_count(postgres_url: str) -> None:
    account = new_account(postgres_url, plan="free")
    with (
        redis_server() as (redis_url, _),
        serve(postgres_url, redis_url) as first,
        serve(postgres_url, redis_url) as second,
        httpx.Client(base_url=first, timeout=30) as one,
        httpx.Client(base_url=second, timeout=30) as two,
    ):
        for sent in range(1, 61):
            response = gql(one if sent % 2 else two, account.sk_test, ME)
            assert response.status_code == 200, response.text
            _assert_headers(response, limit=60, remaining=60 - sent)
        _assert_refused(gql(one, account.sk_test, ME), 429, "per_minute")
        _assert_refused(gql(two, account.sk_test, ME), 429, "per_minute")


def test_requests_are_admitted_when_redis_is_down(database_url: str) -> None:
    account = new_account(database_url, plan="free")
    with redis_server() as (redis_url, process):
        live = LiveServer.start(database_url=database_url, broadcast_url=redis_url)
        try:
            with httpx.Client(base_url=live.base_url, timeout=30) as client:
                _assert_headers(gql(client, account.sk_test, ME), limit=60, remaining=59)
                process.terminate()
                process.wait(timeout=10)
                create = "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }"
                started = time.monotonic()
                for n in range(3):
                    made = gql(client, account.sk_test, create, {"i": {"email": f"r{n}@ex.com"}})
                    assert data(made)["createCustomer"]["id"].startswith("cus_")
                assert time.monotonic() - started < 10
        finally:
            live.stop()
