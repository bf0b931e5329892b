"""``stateset-gql trigger EVENT_TYPE``: the objects that emit an event, made through the
API (API.md section 16), like ``stripe trigger``.

Each type has a recipe: the REST calls an integration would make to get there
(``order.shipped``: stock, an order, paid with the test card, processed, shipped). Every
object is new and named ``trigger-...``, so a run never depends on what the account holds.
The command then finds the event in ``GET /v1/events`` (the one whose ``data.object`` is
the recipe's object) and prints it: what it printed happened. Jobs' events come when a
worker ends the job (``serve`` on ``memory://`` runs one itself); the command waits for it.

Test mode only: a live key is refused before anything is made, as the objects are fakes
paid with a test card.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from stateset_gql.cli.client import Api, ClientFailed, answer
from stateset_gql.events.types import EVENT_TYPES

# The card that succeeds (API.md section 8); it expires two years after the payment's year.
TEST_CARD = {"number": "4242424242424242", "exp_month": 12, "cvc": "123"}
UNIT_AMOUNT = 2500
# A job's lines that change nothing: each looks up a customer that does not exist. A
# cancelled job's lines that ran before the cancel leave nothing behind.
NO_OP_MUTATION = "mutation($id: ID!) { deleteCustomer(id: $id) { id } }"
CANCELLED_JOB_LINES = 1000  # the most inline lines: the cancel lands long before the end
CANCEL_TRIES = 3
JOB_WAIT_SECONDS = 60.0
# A 429 is waited out (its Retry-After) this many times before giving up.
RATE_LIMIT_TRIES = 3
JOB_ENDED = frozenset({"succeeded", "failed", "cancelled"})


@dataclass
class Made:
    object: str
    id: str
    did: str  # what was done to it: "created", "paid", "shipped"...
    note: str = ""


@dataclass
class Shop:
    """The REST calls of the recipes, each object made or changed recorded in ``made``."""

    http: httpx.Client
    api: Api
    suffix: str = field(default_factory=lambda: secrets.token_hex(4))
    made: list[Made] = field(default_factory=list)

    def call(self, method: str, path: str, body: Any = None, *expected: int) -> dict[str, Any]:
        for _ in range(RATE_LIMIT_TRIES):
            try:
                response = self.http.request(
                    method,
                    self.api.url + path,
                    content=None if body is None else orjson.dumps(body),
                    headers={**self.api.headers, "Content-Type": "application/json"},
                )
            except httpx.TransportError as exc:
                raise self.api.unreachable(exc) from exc
            if response.status_code != 429:
                break
            # Refused before it ran: nothing changed, so the same call is simply sent again.
            time.sleep(min(float(response.headers.get("Retry-After", "1")), 60.0))
        return answer(response, *(expected or (200, 201)))

    def did(self, what: str, obj: dict[str, Any], note: str = "") -> dict[str, Any]:
        self.made.append(Made(obj["object"], obj["id"], what, note))
        return obj

    # -- the building blocks ----------------------------------------------------------

    def customer(self) -> dict[str, Any]:
        body = {"email": f"trigger-{self.suffix}@example.com", "name": "Trigger Customer"}
        return self.did("created", self.call("POST", "/v1/customers", body))

    def stock(self, on_hand: int = 100, threshold: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sku": f"TRIGGER-{self.suffix}".upper(),
            "name": "Trigger T-shirt",
            "on_hand": on_hand,
        }
        if threshold is not None:
            body["low_stock_threshold"] = threshold
        item = self.call("POST", "/v1/inventory", body)
        return self.did("created", item, f"sku {item['sku']}, {on_hand} on hand")

    def order(self) -> dict[str, Any]:
        item = self.stock()
        body = {
            "currency": "usd",
            "line_items": [
                {
                    "sku": item["sku"],
                    "name": item["name"],
                    "quantity": 1,
                    "unit_amount": UNIT_AMOUNT,
                }
            ],
        }
        return self.did("created", self.call("POST", "/v1/orders", body))

    def act(self, order: dict[str, Any], action: str, did: str, body: Any = None) -> dict[str, Any]:
        return self.did(did, self.call("POST", f"/v1/orders/{order['id']}/{action}", body or {}))

    def paid(self) -> dict[str, Any]:
        order = self.order()
        card = {**TEST_CARD, "exp_year": datetime.now(UTC).year + 2}
        return self.act(order, "pay", "paid", {"card": card})

    def shipped(self) -> dict[str, Any]:
        order = self.act(self.paid(), "process", "processed")
        body = {"carrier": "UPS", "tracking_number": f"1ZTRIGGER{self.suffix}".upper()}
        return self.act(order, "ship", "shipped", body)

    def a_return(self) -> dict[str, Any]:
        order = self.shipped()
        body = {
            "order_id": order["id"],
            "items": [{"sku": order["line_items"][0]["sku"], "quantity": 1}],
            "reason": "Made by stateset-gql trigger",
        }
        return self.did("created", self.call("POST", "/v1/returns", body))

    def on_return(self, ret: dict[str, Any], action: str, did: str) -> dict[str, Any]:
        body = {"reason": "Made by stateset-gql trigger"} if action == "reject" else {}
        return self.did(did, self.call("POST", f"/v1/returns/{ret['id']}/{action}", body))

    def adjust(self, item: dict[str, Any], delta: int) -> dict[str, Any]:
        body = {"delta": delta, "reason": "stateset-gql trigger"}
        changed = self.call("POST", f"/v1/inventory/{item['id']}/adjust", body)
        return self.did("adjusted", changed, f"{delta:+d}, {changed['available']} available")

    def subscription(self) -> dict[str, Any]:
        customer = self.customer()
        body = {
            "customer_id": customer["id"],
            "plan": "trigger",
            "amount": UNIT_AMOUNT,
            "currency": "usd",
            "interval": "month",
        }
        return self.did("created", self.call("POST", "/v1/subscriptions", body))

    def job(self, variables: list[dict[str, Any]], mutation: str) -> dict[str, Any]:
        body = {"type": "bulk_mutation", "mutation": mutation, "variables": variables}
        job = self.call("POST", "/v1/jobs", body, 201)
        return self.did("created", job, f"{len(variables)} line{'s' * (len(variables) > 1)}")

    def ended(self, job: dict[str, Any]) -> dict[str, Any]:
        """The job once a worker ended it (polled, less often as time passes)."""
        deadline = time.monotonic() + JOB_WAIT_SECONDS
        wait = 0.05
        while job["status"] not in JOB_ENDED:
            if time.monotonic() > deadline:
                raise ClientFailed(
                    f"job {job['id']} is still {job['status']} after {JOB_WAIT_SECONDS:.0f} s: "
                    "is a worker running? (stateset-gql worker; serve runs one only on memory://)"
                )
            time.sleep(wait)
            wait = min(wait * 2, 1.0)
            job = self.call("GET", f"/v1/jobs/{job['id']}")
        return job

    def finished_job(self, variables: list[dict[str, Any]], mutation: str) -> dict[str, Any]:
        job = self.ended(self.job(variables, mutation))
        return self.did(job["status"], job)

    def cancelled_job(self) -> dict[str, Any]:
        """A job of many lines, cancelled as soon as it exists: queued, it ends cancelled at
        once; running, within a chunk. Should it end first after all, another is made."""
        lines = [{"id": f"cus_trigger_missing_{n}"} for n in range(CANCELLED_JOB_LINES)]
        for _ in range(CANCEL_TRIES):
            job = self.job(lines, NO_OP_MUTATION)
            cancelling = self.call("POST", f"/v1/jobs/{job['id']}/cancel", {}, 200, 409)
            if cancelling.get("object") != "job":
                continue  # 409: it had ended already
            job = self.ended(cancelling)
            if job["status"] == "cancelled":
                return self.did("cancelled", job)
        raise ClientFailed(f"{CANCEL_TRIES} jobs each ended before their cancel landed")


def _recipes() -> dict[str, Callable[[Shop], dict[str, Any]]]:
    """Each type: the calls that emit it, answering the object the event is about."""
    customer_line = (
        "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
    )

    def updated_customer(shop: Shop) -> dict[str, Any]:
        body = {"name": "Trigger Customer (updated)"}
        return shop.did(
            "updated", shop.call("PATCH", f"/v1/customers/{shop.customer()['id']}", body)
        )

    def deleted_customer(shop: Shop) -> dict[str, Any]:
        customer = shop.customer()
        shop.call("DELETE", f"/v1/customers/{customer['id']}")
        return shop.did("deleted", customer)

    def updated_order(shop: Shop) -> dict[str, Any]:
        body = {"metadata": {"trigger": "order.updated"}}
        return shop.did("updated", shop.call("PATCH", f"/v1/orders/{shop.order()['id']}", body))

    def transfer(shop: Shop) -> dict[str, Any]:
        item = shop.stock()
        body = {
            "sku": item["sku"],
            "from_location": item["location"],
            "to_location": f"trigger-{shop.suffix}",
            "quantity": 5,
        }
        moved = shop.call("POST", "/v1/inventory/transfers", body)
        return shop.did("transferred to", moved, f"5 from {item['location']}")

    def low_stock(shop: Shop) -> dict[str, Any]:
        return shop.adjust(shop.stock(on_hand=10, threshold=5), -6)

    def out_of_stock(shop: Shop) -> dict[str, Any]:
        return shop.adjust(shop.stock(on_hand=10), -10)

    def succeeded_job(shop: Shop) -> dict[str, Any]:
        line = {"input": {"email": f"trigger-job-{shop.suffix}@example.com"}}
        return shop.finished_job([line], customer_line)

    def failed_job(shop: Shop) -> dict[str, Any]:
        # A line without the mutation's $input: checked before any line runs, it fails
        # the job.
        return shop.finished_job([{}], customer_line)

    def cancelled_subscription(shop: Shop) -> dict[str, Any]:
        subscription = shop.subscription()
        cancelled = shop.call("POST", f"/v1/subscriptions/{subscription['id']}/cancel", {})
        return shop.did("cancelled", cancelled)

    def returned(*steps: tuple[str, str]) -> Callable[[Shop], dict[str, Any]]:
        def recipe(shop: Shop) -> dict[str, Any]:
            ret = shop.a_return()
            for action, did in steps:
                ret = shop.on_return(ret, action, did)
            return ret

        return recipe

    approve, receive = ("approve", "approved"), ("receive", "received")
    return {
        "order.created": Shop.order,
        "order.updated": updated_order,
        "order.paid": Shop.paid,
        "order.processing": lambda shop: shop.act(shop.paid(), "process", "processed"),
        "order.shipped": Shop.shipped,
        "order.delivered": lambda shop: shop.act(shop.shipped(), "deliver", "delivered"),
        "order.cancelled": lambda shop: shop.act(shop.order(), "cancel", "cancelled"),
        "order.refunded": lambda shop: shop.act(shop.paid(), "refund", "refunded"),
        "return.created": Shop.a_return,
        "return.approved": returned(approve),
        "return.received": returned(approve, receive),
        "return.processed": returned(approve, receive, ("process", "processed")),
        "return.rejected": returned(("reject", "rejected")),
        "inventory.low_stock": low_stock,
        "inventory.out_of_stock": out_of_stock,
        "inventory.updated": lambda shop: shop.adjust(shop.stock(), 5),
        "inventory.transfer": transfer,
        "customer.created": Shop.customer,
        "customer.updated": updated_customer,
        "customer.deleted": deleted_customer,
        "customer.subscription.created": Shop.subscription,
        "customer.subscription.cancelled": cancelled_subscription,
        "job.succeeded": succeeded_job,
        "job.failed": failed_job,
        "job.cancelled": Shop.cancelled_job,
    }


RECIPES = _recipes()
assert tuple(RECIPES) == EVENT_TYPES, "one recipe per event type, in the types' order"


def find_event(shop: Shop, event_type: str, object_id: str) -> dict[str, Any]:
    """The newest event of ``event_type`` about ``object_id``: it committed with the
    change (the outbox), so it is there once the call that made it has answered."""
    page = shop.call("GET", f"/v1/events?type={event_type}&limit=100")  # types: [a-z._]
    for event in page["data"]:
        if event["data"]["object"].get("id") == object_id:
            found: dict[str, Any] = event
            return found
    raise ClientFailed(f"no {event_type} event about {object_id} among the newest 100")


def _text(event_type: str, api: Api, made: list[Made], event: dict[str, Any]) -> str:
    width = max(len(m.object) for m in made)
    lines = [f"Triggering {event_type} through {api.url}:"]
    for m in made:
        note = f"  ({m.note})" if m.note else ""
        lines.append(f"  {m.did:<14} {m.object:<{width}}  {m.id}{note}")
    lines.append(f"Emitted {event['type']}: {event['id']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    event_type: str = args.event_type
    if event_type not in RECIPES:
        raise ClientFailed(
            f"unknown event type {event_type!r}; the types: {', '.join(EVENT_TYPES)}", 2
        )
    api = Api.of(args)
    with httpx.Client(timeout=30.0, follow_redirects=False) as http:
        shop = Shop(http, api)
        account = shop.call("GET", "/v1/account")
        if account["livemode"]:
            raise ClientFailed(
                "trigger makes test objects paid with a test card: use a test key (sk_test_)", 2
            )
        subject = RECIPES[event_type](shop)
        event = find_event(shop, event_type, subject["id"])
    if args.json:
        shown = {
            "type": event_type,
            "event": event["id"],
            "objects": [{"object": m.object, "id": m.id, "did": m.did} for m in shop.made],
        }
        sys.stdout.write(orjson.dumps(shown, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(_text(event_type, api, shop.made, event) + "\n")
    return 0
