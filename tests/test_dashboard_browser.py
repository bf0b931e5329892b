"""The dashboard as a developer uses it, in a real headless browser (``browser_support``):
sign in, create a restricted key and see its secret once, revoke it, add an endpoint to a
local receiver, fire the simulator for ``order.paid`` and see the 200 attempt, make the
receiver fail and redeliver, browse events and orders — on a phone-sized screen too.
Once, on SQLite: the pages are the dashboard's, not a backend's. Each page's screenshot is
written to ``tests/screenshots/`` for a reviewer to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser_support import SCREENSHOTS, Tab, chromium
from tests.rest_support import Rest, stocked_order
from tests.support import LiveServer, new_account
from tests.webhook_support import receiver

FORBIDDEN = "Failed to load resource: the server responded with a status of 403 (Forbidden)"


@pytest.fixture(scope="module")
def live(sqlite_url: str) -> Iterator[LiveServer]:
    server = LiveServer.start(database_url=sqlite_url)
    try:
        yield server
    finally:
        server.stop()


def test_a_developer_manages_keys_and_webhooks_in_the_dashboard(live: LiveServer) -> None:
    base = live.base_url
    shop = new_account(live.database_url, name="Browser Shop")
    with httpx.Client(base_url=base, timeout=30) as api:
        rest = Rest(api, shop.sk_test)
        order = stocked_order(rest, "SKU-BROWSER")
        card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}
        rest.ok(rest.post(f"/v1/orders/{order['id']}/pay", {"card": card}))

    with chromium() as browser, receiver() as hooks:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        tab = Tab(context.new_page()).watch()
        page = tab.page

        # Signing in: the dashboard sends a stranger to the sign-in page.
        page.goto(f"{base}/dashboard")
        expect(page).to_have_url(f"{base}/dashboard/sign-in")
        tab.shot("01-sign-in")
        page.fill("#key", shop.keys["pk_test"])
        page.click("button[type=submit]")
        expect(page.locator(".message.error")).to_contain_text("publishable")
        # The refusal is a 403 page, which the browser notes in its console: expected.
        assert tab.problems == [f"console: {FORBIDDEN}"], tab.problems
        tab.problems.clear()
        page.fill("#key", shop.sk_test)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{base}/dashboard")
        expect(page.locator(".mode-banner")).to_contain_text("TEST MODE")
        expect(page.locator("main")).to_contain_text(shop.id)
        tab.shot("02-home")

        # A restricted key: its secret shown once, with a copy button.
        page.click("nav >> text=API keys")
        expect(page).to_have_url(f"{base}/dashboard/keys")
        page.fill("#name", "warehouse sync")
        page.check("input[name=scopes][value='orders:read']")
        page.check("input[name=scopes][value='inventory:write']")
        page.click("text=Create key")
        secret = page.locator("#new-secret").inner_text()
        assert re.fullmatch(r"rk_test_\w+", secret), secret
        page.click("[data-copy='#new-secret']")
        expect(page.locator("[data-copy='#new-secret']")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == secret
        tab.shot("03-key-created")
        page.goto(f"{base}/dashboard/keys")
        assert secret not in page.content()
        row = page.locator("tr", has_text="warehouse sync")
        expect(row).to_contain_text("inventory:write, orders:read")

        # Revoking it, after a confirmation.
        row.locator("text=Revoke…").click()
        expect(page.locator("h1")).to_contain_text("Revoke warehouse sync?")
        tab.shot("04-revoke-confirm")
        page.click("text=Revoke this key")
        expect(page).to_have_url(f"{base}/dashboard/keys")
        expect(page.locator("tr.revoked", has_text="warehouse sync")).to_contain_text("revoked")
        with httpx.Client(base_url=base, timeout=30) as api:
            refused = api.get("/v1/orders", headers={"Authorization": f"Bearer {secret}"})
            assert refused.status_code == 401

        # An endpoint to the local receiver.
        page.click("nav >> text=Webhooks")
        page.fill("#url", hooks.url)
        page.fill("#events", "order.*")
        page.fill("#description", "local receiver")
        page.click("text=Add endpoint")
        expect(page.locator(".secret-once")).to_contain_text("whsec_")
        tab.shot("05-endpoint-created")
        page.click(f".secret-once >> text={hooks.url}")
        expect(page.locator("h1")).to_contain_text("Endpoint")

        # The simulator: order.paid, its 200 attempt appears without a reload.
        page.select_option("#sim-type", "order.paid")
        page.click("text=Send test event")
        expect(page.locator(".message.ok")).to_contain_text("order.paid")
        delivery = page.locator("#deliveries article.delivery", has_text="order.paid")
        expect(delivery.locator(".attempt.ok .status")).to_have_text("200", timeout=15_000)
        (got,) = hooks.wait(1)
        assert got.json["type"] == "order.paid"
        assert got.json["data"]["object"]["id"] == order["id"]
        assert got.json["data"]["object"]["status"] == "paid"
        tab.shot("06-simulator-200")

        # The receiver fails: a redelivery shows the failed attempt, the next one succeeds.
        hooks.statuses.append(500)
        delivery.locator("text=Redeliver").click()
        delivery = page.locator("#deliveries article.delivery", has_text="order.paid")
        expect(delivery.locator(".attempt.failed .status")).to_have_text("500", timeout=15_000)
        expect(delivery.locator(".attempt.failed")).to_contain_text("answered 500")
        tab.shot("07-redeliver-failed")
        delivery.locator("text=Redeliver").click()
        delivery = page.locator("#deliveries article.delivery", has_text="order.paid")
        expect(delivery.locator(".attempt.ok")).to_have_count(2, timeout=15_000)
        assert len(hooks.wait(3)) == 3

        # Rotating the secret with an overlap shows the new one once.
        page.select_option("#expire", "3600")
        page.click("text=Rotate secret")
        expect(page.locator("#rotated-secret")).to_contain_text("whsec_")

        # Events, filtered by family; one event's JSON; orders and one order.
        page.click("nav >> text=Events")
        page.select_option("#type", "order.*")
        page.click("text=Filter")
        expect(page.locator("tbody")).to_contain_text("order.paid")
        tab.shot("08-events")
        page.locator("tbody tr", has_text="order.paid").locator("a").first.click()
        expect(page.locator("pre.json")).to_contain_text(order["id"])
        tab.shot("09-event")
        page.click("nav >> text=Orders")
        expect(page.locator("tbody")).to_contain_text(order["id"])
        tab.shot("10-orders")
        page.click(f"text={order['id']}")
        expect(page.locator(".timeline")).to_contain_text("paid")
        tab.shot("11-order")

        # The request log: filtered to 4xx, one opened; its error body shown.
        with httpx.Client(base_url=base, timeout=30) as api:
            missing = api.get(
                "/v1/customers/cus_missing", headers={"Authorization": f"Bearer {shop.sk_test}"}
            )
            assert missing.status_code == 404
        failed_id = missing.headers["x-request-id"]
        page.click("nav >> text=Request logs")
        page.select_option("#status", "4xx")
        page.click("text=Filter")
        link = page.locator(f"a[href='/dashboard/request-logs/{failed_id}']")
        for _ in range(50):  # the log is written off the request's path, in batches
            if link.count():
                break
            page.wait_for_timeout(200)
            page.reload()
        statuses = page.locator("tbody .pill").all_inner_texts()
        assert statuses, "no request listed"
        assert all(status.startswith("4") for status in statuses), statuses
        tab.shot("12-request-logs-4xx")
        link.click()
        expect(page.locator("h1")).to_contain_text("GET /v1/customers/{id}")
        expect(page.locator("#error-body")).to_contain_text("RESOURCE_NOT_FOUND")
        tab.shot("13-request-log")

        # A phone.
        phone = browser.new_context(
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            storage_state=context.storage_state(),  # the session's cookie
        )
        small = Tab(phone.new_page()).watch()
        small.page.goto(f"{base}/dashboard/webhooks")
        expect(small.page.locator(".mode-banner")).to_contain_text("TEST MODE")
        width = small.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px screen"
        small.shot("14-phone-webhooks")

        # Sign out.
        page.click("text=Sign out")
        expect(page).to_have_url(f"{base}/dashboard/sign-in")

        elsewhere = [u for u in tab.requested + small.requested if not u.startswith(f"{base}/")]
        assert elsewhere == []
        assert tab.problems == [], "\n".join(tab.problems)
        assert small.problems == []
        print(f"screenshots: {SCREENSHOTS}")
