"""``POST /v1/batch`` (API.md section 12), over real HTTP on both backends.

Each operation answers what the same request alone answers (compared with that request
sent alone); not atomic, each commits alone; atomic, the first failure keeps nothing and
names its index; every operation counts toward the key's rate limits, admitted all at
once or refused before anything runs.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import func, select

from stateset_gql.access.limiter import MemoryCounter, RedisCounter
from stateset_gql.access.ratelimits import PlanLimits
from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.events.models import Event
from stateset_gql.pipeline.runner import GATHER_EVENTS
from stateset_gql.realtime.outbox import channel
from tests.rest_support import Rest
from tests.support import Account, LiveServer, new_account, unpublished_of
from tests.ws_support import GraphQLSocket


def _email() -> str:
    return f"b{secrets.token_hex(6)}@example.com"


def _sku() -> str:
    return f"SKU-{secrets.token_hex(4).upper()}"


def batch(
    client: httpx.Client,
    key: str,
    operations: list[Any],
    *,
    atomic: bool | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"operations": operations}
    if atomic is not None:
        body["atomic"] = atomic
    sent = {"Authorization": f"Bearer {key}", **(headers or {})}
    return client.post("/v1/batch", json=body, headers=sent, timeout=120)


def alone(client: httpx.Client, key: str, operation: dict[str, Any]) -> httpx.Response:
    """The operation sent as its own request."""
    headers = {"Authorization": f"Bearer {key}"}
    if "idempotency_key" in operation:
        headers["Idempotency-Key"] = operation["idempotency_key"]
    return client.request(
        operation["method"],
        operation["path"],
        headers=headers,
        **({"json": operation["body"]} if "body" in operation else {}),
    )


def without_request_id(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return {**body, "error": {**body["error"], "request_id": None}}
    return body


def results(response: httpx.Response, atomic: bool = False) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "batch"
    assert body["atomic"] is atomic
    found: list[dict[str, Any]] = body["results"]
    return found


def event_count(account: Account) -> int:
    async def count() -> int:
        db = Database(account.database_url)
        try:
            async with db.session(write=False) as session:
                query = select(func.count()).where(Event.account_id == account.id)
                return int((await session.execute(query)).scalar_one())
        finally:
            await db.dispose()

    return asyncio.run(count())


def test_a_thousand_mixed_operations_answer_in_order_each_as_alone(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    operations: list[dict[str, Any]] = []
    for i in range(1000):
        kind = i % 5
        op: dict[str, Any]
        if kind == 0:
            op = {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}}
        elif kind == 1:
            op = {"method": "POST", "path": "/v1/customers", "body": {"email": f"bad-{i}"}}
        elif kind == 2:
            op = {"method": "GET", "path": "/v1/customers/cus_missing"}
        elif kind == 3:
            op = {"method": "GET", "path": "/v1/customers?limit=1&email_like=nobody%25"}
        else:
            sku = _sku()
            op = {"method": "POST", "path": "/v1/inventory", "body": {"sku": sku, "name": sku}}
        operations.append(op)
    answered = results(batch(client, key, operations))
    assert len(answered) == 1000
    expected = {0: 201, 1: 422, 2: 404, 3: 200, 4: 201}
    assert [r["status"] for r in answered] == [expected[i % 5] for i in range(1000)]
    rest = Rest(client, key)
    for i, (op, result) in enumerate(zip(operations, answered, strict=True)):
        assert "headers" not in result
        if i % 5 == 0:
            assert result["body"]["email"] == op["body"]["email"]
            # What the batch answered is what the object is, read alone.
            assert rest.ok(rest.get(f"/v1/customers/{result['body']['id']}")) == result["body"]
        elif i % 5 == 4:
            assert result["body"]["sku"] == op["body"]["sku"]
            assert rest.ok(rest.get(f"/v1/inventory/{result['body']['id']}")) == result["body"]
    # Errors and reads are what the same request alone answers, its request id aside.
    for i in (1, 2, 3, 6, 7, 8):
        single = alone(client, key, operations[i])
        assert single.status_code == answered[i]["status"]
        assert without_request_id(answered[i]["body"]) == without_request_id(single.json())
    assert answered[1]["body"]["error"]["request_id"].startswith("req_")
    assert answered[1]["body"]["error"]["request_id"] != answered[6]["body"]["error"]["request_id"]


def test_malformed_operations_answer_in_their_own_slot_as_alone(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    operations: list[Any] = [
        {"method": "PUT", "path": "/v1/customers"},
        {"method": "GET", "path": "/v1/nothing_here"},
        {"method": "POST", "path": "/v1/batch", "body": {"operations": []}},
        {"method": "GET", "path": "/v1/jobs"},
        {"method": "POST", "path": "/v1/files"},
        {"method": "GET", "path": "/graphql"},
        "GET /v1/customers",
        {"method": "GET", "path": "/v1/customers", "extra": 1},
        {"method": "POST", "path": "/v1/customers", "body": [1, 2]},
        {"method": "GET", "path": "/v1/customers?bogus=1"},
        {"method": "get", "path": "/v1/customers"},
    ]
    answered = results(batch(client, key, operations))
    assert [r["status"] for r in answered] == [
        405,
        404,
        400,
        400,
        400,
        400,
        400,
        400,
        400,
        400,
        200,
    ]
    assert answered[0]["headers"] == {"Allow": "GET, POST"}
    for i in (0, 1, 8, 9):
        single = alone(client, key, operations[i])
        assert single.status_code == answered[i]["status"], i
        assert without_request_id(answered[i]["body"]) == without_request_id(single.json()), i
    params = [answered[i]["body"]["error"]["param"] for i in (2, 3, 4, 5, 6, 7)]
    assert params == [
        "operations[2][path]",
        "operations[3][path]",
        "operations[4][path]",
        "operations[5][path]",
        "operations[6]",
        "operations[7][extra]",
    ]
    assert answered[8]["body"]["error"]["code"] == "INVALID_JSON"


@pytest.mark.parametrize("count", [0, 1001])
def test_a_batch_of_0_or_1001_operations_is_400_pointing_to_jobs(
    client: httpx.Client, account: Account, count: int
) -> None:
    operations = [{"method": "GET", "path": "/v1/customers"}] * count
    response = batch(client, account.sk_test, operations)
    assert response.status_code == 400, response.text
    problem = response.json()["error"]
    assert problem["code"] == "VALIDATION_ERROR"
    assert problem["param"] == "operations"
    assert "1000" in problem["message"]
    assert "/v1/jobs" in problem["message"]


def test_a_body_that_is_not_a_batch_is_answered_whole(
    client: httpx.Client, account: Account
) -> None:
    headers = {"Authorization": f"Bearer {account.sk_test}", "Content-Type": "application/json"}
    broken = client.post("/v1/batch", content=b'{"operations": [', headers=headers)
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "INVALID_JSON"
    odd = batch(client, account.sk_test, [{"method": "GET", "path": "/v1/customers"}], atomic=1)  # type: ignore[arg-type]
    assert odd.status_code == 400
    assert odd.json()["error"]["param"] == "atomic"
    assert client.post("/v1/batch", json={"operations": []}).status_code == 401
    assert client.get("/v1/batch", headers=headers).status_code == 405


def test_an_atomic_batch_failing_at_index_6_commits_nothing(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    emails = [_email() for _ in range(10)]
    operations = [{"method": "POST", "path": "/v1/customers", "body": {"email": e}} for e in emails]
    operations[6]["body"] = {"email": "not-an-email"}
    response = batch(client, key, operations, atomic=True)
    single = alone(client, key, operations[6])
    assert response.status_code == single.status_code == 422, response.text
    problem = response.json()["error"]
    alone_problem = single.json()["error"]
    assert problem["code"] == alone_problem["code"]
    assert problem["message"] == alone_problem["message"]
    assert problem["details"][0]["param"] == "operations[6]"
    assert problem["details"][0]["code"] == alone_problem["code"]
    assert problem["details"][1:] == alone_problem["details"]
    assert problem["request_id"] == response.headers["x-request-id"]
    rest = Rest(client, key)
    assert rest.ok(rest.get("/v1/customers"))["data"] == []
    assert rest.ok(rest.get("/v1/events"))["data"] == []
    assert event_count(account) == 0


def test_an_atomic_batch_commits_everything_and_publishes_its_events(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    emails = [_email() for _ in range(3)]
    operations: list[dict[str, Any]] = [
        {"method": "POST", "path": "/v1/customers", "body": {"email": e}} for e in emails
    ]
    operations.append({"method": "GET", "path": "/v1/customers?limit=10"})
    answered = results(batch(client, key, operations, atomic=True), atomic=True)
    assert [r["status"] for r in answered] == [201, 201, 201, 200]
    # A read in the transaction sees what the operations before it wrote.
    assert sorted(c["email"] for c in answered[3]["body"]["data"]) == sorted(emails)
    events = Rest(client, key).ok(Rest(client, key).get("/v1/events"))["data"]
    assert [e["type"] for e in events] == ["customer.created"] * 3
    assert event_count(account) == 3


def test_a_key_without_a_scope_is_refused_in_that_slot_only(
    client: httpx.Client, account: Account
) -> None:
    restricted = account.key("rk", ["customers:write"])
    operations: list[dict[str, Any]] = [
        {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}},
        {"method": "GET", "path": "/v1/orders"},
        {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}},
    ]
    answered = results(batch(client, restricted, operations))
    assert [r["status"] for r in answered] == [201, 403, 201]
    single = alone(client, restricted, operations[1])
    assert without_request_id(answered[1]["body"]) == without_request_id(single.json())
    assert answered[1]["body"]["error"]["code"] == "INSUFFICIENT_PERMISSIONS"


def test_every_operation_counts_toward_the_rate_limits(
    client: httpx.Client, server: LiveServer
) -> None:
    free = new_account(server.database_url, plan="free")  # 60 a minute
    key = free.sk_test
    rest = Rest(client, key)

    def creations(count: int) -> list[dict[str, Any]]:
        return [
            {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}}
            for _ in range(count)
        ]

    first = batch(client, key, creations(10))
    assert len(results(first)) == 10
    assert first.headers["X-RateLimit-Limit"] == "60"
    assert first.headers["X-RateLimit-Remaining"] == "50"
    rest_of = batch(client, key, creations(50))
    assert len(results(rest_of)) == 50
    assert rest_of.headers["X-RateLimit-Remaining"] == "0"
    # Nothing left: a batch that does not fit is refused before any of it runs.
    over = batch(client, key, creations(1))
    assert over.status_code == 429, over.text
    problem = over.json()["error"]
    assert problem["code"] == "RATE_LIMIT_EXCEEDED"
    assert [d["param"] for d in problem["details"]] == ["per_minute"]
    assert int(over.headers["Retry-After"]) >= 1
    # The 61st request alone is refused too; and 60 customers exist, not 61.
    assert rest.get("/v1/customers").status_code == 429


def test_a_batch_larger_than_what_is_left_is_refused_before_running(
    client: httpx.Client, server: LiveServer
) -> None:
    free = new_account(server.database_url, plan="free")
    key = free.sk_test
    ops = [
        {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}} for _ in range(41)
    ]
    assert len(results(batch(client, key, ops[:20]))) == 20
    over = batch(client, key, ops[20:])  # 21 operations, 40 left: fits
    assert over.status_code == 200
    assert over.headers["X-RateLimit-Remaining"] == "19"
    too_many = batch(client, key, [{"method": "GET", "path": "/v1/customers"}] * 20)
    assert too_many.status_code == 429
    assert "20 operations" in too_many.json()["error"]["message"]
    assert "19" in too_many.json()["error"]["message"]
    # Refused whole: the 19 left are still there.
    left = batch(client, key, [{"method": "GET", "path": "/v1/customers?limit=100"}] * 19)
    assert [r["status"] for r in results(left)] == [200] * 19
    assert len(results(left)[0]["body"]["data"]) == 41


@pytest.mark.parametrize("atomic", [False, True])
def test_a_replayed_batch_answers_the_same_body(
    client: httpx.Client, account: Account, atomic: bool
) -> None:
    key = account.sk_test
    ops = [
        {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}},
        {
            "method": "POST",
            "path": "/v1/api_keys",
            "body": {"type": "rk", "scopes": ["orders:read"]},
        },
    ]
    headers = {"Idempotency-Key": f"batch_{secrets.token_hex(8)}"}
    first = batch(client, key, ops, atomic=atomic, headers=headers)
    again = batch(client, key, ops, atomic=atomic, headers=headers)
    assert first.status_code == again.status_code == 200
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    first_results, again_results = results(first, atomic), results(again, atomic)
    assert [r["status"] for r in first_results] == [201, 201]
    assert first_results[0] == again_results[0]
    # A secret shown once is not kept: the replay answers the key without it.
    assert first_results[1]["body"]["secret"].startswith("rk_test_")
    assert again_results[1]["body"]["secret"] is None
    assert {**again_results[1]["body"], "secret": None} == {
        **first_results[1]["body"],
        "secret": None,
    }
    rest = Rest(client, key)
    assert len(rest.ok(rest.get("/v1/customers"))["data"]) == 1
    changed = batch(client, key, ops[:1], atomic=atomic, headers=headers)
    assert changed.status_code == 400
    assert changed.json()["error"]["code"] == "IDEMPOTENCY_KEY_MISMATCH"


@pytest.mark.parametrize("atomic", [False, True])
def test_an_operations_own_key_acts_as_its_idempotency_key(
    client: httpx.Client, account: Account, atomic: bool
) -> None:
    key = account.sk_test
    op = {
        "method": "POST",
        "path": "/v1/customers",
        "body": {"email": _email()},
        "idempotency_key": f"op_{secrets.token_hex(8)}",
    }
    first = results(batch(client, key, [op], atomic=atomic), atomic)[0]
    assert first["status"] == 201
    assert "headers" not in first
    # Sent alone with the same key, the request is the same one: replayed.
    single = alone(client, key, op)
    assert single.status_code == 201
    assert single.headers["Idempotent-Replayed"] == "true"
    assert single.json() == first["body"]
    again = results(batch(client, key, [op], atomic=atomic), atomic)[0]
    assert again == {**first, "headers": {"Idempotent-Replayed": "true"}}
    rest = Rest(client, key)
    assert len(rest.ok(rest.get("/v1/customers"))["data"]) == 1


def _order(sku: str, quantity: int) -> dict[str, Any]:
    line = {"sku": sku, "name": sku, "quantity": quantity, "unit_amount": 500}
    return {
        "method": "POST",
        "path": "/v1/orders",
        "body": {"currency": "usd", "line_items": [line]},
    }


def _stock(rest: Rest, sku: str) -> dict[str, Any]:
    items = rest.ok(rest.get(f"/v1/inventory?sku_eq={sku}"))["data"]
    assert len(items) == 1
    item: dict[str, Any] = items[0]
    return item


def test_a_stock_shortage_at_commit_names_its_operation(
    client: httpx.Client, account: Account
) -> None:
    key = account.sk_test
    rest = Rest(client, key)
    sku = _sku()
    rest.ok(rest.post("/v1/inventory", {"sku": sku, "name": sku, "on_hand": 5}), 201)
    operations = [
        _order(sku, 3),
        {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}},
        _order(sku, 3),
        {"method": "POST", "path": "/v1/customers", "body": {"email": _email()}},
    ]
    response = batch(client, key, operations, atomic=True)
    assert response.status_code == 409, response.text
    problem = response.json()["error"]
    assert problem["code"] == "RESOURCE_CONFLICT"
    assert problem["details"][0]["param"] == "operations[2]"
    item = _stock(rest, sku)
    assert (item["on_hand"], item["reserved"]) == (5, 0)
    assert rest.ok(rest.get("/v1/orders"))["data"] == []
    assert rest.ok(rest.get("/v1/customers"))["data"] == []
    # Not atomic, the first order reserves and the second is refused in its slot.
    answered = results(batch(client, key, operations))
    assert [r["status"] for r in answered] == [201, 201, 409, 201]
    assert _stock(rest, sku)["reserved"] == 3


@pytest.mark.usefixtures("postgres_only")
def test_concurrent_atomic_batches_never_oversell(server: LiveServer, account: Account) -> None:
    key = account.sk_test
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        rest = Rest(client, key)
        sku = _sku()
        rest.ok(rest.post("/v1/inventory", {"sku": sku, "name": sku, "on_hand": 10}), 201)
    statuses: list[int] = []
    lock = threading.Lock()

    def send() -> None:
        with httpx.Client(base_url=server.base_url, timeout=60) as own:
            response = batch(own, key, [_order(sku, 2) for _ in range(3)], atomic=True)
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 4 batches of 6 units on 10 in stock: exactly one fits whole.
    assert sorted(statuses) == [200, 409, 409, 409], statuses
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        rest = Rest(client, key)
        item = _stock(rest, sku)
        assert (item["on_hand"], item["reserved"]) == (10, 6)
        assert len(rest.ok(rest.get("/v1/orders?limit=100"))["data"]) == 3


def _take_many(counter: MemoryCounter | RedisCounter) -> None:
    limits = PlanLimits(per_minute=10, per_day=100, burst_per_second=5, concurrent=None)
    key_id = f"key_{secrets.token_hex(6)}"

    async def run() -> None:
        try:
            taken = await counter.take(key_id, limits, 8)
            assert taken.admitted
            # Eight toward the minute and the day, one toward the second's burst.
            assert {w.name: w.used for w in taken.windows} == {
                "burst": 1,
                "per_minute": 8,
                "per_day": 8,
            }
            refused = await counter.take(key_id, limits, 3)
            assert not refused.admitted
            assert refused.refused_by == "per_minute"
            assert (await counter.take(key_id, limits, 2)).admitted
            last = await counter.take(key_id, limits, 1)
            assert not last.admitted
        finally:
            await counter.close()

    asyncio.run(run())


def test_the_memory_counter_takes_n_at_once_or_none() -> None:
    _take_many(MemoryCounter())


def test_the_redis_counter_takes_n_at_once_or_none(redis_url: str) -> None:
    _take_many(RedisCounter(redis_url))


def test_a_subscriber_hears_every_event_of_a_batch_once_in_order_before_its_answer(
    rt_server: LiveServer, backend: str, request: pytest.FixtureRequest
) -> None:
    """Not atomic, the operations' events are published several at once (more than one
    hand-off here: over ``GATHER_EVENTS``), still each once, in commit order, all before
    the answer, and marked published so the relay sends none again."""
    shop = new_account(rt_server.database_url)
    emails = [_email() for _ in range(GATHER_EVENTS + 20)]
    operations: list[dict[str, Any]] = [
        {"method": "POST", "path": "/v1/customers", "body": {"email": e}} for e in emails
    ]
    operations.insert(7, {"method": "POST", "path": "/v1/customers", "body": {"email": emails[0]}})
    operations.insert(9, {"method": "GET", "path": "/v1/customers?limit=1"})
    listener = None
    if backend == "postgres":  # beside Redis: a listener of its own on the channel
        listener = redis.Redis.from_url(request.getfixturevalue("redis_url")).pubsub()
        listener.subscribe(channel(Owner(shop.id, livemode=False)))
        listener.get_message(timeout=2)  # the subscription's confirmation
    events = "subscription { events { id type sequence data } }"
    with (
        GraphQLSocket(rt_server.base_url) as sock,
        httpx.Client(base_url=rt_server.base_url, timeout=120) as client,
    ):
        assert sock.init(shop.sk_test)["type"] == "connection_ack"
        sock.subscribe("1", events)
        sock.send({"type": "ping"})
        assert sock.ws.recv(timeout=10)  # pong: the subscription is in place
        answered = results(batch(client, shop.sk_test, operations))
        if listener is not None:
            # Published before the answer: on loopback, already waiting to be read.
            heard = []
            while (message := listener.get_message(timeout=0)) is not None:
                heard.append(json.loads(message["data"])["id"])
            listener.close()
        created = [r["body"]["id"] for r in answered if r["status"] == 201]
        assert [r["status"] for r in answered[6:10]] == [201, 409, 201, 200]
        assert len(created) == len(emails)
        received = [sock.next_data("1")["events"] for _ in created]
        assert [e["data"]["object"]["id"] for e in received] == created
        sequences = [e["sequence"] for e in received]
        assert sequences == list(range(sequences[0], sequences[0] + len(created)))
        assert sock.silent(0.3)
        if listener is not None:
            assert heard == [e["id"] for e in received]
    deadline = time.monotonic() + 1.5
    while unpublished_of(shop) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert unpublished_of(shop) == []
