"""Webhook deliveries from a real server to a real local receiver, on SQLite and
PostgreSQL: what is sent, how it is signed, retries, redelivery, rotation, deletion.

The test servers run the worker's loops in-process (memory://), with retries 0.2 s apart.
"""

from __future__ import annotations

import time

import httpx
import stripe
from standardwebhooks.webhooks import Webhook

from tests.rest_support import Rest
from tests.support import Account
from tests.webhook_support import (
    add_endpoint,
    deliveries,
    new_customer,
    receiver,
    wait_for_delivery,
)


def test_a_delivery_is_the_event_as_the_api_shows_it_signed_for_stripe_and_standard_webhooks(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as hooks:
        endpoint = add_endpoint(rest, hooks.url, ["customer.created"])
        customer = new_customer(rest)
        [got] = hooks.wait(1)
    event = got.json
    assert event["type"] == "customer.created"
    assert event["data"]["object"]["id"] == customer["id"]
    # Byte for byte what GET /v1/events/{id} answers.
    assert got.body == rest.get(f"/v1/events/{event['id']}").content
    headers = got.headers
    assert headers["User-Agent"] == "StateSet-Webhooks/1"
    assert headers["Content-Type"] == "application/json"
    assert headers["StateSet-Event-Type"] == "customer.created"
    assert headers["webhook-id"].startswith("wd_")
    secret = endpoint["secret"]
    verified = stripe.Webhook.construct_event(
        got.body.decode(), headers["StateSet-Signature"], secret
    )
    assert verified["id"] == event["id"]
    assert Webhook(secret).verify(got.body, headers)["id"] == event["id"]
    [delivery] = deliveries(rest, endpoint["id"])
    assert delivery["id"] == headers["webhook-id"]
    assert delivery["event_id"] == event["id"]
    done = wait_for_delivery(rest, delivery["id"], "succeeded")
    [attempt] = done["attempts"]
    assert attempt["status_code"] == 200
    assert attempt["error"] is None
    assert attempt["response_body"] == "answered 200"
    assert done["next_attempt_at"] is None


def test_only_the_enabled_events_and_families_are_sent(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as orders, receiver() as customers_only, receiver() as everything:
        add_endpoint(rest, orders.url, ["inventory.*"])
        add_endpoint(rest, customers_only.url, ["customer.updated"])
        add_endpoint(rest, everything.url, ["*"])
        customer = new_customer(rest)
        rest.ok(rest.patch(f"/v1/customers/{customer['id']}", {"name": "Ana"}))
        rest.ok(rest.post("/v1/inventory", {"sku": "HOOK-1", "name": "Hook", "on_hand": 3}), 201)
        everything.wait(3)
        customers_only.wait(1)
        orders.wait(1)
        time.sleep(0.3)
        # Deliveries to one endpoint may run concurrently (API.md section 9): a receiver
        # orders them by the event's sequence, and so does this test.
        by_sequence = sorted(everything.received, key=lambda r: r.json["sequence"])
        assert [r.json["type"] for r in by_sequence] == [
            "customer.created", "customer.updated", "inventory.updated",
        ]  # fmt: skip
        assert [r.json["type"] for r in customers_only.received] == ["customer.updated"]
        assert [r.json["type"] for r in orders.received] == ["inventory.updated"]


def test_500_then_503_then_200_are_three_attempts_recorded_with_their_codes(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as hooks:
        hooks.statuses = [500, 503]
        endpoint = add_endpoint(rest, hooks.url)
        new_customer(rest)
        arrived = hooks.wait(3)
        [delivery] = deliveries(rest, endpoint["id"])
        done = wait_for_delivery(rest, delivery["id"], "succeeded")
    assert [a["status_code"] for a in done["attempts"]] == [500, 503, 200]
    assert [a["error"] for a in done["attempts"]] == ["HTTP 500", "HTTP 503", None]
    assert len({r.headers["webhook-id"] for r in arrived}) == 1
    assert len({r.body for r in arrived}) == 1


def test_four_failures_make_a_failed_delivery_and_redelivering_it_succeeds(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as hooks:
        hooks.statuses = [500, 500, 500, 500]
        endpoint = add_endpoint(rest, hooks.url)
        new_customer(rest)
        hooks.wait(4)
        [delivery] = deliveries(rest, endpoint["id"])
        failed = wait_for_delivery(rest, delivery["id"], "failed")
        assert [a["status_code"] for a in failed["attempts"]] == [500] * 4
        assert failed["next_attempt_at"] is None
        assert len(hooks.quiet(0.5)) == 4  # no fifth attempt by itself
        again = rest.ok(rest.post(f"/v1/webhook_deliveries/{delivery['id']}/redeliver"))
        assert again["status"] == "pending"
        hooks.wait(5)
        done = wait_for_delivery(rest, delivery["id"], "succeeded")
    assert [a["status_code"] for a in done["attempts"]] == [500, 500, 500, 500, 200]
    assert hooks.received[4].headers["webhook-id"] == delivery["id"]


def test_after_a_rotation_with_overlap_both_secrets_sign(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as hooks:
        endpoint = add_endpoint(rest, hooks.url)
        rotated = rest.ok(
            rest.post(
                f"/v1/webhook_endpoints/{endpoint['id']}/rotate_secret",
                {"expire_previous_in": 3600},
            )
        )
        assert rotated["secret"].startswith("whsec_")
        assert rotated["secret"] != endpoint["secret"]
        new_customer(rest)
        [got] = hooks.wait(1)
        for secret in (endpoint["secret"], rotated["secret"]):
            stripe.Webhook.construct_event(
                got.body.decode(), got.headers["StateSet-Signature"], secret
            )
            Webhook(secret).verify(got.body, got.headers)
        assert got.headers["StateSet-Signature"].count("v1=") == 2
        assert len(got.headers["webhook-signature"].split(" ")) == 2
        # Rotating again without overlap: only the newest signs.
        newest = rest.ok(rest.post(f"/v1/webhook_endpoints/{endpoint['id']}/rotate_secret"))
        new_customer(rest)
        second = hooks.wait(2)[1]
    assert second.headers["StateSet-Signature"].count("v1=") == 1
    Webhook(newest["secret"]).verify(second.body, second.headers)


def test_the_test_webhook_is_delivered_and_listed_newest_first(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as hooks:
        endpoint = add_endpoint(rest, hooks.url, ["order.*"])
        first = rest.ok(rest.post(f"/v1/webhook_endpoints/{endpoint['id']}/test"))
        second = rest.ok(rest.post(f"/v1/webhook_endpoints/{endpoint['id']}/test"))
        arrived = hooks.wait(2)
        wait_for_delivery(rest, second["id"], "succeeded")
    assert first["event_type"] == "test.webhook"
    assert {r.json["type"] for r in arrived} == {"test.webhook"}
    assert {r.headers["webhook-id"] for r in arrived} == {first["id"], second["id"]}
    body = arrived[0].json
    assert body["object"] == "event"
    assert body["data"]["object"]["id"] == endpoint["id"]
    Webhook(endpoint["secret"]).verify(arrived[0].body, arrived[0].headers)
    # Not in the event log.
    assert rest.get(f"/v1/events/{body['id']}").status_code == 404
    assert [d["id"] for d in deliveries(rest, endpoint["id"])] == [second["id"], first["id"]]


def test_a_deleted_or_disabled_endpoint_receives_nothing_more(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as deleted, receiver() as disabled:
        gone = add_endpoint(rest, deleted.url)
        off = add_endpoint(rest, disabled.url)
        new_customer(rest)
        deleted.wait(1)
        disabled.wait(1)
        rest.ok(rest.delete(f"/v1/webhook_endpoints/{gone['id']}"))
        rest.ok(rest.patch(f"/v1/webhook_endpoints/{off['id']}", {"status": "disabled"}))
        new_customer(rest)
        rest.post(f"/v1/webhook_endpoints/{off['id']}/test")
        assert len(deleted.quiet(0.8)) == 1
        assert len(disabled.received) == 1
        # Enabled again, the test it was sent while disabled goes out; the event of that
        # time was never its to receive.
        rest.ok(rest.patch(f"/v1/webhook_endpoints/{off['id']}", {"status": "enabled"}))
        arrived = disabled.wait(2)
        assert len(disabled.quiet(0.3)) == 2
        assert arrived[1].json["type"] == "test.webhook"
    assert rest.get(f"/v1/webhook_endpoints/{gone['id']}").status_code == 404


def test_an_endpoint_disabled_while_an_attempt_is_in_flight_records_it_and_never_resends_it(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as hooks:
        hooks.delay = 1.0
        endpoint = add_endpoint(rest, hooks.url, ["customer.created"])
        new_customer(rest)
        hooks.wait(1)  # the receiver has it and is still answering
        rest.ok(rest.patch(f"/v1/webhook_endpoints/{endpoint['id']}", {"status": "disabled"}))
        [delivery] = deliveries(rest, endpoint["id"])
        done = wait_for_delivery(rest, delivery["id"], "succeeded")
        assert len(done["attempts"]) == 1
        rest.ok(rest.patch(f"/v1/webhook_endpoints/{endpoint['id']}", {"status": "enabled"}))
        assert len(hooks.quiet(0.8)) == 1


def test_a_slow_receiver_has_at_most_10_attempts_in_flight_and_delays_no_other(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    with receiver() as slow, receiver() as fast:
        slow.delay = 2.0  # 10 at a time: 25 take three rounds, 6 s
        add_endpoint(rest, slow.url, ["customer.created"])
        add_endpoint(rest, fast.url, ["customer.created"])
        for _ in range(25):
            new_customer(rest)
        fast.wait(25)
        # The fast endpoint got every event while the slow one was still answering.
        assert len(slow.received) < 25
        slow.wait(25, timeout=30)
        assert slow.most_open == 10
        assert fast.most_open <= 10
    metrics = client.get("/metrics").text
    assert 'stateset_webhook_attempts_total{outcome="succeeded"}' in metrics
    assert "stateset_webhook_attempt_duration_seconds_count" in metrics
