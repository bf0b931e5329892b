"""The order lifecycle (API.md section 8), pair by pair: the pure table, then the API.

Every (from, to) pair of the seven states is either allowed or refused, and the table
here is written out from the contract independently of ``orders.states``. Each refused
pair that a mutation can attempt is then attempted on a live server, and must be a 409
``RESOURCE_CONFLICT`` naming ``from`` and ``to`` that changes nothing.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from stateset_gql.errors import Conflict
from stateset_gql.orders.states import ORDER, REFUNDABLE, RESERVING
from tests.order_support import (
    CANCEL,
    DELIVER,
    PAY,
    PROCESS,
    REFUND,
    SHIP,
    SHIPPING,
    TEST_CARD,
    act,
    create_order,
    events,
    get_order,
    line,
    refused,
    stock,
    unique_sku,
)
from tests.support import Account, LiveServer, new_account

STATES = ("pending", "paid", "processing", "shipped", "delivered", "cancelled", "refunded")
ALLOWED = {
    ("pending", "paid"),
    ("pending", "cancelled"),
    ("paid", "processing"),
    ("paid", "cancelled"),
    ("paid", "refunded"),
    ("processing", "shipped"),
    ("processing", "cancelled"),
    ("processing", "refunded"),
    ("shipped", "delivered"),
    ("shipped", "refunded"),
    ("delivered", "refunded"),
}
PAIRS = list(itertools.product(STATES, STATES))


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_the_table_allows_exactly_the_contracts_moves(current: str, target: str) -> None:
    class Row:
        status = current

    row = Row()
    if (current, target) in ALLOWED:
        assert ORDER.allows(current, target)
        assert ORDER.move(row, target) == current
        assert row.status == target
    else:
        assert not ORDER.allows(current, target)
        with pytest.raises(Conflict) as refusal:
            ORDER.move(row, target)
        assert row.status == current
        assert refusal.value.status == 409
        assert refusal.value.code == "RESOURCE_CONFLICT"
        [detail] = [d.to_dict() for d in refusal.value.details]
        assert (detail["from"], detail["to"]) == (current, target)


def test_the_table_knows_exactly_the_seven_states() -> None:
    assert ORDER.states == frozenset(STATES)


def test_reserving_and_refundable_states_follow_the_lifecycle() -> None:
    # Stock is held until the order ships or ends; money can go back once it was taken.
    assert frozenset({"pending", "paid", "processing"}) == RESERVING
    assert frozenset({"paid", "processing", "shipped", "delivered"}) == REFUNDABLE


# ------------------------------------------------------------------------ through the API

# Each mutation that moves an order, by the state it moves it to.
Attempt = tuple[str, str, dict[str, Any]]
ATTEMPTS: dict[str, Attempt] = {
    "paid": (PAY, "payOrder", {"input": {"card": TEST_CARD}}),
    "processing": (PROCESS, "processOrder", {}),
    "shipped": (SHIP, "shipOrder", {"input": SHIPPING}),
    "delivered": (DELIVER, "deliverOrder", {}),
    "cancelled": (CANCEL, "cancelOrder", {"reason": "changed my mind"}),
    "refunded": (REFUND, "refundOrder", {}),
}

# How to bring a new order into each state, one mutation after another.
PATHS: dict[str, list[str]] = {
    "pending": [],
    "paid": ["paid"],
    "processing": ["paid", "processing"],
    "shipped": ["paid", "processing", "shipped"],
    "delivered": ["paid", "processing", "shipped", "delivered"],
    "cancelled": ["cancelled"],
    "refunded": ["paid", "refunded"],
}


@pytest.fixture
def account(server: LiveServer) -> Account:
    """Enterprise: some of these tests send more requests a minute than the free plan allows."""
    return new_account(server.database_url, plan="enterprise")


def _order_in(client: httpx.Client, account: Account, state: str) -> dict[str, Any]:
    sku = unique_sku()
    stock(account, sku, 5)
    order = create_order(client, account.sk_test, lineItems=[line(sku, 2)])
    for step in PATHS[state]:
        query, field, variables = ATTEMPTS[step]
        order = act(client, account.sk_test, query, field, id=order["id"], **variables)
    assert order["status"] == state.upper()
    return order


@pytest.mark.parametrize("current", STATES)
def test_every_refused_move_the_api_can_attempt_is_409_and_changes_nothing(
    client: httpx.Client, account: Account, current: str
) -> None:
    order = _order_in(client, account, current)
    seen = len(events(client, account.sk_test))
    attempted: list[str] = []
    for target, (query, _, variables) in ATTEMPTS.items():
        if (current, target) in ALLOWED:
            continue
        problem = refused(client, account.sk_test, query, {"id": order["id"], **variables})
        assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT"), problem
        transitions = [d for d in problem["details"] if "from" in d]
        assert [(d["from"], d["to"]) for d in transitions] == [(current, target)], problem
        attempted.append(target)
    assert attempted, "every state refuses something the API can attempt"
    after = get_order(client, account.sk_test, order["id"])
    assert after == order
    assert len(events(client, account.sk_test)) == seen


def test_every_allowed_move_has_a_mutation_that_makes_it(
    client: httpx.Client, account: Account
) -> None:
    reached: set[tuple[str, str]] = set()
    for current, target in sorted(ALLOWED):
        order = _order_in(client, account, current)
        query, field, variables = ATTEMPTS[target]
        moved: dict[str, Any] = act(
            client, account.sk_test, query, field, id=order["id"], **variables
        )
        assert moved["status"] == target.upper()
        reached.add((current, target))
    assert reached == ALLOWED
