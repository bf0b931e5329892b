"""The representation built straight from rows (``graphql.direct``) is, key for key and in
key order, what executing the representation's selection answers, for every object of
every kind an account's life makes: customers with and without an address (and deleted),
orders at every step with payments (a declined one too), refunds and a customer,
returns approved, received, processed and rejected, subscriptions active and cancelled,
stock items, jobs ended every way but cancelled, and the events of it all."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import select

from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Subject
from stateset_gql.graphql.engine import GraphQLEngine
from stateset_gql.graphql.render import KINDS, Representation
from stateset_gql.graphql.schema import build_schema
from stateset_gql.settings import Settings
from tests.order_support import TEST_CARD
from tests.rest_support import Rest
from tests.returns_support import APPROVE, RECEIVE, REJECT, act, new_return, order
from tests.returns_support import PROCESS as PROCESS_RETURN
from tests.support import Account, create_customer, data, gql
from tests.test_jobs import CREATE_CUSTOMER, create_job, wait_for
from tests.test_subscriptions import CANCEL, subscribe


def _life(client: httpx.Client, key: str) -> None:
    """One of each thing an account's objects can be."""
    rest = Rest(client, key)
    ada = create_customer(client, key, email="ada@example.com", name="Ada")
    rest.ok(rest.patch(f"/v1/customers/{ada['id']}", {
        "address": {"line1": "1 Loop", "city": "Austin", "country": "US"},
        "metadata": {"zeta": "1", "a": "2"},
    }))  # fmt: skip
    gone = create_customer(client, key, email="gone@example.com")
    rest.ok(rest.delete(f"/v1/customers/{gone['id']}"))
    for n, until in enumerate(("pending", "paid", "shipped", "delivered")):
        order(client, key, [(f"DR-{n}-A", 1, 1250), (f"DR-{n}-B", 2, 300)], until=until)
    declined = rest.ok(rest.post("/v1/orders", {
        "currency": "usd", "customer_id": ada["id"],
        "line_items": [{"sku": "DR-0-A", "name": "One", "quantity": 1, "unit_amount": 999}],
    }), 201)  # fmt: skip
    card = {"number": "4000000000000002", "exp_month": 12, "exp_year": 2040, "cvc": "123"}
    assert rest.post(f"/v1/orders/{declined['id']}/pay", {"card": card}).status_code == 402
    paid = rest.ok(
        rest.post(
            f"/v1/orders/{declined['id']}/pay",
            {
                "card": {
                    "number": TEST_CARD["number"],
                    "exp_month": 12,
                    "exp_year": 2040,
                    "cvc": "123",
                }
            },
        )
    )
    rest.ok(rest.post(f"/v1/orders/{paid['id']}/refund", {"amount": 100}))
    shipped = [order(client, key, [(f"DR-R{n}", 2, 500)]) for n in range(4)]
    walks: list[list[str]] = [[], [APPROVE], [APPROVE, RECEIVE, PROCESS_RETURN], [REJECT]]
    for n, (one, steps) in enumerate(zip(shipped, walks, strict=True)):
        made = new_return(client, key, one["id"], [(f"DR-R{n}", 1)], reason="damaged")
        for step in steps:
            act(client, key, step, made["id"])
    active = subscribe(client, key, ada["id"])
    subscribe(client, key, ada["id"], plan="team", interval="YEAR", metadata={"seats": "5"})
    data(gql(client, key, CANCEL, {"id": active["id"]}))
    for body in (
        {
            "type": "bulk_mutation",
            "mutation": CREATE_CUSTOMER,
            "variables": [{"input": {"email": "job@example.com"}}],
        },
        {"type": "bulk_mutation", "mutation": CREATE_CUSTOMER, "variables": [{"x": 1}]},
        {"type": "bulk_query", "query": "{ customers { nodes { id } } }"},
    ):
        wait_for(client, key, create_job(client, key, body)["id"])


async def _both(database_url: str, owner: Owner) -> list[tuple[str, Any, Any]]:
    engine = GraphQLEngine(build_schema())
    direct = Representation(engine, Settings())
    executed = Representation(engine, Settings(), direct=False)
    db = Database(database_url)
    pairs: list[tuple[str, Any, Any]] = []
    try:
        for kind, (model, _) in KINDS.items():
            async with db.session(write=False) as session:
                rows = (await session.execute(select(model).where(model.owned_by(owner)))).scalars()
                subjects = [Subject(kind, row.id, owner) for row in rows]
            assert subjects, f"the account's life made no {kind}"
            # Each in a session of its own: neither render sees the other's rows.
            async with db.session(write=False) as session:
                built = await direct.render(session, subjects)
            async with db.session(write=False) as session:
                ran = await executed.render(session, subjects)
            pairs += [(kind, b, r) for b, r in zip(built, ran, strict=True)]
    finally:
        await db.dispose()
    return pairs


def test_built_from_rows_is_what_executing_the_selection_answers(
    client: httpx.Client, account: Account
) -> None:
    _life(client, account.sk_test)
    pairs = asyncio.run(_both(account.database_url, Owner(account.id, livemode=False)))
    assert {kind for kind, _, _ in pairs} == set(KINDS)
    for kind, built, ran in pairs:
        # JSON text, so key order counts as much as values (an event's body is this text).
        assert json.dumps(built) == json.dumps(ran), kind
    orders = [built for kind, built, _ in pairs if kind == "order"]
    assert {o["status"] for o in orders} >= {"pending", "paid", "shipped", "delivered"}
    assert any(o["refunds"] for o in orders)
    assert any(o["customer_id"] for o in orders)
    assert any(p["status"] == "failed" for o in orders for p in o["payments"])
