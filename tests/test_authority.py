"""What a key may do beyond its scopes' names (API.md sections 2 and 6), over real HTTP:
a key revokes only keys no more powerful than itself, a return refunds at most what its
items are worth and only for a key that may refund orders, a publishable key learns only
its account's id and mode, and a key's secret is never stored, not even for a replay."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from stateset_gql.access.models import IdempotencyRecord
from stateset_gql.db.engine import Database
from tests.order_support import unique_sku
from tests.rest_support import Rest, error_of
from tests.returns_support import APPROVE, GET_ORDER, PROCESS, RECEIVE, act, new_return, order
from tests.support import Account, data, error, gql

CREATE_KEY = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { id object type scopes secret redacted revoked }
}
"""
REVOKE_KEY = "mutation($id: ID!) { revokeApiKey(id: $id) { id object deleted } }"
WHO = "{ account { id keyId } }"


def key_id_of(client: httpx.Client, key: str) -> str:
    result: str = data(gql(client, key, WHO))["account"]["keyId"]
    return result


def stored_bodies(database_url: str, key: str) -> list[bytes]:
    """Every response body stored for one Idempotency-Key, as the database holds it."""

    async def read() -> list[bytes]:
        db = Database(database_url)
        try:
            async with db.session(write=False) as session:
                rows = await session.execute(
                    select(IdempotencyRecord.response_body).where(IdempotencyRecord.key == key)
                )
                return [bytes(body) for body in rows.scalars() if body is not None]
        finally:
            await db.dispose()

    return asyncio.run(read())


# ------------------------------------------------------------------------ revoking keys


def test_a_restricted_key_cannot_revoke_the_secret_key(
    client: httpx.Client, account: Account
) -> None:
    keys_admin = account.key("rk", ["api_keys:write"])
    secret_key_id = key_id_of(client, account.sk_test)

    rest = error_of(Rest(client, keys_admin).delete(f"/v1/api_keys/{secret_key_id}"), 403)
    assert rest["code"] == "INSUFFICIENT_PERMISSIONS"
    assert rest["type"] == "permission_error"
    graphql = error(gql(client, keys_admin, REVOKE_KEY, {"id": secret_key_id}))
    assert (graphql["code"], graphql["status"]) == ("INSUFFICIENT_PERMISSIONS", 403)
    # The secret key still works.
    assert data(gql(client, account.sk_test, WHO))["account"]["keyId"] == secret_key_id


def test_a_key_revokes_keys_whose_scopes_it_holds_itself(
    client: httpx.Client, account: Account
) -> None:
    keys_admin = account.key("rk", ["api_keys:write", "orders:write"])
    narrower = account.key("rk", ["orders:read"])
    wider = account.key("rk", ["orders:write", "customers:read"])
    narrower_id, wider_id = key_id_of(client, narrower), key_id_of(client, wider)

    rest = Rest(client, keys_admin)
    revoked = rest.ok(rest.delete(f"/v1/api_keys/{narrower_id}"))
    assert revoked == {"id": narrower_id, "object": "api_key", "deleted": True}
    assert gql(client, narrower, WHO).status_code == 401
    refused = error_of(rest.delete(f"/v1/api_keys/{wider_id}"), 403)
    assert refused["code"] == "INSUFFICIENT_PERMISSIONS"
    data(gql(client, wider, WHO))
    # A key may always revoke itself; the secret key may revoke any.
    data(gql(client, keys_admin, REVOKE_KEY, {"id": key_id_of(client, keys_admin)}))
    data(gql(client, account.sk_test, REVOKE_KEY, {"id": wider_id}))
    assert gql(client, wider, WHO).status_code == 401


# ------------------------------------------------------------------- refunds of returns


def received_return(
    client: httpx.Client, account: Account, units: int = 1
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A shipped order of 10 units at 100, and a received return of ``units`` of them."""
    sku = unique_sku("tee")
    shipped = order(client, account.sk_test, [(sku, 10, 100)])
    ret = new_return(client, account.sk_test, shipped["id"], [(sku, units)])
    for step in (APPROVE, RECEIVE):
        data(act(client, account.sk_test, step, ret["id"]))
    return shipped, ret


def refunded(client: httpx.Client, account: Account, order_id: str) -> tuple[int, int]:
    after = data(gql(client, account.sk_test, GET_ORDER, {"id": order_id}))["order"]
    return after["amountRefunded"], len(after["refunds"])


def test_a_returns_key_cannot_refund_an_order_through_a_return(
    client: httpx.Client, account: Account
) -> None:
    returns_key = account.key("rk", ["returns:write"])
    shipped, ret = received_return(client, account)

    graphql = error(act(client, returns_key, PROCESS, ret["id"], input={"refundAmount": 1000}))
    assert (graphql["code"], graphql["status"]) == ("INSUFFICIENT_PERMISSIONS", 403)
    by_default = error(act(client, returns_key, PROCESS, ret["id"]))
    assert (by_default["code"], by_default["status"]) == ("INSUFFICIENT_PERMISSIONS", 403)
    rest = Rest(client, returns_key)
    problem = error_of(rest.post(f"/v1/returns/{ret['id']}/process", {"refund_amount": 100}), 403)
    assert problem["code"] == "INSUFFICIENT_PERMISSIONS"
    assert refunded(client, account, shipped["id"]) == (0, 0)

    # Processing without a refund is the returns key's own business.
    free = rest.ok(rest.post(f"/v1/returns/{ret['id']}/process", {"refund_amount": 0}))
    assert (free["status"], free["refund_amount"], free["refund_id"]) == ("processed", 0, None)
    assert refunded(client, account, shipped["id"]) == (0, 0)


@pytest.mark.parametrize("surface", ["graphql", "rest"])
def test_a_return_refunds_at_most_the_value_of_its_items(
    client: httpx.Client, account: Account, surface: str
) -> None:
    refunder = account.key("rk", ["returns:write", "orders:write"])
    shipped, ret = received_return(client, account)  # 1 unit, worth 100

    if surface == "graphql":
        response = act(client, refunder, PROCESS, ret["id"], input={"refundAmount": 1000})
        problem = error(response)
        assert problem["status"] == 409
    else:
        response = Rest(client, refunder).post(
            f"/v1/returns/{ret['id']}/process", {"refund_amount": 1000}
        )
        problem = error_of(response, 409)
        assert problem["param"] == "refund_amount"
    assert problem["code"] == "RESOURCE_CONFLICT"
    (detail,) = problem["details"]
    assert (detail["code"], detail["requested"], detail["refundable"]) == (
        "AMOUNT_TOO_LARGE", 1000, 100,
    )  # fmt: skip
    assert refunded(client, account, shipped["id"]) == (0, 0)

    processed = data(act(client, refunder, PROCESS, ret["id"], input={"refundAmount": 100}))
    assert processed["processReturn"]["refundAmount"] == 100
    assert refunded(client, account, shipped["id"]) == (100, 1)


def test_a_return_refunds_by_default_only_what_the_order_still_holds(
    client: httpx.Client, account: Account
) -> None:
    shipped, ret = received_return(client, account, units=2)  # worth 200
    refund = """
    mutation($id: ID!) { refundOrder(id: $id, input: {amount: 900}) { amountRefunded } }
    """
    data(gql(client, account.sk_test, refund, {"id": shipped["id"]}))  # 100 left
    over = error(act(client, account.sk_test, PROCESS, ret["id"], input={"refundAmount": 200}))
    assert (over["status"], over["details"][0]["refundable"]) == (409, 100)
    processed = data(act(client, account.sk_test, PROCESS, ret["id"]))["processReturn"]
    assert processed["refundAmount"] == 100
    assert refunded(client, account, shipped["id"]) == (1000, 2)


# ------------------------------------------------------------ what a publishable key sees


def test_a_publishable_key_sees_only_its_accounts_id_and_mode(
    client: httpx.Client, account: Account
) -> None:
    publishable = account.keys["pk_test"]
    assert data(gql(client, publishable, "{ account { id mode } }"))["account"] == {
        "id": account.id,
        "mode": "TEST",
    }
    for field in ("name", "plan", "scopes", "keyId", "limits { perMinute }"):
        refused = error(gql(client, publishable, f"{{ account {{ id {field} }} }}"))
        assert (refused["code"], refused["status"]) == ("INSUFFICIENT_PERMISSIONS", 403), field
    rest = error_of(Rest(client, publishable).get("/v1/account"), 403)
    assert rest["code"] == "INSUFFICIENT_PERMISSIONS"
    # A secret key sees it all.
    whole = Rest(client, account.sk_test).ok(Rest(client, account.sk_test).get("/v1/account"))
    assert (whole["id"], whole["name"], whole["plan"]) == (account.id, "Test Shop", "scale")


# ---------------------------------------------------------------- secrets are not stored


def test_a_replayed_key_creation_answers_the_key_without_its_secret_over_rest(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    idempotency_key = f"idem_{secrets.token_hex(12)}"
    body = {"type": "rk", "scopes": ["orders:read"], "name": "reporting"}
    headers = {"Idempotency-Key": idempotency_key}

    first = rest.post("/v1/api_keys", body, headers=headers)
    made = rest.ok(first, 201)
    secret = made["secret"]
    assert secret.startswith("rk_test_")
    replay = rest.post("/v1/api_keys", body, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == {**made, "secret": None}

    (stored,) = stored_bodies(account.database_url, idempotency_key)
    assert secret.encode() not in stored
    assert secret[len("rk_test_") :].encode() not in stored
    # The key itself works, and only one was made.
    data(gql(client, secret, "{ orders { totalCount } }"))
    listed = rest.ok(rest.get("/v1/api_keys", {"type_eq": "rk"}))
    assert [key["id"] for key in listed["data"]] == [made["id"]]


def test_a_replayed_key_creation_answers_the_key_without_its_secret_over_graphql(
    client: httpx.Client, account: Account
) -> None:
    idempotency_key = f"idem_{secrets.token_hex(12)}"
    variables = {"input": {"type": "SK", "name": "deploys"}}
    headers = {"Idempotency-Key": idempotency_key}

    first = gql(client, account.sk_test, CREATE_KEY, variables, headers=headers)
    made = data(first)["createApiKey"]
    secret = made["secret"]
    assert secret.startswith("sk_test_")
    replay = gql(client, account.sk_test, CREATE_KEY, variables, headers=headers)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert data(replay)["createApiKey"] == {**made, "secret": None}

    (stored,) = stored_bodies(account.database_url, idempotency_key)
    assert secret.encode() not in stored
    data(gql(client, secret, WHO))
