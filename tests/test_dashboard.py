"""``/dashboard``'s rules (API.md section 15), over HTTP against a live server: the
session cookie and who may sign in, the CSRF token and ``Origin`` on every form, the
cookie worthless on ``/graphql`` and ``/v1``, a key's scopes and mode deciding what its
pages show and do, every action through the API's pipeline (idempotency included), and
the simulator's sample events. The browser drives the same pages in
``test_dashboard_browser.py``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from stateset_gql.dashboard.session import COOKIE, LIFETIME_SECONDS, Sessions
from tests.rest_support import CARD, Rest
from tests.support import Account, LiveServer, new_account
from tests.webhook_support import add_endpoint, new_customer, receiver, wait_for_delivery

TIMEOUT = 30.0
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
IDEMPOTENCY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture(scope="module")
def live(sqlite_url: str) -> Iterator[LiveServer]:
    """One server on SQLite: the rules are the dashboard's, not a backend's."""
    server = LiveServer.start(database_url=sqlite_url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shop(live: LiveServer) -> Account:
    return new_account(live.database_url)


def browser(live: LiveServer) -> httpx.Client:
    """A client that sends what a browser sends with a same-site form: its Origin."""
    return httpx.Client(base_url=live.base_url, timeout=TIMEOUT, headers={"Origin": live.base_url})


def sign_in(client: httpx.Client, key: str) -> httpx.Response:
    return client.post("/dashboard/sign-in", data={"key": key})


@contextmanager
def signed_in(live: LiveServer, key: str) -> Iterator[httpx.Client]:
    with browser(live) as client:
        answer = sign_in(client, key)
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/dashboard"
        yield client


def tokens(page: httpx.Response) -> dict[str, str]:
    """The hidden fields a page's first form carries."""
    csrf = CSRF.search(page.text)
    assert csrf is not None, page.text
    found = {"csrf": csrf.group(1)}
    key = IDEMPOTENCY.search(page.text)
    if key is not None:
        found["idempotency_key"] = key.group(1)
    return found


def keys_of(shop: Account, client: httpx.Client, key: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = Rest(client, key).ok(
        client.get(
            "/v1/api_keys", params={"limit": 100}, headers={"Authorization": f"Bearer {key}"}
        )
    )["data"]
    return listed


def test_a_secret_key_signs_in_with_a_signed_cookie_that_holds_no_secret(
    live: LiveServer, shop: Account
) -> None:
    with browser(live) as client:
        answer = sign_in(client, shop.sk_test)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"httponly", "path", "max-age", "samesite"} <= attributes
        assert "samesite=strict" in cookie.lower()
        assert "path=/dashboard" in cookie.lower()
        assert f"max-age={LIFETIME_SECONDS}" in cookie.lower()
        assert "secure" not in attributes  # plain http
        value = client.cookies[COOKIE]
        assert shop.sk_test not in value
        assert shop.sk_test[-12:] not in value
        home = client.get("/dashboard")
        assert home.status_code == 200
        assert shop.id in home.text
        assert "TEST MODE" in home.text
        assert home.headers["cache-control"] == "no-store"
        assert home.headers["server-timing"].startswith("page;dur=")
        assert "script-src 'self'" in home.headers["content-security-policy"]


def test_the_cookie_is_secure_when_the_request_came_over_https(
    live: LiveServer, shop: Account
) -> None:
    # uvicorn believes X-Forwarded-Proto from 127.0.0.1, as from a proxy in front of it.
    with browser(live) as client:
        answer = client.post(
            "/dashboard/sign-in",
            data={"key": shop.sk_test},
            headers={"X-Forwarded-Proto": "https", "Origin": live.base_url},
        )
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower().split("; ")


def test_a_publishable_key_and_a_wrong_key_cannot_sign_in(live: LiveServer, shop: Account) -> None:
    with browser(live) as client:
        refused = sign_in(client, shop.keys["pk_test"])
        assert refused.status_code == 403
        assert "publishable" in refused.text
        assert "set-cookie" not in refused.headers
        wrong = sign_in(client, "sk_test_" + "x" * 32)
        assert wrong.status_code == 401
        assert "set-cookie" not in wrong.headers
        assert client.get("/dashboard").status_code == 303


def test_a_tampered_or_foreign_cookie_is_no_session(live: LiveServer, shop: Account) -> None:
    with signed_in(live, shop.sk_test) as client:
        value = client.cookies[COOKIE]
    payload, signature = value.split(".")
    forged = Sessions(b"another server's secret").start(shop.keys["sk_live"])[1]
    for cookie in (f"{payload}x.{signature}", f"{payload}.{signature[:-2]}AA", forged):
        with httpx.Client(base_url=live.base_url, cookies={COOKIE: cookie}) as client:
            answer = client.get("/dashboard")
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/dashboard/sign-in")


def test_a_form_without_the_token_or_from_another_site_is_refused(
    live: LiveServer, shop: Account
) -> None:
    with signed_in(live, shop.sk_test) as client:
        before = len(keys_of(shop, client, shop.sk_test))
        form = tokens(client.get("/dashboard/keys"))
        create = {**form, "type": "rk", "scopes": "orders:read", "name": "x"}
        missing = {k: v for k, v in create.items() if k != "csrf"}
        assert client.post("/dashboard/keys", data=missing).status_code == 403
        wrong = {**create, "csrf": form["csrf"][:-2] + "AA"}
        assert client.post("/dashboard/keys", data=wrong).status_code == 403
        cross = client.post(
            "/dashboard/keys", data=create, headers={"Origin": "https://attacker.example"}
        )
        assert cross.status_code == 403
        del client.headers["Origin"]
        assert client.post("/dashboard/keys", data=create).status_code == 403
        # Nor a sign-out, nor a sign-in, from elsewhere.
        out = client.post(
            "/dashboard/sign-out", data=form, headers={"Origin": "https://attacker.example"}
        )
        assert out.status_code == 403
        away = client.post(
            "/dashboard/sign-in",
            data={"key": shop.sk_test},
            headers={"Origin": "https://attacker.example"},
        )
        assert away.status_code == 403
        assert len(keys_of(shop, client, shop.sk_test)) == before


def test_the_cookie_is_never_accepted_by_graphql_or_v1(live: LiveServer, shop: Account) -> None:
    with signed_in(live, shop.sk_test) as client:
        cookie = {"Cookie": f"{COOKIE}={client.cookies[COOKIE]}"}
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as plain:
        graphql = plain.post("/graphql", json={"query": "{ account { id } }"}, headers=cookie)
        assert graphql.status_code == 401
        rest = plain.get("/v1/account", headers=cookie)
        assert rest.status_code == 401
        assert rest.json()["error"]["code"] == "MISSING_API_KEY"


def test_a_key_is_created_once_through_the_api_and_a_double_submit_replays(
    live: LiveServer, shop: Account
) -> None:
    with signed_in(live, shop.sk_test) as client:
        before = len(keys_of(shop, client, shop.sk_test))
        form = tokens(client.get("/dashboard/keys"))
        create = {**form, "type": "rk", "scopes": ["orders:read", "customers:read"], "name": "sync"}
        first = client.post("/dashboard/keys", data=create)
        assert first.status_code == 200, first.text
        secret = re.search(r'<code id="new-secret">(rk_test_\w+)</code>', first.text)
        assert secret is not None
        again = client.post("/dashboard/keys", data=create)
        assert again.status_code == 200
        assert secret.group(1) not in again.text  # shown once: a replay shows no secret
        assert "replay" in again.text
        made = keys_of(shop, client, shop.sk_test)
        assert len(made) == before + 1
        assert sorted(made[0]["scopes"]) == ["customers:read", "orders:read"]
        # The new key works against the API.
        me = client.get("/v1/orders", headers={"Authorization": f"Bearer {secret.group(1)}"})
        assert me.status_code == 200


def test_a_restricted_key_without_webhooks_write_sees_them_read_only_and_is_refused(
    live: LiveServer, shop: Account
) -> None:
    reader = shop.key("rk", ["webhooks:read", "orders:read"])
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        endpoint = add_endpoint(Rest(api, shop.sk_test), "https://example.com/hook")
    with signed_in(live, reader) as client:
        listed = client.get("/dashboard/webhooks")
        assert listed.status_code == 200
        assert endpoint["id"] in listed.text
        assert 'action="/dashboard/webhooks"' not in listed.text
        assert "read-only" in listed.text
        page = client.get(f"/dashboard/webhooks/{endpoint['id']}")
        assert page.status_code == 200
        assert "Send test event" not in page.text
        assert "Rotate secret" not in page.text
        form = tokens(page)
        refused = client.post(
            f"/dashboard/webhooks/{endpoint['id']}", data={**form, "action": "rotate"}
        )
        assert refused.status_code == 403
        assert "webhooks:write" in refused.text
        created = client.post(
            "/dashboard/webhooks", data={**form, "url": "https://example.com/x", "events": "*"}
        )
        assert created.status_code == 403
        assert "webhooks:write" in created.text
        # Nor keys: it may not even list them.
        keys = client.get("/dashboard/keys")
        assert keys.status_code == 403
        assert "api_keys:read" in keys.text
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        listed_by_api = Rest(api, shop.sk_test).ok(api.get(
            "/v1/webhook_endpoints", headers={"Authorization": f"Bearer {shop.sk_test}"}
        ))["data"]  # fmt: skip
    assert [e["id"] for e in listed_by_api] == [endpoint["id"]]


def test_a_live_keys_pages_never_show_a_test_object(live: LiveServer, shop: Account) -> None:
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        customer = new_customer(Rest(api, shop.sk_test))
        endpoint = add_endpoint(Rest(api, shop.sk_test), "https://example.com/test-hook")
    with signed_in(live, shop.sk_test) as client:
        assert customer["id"] in client.get("/dashboard/customers").text
    with signed_in(live, shop.sk_live) as client:
        home = client.get("/dashboard")
        assert "LIVE MODE" in home.text
        assert "TEST MODE" not in home.text
        for path in ("/dashboard/customers", "/dashboard/events", "/dashboard/webhooks",
                     "/dashboard/keys"):  # fmt: skip
            page = client.get(path)
            assert page.status_code == 200, path
            assert customer["id"] not in page.text, path
            assert endpoint["id"] not in page.text, path
        one = client.get(f"/dashboard/webhooks/{endpoint['id']}")
        assert one.status_code == 404


def test_a_revoked_keys_session_ends_at_its_next_page(live: LiveServer, shop: Account) -> None:
    key = shop.key("rk", ["orders:read"])
    with signed_in(live, key) as client:
        assert client.get("/dashboard").status_code == 200
        with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
            key_id = next(
                k["id"] for k in keys_of(shop, api, shop.sk_test) if k["redacted"][-4:] == key[-4:]
            )
            revoked = api.delete(
                f"/v1/api_keys/{key_id}", headers={"Authorization": f"Bearer {shop.sk_test}"}
            )
            assert revoked.status_code == 200, revoked.text
        ended = client.get("/dashboard")
        assert ended.status_code == 303
        assert ended.headers["location"] == "/dashboard/sign-in?ended=1"


def test_sign_out_ends_the_session(live: LiveServer, shop: Account) -> None:
    with signed_in(live, shop.sk_test) as client:
        form = tokens(client.get("/dashboard"))
        out = client.post("/dashboard/sign-out", data=form)
        assert out.status_code == 303
        assert COOKIE not in client.cookies
        assert client.get("/dashboard").status_code == 303


def test_the_simulator_sends_a_sample_of_any_type_in_its_representation(
    live: LiveServer, shop: Account
) -> None:
    with receiver() as hooks, httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        rest = Rest(api, shop.sk_test)
        endpoint = add_endpoint(rest, hooks.url, ["order.*"])
        none_yet = api.post(
            f"/v1/webhook_endpoints/{endpoint['id']}/test",
            json={"type": "order.paid"},
            headers={"Authorization": f"Bearer {shop.sk_test}"},
        )
        assert none_yet.status_code == 400
        assert "create one first" in none_yet.json()["error"]["message"]
        unknown = api.post(
            f"/v1/webhook_endpoints/{endpoint['id']}/test",
            json={"type": "order.teleported"},
            headers={"Authorization": f"Bearer {shop.sk_test}"},
        )
        assert unknown.status_code == 400
        customer = new_customer(rest)
        sent = rest.ok(
            api.post(
                f"/v1/webhook_endpoints/{endpoint['id']}/test",
                json={"type": "customer.updated"},
                headers={"Authorization": f"Bearer {shop.sk_test}"},
            )
        )
        assert sent["event_type"] == "customer.updated"
        wait_for_delivery(rest, sent["id"], "succeeded")
        (got,) = hooks.of_type("customer.updated")
        body = got.json
        assert body["type"] == "customer.updated"
        assert body["data"]["object"] == rest.ok(rest.get(f"/v1/customers/{customer['id']}"))
        assert body["sequence"] is None
        # Not in the event log.
        assert rest.get(f"/v1/events/{body['id']}").status_code == 404


def test_the_endpoint_page_sends_the_simulated_event_and_shows_its_attempt(
    live: LiveServer, shop: Account
) -> None:
    with receiver() as hooks, signed_in(live, shop.sk_test) as client:
        with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
            endpoint = add_endpoint(Rest(api, shop.sk_test), hooks.url)
        page = client.get(f"/dashboard/webhooks/{endpoint['id']}")
        form = tokens(page)
        sent = client.post(
            f"/dashboard/webhooks/{endpoint['id']}",
            data={**form, "action": "test", "type": "test.webhook"},
        )
        assert sent.status_code == 200, sent.text
        hooks.wait(1)
        deadline = time.monotonic() + 10
        while True:
            panel = client.get(f"/dashboard/webhooks/{endpoint['id']}/deliveries")
            if 'class="status">200<' in panel.text:
                break
            assert time.monotonic() < deadline, panel.text
            time.sleep(0.1)
        assert "test.webhook" in panel.text


def test_an_events_page_shows_its_json_and_its_deliveries_to_each_endpoint(
    live: LiveServer, shop: Account
) -> None:
    with receiver() as hooks, httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        rest = Rest(api, shop.sk_test)
        first = add_endpoint(rest, hooks.url, ["customer.*"])
        second = add_endpoint(rest, hooks.url + "/second", ["customer.created"])
        add_endpoint(rest, hooks.url + "/orders", ["order.*"])
        customer = new_customer(rest)
        hooks.wait(2)
        (event,) = rest.ok(rest.get("/v1/events", {"type": "customer.created"}))["data"]
    with signed_in(live, shop.sk_test) as client:
        listed = client.get("/dashboard/events", params={"type": "customer.*"})
        assert event["id"] in listed.text
        assert (
            client.get("/dashboard/events", params={"type": "order.*"}).text.count(event["id"]) == 0
        )
        deadline = time.monotonic() + 10
        while True:
            page = client.get(f"/dashboard/events/{event['id']}")
            assert page.status_code == 200
            if page.text.count('class="status">200<') == 2:
                break
            assert time.monotonic() < deadline, page.text
            time.sleep(0.1)
        assert customer["id"] in page.text
        assert f'href="/dashboard/webhooks/{first["id"]}"' in page.text
        assert f'href="/dashboard/webhooks/{second["id"]}"' in page.text
        assert "/orders</a>" not in page.text


def test_home_shows_the_account_its_limits_and_whats_left_of_the_window(
    live: LiveServer, shop: Account
) -> None:
    with signed_in(live, shop.sk_test) as client:
        home = client.get("/dashboard")
        left = re.search(r'<strong id="window-left">(\d+) of (\d+)</strong>', home.text)
        assert left is not None, home.text
        assert int(left.group(2)) == 5_000  # the scale plan's minute
        assert int(left.group(1)) < 5_000
        again = re.search(r'id="window-left">(\d+) of', client.get("/dashboard").text)
        assert again is not None
        assert int(again.group(1)) < int(left.group(1))
        assert "scale" in home.text


def _until_listed(client: httpx.Client, path: str, wanted: str) -> httpx.Response:
    """The page once ``wanted`` is on it: request logs are written off the request's
    path, in batches."""
    deadline = time.monotonic() + 10
    while True:
        page = client.get(path)
        if wanted in page.text:
            return page
        assert time.monotonic() < deadline, page.text
        time.sleep(0.1)


def test_request_logs_filter_by_status_class_path_and_key_and_open_one(
    live: LiveServer, shop: Account
) -> None:
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        auth = {"Authorization": f"Bearer {shop.sk_test}"}
        missing = api.get("/v1/orders/ord_missing", headers=auth)
        assert missing.status_code == 404
        found = api.get("/v1/orders", headers=auth)
        assert found.status_code == 200
    failed_id = missing.headers["x-request-id"]
    ok_id = found.headers["x-request-id"]
    with signed_in(live, shop.sk_test) as client:
        errors = _until_listed(client, "/dashboard/request-logs?status=4xx", failed_id)
        assert ok_id not in errors.text
        assert "/v1/orders/{id}" in errors.text
        assert ok_id in _until_listed(client, "/dashboard/request-logs?status=2xx", ok_id).text
        by_path = client.get("/dashboard/request-logs", params={"path": "/v1/orders"})
        assert ok_id in by_path.text
        assert failed_id not in by_path.text
        home = _until_listed(client, "/dashboard", failed_id)
        assert f'href="/dashboard/request-logs/{failed_id}"' in home.text
        one = client.get(f"/dashboard/request-logs/{failed_id}")
        assert one.status_code == 200
        assert "RESOURCE_NOT_FOUND" in one.text
        assert "GET /v1/orders/{id}" in one.text
        key_id = re.search(r"request-logs\?key=(key_\w+)", one.text)
        assert key_id is not None
        by_key = client.get("/dashboard/request-logs", params={"key": key_id.group(1)})
        assert failed_id in by_key.text
        other = client.get("/dashboard/request-logs", params={"key": "key_someone_else"})
        assert failed_id not in other.text


def test_a_request_id_in_the_dashboard_links_to_its_log_line(
    live: LiveServer, shop: Account
) -> None:
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        made = api.post(
            "/v1/customers",
            json={"email": "linked@example.com"},
            headers={"Authorization": f"Bearer {shop.sk_test}"},
        )
        assert made.status_code == 201
    request_id = made.headers["x-request-id"]
    with signed_in(live, shop.sk_test) as client:
        events = client.get("/dashboard/events", params={"type": "customer.*"})
        assert f'href="/dashboard/request-logs/{request_id}"' in events.text
        line = _until_listed(client, f"/dashboard/request-logs/{request_id}", "/v1/customers")
        assert "POST /v1/customers" in line.text


def test_a_key_without_request_logs_read_sees_no_request_logs(
    live: LiveServer, shop: Account
) -> None:
    reader = shop.key("rk", ["orders:read"])
    with signed_in(live, reader) as client:
        home = client.get("/dashboard")
        assert home.status_code == 200
        assert "lacks <code>request_logs:read</code>" in home.text
        refused = client.get("/dashboard/request-logs")
        assert refused.status_code == 403
        assert "request_logs:read" in refused.text


def test_an_orders_page_shows_its_timeline_of_events(live: LiveServer, shop: Account) -> None:
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        rest = Rest(api, shop.sk_test)
        rest.ok(rest.post("/v1/inventory", {"sku": "TL-1", "name": "Tee", "on_hand": 5}), 201)
        line = {"sku": "TL-1", "name": "Tee", "quantity": 1, "unit_amount": 900}
        order = rest.ok(rest.post("/v1/orders", {"currency": "usd", "line_items": [line]}), 201)
        rest.ok(rest.post(f"/v1/orders/{order['id']}/pay", {"card": CARD}))
        events = rest.ok(rest.get("/v1/events", {"object_id_eq": order["id"], "sort": "sequence"}))
    with signed_in(live, shop.sk_test) as client:
        page = client.get(f"/dashboard/orders/{order['id']}")
        assert page.status_code == 200
        shown = [
            (m.group(1), m.group(2))
            for m in re.finditer(r'href="/dashboard/events/(evt_\w+)">([a-z_.]+)</a>', page.text)
        ]
        assert shown == [(e["id"], e["type"]) for e in events["data"]]
        assert [t for _, t in shown] == ["order.created", "order.paid"]
    reader = shop.key("rk", ["orders:read"])
    with signed_in(live, reader) as client:
        page = client.get(f"/dashboard/orders/{order['id']}")
        assert page.status_code == 200
        assert "events:read" in page.text
        assert "/dashboard/events/evt_" not in page.text


def test_home_counts_the_requests_the_key_made_today_from_its_request_log(
    live: LiveServer, shop: Account
) -> None:
    with httpx.Client(base_url=live.base_url, timeout=TIMEOUT) as api:
        auth = {"Authorization": f"Bearer {shop.sk_test}"}
        for _ in range(3):
            assert api.get("/v1/account", headers=auth).status_code == 200
        other = shop.key("rk", ["customers:read"])
        api.get("/v1/customers", headers={"Authorization": f"Bearer {other}"})
    with signed_in(live, shop.sk_test) as client:
        # The three calls, and the dashboard's own requests as this key (its sign-in).
        home = _until_listed(client, "/dashboard", 'id="today">')
        deadline = time.monotonic() + 10
        while True:
            today = re.search(r'<strong id="today">(\d+)</strong>', home.text)
            assert today is not None, home.text
            if int(today.group(1)) >= 3:
                break
            assert time.monotonic() < deadline, home.text
            time.sleep(0.1)
            home = client.get("/dashboard")
        assert "of 500000" in home.text  # the scale plan's day
    reader = shop.key("rk", ["customers:read"])
    with signed_in(live, reader) as client:
        assert "request_logs:read" in client.get("/dashboard").text
