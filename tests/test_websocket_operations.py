"""Queries and mutations over WebSocket (``graphql-transport-ws`` defines them; the legacy
``graphql-ws`` carries them too): one ``next`` (``data``) and ``complete``, through the
same door as ``POST /graphql`` — scopes, rate limits, the transaction, the outbox and the
Idempotency-Key (``extensions.idempotencyKey`` in the payload).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import CREATE_CUSTOMER, Account, LiveServer, data, gql, new_account
from tests.test_realtime import EVENTS, settle
from tests.ws_support import LEGACY_WS, TRANSPORT_WS, GraphQLSocket

PROTOCOLS = [TRANSPORT_WS, LEGACY_WS]
ACCOUNT = "{ account { id } }"


@pytest.fixture
def ws_client(rt_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=rt_server.base_url, timeout=30) as http:
        yield http


@pytest.fixture
def shop(rt_server: LiveServer) -> Account:
    return new_account(rt_server.database_url)


def connected(server: LiveServer, key: str, protocol: str) -> GraphQLSocket:
    sock = GraphQLSocket(server.base_url, protocol=protocol)
    assert sock.init(key)["type"] == "connection_ack"
    return sock


def send(
    sock: GraphQLSocket, id: str, query: str, variables: dict[str, Any] | None = None,
    extensions: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    if extensions is not None:
        payload["extensions"] = extensions
    kind = "subscribe" if sock.protocol == TRANSPORT_WS else "start"
    sock.send({"type": kind, "id": id, "payload": payload})


def answer(sock: GraphQLSocket, id: str) -> dict[str, Any]:
    """The one result of operation ``id``, which must then complete."""
    message = sock.receive()
    assert message["id"] == id, message
    assert message["type"] == ("next" if sock.protocol == TRANSPORT_WS else "data"), message
    done = sock.receive()
    assert done == {"type": "complete", "id": id}, done
    result: dict[str, Any] = message["payload"]
    return result


def refused(sock: GraphQLSocket, id: str) -> dict[str, Any]:
    """The extensions of the ``error`` that refused operation ``id``."""
    message = sock.receive()
    assert message["id"] == id, message
    assert message["type"] == "error", message
    payload = message["payload"]
    first = payload[0] if isinstance(payload, list) else payload
    extensions: dict[str, Any] = first["extensions"]
    return extensions


def customers(client: httpx.Client, key: str) -> int:
    total: int = data(gql(client, key, "{ customers { totalCount } }"))["customers"]["totalCount"]
    return total


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_query_over_websocket_is_one_result_then_complete(
    rt_server: LiveServer, shop: Account, protocol: str
) -> None:
    with connected(rt_server, shop.sk_test, protocol) as sock:
        send(sock, "1", ACCOUNT)
        result = answer(sock, "1")
        assert result["data"] == {"account": {"id": shop.id}}
        assert result["extensions"]["cost"]["limit"] == 10_000
        # The id is free again once completed.
        send(sock, "1", "query($n: Int) { customers(first: $n) { totalCount } }", {"n": 5})
        assert answer(sock, "1")["data"] == {"customers": {"totalCount": 0}}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_mutation_over_websocket_commits_and_publishes_its_event(
    rt_server: LiveServer, ws_client: httpx.Client, shop: Account, protocol: str
) -> None:
    with connected(rt_server, shop.sk_test, protocol) as sock:
        send(sock, "events", EVENTS, {"types": ["customer.*"]})
        settle(sock)
        send(sock, "m", CREATE_CUSTOMER, {"input": {"email": "ws@example.com"}})
        created = answer(sock, "m")["data"]["createCustomer"]
        assert created["email"] == "ws@example.com"
        event = sock.next_data("events")["events"]
        assert event["type"] == "customer.created"
        assert event["data"]["object"]["id"] == created["id"]
    assert customers(ws_client, shop.sk_test) == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_failed_mutation_over_websocket_changes_nothing(
    rt_server: LiveServer, ws_client: httpx.Client, shop: Account, protocol: str
) -> None:
    with connected(rt_server, shop.sk_test, protocol) as sock:
        send(sock, "m", CREATE_CUSTOMER, {"input": {"email": "not an email"}})
        result = answer(sock, "m")  # it ran, and was rolled back: no data kept
        assert result["data"] is None
        extensions = result["errors"][0]["extensions"]
        assert extensions["code"] == "INVALID_FIELD_FORMAT"
        assert extensions["param"] == "input.email"
    assert customers(ws_client, shop.sk_test) == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_idempotency_key_over_websocket_runs_a_mutation_once(
    rt_server: LiveServer, ws_client: httpx.Client, shop: Account, protocol: str
) -> None:
    key = f"ws-{uuid.uuid4()}"
    variables = {"input": {"email": "once@example.com"}}
    with connected(rt_server, shop.sk_test, protocol) as sock:
        send(sock, "1", CREATE_CUSTOMER, variables, {"idempotencyKey": key})
        first = answer(sock, "1")["data"]["createCustomer"]
        send(sock, "2", CREATE_CUSTOMER, variables, {"idempotencyKey": key})
        assert answer(sock, "2")["data"]["createCustomer"] == first
        other = {"input": {"email": "other@example.com"}}
        send(sock, "3", CREATE_CUSTOMER, other, {"idempotencyKey": key})
        assert refused(sock, "3")["code"] == "IDEMPOTENCY_KEY_MISMATCH"
        send(sock, "4", CREATE_CUSTOMER, variables, {"idempotencyKey": 7})
        assert refused(sock, "4")["param"] == "extensions.idempotencyKey"
    # The same operation with the same key over HTTP is the same request.
    replay = gql(ws_client, shop.sk_test, CREATE_CUSTOMER, variables,
                 headers={"Idempotency-Key": key})  # fmt: skip
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert data(replay)["createCustomer"] == first
    assert customers(ws_client, shop.sk_test) == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_scopes_apply_to_operations_over_websocket(
    rt_server: LiveServer, ws_client: httpx.Client, shop: Account, protocol: str
) -> None:
    reader = shop.key("rk", ["customers:read"])
    with connected(rt_server, reader, protocol) as sock:
        send(sock, "1", "{ customers { totalCount } }")
        assert answer(sock, "1")["data"] == {"customers": {"totalCount": 0}}
        # Refused by the fields' declared scopes before execution: an ``error`` message.
        send(sock, "2", CREATE_CUSTOMER, {"input": {"email": "nope@example.com"}})
        assert refused(sock, "2")["code"] == "INSUFFICIENT_PERMISSIONS"
        send(sock, "3", "{ orders { totalCount } }")
        assert refused(sock, "3")["required_scope"] == "orders:read"
    assert customers(ws_client, shop.sk_test) == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_document_refused_before_execution_is_an_error_message(
    rt_server: LiveServer, shop: Account, protocol: str
) -> None:
    with connected(rt_server, shop.sk_test, protocol) as sock:
        send(sock, "1", "{ nope }")
        assert refused(sock, "1")["code"] == "VALIDATION_ERROR"
        send(sock, "2", "query($n: Int) { customers(first: $n) { totalCount } }", {"n": "x"})
        assert refused(sock, "2")["param"] == "n"


def test_operations_over_websocket_count_toward_the_rate_limit(
    rt_server: LiveServer, ws_client: httpx.Client
) -> None:
    """The free plan: 60 requests a minute, the socket's connection_init among them."""
    free = new_account(rt_server.database_url, plan="free")
    answered = 0
    with connected(rt_server, free.sk_test, TRANSPORT_WS) as sock:
        for n in range(61):
            send(sock, str(n), ACCOUNT)
            message = sock.receive()
            if message["type"] == "error":
                assert message["payload"][0]["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
                break
            assert sock.receive()["type"] == "complete"
            answered += 1
        else:
            raise AssertionError("61 operations in a minute were all answered")
    assert 55 <= answered < 60
    assert gql(ws_client, free.sk_test, ACCOUNT).status_code == 429


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_the_gql_client_fetches_the_schema_and_runs_operations_over_websocket(
    rt_server: LiveServer, ws_client: httpx.Client, shop: Account, protocol: str
) -> None:
    from gql import Client, GraphQLRequest
    from gql import gql as document
    from gql.transport.websockets import WebsocketsTransport

    url = rt_server.base_url.replace("http://", "ws://") + "/graphql"

    async def run() -> tuple[dict[str, Any], dict[str, Any]]:
        transport = WebsocketsTransport(
            url=url,
            init_payload={"authorization": f"Bearer {shop.sk_test}"},
            subprotocols=[protocol],
        )
        async with Client(transport=transport, fetch_schema_from_transport=True) as session:
            assert session.client.schema is not None
            assert session.client.schema.get_type("Customer") is not None
            account = await session.execute(document(ACCOUNT))
            create = GraphQLRequest(
                CREATE_CUSTOMER, variable_values={"input": {"email": "gql@example.com"}}
            )
            created = await session.execute(create)
        return account, created

    account, created = asyncio.run(run())
    assert account == {"account": {"id": shop.id}}
    assert created["createCustomer"]["email"] == "gql@example.com"
    assert customers(ws_client, shop.sk_test) == 1
