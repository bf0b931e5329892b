"""``subscribe()`` offline, against a scripted graphql-transport-ws server (fake_ws.py):
resuming after a dropped socket, the errors it raises, closing."""

from __future__ import annotations

import asyncio
import importlib
import json
import socket
from typing import Any

import pytest
import stateset
from fake_ws import after, event, fake_server
from stateset import _subscribe
from websockets.sync.server import ServerConnection

EVENTS = "subscription($since: ID) { events(types: [], since: $since) { id type sequence } }"
COMPLETE = json.dumps({"id": "1", "type": "complete"})


def six_events_dropped_after(drop: int) -> Any:
    """Sends the events after the subscription's ``since`` up to evt_6, then completes;
    the first connection's socket is cut (no close frame) after event ``drop``."""

    def script(ws: ServerConnection, subscribe: dict[str, Any], connection: int) -> None:
        for number in range(after(subscribe) + 1, 7):
            ws.send(event(number))
            if connection == 0 and number == drop:
                ws.close_socket()
                return
        ws.send(COMPLETE)

    return script


def ids(results: list[dict[str, Any]]) -> list[str]:
    return [r["events"]["id"] for r in results]


def test_a_dropped_socket_resumes_after_the_last_event_yielded() -> None:
    with fake_server(six_events_dropped_after(3)) as (url, seen):
        client = stateset.Client(api_key="sk_test_x", base_url=url)
        with client.subscribe(EVENTS) as results:
            received = list(results)
    assert ids(received) == [f"evt_{n}" for n in range(1, 7)]
    assert seen.sinces() == [None, "evt_3"]
    assert [i["payload"] for i in seen.inits] == [{"authorization": "Bearer sk_test_x"}] * 2
    assert seen.subscribes[1]["payload"]["query"] == EVENTS


def test_the_async_client_resumes_from_the_callers_since_and_then_its_own() -> None:
    async def collect(url: str) -> list[dict[str, Any]]:
        async with (
            stateset.AsyncClient(api_key="sk_test_x", base_url=url) as client,
            client.subscribe(EVENTS, {"since": "evt_2"}) as results,
        ):
            return [data async for data in results]

    with fake_server(six_events_dropped_after(4)) as (url, seen):
        received = asyncio.run(collect(url))
    assert ids(received) == ["evt_3", "evt_4", "evt_5", "evt_6"]
    assert seen.sinces() == ["evt_2", "evt_4"]


def endless(ws: ServerConnection, subscribe: dict[str, Any], connection: int) -> None:
    """A ping, and once it is answered, more events than a test reads."""
    ws.send(json.dumps({"type": "ping"}))
    if json.loads(ws.recv(timeout=5)) != {"type": "pong"}:
        return
    for number in range(1, 50):
        ws.send(event(number))


def test_closing_the_iterator_closes_the_socket_and_pings_are_answered() -> None:
    with fake_server(endless) as (url, seen):
        client = stateset.Client(api_key="sk_test_x", base_url=url)
        results = client.subscribe(EVENTS)
        assert ids([next(results), next(results)]) == ["evt_1", "evt_2"]
        results.close()
        assert seen.closed.wait(5)
    assert len(seen.subscribes) == 1


def test_the_async_iterator_closes_its_socket_too() -> None:
    async def two(url: str) -> list[dict[str, Any]]:
        client = stateset.AsyncClient(api_key="sk_test_x", base_url=url)
        results = client.subscribe(EVENTS)
        first = [await anext(results), await anext(results)]
        await results.aclose()
        await client.close()
        return first

    with fake_server(endless) as (url, seen):
        assert ids(asyncio.run(two(url))) == ["evt_1", "evt_2"]
        assert seen.closed.wait(5)


def sends(message: dict[str, Any]) -> Any:
    def script(ws: ServerConnection, subscribe: dict[str, Any], connection: int) -> None:
        ws.send(json.dumps(message))

    return script


def test_an_error_message_raises_the_class_of_its_type() -> None:
    error = {
        "message": "This key lacks events:read",
        "extensions": {
            "type": "permission_error",
            "code": "INSUFFICIENT_SCOPE",
            "status": 403,
            "request_id": "req_1",
        },
    }
    message = {"id": "1", "type": "error", "payload": [error]}
    with fake_server(sends(message)) as (url, seen):
        client = stateset.Client(api_key="rk_test_x", base_url=url)
        with pytest.raises(stateset.PermissionError) as raised:
            next(client.subscribe(EVENTS))
    assert (raised.value.http_status, raised.value.code) == (403, "INSUFFICIENT_SCOPE")
    assert raised.value.request_id == "req_1"
    assert len(seen.subscribes) == 1


def test_a_subscriber_too_slow_carries_where_to_resume() -> None:
    ended = {
        "message": "This subscriber fell 1,000 events behind and was ended",
        "extensions": {"code": "SUBSCRIBER_TOO_SLOW", "resume_after": "evt_9"},
    }
    message = {"id": "1", "type": "next", "payload": {"data": None, "errors": [ended]}}
    with fake_server(sends(message)) as (url, seen):
        client = stateset.Client(api_key="sk_test_x", base_url=url)
        with pytest.raises(stateset.SubscriberTooSlowError) as raised:
            list(client.subscribe(EVENTS))
    assert raised.value.resume_after == "evt_9"
    assert raised.value.code == "SUBSCRIBER_TOO_SLOW"
    assert len(seen.subscribes) == 1


def test_a_refused_key_raises_authentication_error_without_reconnecting() -> None:
    with fake_server(endless, refuse=4403) as (url, seen):
        client = stateset.Client(api_key="sk_test_nope", base_url=url)
        with pytest.raises(stateset.AuthenticationError, match="4403"):
            next(client.subscribe(EVENTS))
    assert len(seen.inits) == 1


def test_a_server_that_stays_away_raises_api_connection_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    client = stateset.Client(api_key="sk_test_x", base_url=f"http://127.0.0.1:{port}")
    results = client.subscribe(EVENTS, request_options={"max_retries": 1, "timeout": 2})
    with pytest.raises(stateset.APIConnectionError, match="2 time"):
        next(results)


def test_an_events_subscription_must_select_the_events_id() -> None:
    message = {"id": "1", "type": "next", "payload": {"data": {"events": {"type": "x"}}}}
    with fake_server(sends(message)) as (url, _seen):
        client = stateset.Client(api_key="sk_test_x", base_url=url)
        query = "subscription($since: ID) { events(since: $since) { type } }"
        with pytest.raises(stateset.InvalidRequestError, match="select the event's id"):
            next(client.subscribe(query))


@pytest.mark.parametrize(
    "query",
    [
        "subscription { events { id } }",
        "subscription($since: ID) { events { id } }",
        "subscription($since: ID!) { events(since: $since) { id } }",
    ],
)
def test_an_events_subscription_must_declare_and_pass_since(query: str) -> None:
    client = stateset.Client(api_key="sk_test_x")
    with pytest.raises(ValueError, match=r"\$since: ID"):
        client.subscribe(query)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (EVENTS, "events"),
        ("subscription S($since: ID) { recent: events(since: $since) { id } }", "recent"),
        ('subscription { orderUpdated(id: "events") { id } }', None),
        ("# events\nsubscription { inventoryUpdated { sku } }", None),
    ],
)
def test_the_events_field_is_found_under_its_alias(query: str, field: str | None) -> None:
    assert _subscribe.events_field(query) == field


def test_other_subscriptions_need_no_since() -> None:
    message = {"id": "1", "type": "next", "payload": {"data": {"orderUpdated": {"id": "o"}}}}
    with fake_server(sends(message)) as (url, seen):
        client = stateset.Client(api_key="sk_test_x", base_url=url)
        query = "subscription { orderUpdated { id } }"
        assert next(client.subscribe(query)) == {"orderUpdated": {"id": "o"}}
    assert seen.sinces() == [None]


@pytest.mark.parametrize(
    ("base_url", "url"),
    [
        ("http://127.0.0.1:8000", "ws://127.0.0.1:8000/graphql"),
        ("https://api.example.com/", "wss://api.example.com/graphql"),
    ],
)
def test_the_socket_goes_to_graphql_under_the_base_url(base_url: str, url: str) -> None:
    assert _subscribe.ws_url(base_url) == url


def test_without_websockets_subscribe_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(importlib, "import_module", missing)
    client = stateset.Client(api_key="sk_test_x")
    with pytest.raises(ImportError, match=r"stateset\[subscribe\]"):
        client.subscribe(EVENTS)
