"""The return lifecycle: every pair of states, allowed or refused, in the table and the API."""

from __future__ import annotations

import itertools

import httpx
import pytest

from stateset_gql.errors import Conflict
from stateset_gql.returns.states import CLAIMING, RETURN
from tests.order_support import unique_sku
from tests.returns_support import (
    APPROVE,
    PROCESS,
    RECEIVE,
    REJECT,
    act,
    new_return,
    order,
)
from tests.support import Account, data, error

STATES = ("requested", "approved", "received", "processed", "rejected")
ALLOWED = {
    ("requested", "approved"),
    ("requested", "rejected"),
    ("approved", "received"),
    ("received", "processed"),
}
PAIRS = list(itertools.product(STATES, STATES))
# The mutation that asks for each target state, and the path to each state from requested.
MUTATIONS = {"approved": APPROVE, "received": RECEIVE, "processed": PROCESS, "rejected": REJECT}
PATHS = {
    "requested": (),
    "approved": ("approved",),
    "received": ("approved", "received"),
    "processed": ("approved", "received", "processed"),
    "rejected": ("rejected",),
}


class Row:
    def __init__(self, status: str) -> None:
        self.status = status


def test_the_table_knows_exactly_the_states_of_the_contract() -> None:
    assert RETURN.states == frozenset(STATES)


def test_every_state_but_rejected_claims_its_items() -> None:
    assert frozenset(STATES) - CLAIMING == {"rejected"}


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_each_pair_is_allowed_only_if_the_table_lists_it(current: str, target: str) -> None:
    assert RETURN.allows(current, target) is ((current, target) in ALLOWED)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_an_allowed_move_changes_the_status_and_returns_the_old_one(
    current: str, target: str
) -> None:
    row = Row(current)
    assert RETURN.move(row, target) == current
    assert row.status == target


@pytest.mark.parametrize(("current", "target"), [p for p in PAIRS if p not in ALLOWED])
def test_a_refused_move_is_a_conflict_naming_from_and_to(current: str, target: str) -> None:
    row = Row(current)
    with pytest.raises(Conflict) as raised:
        RETURN.move(row, target)
    assert row.status == current
    [detail] = raised.value.details
    extra = dict(detail.extra)
    # An illegal move also says where the object may go from here.
    assert sorted(extra.pop("allowed")) == sorted(t for c, t in ALLOWED if c == current)
    assert extra == {"from": current, "to": target}


def test_through_the_api_every_state_allows_exactly_the_table_s_moves(
    client: httpx.Client, account: Account
) -> None:
    """A return in each state; every mutation on each. Refused ones answer 409 naming
    from and to; then each allowed one succeeds (on a return of its own)."""
    key = account.sk_test
    sku = unique_sku("tee")
    shipped = order(client, key, [(sku, len(STATES) + 1, 1000)])
    returns = {}
    for state, path in PATHS.items():
        ret = new_return(client, key, shipped["id"], [(sku, 1)])
        for step in path:
            data(act(client, key, MUTATIONS[step], ret["id"]))
        returns[state] = ret["id"]

    for current, target in PAIRS:
        if target not in MUTATIONS or (current, target) in ALLOWED:
            continue  # no mutation asks for "requested"
        problem = error(act(client, key, MUTATIONS[target], returns[current]))
        assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT")
        [detail] = problem["details"]
        assert (detail["from"], detail["to"]) == (current, target)

    subjects = {pair: returns[pair[0]] for pair in ALLOWED}
    subjects[("requested", "rejected")] = new_return(client, key, shipped["id"], [(sku, 1)])["id"]
    for (_, target), return_id in sorted(subjects.items()):
        [moved] = data(act(client, key, MUTATIONS[target], return_id)).values()
        assert moved["status"] == target.upper()
