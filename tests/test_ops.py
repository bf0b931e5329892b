"""Operations endpoints: health, readiness, metrics, the schema and GraphiQL."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from stateset_gql.graphql.export import sdl
from tests.order_support import CREATE, line, stock, unique_sku
from tests.support import Account, LiveServer, create_customer, data, gql

COMMITTED_SCHEMA = Path(__file__).resolve().parent.parent / "schema.graphql"
NOTHING_LISTENS = "127.0.0.1:1"  # port 1: connections are refused at once


@contextmanager
def another_server(**settings: Any) -> Iterator[httpx.Client]:
    """A second live server with its own settings, stopped when the block ends."""
    live = LiveServer.start(**settings)
    try:
        with httpx.Client(base_url=live.base_url, timeout=30) as http:
            yield http
    finally:
        live.stop()


def samples(client: httpx.Client, name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample called ``name`` in /metrics, as (labels, value)."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    return [
        (dict(sample.labels), float(sample.value))
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name
    ]


def test_health_answers_200_without_a_key(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["X-Request-Id"].startswith("req_")


def test_ready_reports_the_database_and_broadcast_ok(client: httpx.Client) -> None:
    response = client.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "broadcast": "ok", "subscriptions": "ok"},
    }


def test_ready_is_503_when_the_database_is_unreachable() -> None:
    with another_server(
        database_url=f"postgresql+asyncpg://postgres@{NOTHING_LISTENS}/nope"
    ) as http:
        assert http.get("/health").status_code == 200
        response = http.get("/ready")
    assert response.status_code == 503, response.text
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "down", "broadcast": "ok", "subscriptions": "ok"},
    }


def test_ready_is_503_when_the_broadcast_backend_is_unreachable(database_url: str) -> None:
    with another_server(
        database_url=database_url, broadcast_url=f"redis://{NOTHING_LISTENS}/0"
    ) as http:
        assert http.get("/health").status_code == 200
        response = http.get("/ready")
    assert response.status_code == 503, response.text
    assert response.json()["checks"] == {
        "database": "ok",
        "broadcast": "down",
        "subscriptions": "reconnecting",
    }


def test_ready_is_200_with_a_real_redis(database_url: str, redis_url: str) -> None:
    with another_server(database_url=database_url, broadcast_url=redis_url) as http:
        # The subscriptions' connection is made in the background as the server starts.
        deadline = time.monotonic() + 10
        while (response := http.get("/ready")).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "broadcast": "ok", "subscriptions": "ok"}


def test_metrics_count_requests_by_route_in_prometheus_text(client: httpx.Client) -> None:
    assert client.get("/health").status_code == 200
    unknown = f"/nowhere-{secrets.token_hex(4)}"
    assert client.get(unknown).status_code == 404

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "stateset_http_requests_total" in response.text
    assert "stateset_http_request_duration_seconds_bucket" in response.text

    # A request is counted once its response is sent, so a moment may pass.
    deadline = time.monotonic() + 5
    while True:
        counted = {
            (labels["method"], labels["route"], labels["status"])
            for labels, value in samples(client, "stateset_http_requests_total")
            if value >= 1
        }
        if ("GET", "/health", "200") in counted or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert ("GET", "/health", "200") in counted
    buckets = samples(client, "stateset_http_request_duration_seconds_bucket")
    assert any(
        labels["route"] == "/health" and labels["le"] == "+Inf" and value >= 1
        for labels, value in buckets
    )
    # An unmatched path is not a label: its value is unbounded.
    assert unknown not in client.get("/metrics").text


def test_the_served_schema_is_the_committed_schema(client: httpx.Client) -> None:
    response = client.get("/schema.graphql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == COMMITTED_SCHEMA.read_text(encoding="utf-8")


def test_graphiql_is_served_to_browsers(client: httpx.Client) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_the_exported_schema_matches_the_committed_file() -> None:
    assert sdl() == COMMITTED_SCHEMA.read_text(encoding="utf-8"), (
        "schema.graphql is out of date: run `make schema` and commit the result"
    )


def test_metrics_say_how_long_writes_held_their_hot_rows_and_event_counter(
    client: httpx.Client, account: Account
) -> None:
    def held() -> float:
        counts = samples(client, "stateset_stock_lock_seconds_count")
        return counts[0][1] if counts else 0.0

    before = held()
    sku = unique_sku("HOT")
    stock(account, sku, 10)
    order = data(
        gql(
            client,
            account.sk_test,
            CREATE,
            {"input": {"currency": "USD", "lineItems": [line(sku)]}},
        )
    )
    assert order["createOrder"]["status"] == "PENDING"
    # A customer holds no stock: it is not counted.
    create_customer(client, account.sk_test, email=f"{secrets.token_hex(4)}@example.com")
    assert held() == before + 1
    buckets = samples(client, "stateset_stock_lock_seconds_bucket")
    assert any(labels["le"] == "0.0005" for labels, _ in buckets)
    # Every write with events takes its account's event counter: both were counted.
    counter = samples(client, "stateset_event_counter_lock_seconds_count")
    assert counter
    assert counter[0][1] >= 2
