"""GraphQL subscriptions over WebSocket, end to end: a real server, real sockets, real
clients; the embedded pairing (SQLite + memory://) and production's (PostgreSQL + Redis).

What a subscriber sees is what REST sees: an event as ``GET /v1/events/{id}`` answers it,
an order as ``GET /v1/orders/{id}`` answered at that event.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType

from stateset_gql.graphql.representation.convert import to_representation
from tests.order_support import PAY, SHIPPING, TEST_CARD, act, create_order, line, stock
from tests.rest_support import Rest
from tests.support import Account, LiveServer, create_customer, data, gql, new_account
from tests.ws_support import LEGACY_WS, TRANSPORT_WS, GraphQLSocket

EVENTS = "subscription($types: [String!], $since: ID) { events(types: $types, since: $since) { id type sequence created data } }"  # noqa: E501
CREATE_KEY = "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { id secret } }"
ORDER_UPDATED = (
    "subscription($id: ID) { orderUpdated(id: $id) { id status amountPaid "
    "lineItems { sku quantity } payments { status amount card { last4 } } __typename } }"
)


@pytest.fixture
def rt_client(rt_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=rt_server.base_url, timeout=30) as http:
        yield http


@pytest.fixture
def shop(rt_server: LiveServer) -> Account:
    return new_account(rt_server.database_url)


def subscribed(server: LiveServer, key: str, query: str, variables: dict[str, Any] | None = None,
               **options: Any) -> GraphQLSocket:  # fmt: skip
    """A socket, acknowledged, with operation "1" subscribed."""
    sock = GraphQLSocket(server.base_url, **options)
    assert sock.init(key)["type"] == "connection_ack"
    sock.subscribe("1", query, variables)
    return sock


def get(client: httpx.Client, shop: Account, path: str) -> Any:
    rest = Rest(client, shop.sk_test)
    return rest.ok(rest.get(path))


def settle(sock: GraphQLSocket) -> None:
    """The subscription is in place once a message sent after it has been answered:
    the protocol answers a ping in order (graphql-ws has no ping; a short wait)."""
    if sock.protocol == TRANSPORT_WS:
        sock.send({"type": "ping"})
        assert sock.ws.recv(timeout=10)  # pong, handled after the subscribe
    sock.silent(0.2)


@pytest.mark.parametrize("path", ["/graphql", "/v1/ws"])
@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
def test_a_live_event_reaches_a_subscriber_as_rest_shows_it(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account, path: str, protocol: str
) -> None:
    with subscribed(rt_server, shop.sk_test, EVENTS, {"types": ["customer.*"]},
                    path=path, protocol=protocol) as sock:  # fmt: skip
        settle(sock)
        customer = create_customer(rt_client, shop.sk_test, email="live@example.com")
        event = sock.next_data("1")["events"]
        rest = Rest(rt_client, shop.sk_test).ok(
            Rest(rt_client, shop.sk_test).get(f"/v1/events/{event['id']}")
        )
        assert event["type"] == "customer.created"
        assert event["sequence"] == rest["sequence"]
        assert event["created"] == rest["created"]
        assert event["data"] == rest["data"]
        assert event["data"]["object"]["id"] == customer["id"]


def test_other_accounts_and_the_other_mode_see_nothing(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    other = new_account(rt_server.database_url)
    with subscribed(rt_server, shop.sk_test, EVENTS) as sock:
        settle(sock)
        create_customer(rt_client, other.sk_test, email="other@example.com")
        create_customer(rt_client, shop.sk_live, email="live@example.com")
        mine = create_customer(rt_client, shop.sk_test, email="mine@example.com")
        event = sock.next_data("1")["events"]
        assert event["data"]["object"]["id"] == mine["id"]
        assert sock.silent(0.3)


def test_a_key_without_the_scope_cannot_subscribe(rt_server: LiveServer, shop: Account) -> None:
    key = shop.key("rk", ["customers:read", "events:read"])
    with subscribed(rt_server, key, ORDER_UPDATED) as sock:
        message = sock.receive()
        assert message["type"] == "error", message
        assert message["id"] == "1"
        extensions = message["payload"][0]["extensions"]
        assert extensions["code"] == "INSUFFICIENT_PERMISSIONS"
        assert extensions["required_scope"] == "orders:read"
        # The socket stays open for what the key may follow.
        sock.subscribe("2", EVENTS)
        settle(sock)
    publishable = shop.keys["pk_test"]
    with subscribed(rt_server, publishable, EVENTS) as sock:
        assert sock.receive()["payload"][0]["extensions"]["required_scope"] == "events:read"


def test_since_replays_the_stored_events_then_goes_live_in_sequence(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    rest = Rest(rt_client, shop.sk_test)
    for n in range(4):
        create_customer(rt_client, shop.sk_test, email=f"c{n}@example.com")
    stored = list(reversed(rest.ok(rest.get("/v1/events", {"limit": 10}))["data"]))
    assert [e["sequence"] for e in stored] == [1, 2, 3, 4]
    with subscribed(rt_server, shop.sk_test, EVENTS, {"since": stored[0]["id"]}) as sock:
        replayed = [sock.next_data("1")["events"] for _ in range(3)]
        assert [e["id"] for e in replayed] == [e["id"] for e in stored[1:]]
        assert [e["data"] for e in replayed] == [e["data"] for e in stored[1:]]
        create_customer(rt_client, shop.sk_test, email="c4@example.com")
        assert sock.next_data("1")["events"]["sequence"] == 5
        assert sock.silent(0.3)


def test_since_an_unknown_event_is_refused(rt_server: LiveServer, shop: Account) -> None:
    with subscribed(rt_server, shop.sk_test, EVENTS, {"since": "evt_unknown"}) as sock:
        message = sock.receive()
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"


def test_order_updated_follows_one_order_as_of_each_event(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    stock(shop, "SKU-RT", 10)
    mine = create_order(rt_client, shop.sk_test, lineItems=[line("SKU-RT", 2, 1500)])
    other = create_order(rt_client, shop.sk_test, lineItems=[line("SKU-RT", 1, 900)])
    with subscribed(rt_server, shop.sk_test, ORDER_UPDATED, {"id": mine["id"]}) as sock:
        settle(sock)
        act(rt_client, shop.sk_test, PAY, "payOrder", id=other["id"], input={"card": TEST_CARD})
        act(rt_client, shop.sk_test, PAY, "payOrder", id=mine["id"], input={"card": TEST_CARD})
        rest = Rest(rt_client, shop.sk_test)
        rest.ok(rest.post(f"/v1/orders/{mine['id']}/process", {}))
        paid = sock.next_data("1")["orderUpdated"]
        assert paid == {
            "id": mine["id"], "status": "PAID", "amountPaid": 3000,
            "lineItems": [{"sku": "SKU-RT", "quantity": 2}],
            "payments": [{"status": "SUCCEEDED", "amount": 3000, "card": {"last4": "4242"}}],
            "__typename": "Order",
        }  # fmt: skip
        # As of its event: processing, though the order may have moved on since.
        assert sock.next_data("1")["orderUpdated"]["status"] == "PROCESSING"
        assert sock.silent(0.3)


def test_order_updated_carries_what_rest_shows(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    """Every field a subscriber may select is the REST representation's, converted."""
    server = rt_server.app.state
    order_type = server.schema._schema.get_type("Order")
    assert isinstance(order_type, GraphQLObjectType)
    stock(shop, "SKU-ALL", 5)
    with subscribed(rt_server, shop.sk_test, ORDER_UPDATED_ALL) as sock:
        settle(sock)
        order = create_order(rt_client, shop.sk_test, lineItems=[line("SKU-ALL", 1, 700)])
        seen = sock.next_data("1")["orderUpdated"]
        rest = Rest(rt_client, shop.sk_test).ok(
            Rest(rt_client, shop.sk_test).get(f"/v1/orders/{order['id']}")
        )
        assert to_representation(seen, order_type) == rest


def test_inventory_updated_by_sku_and_location(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    query = (
        "subscription($sku: String) { inventoryUpdated(sku: $sku) "
        "{ sku location onHand available } }"
    )
    first = stock(shop, "SKU-A", 5)
    second = stock(shop, "SKU-B", 5)
    # A publishable key may follow stock: inventory:read is its one scope.
    with subscribed(rt_server, shop.keys["pk_test"], query, {"sku": "SKU-B"}) as sock:
        settle(sock)
        rest = Rest(rt_client, shop.sk_test)
        rest.ok(rest.post(f"/v1/inventory/{first}/adjust", {"delta": 3, "reason": "count"}))
        rest.ok(rest.post(f"/v1/inventory/{second}/adjust", {"delta": 2, "reason": "count"}))
        item = sock.next_data("1")["inventoryUpdated"]
        assert item == {"sku": "SKU-B", "location": "default", "onHand": 7, "available": 7}


def test_a_field_no_event_carries_is_refused_before_subscribing(
    rt_server: LiveServer, shop: Account
) -> None:
    with subscribed(
        rt_server, shop.sk_test, "subscription { orderUpdated { id customer { id } } }"
    ) as sock:
        message = sock.receive()
        assert message["type"] == "error"
        assert "select 'customerId'" in message["payload"][0]["message"]


def test_a_bad_document_or_type_pattern_is_an_error_message(
    rt_server: LiveServer, shop: Account
) -> None:
    with subscribed(rt_server, shop.sk_test, "subscription { events { nope } }") as sock:
        assert sock.receive()["type"] == "error"
        sock.subscribe("2", EVENTS, {"types": ["order.**"]})
        message = sock.receive()
        assert message["type"] == "error"
        assert message["id"] == "2"
        assert message["payload"][0]["extensions"]["param"] == "types"
        # A query is no error: it is answered once (tests/test_websocket_operations.py).
        sock.subscribe("3", "{ account { id } }")
        assert sock.next_data("3") == {"account": {"id": shop.id}}


def test_a_subscription_sent_over_http_is_refused(rt_client: httpx.Client, shop: Account) -> None:
    body = gql(rt_client, shop.sk_test, "subscription { events { id } }").json()
    assert "data" not in body  # refused before execution began
    assert "WebSocket" in body["errors"][0]["message"]


def test_two_hundred_subscribers_all_receive(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    sockets = [subscribed(rt_server, shop.sk_test, EVENTS) for _ in range(200)]
    try:
        for sock in sockets:
            settle_fast(sock)
        create_customer(rt_client, shop.sk_test, email="crowd@example.com")
        ids = {sock.next_data("1")["events"]["id"] for sock in sockets}
        assert len(ids) == 1
        metrics = rt_client.get("/metrics").text
        assert "stateset_subscriptions_active 200.0" in metrics
        assert "stateset_websockets_open 200.0" in metrics
    finally:
        for sock in sockets:
            sock.close()


def settle_fast(sock: GraphQLSocket) -> None:
    sock.send({"type": "ping"})
    assert sock.ws.recv(timeout=10)


ORDER_UPDATED_ALL = """subscription { orderUpdated {
  id object livemode created updated customerId currency subtotal tax shippingCost amount
  amountPaid amountRefunded status location carrier trackingNumber cancellationReason
  paidAt shippedAt deliveredAt cancelledAt metadata
  shippingAddress { line1 line2 city state postalCode country }
  lineItems { sku name quantity unitAmount amount }
  payments { id object livemode created updated metadata orderId amount currency status method
             card { brand last4 expMonth expYear } declineCode failureMessage externalReference }
  refunds { id object livemode created updated metadata orderId paymentId amount currency
            reason status }
} }"""

__all__ = ["SHIPPING"]


def test_subscribers_sharing_a_document_share_one_feed_and_no_statement(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    """The cost of an event grows with the distinct selections, not the sockets: one
    execution per feed, and nothing read back from the database to deliver it (on
    PostgreSQL the publisher reads the numbers the commit gave the events, once)."""
    same = [subscribed(rt_server, shop.sk_test, EVENTS) for _ in range(20)]
    other = subscribed(rt_server, shop.sk_test, "subscription { events { id } }")
    try:
        for sock in [*same, other]:
            settle_fast(sock)
        fanout = rt_server.app.state.fanout
        channel = next(c for c in fanout.channels.values() if c.owner.account_id == shop.id)
        assert sorted(len(f.subscribers) for f in channel.feeds.values()) == [1, 20]
        with rt_server.count_statements() as statements:
            create_customer(rt_client, shop.sk_test, email="shared@example.com")
            first = same[0].next_data("1")["events"]
            assert all(s.next_data("1")["events"] == first for s in same[1:])
            assert other.next_data("1")["events"] == {"id": first["id"]}
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "events" in s]
        numbering = [s for s in reads if s.lstrip().startswith("SELECT events.id, events.sequence")]
        assert len(numbering) == (1 if rt_server.database_url.startswith("postgresql") else 0)
        assert [s for s in reads if s not in numbering] == []
    finally:
        for sock in [*same, other]:
            sock.close()


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
def test_a_graphql_websocket_client_subscribes_and_resumes(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account, protocol: str
) -> None:
    """The ``gql`` client, as an integrator would use it: live events, then a second
    subscription resuming with ``since`` from the last id the first one saw."""
    from gql import Client, GraphQLRequest
    from gql.transport.websockets import WebsocketsTransport

    url = rt_server.base_url.replace("http://", "ws://") + "/graphql"

    async def run() -> tuple[list[int], list[int]]:
        transport = WebsocketsTransport(
            url=url,
            init_payload={"authorization": f"Bearer {shop.sk_test}"},
            subprotocols=[protocol],
        )
        async with Client(transport=transport) as session:
            live: list[dict[str, Any]] = []
            first = GraphQLRequest(EVENTS, variable_values={"types": ["customer.*"]})
            writes = asyncio.create_task(asyncio.to_thread(write, 3))
            # Closed as soon as the loop ends, as a client stopping a subscription does.
            async with contextlib.aclosing(session.subscribe(first)) as stream:
                async for result in stream:
                    live.append(result["events"])
                    if len(live) == 3:
                        break
            await writes
            await asyncio.to_thread(write, 2)
            resumed: list[int] = []
            variables = {"types": ["customer.*"], "since": live[-1]["id"]}
            second = GraphQLRequest(EVENTS, variable_values=variables)
            async with contextlib.aclosing(session.subscribe(second)) as stream:
                async for result in stream:
                    resumed.append(result["events"]["sequence"])
                    if len(resumed) == 2:
                        break
        return [e["sequence"] for e in live], resumed

    def write(n: int) -> None:
        time.sleep(0.3)  # the subscription is in place
        with httpx.Client(base_url=rt_server.base_url, timeout=30) as client:
            for _ in range(n):
                create_customer(client, shop.sk_test)

    live, resumed = asyncio.run(run())
    assert live == [1, 2, 3]
    assert resumed == [4, 5]


def test_revoking_a_key_closes_its_open_sockets_with_4403(
    rt_server: LiveServer, rt_client: httpx.Client, shop: Account
) -> None:
    made = data(gql(rt_client, shop.sk_test, CREATE_KEY, {"input": {"type": "SK"}}))["createApiKey"]
    doomed = subscribed(rt_server, made["secret"], EVENTS)
    kept = subscribed(rt_server, shop.sk_test, EVENTS)
    try:
        settle(doomed)
        settle(kept)
        revoke = "mutation($id: ID!) { revokeApiKey(id: $id) { id } }"
        data(gql(rt_client, shop.sk_test, revoke, {"id": made["id"]}))
        assert doomed.closed_with(timeout=10) == 4403
        # The account's other key keeps its socket and its events.
        create_customer(rt_client, shop.sk_test)
        message = kept.receive()
        assert message is not None
        assert message["type"] == "next"
        assert message["payload"]["data"]["events"]["type"] == "customer.created"
    finally:
        doomed.close()
        kept.close()
