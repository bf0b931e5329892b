"""GraphiQL at ``/graphql`` works without internet: its scripts and styles come from this
server, and a real headless browser that can reach nothing else runs a query with it.

The browser is Debian's ``chromium``, driven by Playwright (``tests/browser_support.py``);
the browser test skips when it is absent, unless STATESET_REQUIRE_SERVICES=1 (as in CI),
when it fails.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser_support import Tab, chromium
from tests.support import Account, LiveServer, new_account

TIMEOUT = 30.0
HTML = {"Accept": "text/html"}
ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.fixture(scope="module")
def demo(sqlite_url: str) -> Account:
    return new_account(sqlite_url, name="Demo")


@pytest.fixture(scope="module")
def demo_server(sqlite_url: str, demo: Account) -> Iterator[LiveServer]:
    """A server as ``serve`` starts one in development just after creating the demo
    account: it knows the demo key. Once, on SQLite: the page needs no database."""
    live = LiveServer.start(database_url=sqlite_url, demo_key=demo.sk_test)
    try:
        yield live
    finally:
        live.stop()


def _page(client: httpx.Client) -> httpx.Response:
    response = client.get("/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response


def _config(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="graphiql-config">(.*?)</script>', page)
    assert found is not None
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_graphiql_loads_only_assets_this_server_answers(client: httpx.Client) -> None:
    page = _page(client)
    assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    urls = [url for url in ASSET.findall(page.text) if not url.startswith("data:")]
    assert len(urls) == 5
    kinds = {".js": "text/javascript", ".css": "text/css"}
    for url in urls:
        assert url.startswith("/graphiql/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = PurePosixPath(urlsplit(url).path).suffix
        assert asset.headers["content-type"].startswith(kinds[suffix]), url
        assert "immutable" in asset.headers["cache-control"]
        assert len(asset.content) > 100


def test_the_licences_are_served_beside_the_builds(client: httpx.Client) -> None:
    for package in ("graphiql-3.9.0", "react-18.3.1", "react-dom-18.3.1"):
        response = client.get(f"/graphiql/{package}/LICENSE")
        assert response.status_code == 200
        assert "MIT License" in response.text


def test_nothing_else_is_served_under_graphiql(client: httpx.Client) -> None:
    for path in ("/graphiql/__init__.py", "/graphiql/page.html", "/graphiql/../settings.py"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["type"] == "not_found_error"


def test_the_headers_editor_starts_with_an_empty_bearer_header(client: httpx.Client) -> None:
    config = _config(_page(client).text)
    assert json.loads(config["headers"]) == {"Authorization": "Bearer "}
    assert config["url"] == "/graphql"
    assert "Headers tab" in config["query"]


def test_the_headers_editor_starts_with_the_demo_key_when_serve_created_it(
    demo_server: LiveServer, demo: Account
) -> None:
    with httpx.Client(base_url=demo_server.base_url, timeout=TIMEOUT) as client:
        config = _config(_page(client).text)
    assert json.loads(config["headers"]) == {"Authorization": f"Bearer {demo.sk_test}"}


def test_the_demo_key_is_given_only_to_a_page_asked_for_by_a_loopback_name(
    demo_server: LiveServer, demo: Account
) -> None:
    """A DNS-rebinding page (any other ``Host``) must not read the demo key off GraphiQL."""
    port = demo_server.base_url.rsplit(":", 1)[1]
    loopback = ["127.0.0.1", f"127.0.0.1:{port}", "localhost", f"LOCALHOST:{port}", "[::1]",
                f"[::1]:{port}"]  # fmt: skip
    others = ["attacker.example", f"attacker.example:{port}", f"127.0.0.1.nip.io:{port}",
              f"localhost.attacker.example:{port}", "10.0.0.7"]  # fmt: skip
    with httpx.Client(base_url=demo_server.base_url, timeout=TIMEOUT) as client:
        for host in loopback:
            response = client.get("/graphql", headers={**HTML, "Host": host})
            headers = json.loads(_config(response.text)["headers"])
            assert headers == {"Authorization": f"Bearer {demo.sk_test}"}, host
        for host in others:
            response = client.get("/graphql", headers={**HTML, "Host": host})
            assert response.status_code == 200, host
            assert demo.sk_test not in response.text, host
            headers = json.loads(_config(response.text)["headers"])
            assert headers == {"Authorization": "Bearer "}, host


def test_serve_in_development_opens_graphiql_with_the_demo_key_it_printed(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "STATESET_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}",
        "STATESET_ENV": "development",
    }
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "stateset_gql.cli", "serve", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=TIMEOUT) as client:
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            printed = re.search(r"\bsk_test_\w+", log.read_text())
            assert printed is not None, log.read_text()
            config = _config(_page(client).text)
            key = printed.group(0)
            assert json.loads(config["headers"]) == {"Authorization": f"Bearer {key}"}
            answer = client.post(
                "/graphql",
                json={"query": "{ account { id } }"},
                headers={"Authorization": f"Bearer {key}"},
            )
            assert answer.json()["data"]["account"]["id"].startswith("acct_")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_graphiql_runs_a_query_in_a_browser_without_internet(
    demo_server: LiveServer, demo: Account
) -> None:
    base = demo_server.base_url
    with chromium() as browser:
        tab = Tab(browser.new_page()).watch()
        page = tab.page
        page.goto(f"{base}/graphql")
        expect(page.locator(".graphiql-execute-button")).to_be_visible()
        # The headers editor is open and holds the demo key.
        headers = page.wait_for_function(
            "() => { const e = document.querySelector("
            "'.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');"
            " return e && e.offsetParent !== null && e.CodeMirror.getValue(); }"
        ).json_value()
        assert json.loads(headers) == {"Authorization": f"Bearer {demo.sk_test}"}

        page.evaluate(
            "document.querySelector('.graphiql-query-editor .CodeMirror')"
            ".CodeMirror.setValue('{ account { id } }')"
        )
        page.click(".graphiql-execute-button")
        answer = page.wait_for_function(
            "() => { const e = document.querySelector('.graphiql-response .CodeMirror');"
            " const v = e && e.CodeMirror.getValue(); return v && v.includes('\"data\"') && v; }"
        ).json_value()
        assert json.loads(answer)["data"] == {"account": {"id": demo.id}}
        tab.shot("graphiql")

    assert f"{base}/graphql" in tab.requested
    elsewhere = [u for u in tab.requested if not u.startswith((f"{base}/", "data:"))]
    assert elsewhere == []
    assert tab.problems == []
