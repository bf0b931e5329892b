"""The Python SDK (sdks/python, package ``stateset``) against the live server, on both
databases: the merchant flow, its errors, paging, retries that stay idempotent, webhook
verification, the async client."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stateset

from stateset_gql.webhooks import signing
from tests.sdk_support import losing_proxy, rate_limited_once
from tests.support import Account, LiveServer

CARD: stateset.types.CardInput = {
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2040,
    "cvc": "123",
}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sdk(server: LiveServer, account: Account) -> Iterator[stateset.Client]:
    with stateset.Client(api_key=account.sk_test, base_url=server.base_url) as client:
        yield client


@pytest.fixture
def new_client() -> Iterator[Callable[..., stateset.Client]]:
    """Makes clients, each closed after the test."""
    made: list[stateset.Client] = []

    def make(**config: Any) -> stateset.Client:
        made.append(stateset.Client(**config))
        return made[-1]

    yield make
    for client in made:
        client.close()


def plain(value: Any) -> Any:
    """A typed object's attribute as JSON would carry it."""
    if isinstance(value, stateset.StatesetObject):
        return {name: plain(getattr(value, name)) for name in value.to_dict()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def pending_order(sdk: stateset.Client, sku: str = "SKU-1", quantity: int = 2) -> Any:
    sdk.inventory.create(sku=sku, name=sku, on_hand=10)
    customer = sdk.customers.create(email=f"{uuid.uuid4().hex}@example.com", name="Ada")
    return sdk.orders.create(
        currency="usd",
        customer_id=customer.id,
        line_items=[{"sku": sku, "name": sku, "quantity": quantity, "unit_amount": 1250}],
    )


def test_the_merchant_flow_answers_rest_fields_as_typed_objects(
    sdk: stateset.Client, client: httpx.Client, account: Account
) -> None:
    item = sdk.inventory.create(sku="SKU-1", name="Widget", on_hand=10)
    assert isinstance(item, stateset.types.InventoryItem)
    assert (item.sku, item.on_hand, item.location) == ("SKU-1", 10, "default")
    assert item.last_response is not None
    assert item.last_response.request_id
    assert item.last_response.http_status == 201
    customer = sdk.customers.create(email="ada@example.com", name="Ada")
    assert customer.id.startswith("cus_")
    order = sdk.orders.create(
        currency="usd",
        customer_id=customer.id,
        line_items=[{"sku": "SKU-1", "name": "Widget", "quantity": 2, "unit_amount": 1250}],
    )
    assert (order.status, order.amount, order.currency) == ("pending", 2500, "USD")
    assert isinstance(order.line_items[0], stateset.types.LineItem)
    assert order.line_items[0].quantity == 2
    paid = sdk.orders.pay(order.id, card=CARD)
    assert (paid.status, paid.amount_paid) == ("paid", 2500)
    assert paid.payments[0].card is not None
    assert paid.payments[0].card.last4 == "4242"
    assert sdk.orders.process(order.id).status == "processing"
    shipped = sdk.orders.ship(order.id, carrier="UPS", tracking_number="1Z999")
    assert (shipped.status, shipped.carrier, shipped.tracking_number) == ("shipped", "UPS", "1Z999")
    assert sdk.orders.deliver(order.id).status == "delivered"
    refunded = sdk.orders.refund(order.id, amount=500, reason="late")
    assert refunded.amount_refunded == 500
    assert refunded.refunds[0].amount == 500
    # The fields are REST's, value for value, nested objects included.
    raw = client.get(
        f"/v1/orders/{order.id}", headers={"Authorization": f"Bearer {account.sk_test}"}
    ).json()
    fetched = sdk.orders.retrieve(order.id)
    assert fetched.to_dict() == raw
    for name, value in raw.items():
        assert plain(getattr(fetched, name)) == value, name
    assert fetched.last_response is not None
    assert refunded.last_response is not None
    assert fetched.last_response.request_id != refunded.last_response.request_id
    page = sdk.orders.list(status_in=["delivered", "refunded"], amount_gte=2000)
    assert [o.id for o in page.data] == [order.id]


def test_a_declined_card_raises_card_error_with_its_decline_code(sdk: stateset.Client) -> None:
    order = pending_order(sdk)
    with pytest.raises(stateset.CardError) as raised:
        sdk.orders.pay(order.id, card={**CARD, "number": "4000000000000002"})
    error = raised.value
    assert (error.http_status, error.code, error.type) == (402, "CARD_DECLINED", "card_error")
    assert error.decline_code
    assert error.payment_id is not None
    assert error.payment_id.startswith("pay_")
    assert error.request_id is not None
    assert error.request_id.startswith("req_")
    assert error.headers["x-request-id"] == error.request_id
    assert [p.status for p in sdk.orders.retrieve(order.id).payments] == ["failed"]


def test_shipping_a_pending_order_raises_conflict_naming_the_transition(
    sdk: stateset.Client,
) -> None:
    order = pending_order(sdk)
    with pytest.raises(stateset.ConflictError) as raised:
        sdk.orders.ship(order.id, carrier="UPS", tracking_number="1Z")
    error = raised.value
    assert isinstance(error, stateset.InvalidRequestError)
    assert (error.http_status, error.code) == (409, "RESOURCE_CONFLICT")
    assert {"from": "pending", "to": "shipped"}.items() <= error.details[0].items()
    assert error.request_id


def test_bad_keys_and_missing_objects_raise_their_classes(
    server: LiveServer, new_client: Callable[..., stateset.Client]
) -> None:
    bad = new_client(api_key="sk_test_nope", base_url=server.base_url)
    with pytest.raises(stateset.AuthenticationError) as raised:
        bad.customers.list()
    assert (raised.value.http_status, raised.value.code) == (401, "INVALID_API_KEY")
    with pytest.raises(stateset.AuthenticationError):
        bad.graphql("{ account { id } }")


def test_not_found_and_validation_and_graphql(sdk: stateset.Client) -> None:
    with pytest.raises(stateset.NotFoundError) as missing:
        sdk.customers.retrieve("cus_missing")
    assert missing.value.http_status == 404
    with pytest.raises(stateset.InvalidRequestError) as invalid:
        sdk.customers.create(email="not an email")
    assert invalid.value.param == "email"
    data = sdk.graphql(
        "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id email } }",
        {"i": {"email": "gql@example.com"}},
    )
    assert data["createCustomer"]["email"] == "gql@example.com"
    assert sdk.customers.retrieve(data["createCustomer"]["id"]).email == "gql@example.com"
    with pytest.raises(stateset.InvalidRequestError):
        sdk.graphql("{ noSuchField }")


def test_paging_over_250_customers_is_lazy_and_complete(
    server: LiveServer, account: Account, new_client: Callable[..., stateset.Client]
) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    sdk = new_client(api_key=account.sk_test, base_url=server.base_url, http_client=http)
    for i in range(250):
        sdk.customers.create(email=f"p{i}@example.com")
    sent.clear()
    page = sdk.customers.list(limit=100)
    assert (len(page.data), page.has_more) == (100, True)
    walk = page.auto_paging_iter()
    ids = [next(walk).id for _ in range(100)]
    assert len(sent) == 1  # nothing fetched ahead
    ids.append(next(walk).id)
    assert len(sent) == 2
    ids += [c.id for c in walk]
    assert len(ids) == len(set(ids)) == 250
    assert len(sent) == 3
    assert [r.url.params.get("cursor") is None for r in sent] == [True, False, False]
    assert all(r.url.params["limit"] == "100" for r in sent)


def test_a_lost_answer_is_retried_with_the_same_key_and_creates_one_object(
    server: LiveServer, account: Account, new_client: Callable[..., stateset.Client]
) -> None:
    with losing_proxy(server.base_url) as proxy:
        sdk = new_client(api_key=account.sk_test, base_url=proxy.base_url)
        customer = sdk.customers.create(email="lost@example.com")
    assert proxy.dropped.is_set()
    assert len(proxy.requests) == 2
    keys = [
        line.split(b":", 1)[1].strip().decode()
        for raw in proxy.requests
        for line in raw.split(b"\r\n")
        if line.lower().startswith(b"idempotency-key:")
    ]
    assert customer.last_response is not None
    assert keys == [customer.last_response.idempotency_key] * 2
    assert customer.last_response.headers.get("idempotent-replayed") == "true"
    direct = new_client(api_key=account.sk_test, base_url=server.base_url)
    found = direct.customers.list(email_eq="lost@example.com")
    assert [c.id for c in found.data] == [customer.id]


def test_a_callers_idempotency_key_wins_and_replays(sdk: stateset.Client) -> None:
    key = f"mine-{uuid.uuid4()}"
    first = sdk.customers.create(email="k@example.com", idempotency_key=key)
    again = sdk.customers.create(email="k@example.com", idempotency_key=key)
    assert first.id == again.id
    assert again.last_response is not None
    assert again.last_response.idempotency_key == key
    assert again.last_response.headers.get("idempotent-replayed") == "true"
    with pytest.raises(stateset.IdempotencyError) as raised:
        sdk.customers.create(email="other@example.com", idempotency_key=key)
    assert raised.value.code == "IDEMPOTENCY_KEY_MISMATCH"


def test_a_429_is_waited_out_for_its_retry_after_and_retried(
    new_client: Callable[..., stateset.Client],
) -> None:
    answer = {"id": "cus_1", "object": "customer", "email": "r@example.com"}
    with rate_limited_once(answer) as (url, seen):
        sdk = new_client(api_key="sk_test_x", base_url=url)
        started = time.monotonic()
        customer = sdk.customers.create(email="r@example.com")
        waited = time.monotonic() - started
    assert customer.id == "cus_1"
    assert waited >= 1.0
    assert [s.path for s in seen] == ["/v1/customers", "/v1/customers"]
    assert seen[0].headers["idempotency-key"] == seen[1].headers["idempotency-key"]
    assert uuid.UUID(seen[0].headers["idempotency-key"]).version == 4
    with rate_limited_once(answer) as (url, seen):
        no_retries = new_client(api_key="sk_test_x", base_url=url, max_retries=0)
        with pytest.raises(stateset.RateLimitError) as raised:
            no_retries.customers.list()
    assert (raised.value.http_status, raised.value.limit) == (429, "burst")
    assert raised.value.request_id == "req_limited"
    assert len(seen) == 1


def test_backoff_doubles_from_half_a_second_to_eight_with_jitter() -> None:
    from stateset._core import backoff

    for _ in range(200):
        assert backoff(0) == 0.5
        assert 0.5 <= backoff(1) <= 1.0
        assert 1.0 <= backoff(2) <= 2.0
        assert 4.0 <= backoff(10) <= 8.0


def test_no_answer_at_all_raises_api_connection_error(
    new_client: Callable[..., stateset.Client],
) -> None:
    with rate_limited_once({}) as (url, _):
        pass  # the port is free again: nothing listens there
    sdk = new_client(api_key="sk_test_x", base_url=url, max_retries=1)
    with pytest.raises(stateset.APIConnectionError) as raised:
        sdk.account.retrieve()
    assert raised.value.http_status is None


def _event_body() -> bytes:
    event = {
        "id": "evt_1",
        "object": "event",
        "type": "order.created",
        "api_version": "2024-01-01",
        "created": "2026-01-01T00:00:00Z",
        "livemode": False,
        "account": "acct_1",
        "sequence": 7,
        "data": {"object": {"id": "ord_1", "object": "order"}},
        "request": {"id": "req_1", "idempotency_key": None},
    }
    return json.dumps(event).encode()


def test_webhook_signatures_verify_from_the_raw_body_only() -> None:
    secret, old_secret = signing.new_secret(), signing.new_secret()
    body = _event_body()
    now = int(time.time())

    def header(stamp: int, secrets: list[str], payload: bytes = body) -> str:
        return signing.headers(
            body=payload,
            webhook_id="msg_1",
            event_type="order.created",
            timestamp=stamp,
            secrets=secrets,
        )["StateSet-Signature"]

    event = stateset.Webhook.construct_event(body, header(now, [secret]), secret)
    assert isinstance(event, stateset.types.Event)
    assert (event.id, event.type, event.sequence) == ("evt_1", "order.created", 7)
    assert stateset.Webhook.construct_event(body.decode(), header(now, [secret]), secret).id
    # During a rotation two v1s arrive; either secret verifies.
    rotating = header(now, [old_secret, secret])
    assert stateset.Webhook.construct_event(body, rotating, secret).id == "evt_1"
    assert stateset.Webhook.construct_event(body, rotating, old_secret).id == "evt_1"
    changed = body.replace(b"evt_1", b"evt_2")
    assert len(changed) == len(body)
    with pytest.raises(stateset.SignatureVerificationError):
        stateset.Webhook.construct_event(changed, header(now, [secret]), secret)
    with pytest.raises(stateset.SignatureVerificationError, match="tolerance"):
        stateset.Webhook.construct_event(body, header(now - 301, [secret]), secret)
    assert stateset.Webhook.construct_event(body, header(now - 290, [secret]), secret).id
    with pytest.raises(stateset.SignatureVerificationError):
        stateset.Webhook.construct_event(body, header(now, [signing.new_secret()]), secret)
    with pytest.raises(stateset.SignatureVerificationError):
        stateset.Webhook.construct_event(body, "garbage", secret)
    with pytest.raises(TypeError, match="raw request body"):
        stateset.Webhook.construct_event(json.loads(body), header(now, [secret]), secret)


def test_the_async_client_runs_the_merchant_flow_and_pages(
    server: LiveServer, account: Account
) -> None:
    async def flow() -> None:
        async with stateset.AsyncClient(api_key=account.sk_test, base_url=server.base_url) as sdk:
            item = await sdk.inventory.create(sku="A-1", name="Async", on_hand=5)
            assert item.on_hand == 5
            customer = await sdk.customers.create(email="async@example.com")
            order = await sdk.orders.create(
                currency="usd",
                customer_id=customer.id,
                line_items=[{"sku": "A-1", "name": "A", "quantity": 1, "unit_amount": 700}],
            )
            paid = await sdk.orders.pay(order.id, card=CARD)
            assert (paid.status, paid.amount_paid) == ("paid", 700)
            assert paid.last_response is not None
            assert paid.last_response.request_id
            with pytest.raises(stateset.ConflictError):
                await sdk.orders.deliver(order.id)
            for i in range(4):
                await sdk.customers.create(email=f"a{i}@example.com")
            page = await sdk.customers.list(limit=2)
            ids = [c.id async for c in page]
            assert len(ids) == len(set(ids)) == 5

    asyncio.run(flow())
