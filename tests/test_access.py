"""Keys, modes and scopes (API.md section 2), through /graphql with real keys."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from stateset_gql.access.models import PLANS
from stateset_gql.access.scopes import ALL_SCOPES
from tests.rest_support import Rest, error_of
from tests.support import (
    Account,
    LiveServer,
    create_customer,
    data,
    error,
    gql,
    new_account,
    run_cli,
)

CUSTOMER = "query($id: ID!) { customer(id: $id) { id email livemode } }"
ACCOUNT = "{ account { id object name plan livemode mode keyId keyType scopes limits { perMinute perDay burstPerSecond concurrent } } }"  # noqa: E501
CREATE_KEY = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { id object type livemode scopes secret redacted revoked }
}
"""


def test_account_query_tells_the_caller_who_it_is(client: httpx.Client, account: Account) -> None:
    test = data(gql(client, account.sk_test, ACCOUNT))["account"]
    assert test["id"] == account.id
    assert test["object"] == "account"
    assert (test["mode"], test["livemode"], test["keyType"]) == ("TEST", False, "SK")
    assert test["plan"] == "SCALE"
    assert set(test["scopes"]) == ALL_SCOPES
    assert test["limits"] == {
        "perMinute": 5000, "perDay": 500000, "burstPerSecond": 5000, "concurrent": 500,
    }  # fmt: skip
    live = data(gql(client, account.sk_live, ACCOUNT))["account"]
    assert (live["mode"], live["livemode"]) == ("LIVE", True)
    # A publishable key learns only its account's id and mode.
    publishable = data(gql(client, account.keys["pk_test"], "{ account { id mode } }"))
    assert publishable["account"] == {"id": account.id, "mode": "TEST"}


@pytest.mark.parametrize("plan", PLANS)
def test_the_plan_is_an_enum_in_graphql_and_lower_case_in_rest(
    client: httpx.Client, server: LiveServer, plan: str
) -> None:
    key = new_account(server.database_url, plan=plan).sk_test
    assert data(gql(client, key, "{ account { plan } }"))["account"]["plan"] == plan.upper()
    rest = client.get("/v1/account", headers={"Authorization": f"Bearer {key}"})
    assert rest.json()["plan"] == plan


def test_test_and_live_data_never_meet(client: httpx.Client, account: Account) -> None:
    test_customer = create_customer(client, account.sk_test, email="same@example.com")
    # The same e-mail may exist once in each mode: they are separate worlds.
    live_customer = create_customer(client, account.sk_live, email="same@example.com")
    assert test_customer["livemode"] is False
    assert live_customer["livemode"] is True

    from_live = gql(client, account.sk_live, CUSTOMER, {"id": test_customer["id"]})
    assert error(from_live)["code"] == "RESOURCE_NOT_FOUND"
    assert error(from_live)["status"] == 404
    live_list = data(gql(client, account.sk_live, "{ customers { nodes { id } } }"))
    assert live_list["customers"]["nodes"] == [{"id": live_customer["id"]}]
    test_events = data(gql(client, account.sk_test, "{ events { nodes { data } } }"))
    assert [e["data"]["object"]["id"] for e in test_events["events"]["nodes"]] == [
        test_customer["id"]
    ]


def test_one_account_never_sees_another(client: httpx.Client, account: Account) -> None:
    other = new_account(account.database_url, name="Other Shop")
    theirs = create_customer(client, other.sk_test)
    response = gql(client, account.sk_test, CUSTOMER, {"id": theirs["id"]})
    assert error(response)["code"] == "RESOURCE_NOT_FOUND"
    update = gql(
        client,
        account.sk_test,
        'mutation($id: ID!) { updateCustomer(id: $id, input: {name: "x"}) { id } }',
        {"id": theirs["id"]},
    )
    assert error(update)["code"] == "RESOURCE_NOT_FOUND"
    listed = data(
        gql(client, account.sk_test, "{ customers { totalCount } events { totalCount } }")
    )
    assert listed == {"customers": {"totalCount": 0}, "events": {"totalCount": 0}}


def test_node_finds_any_object_by_its_prefixed_id(client: httpx.Client, account: Account) -> None:
    created = create_customer(client, account.sk_test, name="Nod")
    query = (
        "query($id: ID!) { node(id: $id) { id ... on Customer { name } ... on Event { type } } }"
    )
    assert data(gql(client, account.sk_test, query, {"id": created["id"]}))["node"] == {
        "id": created["id"],
        "name": "Nod",
    }
    event_id = data(gql(client, account.sk_test, "{ events { nodes { id } } }"))["events"]["nodes"][
        0
    ]["id"]
    assert data(gql(client, account.sk_test, query, {"id": event_id}))["node"] == {
        "id": event_id,
        "type": "customer.created",
    }
    unknown = gql(client, account.sk_test, query, {"id": "zzz_123"})
    assert error(unknown)["code"] == "RESOURCE_NOT_FOUND"


@pytest.mark.parametrize(
    ("scopes", "allowed", "refused"),
    [
        (
            ["customers:read"],
            "{ customers { totalCount } }",
            'mutation { createCustomer(input: {email: "r@example.com"}) { id } }',
        ),
        (
            ["customers:write"],
            'mutation { createCustomer(input: {email: "w@example.com"}) { id } }',
            "{ events { totalCount } }",
        ),
        (["events:read"], "{ events { totalCount } }", "{ customers { totalCount } }"),
        (["orders:read"], "{ account { id } }", "{ apiKeys { totalCount } }"),
    ],
)
def test_restricted_keys_are_limited_to_their_scopes(
    client: httpx.Client, account: Account, scopes: list[str], allowed: str, refused: str
) -> None:
    key = account.key("rk", scopes)
    assert key.startswith("rk_test_")
    data(gql(client, key, allowed))
    denied = error(gql(client, key, refused))
    assert denied["code"] == "INSUFFICIENT_PERMISSIONS"
    assert denied["type"] == "permission_error"
    assert denied["status"] == 403


def test_publishable_keys_may_only_read_inventory(client: httpx.Client, account: Account) -> None:
    key = account.keys["pk_test"]
    for query in (
        "{ customers { totalCount } }",
        "{ events { totalCount } }",
        'mutation { createCustomer(input: {email: "p@example.com"}) { id } }',
    ):
        assert error(gql(client, key, query))["status"] == 403
    assert data(gql(client, account.sk_test, "{ customers { totalCount } }")) == {
        "customers": {"totalCount": 0}
    }


def test_a_key_creates_keys_only_within_its_own_scopes_and_mode(
    client: httpx.Client, account: Account
) -> None:
    made = data(
        gql(
            client,
            account.sk_test,
            CREATE_KEY,
            {"input": {"type": "RK", "scopes": ["orders:read"]}},
        )
    )["createApiKey"]
    assert made["secret"].startswith("rk_test_")
    assert (made["object"], made["type"], made["livemode"]) == ("api_key", "RK", False)
    assert made["redacted"].endswith(made["secret"][-4:])
    assert made["scopes"] == ["orders:read"]
    # The secret is shown once: listing keys never shows it again.
    listed = data(gql(client, account.sk_test, "{ apiKeys(first: 100) { nodes { id secret } } }"))
    assert {"id": made["id"], "secret": None} in listed["apiKeys"]["nodes"]

    keys_admin = account.key("rk", ["api_keys:write", "customers:read"])
    narrower = gql(
        client, keys_admin, CREATE_KEY, {"input": {"type": "RK", "scopes": ["customers:read"]}}
    )
    assert data(narrower)["createApiKey"]["scopes"] == ["customers:read"]
    wider = gql(
        client, keys_admin, CREATE_KEY, {"input": {"type": "RK", "scopes": ["customers:write"]}}
    )
    assert error(wider)["code"] == "INSUFFICIENT_PERMISSIONS"
    secret_key = gql(client, keys_admin, CREATE_KEY, {"input": {"type": "SK"}})
    assert error(secret_key)["code"] == "INSUFFICIENT_PERMISSIONS"
    bad_scope = gql(
        client, account.sk_test, CREATE_KEY, {"input": {"type": "RK", "scopes": ["x:y"]}}
    )
    assert error(bad_scope)["code"] == "INVALID_FIELD_FORMAT"
    assert error(bad_scope)["status"] == 422
    no_scopes = gql(client, account.sk_test, CREATE_KEY, {"input": {"type": "RK"}})
    assert error(no_scopes)["code"] == "MISSING_REQUIRED_FIELD"


def test_keys_are_filtered_and_sorted_in_graphql_and_rest(
    client: httpx.Client, account: Account
) -> None:
    def made(key_type: str, name: str) -> str:
        scopes = ["orders:read"] if key_type == "RK" else None
        key = {"type": key_type, "name": name, "scopes": scopes}
        return str(
            data(gql(client, account.sk_test, CREATE_KEY, {"input": key}))["createApiKey"]["id"]
        )

    reader, admin, other = made("RK", "lists reader"), made("SK", "lists admin"), made("RK", "x")
    query = """
    query($where: ApiKeyWhere, $orderBy: [ApiKeyOrder!]) {
      apiKeys(first: 100, where: $where, orderBy: $orderBy) { nodes { id } }
    }
    """

    def ids(variables: dict[str, object]) -> list[str]:
        listed = data(gql(client, account.sk_test, query, variables))["apiKeys"]["nodes"]
        return [node["id"] for node in listed]

    assert ids({"where": {"name": {"_like": "lists %"}}}) == [admin, reader]
    assert ids({"where": {"type": {"_eq": "RK"}}, "orderBy": [{"field": "CREATED"}]}) == [
        reader, other,
    ]  # fmt: skip
    rest = Rest(client, account.sk_test)
    listed = rest.ok(rest.get("/v1/api_keys", {"type_eq": "rk", "sort": "-created"}))
    assert [key["id"] for key in listed["data"]] == [other, reader]
    refused = rest.get("/v1/api_keys", {"sort": "name"})
    assert error_of(refused, 400)["param"] == "sort"


def test_a_revoked_key_is_refused(client: httpx.Client, account: Account) -> None:
    made = data(gql(client, account.sk_test, CREATE_KEY, {"input": {"type": "SK"}}))["createApiKey"]
    secret = made["secret"]
    data(gql(client, secret, "{ account { id } }"))
    revoked = data(
        gql(
            client,
            account.sk_test,
            "mutation($id: ID!) { revokeApiKey(id: $id) { id object deleted } }",
            {"id": made["id"]},
        )
    )["revokeApiKey"]
    assert revoked == {"id": made["id"], "object": "api_key", "deleted": True}
    listed = data(gql(client, account.sk_test, "{ apiKeys(first: 100) { nodes { id revoked } } }"))
    assert {"id": made["id"], "revoked": True} in listed["apiKeys"]["nodes"]
    refused = gql(client, secret, "{ account { id } }")
    assert refused.status_code == 401
    assert error(refused)["code"] == "INVALID_API_KEY"
    assert error(refused)["type"] == "authentication_error"


def test_keys_of_another_account_cannot_be_revoked(client: httpx.Client, account: Account) -> None:
    other = new_account(account.database_url)
    made = data(gql(client, other.sk_test, CREATE_KEY, {"input": {"type": "SK"}}))["createApiKey"]
    response = gql(
        client,
        account.sk_test,
        "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
        {"id": made["id"]},
    )
    assert error(response)["code"] == "RESOURCE_NOT_FOUND"
    data(gql(client, made["secret"], "{ account { id } }"))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sk_test_short",
        "Bearer sk_test_" + "A" * 43,
        "Bearer xx_test_" + "A" * 43,
        "Token abc",
    ],
)
def test_malformed_or_unknown_keys_answer_401(client: httpx.Client, header: str) -> None:
    response = client.post(
        "/graphql", json={"query": "{ account { id } }"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert error(response)["code"] == "INVALID_API_KEY"


@pytest.fixture
def on_redis(database_url: str, redis_url: str) -> Iterator[httpx.Client]:
    """A server that hears, through Redis, what the command line changed."""
    live = LiveServer.start(database_url=database_url, broadcast_url=redis_url)
    try:
        with httpx.Client(base_url=live.base_url, timeout=30) as client:
            yield client
    finally:
        live.stop()


def test_the_command_line_creates_accounts_and_keys_and_revokes_them(
    on_redis: httpx.Client, database_url: str, redis_url: str
) -> None:
    client = on_redis
    made = run_cli(
        "accounts", "create", "--name", "CLI Shop", "--plan", "growth", "--json",
        database_url=database_url,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    assert created["account"]["id"].startswith("acct_")
    assert created["account"]["plan"] == "growth"
    assert sorted(created["keys"]) == ["pk_live", "pk_test", "sk_live", "sk_test"]
    for name, secret in created["keys"].items():
        assert secret.startswith(name + "_")
    me = data(gql(client, created["keys"]["sk_test"], "{ account { id plan } }"))["account"]
    assert me == {"id": created["account"]["id"], "plan": "GROWTH"}

    key = run_cli(
        "keys", "create", "--account", created["account"]["id"],
        "--type", "rk_live", "--scopes", "orders:read,customers:write", "--json",
        database_url=database_url,
    )  # fmt: skip
    assert key.returncode == 0, key.stderr
    restricted = json.loads(key.stdout)
    assert restricted["secret"].startswith("rk_live_")
    assert restricted["scopes"] == ["customers:write", "orders:read"]
    live = data(gql(client, restricted["secret"], "{ account { livemode scopes } }"))["account"]
    assert live == {"livemode": True, "scopes": ["customers:write", "orders:read"]}

    # The server authenticated the key a moment ago; the revocation reaches it through Redis.
    revoked = run_cli(
        "keys", "revoke", restricted["id"], "--json",
        database_url=database_url, broadcast_url=redis_url,
    )  # fmt: skip
    assert revoked.returncode == 0, revoked.stderr
    assert json.loads(revoked.stdout)["revoked"] is True
    assert gql(client, restricted["secret"], "{ account { id } }").status_code == 401

    unknown = run_cli(
        "keys", "create", "--account", "acct_nope", "--type", "sk_test", database_url=database_url
    )
    assert unknown.returncode == 1
    assert "RESOURCE_NOT_FOUND" in unknown.stderr
