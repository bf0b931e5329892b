"""Customer subscriptions through GraphQL: create, list, cancel, periods, and deletion."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from stateset_gql.subscriptions.service import add_interval
from tests.rest_support import Rest
from tests.support import Account, LiveServer, create_customer, data, error, gql

FIELDS = """id object livemode created updated customerId plan amount currency interval status
currentPeriodStart currentPeriodEnd cancelledAt metadata"""
CREATE = f"""
mutation($input: CreateCustomerSubscriptionInput!) {{
  createCustomerSubscription(input: $input) {{ {FIELDS} }}
}}
"""
CANCEL = f"mutation($id: ID!) {{ cancelCustomerSubscription(id: $id) {{ {FIELDS} }} }}"
GET = f"query($id: ID!) {{ customerSubscription(id: $id) {{ {FIELDS} }} }}"
LIST = """
query($where: CustomerSubscriptionWhere, $orderBy: [CustomerSubscriptionOrder!]) {
  customerSubscriptions(where: $where, orderBy: $orderBy) { totalCount nodes { id plan status } }
}
"""
DELETE_CUSTOMER = "mutation($id: ID!) { deleteCustomer(id: $id) { id deleted } }"
GET_CUSTOMER = "query($id: ID!) { customer(id: $id) { id } }"
EVENTS = "{ events(first: 100) { nodes { type data } } }"


def events(client: httpx.Client, key: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = data(gql(client, key, EVENTS))["events"]["nodes"]
    return list(reversed(nodes))  # oldest first


def subscribe(client: httpx.Client, key: str, customer_id: str, **fields: Any) -> dict[str, Any]:
    payload = {"customerId": customer_id, "plan": "pro", "amount": 1900, "currency": "usd",
               "interval": "MONTH", **fields}  # fmt: skip
    created: dict[str, Any] = data(gql(client, key, CREATE, {"input": payload}))[
        "createCustomerSubscription"
    ]
    return created


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_creating_a_subscription_starts_a_period_and_emits_an_event(
    client: httpx.Client, account: Account
) -> None:
    customer = create_customer(client, account.sk_test)
    sub = subscribe(client, account.sk_test, customer["id"], metadata={"crm": "7"})
    assert sub["id"].startswith("sub_")
    assert sub["object"] == "customer_subscription"
    assert (sub["customerId"], sub["plan"], sub["amount"]) == (customer["id"], "pro", 1900)
    assert (sub["currency"], sub["interval"], sub["status"]) == ("USD", "MONTH", "ACTIVE")
    assert sub["cancelledAt"] is None
    assert sub["metadata"] == {"crm": "7"}
    start = when(sub["currentPeriodStart"])
    assert when(sub["currentPeriodEnd"]) == add_interval(start, "month")

    event = events(client, account.sk_test)[-1]
    assert event["type"] == "customer.subscription.created"
    obj = event["data"]["object"]
    assert (obj["id"], obj["status"], obj["interval"]) == (sub["id"], "active", "month")
    assert obj["current_period_end"] == sub["currentPeriodEnd"]
    assert "previous_attributes" not in event["data"]
    fetched = data(gql(client, account.sk_test, GET, {"id": sub["id"]}))
    assert fetched["customerSubscription"] == sub
    node = data(gql(client, account.sk_test, "query($id: ID!) { node(id: $id) { id } }", sub))
    assert node["node"] == {"id": sub["id"]}


@pytest.mark.parametrize(("interval", "unit"), [("WEEK", "week"), ("YEAR", "year")])
def test_each_interval_sets_the_period_end_one_interval_later(
    client: httpx.Client, account: Account, interval: str, unit: str
) -> None:
    customer = create_customer(client, account.sk_test)
    sub = subscribe(client, account.sk_test, customer["id"], interval=interval)
    assert when(sub["currentPeriodEnd"]) == add_interval(when(sub["currentPeriodStart"]), unit)


@pytest.mark.parametrize(
    ("start", "interval", "end"),
    [
        ("2024-01-31T10:00:00", "month", "2024-02-29T10:00:00"),
        ("2023-01-31T10:00:00", "month", "2023-02-28T10:00:00"),
        ("2024-03-31T00:00:00", "month", "2024-04-30T00:00:00"),
        ("2024-12-31T23:59:59", "month", "2025-01-31T23:59:59"),
        ("2024-02-29T12:00:00", "year", "2025-02-28T12:00:00"),
        ("2024-05-15T08:30:00", "year", "2025-05-15T08:30:00"),
        ("2024-12-28T00:00:00", "week", "2025-01-04T00:00:00"),
    ],
)
def test_periods_follow_the_calendar_and_clamp_the_day(start: str, interval: str, end: str) -> None:
    begin = datetime.fromisoformat(start).replace(tzinfo=UTC)
    assert add_interval(begin, interval) == datetime.fromisoformat(end).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"amount": -1}, "input.amount"),
        ({"currency": "US"}, "input.currency"),
        ({"currency": "U1D"}, "input.currency"),
        ({"plan": "  "}, "input.plan"),
        ({"plan": "p" * 201}, "input.plan"),
        ({"metadata": {"k": 1}}, "input.metadata.k"),
        ({"interval": "DAY"}, "input.interval"),
    ],
)
def test_bad_input_is_422_and_creates_nothing(
    client: httpx.Client, account: Account, fields: dict[str, Any], param: str
) -> None:
    customer = create_customer(client, account.sk_test)
    payload = {"customerId": customer["id"], "plan": "pro", "amount": 1, "currency": "usd",
               "interval": "MONTH", **fields}  # fmt: skip
    problem = error(gql(client, account.sk_test, CREATE, {"input": payload}))
    assert problem["status"] == 422
    assert problem["param"] == param
    listed = data(gql(client, account.sk_test, LIST))["customerSubscriptions"]
    assert listed["totalCount"] == 0


def test_an_unknown_customer_is_404(client: httpx.Client, account: Account) -> None:
    payload = {"customerId": "cus_missing", "plan": "pro", "amount": 1, "currency": "USD",
               "interval": "MONTH"}  # fmt: skip
    problem = error(gql(client, account.sk_test, CREATE, {"input": payload}))
    assert (problem["status"], problem["code"], problem["param"]) == (
        404, "RESOURCE_NOT_FOUND", "input.customerId",
    )  # fmt: skip


def test_a_deleted_customer_cannot_gain_a_subscription(
    client: httpx.Client, account: Account
) -> None:
    customer = create_customer(client, account.sk_test)
    data(gql(client, account.sk_test, DELETE_CUSTOMER, {"id": customer["id"]}))
    payload = {"customerId": customer["id"], "plan": "pro", "amount": 1, "currency": "USD",
               "interval": "MONTH"}  # fmt: skip
    problem = error(gql(client, account.sk_test, CREATE, {"input": payload}))
    assert (problem["status"], problem["code"]) == (404, "RESOURCE_NOT_FOUND")
    assert events(client, account.sk_test)[-1]["type"] == "customer.deleted"


def test_cancelling_records_when_and_emits_an_event_with_previous_attributes(
    client: httpx.Client, account: Account
) -> None:
    customer = create_customer(client, account.sk_test)
    sub = subscribe(client, account.sk_test, customer["id"])
    cancelled = data(gql(client, account.sk_test, CANCEL, {"id": sub["id"]}))[
        "cancelCustomerSubscription"
    ]
    assert cancelled["status"] == "CANCELLED"
    assert when(cancelled["cancelledAt"]) >= when(sub["created"])
    assert cancelled["currentPeriodEnd"] == sub["currentPeriodEnd"]
    event = events(client, account.sk_test)[-1]
    assert event["type"] == "customer.subscription.cancelled"
    assert event["data"]["object"]["status"] == "cancelled"
    assert event["data"]["object"]["cancelled_at"] == cancelled["cancelledAt"]
    assert event["data"]["previous_attributes"] == {"status": "active", "cancelled_at": None}


def test_cancelling_an_unknown_subscription_is_404(client: httpx.Client, account: Account) -> None:
    problem = error(gql(client, account.sk_test, CANCEL, {"id": "sub_missing"}))
    assert (problem["status"], problem["code"]) == (404, "RESOURCE_NOT_FOUND")


def test_lists_filter_and_sort_by_status_customer_and_plan(
    client: httpx.Client, account: Account
) -> None:
    ana, bob = create_customer(client, account.sk_test), create_customer(client, account.sk_test)
    basic = subscribe(client, account.sk_test, ana["id"], plan="basic")
    pro = subscribe(client, account.sk_test, ana["id"], plan="pro")
    other = subscribe(client, account.sk_test, bob["id"], plan="team")
    data(gql(client, account.sk_test, CANCEL, {"id": basic["id"]}))

    def ids(variables: dict[str, Any]) -> list[str]:
        listed = data(gql(client, account.sk_test, LIST, variables))["customerSubscriptions"]
        return [node["id"] for node in listed["nodes"]]

    assert ids({}) == [other["id"], pro["id"], basic["id"]]
    assert ids({"where": {"status": {"_eq": "ACTIVE"}}}) == [other["id"], pro["id"]]
    assert ids({"where": {"customerId": {"_eq": ana["id"]}}, "orderBy": [{"field": "PLAN"}]}) == [
        basic["id"], pro["id"],
    ]  # fmt: skip
    assert ids({"where": {"interval": {"_in": ["WEEK", "YEAR"]}}}) == []
    # The other mode sees none of them.
    live = data(gql(client, account.sk_live, LIST))["customerSubscriptions"]
    assert live["totalCount"] == 0


def test_lists_sort_by_currency_and_cancellation_in_graphql_and_rest(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    customer = create_customer(client, key)["id"]
    jpy, eur, usd = (
        subscribe(client, key, customer, currency=c)["id"] for c in ("jpy", "eur", "usd")
    )
    for cancelled in (usd, jpy):
        data(gql(client, key, CANCEL, {"id": cancelled}))

    def ids(field: str, direction: str = "ASC") -> list[str]:
        order = [{"field": field, "direction": direction}]
        listed = data(gql(client, key, LIST, {"orderBy": order}))["customerSubscriptions"]
        return [node["id"] for node in listed["nodes"]]

    assert ids("CURRENCY") == [eur, jpy, usd]
    assert ids("CURRENCY", "DESC") == [usd, jpy, eur]
    # Never cancelled sorts after every cancellation, as a missing value always does.
    assert ids("CANCELLED_AT") == [usd, jpy, eur]
    assert ids("CANCELLED_AT", "DESC") == [eur, jpy, usd]

    rest = Rest(client, key)

    def rest_ids(sort: str) -> list[str]:
        return [s["id"] for s in rest.ok(rest.get("/v1/subscriptions", {"sort": sort}))["data"]]

    assert rest_ids("currency") == [eur, jpy, usd]
    assert rest_ids("-cancelled_at") == [eur, jpy, usd]
    assert rest_ids("cancelled_at,currency") == [usd, jpy, eur]


def test_scopes_guard_reading_and_writing(client: httpx.Client, account: Account) -> None:
    customer = create_customer(client, account.sk_test)
    sub = subscribe(client, account.sk_test, customer["id"])
    reader = account.key("rk", ["subscriptions:read"])
    assert data(gql(client, reader, GET, {"id": sub["id"]}))["customerSubscription"]["id"]
    problem = error(gql(client, reader, CANCEL, {"id": sub["id"]}))
    assert (problem["status"], problem["code"]) == (403, "INSUFFICIENT_PERMISSIONS")
    outsider = account.key("rk", ["customers:read"])
    assert error(gql(client, outsider, GET, {"id": sub["id"]}))["status"] == 403


def test_a_customer_with_an_active_subscription_cannot_be_deleted(
    client: httpx.Client, account: Account
) -> None:
    customer = create_customer(client, account.sk_test)
    sub = subscribe(client, account.sk_test, customer["id"])
    before = events(client, account.sk_test)
    problem = error(gql(client, account.sk_test, DELETE_CUSTOMER, {"id": customer["id"]}))
    assert (problem["status"], problem["code"]) == (409, "RESOURCE_CONFLICT")
    assert problem["details"][0]["subscription_id"] == sub["id"]
    # Nothing changed: the customer is still there and no event was written.
    assert data(gql(client, account.sk_test, GET_CUSTOMER, customer))["customer"]
    assert events(client, account.sk_test) == before


def test_after_cancelling_the_customer_can_be_deleted(
    client: httpx.Client, account: Account
) -> None:
    customer = create_customer(client, account.sk_test)
    sub = subscribe(client, account.sk_test, customer["id"])
    data(gql(client, account.sk_test, CANCEL, {"id": sub["id"]}))
    deleted = data(gql(client, account.sk_test, DELETE_CUSTOMER, {"id": customer["id"]}))
    assert deleted["deleteCustomer"] == {"id": customer["id"], "deleted": True}
    # The cancelled subscription stays readable.
    fetched = data(gql(client, account.sk_test, GET, {"id": sub["id"]}))
    assert fetched["customerSubscription"]["status"] == "CANCELLED"


def _race(server: LiveServer, key: str, requests: list[tuple[str, dict[str, Any]]]) -> list[bool]:
    """Sends the requests at once, each on its own connection; which succeeded."""
    barrier = threading.Barrier(len(requests))
    outcomes: list[bool] = []

    def send(query: str, variables: dict[str, Any]) -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as own:
            barrier.wait()
            outcomes.append("errors" not in gql(own, key, query, variables).json())

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_deleting_and_subscribing_at_once_never_leaves_a_deleted_customer_subscribed(
    client: httpx.Client, account: Account, server: LiveServer, postgres_only: None
) -> None:
    for _ in range(5):
        customer = create_customer(client, account.sk_test)
        payload = {"customerId": customer["id"], "plan": "pro", "amount": 1,
                   "currency": "USD", "interval": "MONTH"}  # fmt: skip
        outcomes = _race(
            server,
            account.sk_test,
            [(DELETE_CUSTOMER, {"id": customer["id"]}), (CREATE, {"input": payload})],
        )
        assert outcomes.count(True) == 1  # exactly one of the two wins
        exists = "errors" not in gql(client, account.sk_test, GET_CUSTOMER, customer).json()
        listed = data(
            gql(client, account.sk_test, LIST, {"where": {"customerId": {"_eq": customer["id"]}}})
        )["customerSubscriptions"]
        assert exists == (listed["totalCount"] == 1)
