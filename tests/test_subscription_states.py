"""The customer subscription lifecycle: every pair of states, allowed or refused."""

from __future__ import annotations

import itertools

import httpx
import pytest

from stateset_gql.errors import Conflict
from stateset_gql.subscriptions.states import SUBSCRIPTION
from tests.support import Account, create_customer, data, error, gql

ALLOWED = {("active", "cancelled")}
STATES = ("active", "cancelled")
PAIRS = list(itertools.product(STATES, STATES))

CREATE = """
mutation($input: CreateCustomerSubscriptionInput!) {
  createCustomerSubscription(input: $input) { id status }
}
"""
CANCEL = "mutation($id: ID!) { cancelCustomerSubscription(id: $id) { id status cancelledAt } }"


def test_the_table_knows_exactly_the_states_of_the_contract() -> None:
    assert SUBSCRIPTION.states == frozenset(STATES)


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_each_pair_is_allowed_only_if_the_table_lists_it(current: str, target: str) -> None:
    assert SUBSCRIPTION.allows(current, target) is ((current, target) in ALLOWED)


@pytest.mark.parametrize(("current", "target"), [p for p in PAIRS if p not in ALLOWED])
def test_a_refused_move_is_a_conflict_naming_from_and_to(current: str, target: str) -> None:
    class Row:
        status = current

    row = Row()
    with pytest.raises(Conflict) as raised:
        SUBSCRIPTION.move(row, target)
    assert row.status == current
    [detail] = raised.value.details
    extra = dict(detail.extra)
    # An illegal move also says where the object may go from here.
    assert sorted(extra.pop("allowed")) == sorted(t for c, t in ALLOWED if c == current)
    assert extra == {"from": current, "to": target}
    assert raised.value.code == "RESOURCE_CONFLICT"


def test_an_allowed_move_changes_the_status_and_returns_the_old_one() -> None:
    class Row:
        status = "active"

    row = Row()
    assert SUBSCRIPTION.move(row, "cancelled") == "active"
    assert row.status == "cancelled"


def test_through_the_api_active_cancels_once_and_cancelled_refuses_with_409(
    client: httpx.Client, account: Account
) -> None:
    customer = create_customer(client, account.sk_test)
    created = data(
        gql(
            client,
            account.sk_test,
            CREATE,
            {
                "input": {
                    "customerId": customer["id"], "plan": "basic", "amount": 500,
                    "currency": "usd", "interval": "MONTH",
                }
            },
        )
    )["createCustomerSubscription"]  # fmt: skip
    assert created["status"] == "ACTIVE"
    cancelled = data(gql(client, account.sk_test, CANCEL, {"id": created["id"]}))
    assert cancelled["cancelCustomerSubscription"]["status"] == "CANCELLED"

    problem = error(gql(client, account.sk_test, CANCEL, {"id": created["id"]}))
    assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT")
    [detail] = problem["details"]
    assert (detail["from"], detail["to"]) == ("cancelled", "cancelled")
