"""Webhook endpoints through GraphQL and REST: create, read, update, delete, rotate; the
secret shown once; the scopes; what ``enabled_events`` accepts; and no live endpoint
into a private network (API.md section 9)."""

from __future__ import annotations

import asyncio
import ipaddress

import httpx
import pytest

from stateset_gql.webhooks import addresses
from tests.rest_support import Rest, error_of
from tests.support import Account, data, error, gql


def test_an_endpoint_is_created_read_listed_updated_and_deleted_through_rest(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    created = rest.ok(
        rest.post(
            "/v1/webhook_endpoints",
            {
                "url": "http://127.0.0.1:9/hooks",
                "enabled_events": ["order.*", "customer.created"],
                "description": "ops",
            },
        ),
        201,
    )
    assert created["id"].startswith("we_")
    assert created["object"] == "webhook_endpoint"
    assert created["status"] == "enabled"
    assert created["livemode"] is False
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) == 50
    got = rest.ok(rest.get(f"/v1/webhook_endpoints/{created['id']}"))
    assert got["secret"] is None
    assert got["enabled_events"] == ["order.*", "customer.created"]
    listed = rest.ok(rest.get("/v1/webhook_endpoints"))
    assert [e["id"] for e in listed["data"]] == [created["id"]]
    updated = rest.ok(
        rest.patch(
            f"/v1/webhook_endpoints/{created['id']}",
            {"enabled_events": ["*"], "status": "disabled", "description": "all"},
        )
    )
    assert (updated["enabled_events"], updated["status"]) == (["*"], "disabled")
    assert updated["secret"] is None
    deleted = rest.ok(rest.delete(f"/v1/webhook_endpoints/{created['id']}"))
    assert deleted == {"id": created["id"], "object": "webhook_endpoint", "deleted": True}
    error_of(rest.get(f"/v1/webhook_endpoints/{created['id']}"), 404)
    error_of(rest.get(f"/v1/webhook_endpoints/{created['id']}/deliveries"), 404)


def test_graphql_creates_rotates_and_finds_an_endpoint_as_a_node(
    client: httpx.Client, account: Account
) -> None:
    created = data(
        gql(
            client,
            account.sk_test,
            "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) "
            "{ id url enabledEvents status secret } }",
            {"i": {"url": "http://localhost:9/h", "enabledEvents": ["return.*"]}},
        )
    )["createWebhookEndpoint"]
    assert created["status"] == "ENABLED"
    rotated = data(
        gql(
            client,
            account.sk_test,
            "mutation($id: ID!) { rotateWebhookSecret(id: $id, expirePreviousIn: 60) { secret } }",
            {"id": created["id"]},
        )
    )["rotateWebhookSecret"]
    assert rotated["secret"] not in (None, created["secret"])
    found = data(
        gql(
            client,
            account.sk_test,
            "query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { id secret } } "
            "webhookEndpoints { totalCount } }",
            {"id": created["id"]},
        )
    )
    assert found["node"] == {"id": created["id"], "secret": None}
    assert found["webhookEndpoints"]["totalCount"] == 1


def test_an_idempotent_replay_of_a_creation_shows_no_secret(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    body = {"url": "http://127.0.0.1:9/h", "enabled_events": ["*"]}
    headers = {"Idempotency-Key": "hook-once"}
    first = rest.ok(rest.post("/v1/webhook_endpoints", body, headers), 201)
    again = rest.post("/v1/webhook_endpoints", body, headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first["id"]
    assert first["secret"] is not None
    assert again.json()["secret"] is None


@pytest.mark.parametrize(
    ("events", "param", "named"),
    [
        (["order.shiped"], "enabled_events[0]", "order.shiped"),
        (["*", "orders.*"], "enabled_events[1]", "orders.*"),
        (["order.*.*"], "enabled_events[0]", "order.*.*"),
        ([], "enabled_events", "enabled_events"),
    ],
)
def test_enabled_events_take_the_types_their_families_and_star_only(
    client: httpx.Client, account: Account, events: list[str], param: str, named: str
) -> None:
    rest = Rest(client, account.sk_test)
    body = {"url": "http://127.0.0.1:9/h", "enabled_events": events}
    problem = error_of(rest.post("/v1/webhook_endpoints", body), 422)
    assert problem["param"] == param
    assert named in problem["message"]


def test_every_event_type_and_family_is_accepted(client: httpx.Client, account: Account) -> None:
    from stateset_gql.events.types import EVENT_TYPES

    rest = Rest(client, account.sk_test)
    events = [*EVENT_TYPES, "customer.subscription.*", "inventory.*", "*"]
    body = {"url": "http://127.0.0.1:9/h", "enabled_events": events}
    assert len(EVENT_TYPES) == 25
    assert rest.ok(rest.post("/v1/webhook_endpoints", body), 201)["enabled_events"] == events


def test_webhooks_need_their_scopes(client: httpx.Client, account: Account) -> None:
    reader = Rest(client, account.key("rk", ["webhooks:read"]))
    other = Rest(client, account.key("rk", ["orders:write"]))
    body = {"url": "http://127.0.0.1:9/h", "enabled_events": ["*"]}
    error_of(reader.post("/v1/webhook_endpoints", body), 403)
    error_of(other.get("/v1/webhook_endpoints"), 403)
    assert reader.ok(reader.get("/v1/webhook_endpoints"))["data"] == []
    writer = Rest(client, account.key("rk", ["webhooks:write"]))
    made = writer.ok(writer.post("/v1/webhook_endpoints", body), 201)
    query = "query($id: ID!) { webhookEndpoint(id: $id) { id } }"
    denied = error(gql(client, other.key, query, {"id": made["id"]}))
    assert denied["code"] == "INSUFFICIENT_PERMISSIONS"


def test_an_endpoint_of_the_other_mode_is_not_found(client: httpx.Client, account: Account) -> None:
    test_mode = Rest(client, account.sk_test)
    made = test_mode.ok(
        test_mode.post(
            "/v1/webhook_endpoints", {"url": "http://127.0.0.1:9/h", "enabled_events": ["*"]}
        ),
        201,
    )
    live = Rest(client, account.sk_live)
    error_of(live.get(f"/v1/webhook_endpoints/{made['id']}"), 404)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://example.com/hooks", "https"),
        ("https://127.0.0.1/hooks", "private"),
        ("https://10.1.2.3/hooks", "private"),
        ("https://169.254.169.254/latest", "private"),
        ("https://[::1]/hooks", "private"),
        ("https://[fd00::1]/hooks", "private"),
        ("https://[::ffff:127.0.0.1]/hooks", "private"),
        ("https://[::127.0.0.1]/hooks", "private"),
        ("https://[64:ff9b::7f00:1]/hooks", "private"),
        ("https://[2002:7f00:1::]/hooks", "private"),
        ("https://[::ffff:0:7f00:1]/hooks", "private"),
        ("https://192.0.0.8/hooks", "private"),
        ("https://localhost/hooks", "private"),
        ("https://user:pw@example.com/hooks", "user name"),
        ("ftp://example.com/hooks", "http"),
    ],
)
def test_a_live_endpoint_may_not_reach_a_private_network(
    client: httpx.Client, account: Account, url: str, why: str
) -> None:
    live = Rest(client, account.sk_live)
    problem = error_of(
        live.post("/v1/webhook_endpoints", {"url": url, "enabled_events": ["*"]}), 422
    )
    assert problem["param"] == "url"
    assert why in problem["message"]


def test_a_live_endpoint_may_not_be_moved_into_a_private_network(
    client: httpx.Client, account: Account
) -> None:
    live = Rest(client, account.sk_live)
    # A public address literal: checked without DNS.
    made = live.ok(
        live.post("/v1/webhook_endpoints", {"url": "https://8.8.8.8/h", "enabled_events": ["*"]}),
        201,
    )
    problem = error_of(
        live.patch(f"/v1/webhook_endpoints/{made['id']}", {"url": "https://192.168.1.1/h"}), 422
    )
    assert problem["param"] == "url"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True), ("2606:4700:4700::1111", True), ("127.0.0.1", False),
        ("10.0.0.1", False), ("172.16.0.1", False), ("192.168.0.1", False),
        ("169.254.1.1", False), ("0.0.0.0", False), ("224.0.0.1", False), ("::1", False),
        ("::", False), ("fe80::1", False), ("fc00::1", False), ("ff02::1", False),
        ("::ffff:10.0.0.1", False), ("::ffff:8.8.8.8", True), ("100.64.0.1", False),
        # IPv6 forms that carry an IPv4 address are judged as the address they carry.
        ("::127.0.0.1", False), ("::8.8.8.8", False), ("64:ff9b::7f00:1", False),
        ("64:ff9b::a00:1", False), ("64:ff9b::808:808", True), ("64:ff9b:1::808:808", False),
        ("2002:7f00:1::", False), ("2002:c0a8:101::1", False), ("2002:808:808::1", True),
        ("::ffff:0:7f00:1", False), ("::ffff:0:a9fe:a9fe", False), ("::ffff:0:808:808", True),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("192.0.0.8", False), ("192.0.0.1", False), ("192.0.0.170", False),
        ("192.0.0.9", True), ("192.0.0.10", True),
    ],
)  # fmt: skip
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert addresses.is_public(ipaddress.ip_address(address)) is public


def test_each_connection_checks_the_address_again_and_dials_the_checked_one() -> None:
    resolver = addresses.Resolver()
    with pytest.raises(addresses.Refused, match="private"):
        asyncio.run(resolver.target("https://localhost:8443/h", livemode=True))
    target = asyncio.run(resolver.target("https://8.8.8.8/h", livemode=True))
    assert (target.host, target.port, target.address) == ("8.8.8.8", 443, "8.8.8.8")
    # Test mode dials by name: local development works.
    local = asyncio.run(resolver.target("http://localhost:8000/h", livemode=False))
    assert local.address is None
