"""The conformance scenario, against the live server (tests/live.py names the variables;
without them these tests skip): the same seven steps in every SDK's suite.

1. the merchant flow; 2. the error classes; 3. paging 250 customers lazily; 4. a POST
whose answer is lost, retried into one object; 5. a 429 waited out; 6. a real webhook
delivery verified; 7. a subscription whose socket is cut mid-stream, resumed with nothing
missed or repeated. And the merchant flow once more on the async client.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import stateset
from live import Live

CARD: stateset.types.CardInput = {
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2040,
    "cvc": "123",
}
DECLINED: stateset.types.CardInput = {**CARD, "number": "4000000000000002"}
EVENTS = """subscription($since: ID) {
  events(types: ["customer.created"], since: $since) { id type sequence }
}"""


def unique_email() -> str:
    return f"{uuid.uuid4().hex}@example.com"


def request_id_of(obj: stateset.StatesetObject) -> str:
    assert obj.last_response is not None
    request_id = obj.last_response.request_id
    assert request_id is not None
    assert request_id.startswith("req_")
    return request_id


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fails the test when its block is still running after ``seconds`` (a stream that
    stops short would otherwise wait for ever)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_merchant_flow(client: stateset.Client, live: Live) -> None:
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    item = client.inventory.create(sku=sku, name="Widget", on_hand=10)
    assert (item.sku, item.on_hand) == (sku, 10)
    request_id_of(item)
    customer = client.customers.create(email=unique_email(), name="Ada")
    assert customer.id.startswith("cus_")
    order = client.orders.create(
        currency="usd",
        customer_id=customer.id,
        line_items=[{"sku": sku, "name": "Widget", "quantity": 2, "unit_amount": 1250}],
    )
    assert order.id.startswith("ord_")
    assert (order.status, order.amount, order.currency) == ("pending", 2500, "USD")
    assert order.customer_id == customer.id
    assert (order.line_items[0].sku, order.line_items[0].quantity) == (sku, 2)
    paid = client.orders.pay(order.id, card=CARD)
    assert (paid.status, paid.amount_paid) == ("paid", 2500)
    assert paid.payments[0].card is not None
    assert paid.payments[0].card.last4 == "4242"
    assert client.orders.process(order.id).status == "processing"
    shipped = client.orders.ship(order.id, carrier="UPS", tracking_number="1Z999")
    assert (shipped.status, shipped.carrier, shipped.tracking_number) == ("shipped", "UPS", "1Z999")
    delivered = client.orders.deliver(order.id)
    assert delivered.status == "delivered"
    refunded = client.orders.refund(order.id, amount=500)
    assert refunded.amount_refunded == 500
    assert [r.amount for r in refunded.refunds] == [500]
    assert refunded.amount_refunded < refunded.amount
    assert request_id_of(refunded) != request_id_of(delivered)
    # The object is REST's answer, field for field.
    rest = httpx.get(
        f"{live.base_url}/v1/orders/{order.id}",
        headers={"Authorization": f"Bearer {live.api_key}"},
    ).json()
    fetched = client.orders.retrieve(order.id)
    assert fetched.to_dict() == rest
    assert (fetched.status, fetched.amount_paid, fetched.amount_refunded) == (
        rest["status"],
        2500,
        500,
    )
    assert client.inventory.retrieve(item.id).on_hand == 8


def test_errors(client: stateset.Client, live: Live) -> None:
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    client.inventory.create(sku=sku, name="Widget", on_hand=10)
    order = client.orders.create(
        currency="usd",
        line_items=[{"sku": sku, "name": "Widget", "quantity": 1, "unit_amount": 900}],
    )
    with pytest.raises(stateset.CardError) as declined:
        client.orders.pay(order.id, card=DECLINED)
    assert (declined.value.http_status, declined.value.code) == (402, "CARD_DECLINED")
    assert declined.value.decline_code
    assert declined.value.payment_id is not None
    assert declined.value.request_id is not None
    assert declined.value.request_id.startswith("req_")
    with pytest.raises(stateset.ConflictError) as conflict:
        client.orders.ship(order.id, carrier="UPS", tracking_number="1Z")
    assert (conflict.value.http_status, conflict.value.code) == (409, "RESOURCE_CONFLICT")
    assert {"from": "pending", "to": "shipped"}.items() <= conflict.value.details[0].items()
    with (
        stateset.Client(api_key="sk_test_nope", base_url=live.base_url) as bad,
        pytest.raises(stateset.AuthenticationError) as refused,
    ):
        bad.customers.list()
    assert refused.value.http_status == 401
    with pytest.raises(stateset.NotFoundError) as missing:
        client.customers.retrieve("cus_missing")
    assert missing.value.http_status == 404
    assert missing.value.request_id


def test_paging(live: Live) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with stateset.Client(
        api_key=live.paging_api_key, base_url=live.base_url, http_client=http
    ) as client:
        page = client.customers.list(limit=100)
        assert len(sent) == 1
        walk = page.auto_paging_iter()
        ids = [next(walk).id for _ in range(100)]
        assert len(sent) == 1  # nothing fetched ahead of its use
        ids += [customer.id for customer in walk]
    assert len(ids) == len(set(ids)) == 250
    assert len(sent) >= 3
    assert all(request.url.params["limit"] == "100" for request in sent)


def test_lost_response(client: stateset.Client, live: Live) -> None:
    email = unique_email()
    with stateset.Client(api_key=live.api_key, base_url=live.losing_url) as losing:
        customer = losing.customers.create(email=email)
    assert customer.email == email
    assert customer.last_response is not None
    # The retry carried the first attempt's key: the server replayed what it committed.
    assert customer.last_response.headers.get("idempotent-replayed") == "true"
    found = client.customers.list(email_eq=email)
    assert [c.id for c in found.data] == [customer.id]


def test_rate_limit(live: Live) -> None:
    with stateset.Client(api_key=live.api_key, base_url=live.limited_url) as limited:
        started = time.monotonic()
        account = limited.account.retrieve()
        waited = time.monotonic() - started
    assert account.id.startswith("acct_")
    assert waited >= 1.0


def test_webhook(live: Live) -> None:
    with open(live.webhook_file, encoding="utf-8") as file:
        delivery: dict[str, Any] = json.load(file)
    payload: str = delivery["payload"]
    secret: str = delivery["secret"]
    event = stateset.Webhook.construct_event(payload, delivery["header"], secret)
    assert isinstance(event, stateset.types.Event)
    assert (event.id, event.type) == (delivery["event_id"], delivery["event_type"])
    assert stateset.Webhook.construct_event(payload.encode(), delivery["header"], secret).id
    changed = payload.replace(delivery["event_id"], delivery["event_id"][:-1] + "x", 1)
    if changed == payload:
        changed = payload[:-1] + " "
    assert len(changed) == len(payload)
    assert changed != payload
    with pytest.raises(stateset.SignatureVerificationError):
        stateset.Webhook.construct_event(changed, delivery["header"], secret)
    stale = int(time.time()) - 301
    signature = hmac.new(secret.encode(), f"{stale}.{payload}".encode(), hashlib.sha256)
    with pytest.raises(stateset.SignatureVerificationError, match="tolerance"):
        stateset.Webhook.construct_event(payload, f"t={stale},v1={signature.hexdigest()}", secret)
    with pytest.raises(TypeError, match="raw request body"):
        stateset.Webhook.construct_event(json.loads(payload), delivery["header"], secret)


def test_subscription(client: stateset.Client, live: Live) -> None:
    client.customers.create(email=unique_email())
    anchor = client.events.list(limit=1).data[0]
    assert anchor.type == "customer.created"
    created: list[str] = []

    def create_twenty() -> None:
        for _ in range(20):
            created.append(client.customers.create(email=unique_email()).id)

    creating = threading.Thread(target=create_twenty)
    received: list[dict[str, Any]] = []
    cut = 0
    with (
        deadline(60),
        stateset.Client(api_key=live.api_key, base_url=live.cut_url) as through_cut,
        through_cut.subscribe(EVENTS, {"since": anchor.id}) as events,
    ):
        creating.start()
        for data in events:
            received.append(data["events"])
            if len(received) == 10:
                answer = httpx.post(live.cut_control)
                assert answer.status_code == 200
                cut = int(answer.text)
            if len(received) == 20:
                break
        creating.join()
    assert cut >= 1  # the subscription's socket was open through the proxy, and was cut
    stored = client.events.list(type="customer.created", sequence_gt=anchor.sequence, limit=100)
    in_order = sorted(stored.data, key=lambda e: e.sequence)
    assert [e["id"] for e in received] == [e.id for e in in_order]
    assert [e["sequence"] for e in received] == [e.sequence for e in in_order]
    assert [e.data["object"]["id"] for e in in_order] == created
    assert {e["type"] for e in received} == {"customer.created"}


def test_merchant_flow_async(live: Live) -> None:
    async def flow() -> None:
        async with stateset.AsyncClient(api_key=live.api_key, base_url=live.base_url) as client:
            sku = f"SKU-{uuid.uuid4().hex[:8]}"
            item = await client.inventory.create(sku=sku, name="Widget", on_hand=10)
            assert item.on_hand == 10
            customer = await client.customers.create(email=unique_email())
            order = await client.orders.create(
                currency="usd",
                customer_id=customer.id,
                line_items=[{"sku": sku, "name": "Widget", "quantity": 2, "unit_amount": 1250}],
            )
            assert (order.status, order.amount) == ("pending", 2500)
            paid = await client.orders.pay(order.id, card=CARD)
            assert (paid.status, paid.amount_paid) == ("paid", 2500)
            assert (await client.orders.process(order.id)).status == "processing"
            shipped = await client.orders.ship(order.id, carrier="UPS", tracking_number="1Z9")
            assert shipped.status == "shipped"
            assert (await client.orders.deliver(order.id)).status == "delivered"
            refunded = await client.orders.refund(order.id, amount=500)
            assert (refunded.amount_refunded, refunded.amount_paid) == (500, 2500)
            request_id_of(refunded)
            with pytest.raises(stateset.ConflictError):
                await client.orders.process(order.id)

    asyncio.run(flow())
