"""Request logs (API.md section 15) from a real server, on SQLite and PostgreSQL: what a
REST request, a ``/graphql`` operation, a batch and each of its operations log, what a
log never holds, the list's filters, the owner rule and the scope, and that the rows
are written after the answer, not before it (in batches, every 0.25 s)."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import select

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.ops.maintenance import purge_once
from stateset_gql.ops.metrics import Metrics
from stateset_gql.requestlogs.models import RequestLog
from stateset_gql.requestlogs.record import Row
from stateset_gql.requestlogs.writer import RequestLogWriter
from stateset_gql.settings import Settings
from tests.rest_support import Rest, error_of
from tests.support import Account, data, gql

# What the writer's interval (0.25 s) and a loaded test machine allow a row to take.
ROW_WAIT_SECONDS = 10.0


def wait_for_log(rest: Rest, request_id: str) -> dict[str, Any]:
    """The request log ``request_id`` once written (it is written off the request's
    path, so a moment after its answer)."""
    deadline = time.monotonic() + ROW_WAIT_SECONDS
    while True:
        response = rest.get(f"/v1/request_logs/{request_id}")
        if response.status_code == 200:
            found: dict[str, Any] = response.json()
            return found
        assert response.status_code == 404, response.text
        assert time.monotonic() < deadline, f"no request log {request_id}"
        time.sleep(0.05)


def new_key(rest: Rest, scopes: list[str] | None = None) -> tuple[str, str]:
    """A new key's id and secret: a restricted one with ``scopes``, else a secret one."""
    body: dict[str, Any] = {"type": "rk", "scopes": scopes} if scopes else {"type": "sk"}
    created = rest.ok(rest.post("/v1/api_keys", body), 201)
    return created["id"], created["secret"]


def listed(rest: Rest, **params: Any) -> list[dict[str, Any]]:
    page = rest.ok(rest.get("/v1/request_logs", params={"limit": 100, **params}))
    rows: list[dict[str, Any]] = page["data"]
    return rows


def test_a_rest_request_and_its_failure_are_logged_with_the_route_template_and_nothing_secret(
    client: httpx.Client, account: Account
) -> None:
    key_id, secret = new_key(Rest(client, account.sk_test))
    rest = Rest(client, secret)
    created = rest.post(
        "/v1/customers",
        {"email": "logged@example.com", "name": "Body Marker"},
        headers={"Idempotency-Key": "create-logged-1"},
    )
    assert created.status_code == 201, created.text
    log = wait_for_log(rest, created.headers["x-request-id"])
    assert log["id"] == created.headers["x-request-id"]
    assert log["object"] == "request_log"
    assert (log["method"], log["path"], log["status"]) == ("POST", "/v1/customers", 201)
    assert log["api_key_id"] == key_id
    assert log["idempotency_key"] == "create-logged-1"
    assert log["graphql_operation"] is None
    assert log["error"] is None
    assert log["livemode"] is False
    assert isinstance(log["duration_ms"], float)
    assert 0 < log["duration_ms"] < 10_000

    missing = rest.get("/v1/customers/cus_nothere")
    problem = error_of(missing, 404)
    log = wait_for_log(rest, missing.headers["x-request-id"])
    assert (log["method"], log["path"], log["status"]) == ("GET", "/v1/customers/{id}", 404)
    assert log["error"] == problem

    # An error that repeats what was sent: a card number (spaced, dashed or plain) and a
    # key's secret never reach the log, in any mode; nor does the request's body.
    card = "4242 4242-4242 4242"
    refused = rest.post(
        "/v1/customers",
        {"email": "body-marker@example.com", card: 1, secret: 2, "n": 4242424242424242},
    )
    problem = error_of(refused, 422)
    assert card in refused.text
    assert "sk_test_" in refused.text
    log = wait_for_log(rest, refused.headers["x-request-id"])
    assert log["status"] == 422
    assert log["error"]["code"] == problem["code"]
    assert log["error"]["request_id"] == refused.headers["x-request-id"]
    text = orjson.dumps(log).decode()
    assert "[redacted]" in text
    for never in (card, "4242424242424242", "sk_test_", "body-marker", "Body Marker"):
        assert never not in text, never
    digits = "".join(c for c in text if c.isdigit() or c == " ")
    assert "424242424242" not in digits.replace(" ", "")


def test_graphql_logs_its_operation_name(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    named = gql(client, account.sk_test, "query ListThem { customers(first: 1) { totalCount } }")
    data(named)
    log = wait_for_log(rest, named.headers["x-request-id"])
    assert (log["method"], log["path"], log["status"]) == ("POST", "/graphql", 200)
    assert log["graphql_operation"] == "ListThem"
    chosen = client.post(
        "/graphql",
        json={
            "query": "query A { customers { totalCount } } query B { orders { totalCount } }",
            "operationName": "B",
        },
        headers={"Authorization": f"Bearer {account.sk_test}"},
    )
    data(chosen)
    assert wait_for_log(rest, chosen.headers["x-request-id"])["graphql_operation"] == "B"
    anonymous = gql(client, account.sk_test, "{ customers { totalCount } }")
    assert wait_for_log(rest, anonymous.headers["x-request-id"])["graphql_operation"] is None
    # Read back through GraphQL itself.
    request_id = named.headers["x-request-id"]
    found = data(
        gql(
            client,
            account.sk_test,
            "query($id: ID!) { requestLog(id: $id) { id object path status graphqlOperation "
            'durationMs error } requestLogs(where: {path: {_eq: "/graphql"}}) '
            "{ totalCount } }",
            {"id": request_id},
        )
    )
    assert found["requestLog"]["id"] == request_id
    assert found["requestLog"]["graphqlOperation"] == "ListThem"
    assert found["requestLog"]["object"] == "request_log"
    assert found["requestLogs"]["totalCount"] >= 3


def test_a_batch_and_each_of_its_operations_are_logged_each_under_its_own_id(
    client: httpx.Client, account: Account
) -> None:
    rest = Rest(client, account.sk_test)
    response = rest.post(
        "/v1/batch",
        {
            "operations": [
                {
                    "method": "POST",
                    "path": "/v1/customers",
                    "body": {"email": "batched@example.com"},
                    "idempotency_key": "batched-1",
                },
                {"method": "GET", "path": "/v1/customers/cus_nope"},
                {"method": "GET", "path": "/v1/nowhere"},
            ]
        },
        headers={"Idempotency-Key": "the-batch"},
    )
    results = rest.ok(response)["results"]
    assert [r["status"] for r in results] == [201, 404, 404]
    batch_id = response.headers["x-request-id"]
    log = wait_for_log(rest, batch_id)
    assert (log["method"], log["path"], log["status"]) == ("POST", "/v1/batch", 200)
    assert log["idempotency_key"] == "the-batch"
    missing_id = results[1]["body"]["error"]["request_id"]
    nowhere_id = results[2]["body"]["error"]["request_id"]
    assert len({batch_id, missing_id, nowhere_id}) == 3
    missing = wait_for_log(rest, missing_id)
    assert (missing["method"], missing["path"], missing["status"]) == (
        "GET",
        "/v1/customers/{id}",
        404,
    )
    assert missing["error"] == results[1]["body"]["error"]
    nowhere = wait_for_log(rest, nowhere_id)
    assert (nowhere["path"], nowhere["status"]) == ("unmatched", 404)
    [created] = [
        row
        for row in listed(rest, path_eq="/v1/customers", status_eq=201)
        if row["idempotency_key"] == "batched-1"
    ]
    assert created["id"] not in (batch_id, missing_id, nowhere_id)
    assert created["method"] == "POST"


def test_files_and_jobs_routes_are_logged(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    for path, template in (
        ("/v1/files/file_nope", "/v1/files/{id}"),
        ("/v1/jobs/job_nope/results", "/v1/jobs/{id}/results"),
    ):
        response = rest.get(path)
        assert response.status_code == 404, response.text
        log = wait_for_log(rest, response.headers["x-request-id"])
        assert (log["path"], log["status"]) == (template, 404)


def test_the_list_filters_by_status_path_key_and_time_and_each_owner_sees_its_own(
    client: httpx.Client, account: Account, server: Any
) -> None:
    from tests.support import new_account

    admin = Rest(client, account.sk_test)
    key_id, secret = new_key(admin, ["customers:write"])
    rest = Rest(client, secret)
    ok = rest.post("/v1/customers", {"email": "listed@example.com"})
    assert ok.status_code == 201
    missing = rest.get("/v1/customers/cus_nope")
    assert missing.status_code == 404
    unauthorized = rest.get("/v1/orders")
    assert unauthorized.status_code == 403
    ids = [r.headers["x-request-id"] for r in (ok, missing, unauthorized)]
    for request_id in ids:
        wait_for_log(admin, request_id)

    mine = listed(admin, api_key_id_eq=key_id)
    assert [row["id"] for row in mine] == ids[::-1]  # newest first
    assert [row["id"] for row in listed(admin, api_key_id_eq=key_id, status_gte=400)] == [
        ids[2],
        ids[1],
    ]
    assert [
        row["id"] for row in listed(admin, api_key_id_eq=key_id, status_gte=400, status_lt=404)
    ] == [ids[2]]
    assert [
        row["id"] for row in listed(admin, api_key_id_eq=key_id, path_eq="/v1/customers/{id}")
    ] == [ids[1]]
    first_created = wait_for_log(admin, ids[0])["created"]
    after_first = listed(admin, api_key_id_eq=key_id, created_gt=first_created)
    assert ids[0] not in [row["id"] for row in after_first]

    # Another account, and the other mode of this one, see none of it.
    other = Rest(client, new_account(server.database_url).sk_test)
    assert other.get(f"/v1/request_logs/{ids[0]}").status_code == 404
    assert all(row["api_key_id"] != key_id for row in listed(other))
    live = Rest(client, account.sk_live)
    assert live.get(f"/v1/request_logs/{ids[0]}").status_code == 404
    live_call = live.get("/v1/customers")
    log = wait_for_log(live, live_call.headers["x-request-id"])
    assert log["livemode"] is True
    assert admin.get(f"/v1/request_logs/{log['id']}").status_code == 404


def test_reading_request_logs_needs_its_scope(client: httpx.Client, account: Account) -> None:
    admin = Rest(client, account.sk_test)
    _, without = new_key(admin, ["customers:read"])
    refused = Rest(client, without).get("/v1/request_logs")
    assert error_of(refused, 403)["required_scope"] == "request_logs:read"
    _, reader = new_key(admin, ["request_logs:read"])
    assert Rest(client, reader).get("/v1/request_logs").status_code == 200
    # An unauthenticated request has no owner, so no log.
    anonymous = client.get("/v1/customers")
    assert anonymous.status_code == 401
    time.sleep(0.6)  # two flushes
    assert admin.get(f"/v1/request_logs/{anonymous.headers['x-request-id']}").status_code == 404


def test_the_row_is_written_after_the_answer_not_before_it(
    client: httpx.Client, account: Account
) -> None:
    """The answer does not wait for its log: read at once, the row is (almost always)
    not there yet; a moment later it is. The flusher could tick between the answer and
    the read, so one of three tries must see it missing."""
    rest = Rest(client, account.sk_test)
    seen_missing = 0
    for _ in range(3):
        response = rest.get("/v1/customers")
        assert response.status_code == 200
        request_id = response.headers["x-request-id"]
        if rest.get(f"/v1/request_logs/{request_id}").status_code == 404:
            seen_missing += 1
        assert wait_for_log(rest, request_id)["status"] == 200
    assert seen_missing >= 1


def _row(account: Account, request_id: str, status: int = 200) -> Row:
    return Row(
        id=request_id, account_id=account.id, livemode=False, api_key_id="key_x",
        method="GET", path="/v1/customers", status=status, duration_ms=1.0,
        idempotency_key=None, graphql_operation=None,
        body=b'{"error":{"code":"X","message":"card 4000-0000-0000-0002"}}' if status >= 400
        else None,
        created=utcnow(),
    )  # fmt: skip


async def _stored(database_url: str, ids: list[str]) -> dict[str, RequestLog]:
    db = Database(database_url)
    try:
        async with db.session(write=False) as session:
            found = await session.execute(select(RequestLog).where(RequestLog.id.in_(ids)))
            return {row.id: row for row in found.scalars()}
    finally:
        await db.dispose()


def test_the_writer_drops_rather_than_waits_when_full_and_writes_the_rest_on_close(
    account: Account, database_url: str
) -> None:
    """A full buffer drops (and counts) new rows at once; a batch the database refuses
    is dropped and counted, the next written; ``close`` writes what waits."""
    prefix = f"req_w{time.perf_counter_ns()}"

    async def steps() -> Metrics:
        metrics = Metrics()
        db = Database(database_url)
        writer = RequestLogWriter(db=db, metrics=metrics, batch=2, capacity=3)
        try:
            writer.add([_row(account, f"{prefix}_{i}") for i in range(4)])
            assert writer.waiting == 3  # the fourth was dropped, not waited for
            await writer.flush()
            # A batch whose INSERT fails (an id already written) is dropped and counted;
            # the batch after it is written.
            writer.add([_row(account, f"{prefix}_0"), _row(account, f"{prefix}_x")])
            writer.add([_row(account, f"{prefix}_e", status=404)])
            writer.start()
            await writer.close()
            assert writer.waiting == 0
            return metrics
        finally:
            await db.dispose()

    metrics = asyncio.run(steps())
    sample = metrics.registry.get_sample_value
    assert sample("stateset_request_logs_dropped_total", {"reason": "full"}) == 1
    assert sample("stateset_request_logs_dropped_total", {"reason": "failed"}) == 2
    assert sample("stateset_request_logs_written_total") == 4
    names = [f"{prefix}_{s}" for s in ("0", "1", "2", "3", "x", "e")]
    stored = asyncio.run(_stored(database_url, names))
    assert sorted(stored) == sorted(f"{prefix}_{s}" for s in ("0", "1", "2", "e"))
    assert stored[f"{prefix}_e"].error == {"code": "X", "message": "card [redacted]"}
    assert stored[f"{prefix}_0"].error is None


def test_a_flush_writes_the_rows_waiting_when_it_began(account: Account, database_url: str) -> None:
    """Rows that arrive while a flush writes wait for the next one: a busy server's
    flushes stay batches, not a stream of one-row INSERTs."""
    prefix = f"req_f{time.perf_counter_ns()}"

    async def steps() -> tuple[int, int, int]:
        db = Database(database_url)
        try:
            writer = RequestLogWriter(db=db, metrics=Metrics())
            writer.add([_row(account, f"{prefix}_{i}") for i in range(3)])
            flushing = asyncio.create_task(writer.flush())
            await asyncio.sleep(0)  # the flush has taken its rows and is writing them
            writer.add([_row(account, f"{prefix}_late")])
            first = await flushing
            left = writer.waiting
            return first, left, await writer.flush()
        finally:
            await db.dispose()

    assert asyncio.run(steps()) == (3, 1, 1)


def test_logs_are_kept_30_days(account: Account, database_url: str) -> None:
    prefix = f"req_p{time.perf_counter_ns()}"
    old = dataclasses.replace(_row(account, f"{prefix}_old"), created=utcnow() - timedelta(days=31))
    kept = dataclasses.replace(
        _row(account, f"{prefix}_new"), created=utcnow() - timedelta(days=29)
    )

    async def steps() -> None:
        db = Database(database_url)
        try:
            writer = RequestLogWriter(db=db, metrics=Metrics())
            writer.add([old, kept])
            assert await writer.flush() == 2
            assert (
                await purge_once(db=db, settings=Settings(database_url=database_url))
            ).request_logs >= 1
        finally:
            await db.dispose()

    asyncio.run(steps())
    assert list(asyncio.run(_stored(database_url, [old.id, kept.id]))) == [kept.id]
