"""One conformance scenario, four SDKs, a live server.

For each SDK (sdks/python, node, go, ruby) this starts nothing of the SDK's own: it runs
the SDK's whole test suite with its language's runner (pytest, ``node --test``, ``go
test``, minitest) against the real server on both databases, and hands it, through the
environment, what the scenario needs (SDK.md; each SDK's conformance test names them):

- ``STATESET_BASE_URL``, ``STATESET_API_KEY``: the server and a fresh account's key;
- ``STATESET_PAGING_API_KEY``: an account holding exactly 250 customers;
- ``STATESET_LOSING_URL``: a proxy that loses the answer to its first request;
- ``STATESET_LIMITED_URL``: a proxy that answers its first request 429, ``Retry-After: 1``;
- ``STATESET_WEBHOOK_FILE``: a delivery the server's webhook worker just made (raw body,
  ``StateSet-Signature``, the endpoint's secret);
- ``STATESET_CUT_URL``, ``STATESET_CUT_CONTROL``: a proxy for subscriptions, and where to
  POST to cut every socket through it mid-stream.

A suite passes when its runner exits 0 and skipped nothing; the proxies then show what
the SDK did on the wire (the lost POST retried with its key, the 429 waited out).
Each SDK's README quickstart is run once, as written, from a clean directory, after
installing the SDK as that README says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conformance_support import Proxy, cut_control, header_of, proxy
from tests.conftest import service_missing
from tests.rest_support import Rest
from tests.support import Account, LiveServer, new_account
from tests.webhook_support import add_endpoint, receiver, start_worker, stop

SDKS = Path(__file__).resolve().parent.parent / "sdks"
# What a suite may take at most (Go compiles first; the scenario waits out a 429).
RUN_SECONDS = 300
# Every test file of the Ruby SDK, under minitest.
RUBY_SUITE = 'Dir["test/*_test.rb"].sort.each { |f| require_relative f }'
# No Go module or gem is fetched: the SDKs use their standard libraries only.
GO_ENV = {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local"}


@dataclass(frozen=True)
class Sdk:
    name: str
    tool: str
    command: tuple[str, ...]
    # What a run that skipped a test prints; and what one that ran prints.
    skipped: re.Pattern[str]
    ran: re.Pattern[str]
    subscribes: bool = False

    @property
    def folder(self) -> Path:
        return SDKS / self.name


SDK_SUITES = {
    "python": Sdk(
        "python",
        sys.executable,
        (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "tests"),
        skipped=re.compile(r"\d+ skipped"),
        ran=re.compile(r"\d+ passed"),
        subscribes=True,
    ),
    "node": Sdk(
        "node",
        "node",
        ("node", "--test", "--test-reporter=tap", "test/"),
        skipped=re.compile(r"^# (skip|todo) [1-9]", re.M),
        ran=re.compile(r"^# pass [1-9]", re.M),
        subscribes=True,
    ),
    "go": Sdk(
        "go",
        "go",
        ("sh", "-c", "go vet ./... && go test -count=1 -v ./..."),
        skipped=re.compile(r"--- SKIP"),
        ran=re.compile(r"--- PASS"),
    ),
    "ruby": Sdk(
        "ruby",
        "ruby",
        ("ruby", "-Ilib", "-Itest", "-e", RUBY_SUITE),
        skipped=re.compile(r", [1-9]\d* skips"),
        ran=re.compile(r"[1-9]\d* runs, \d+ assertions, 0 failures, 0 errors, 0 skips"),
    ),
}  # fmt: skip


def _toolchain(sdk: Sdk) -> None:
    """Fails (in CI) or skips (on a laptop) when the language is not installed; installs
    the Node SDK's own packages on first use."""
    if shutil.which(sdk.tool) is None:
        service_missing(f"{sdk.tool} (for the {sdk.name} SDK)", "not installed")
    if sdk.name == "node" and not (sdk.folder / "node_modules").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=sdk.folder,
            check=True,
            capture_output=True,
            timeout=RUN_SECONDS,
        )


@pytest.fixture(scope="module")
def webhook_worker(
    rt_server: LiveServer, backend: str, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Who delivers webhooks: beside SQLite the server's own loops (memory://); beside
    PostgreSQL and Redis a ``stateset-gql worker`` process, as in production."""
    if backend != "postgres":
        yield
        return
    worker = start_worker(rt_server.database_url, str(request.getfixturevalue("redis_url")))
    try:
        yield
    finally:
        assert stop(worker) == 0


@pytest.fixture(scope="module")
def quickstart_server(sqlite_url: str) -> Iterator[LiveServer]:
    """The quickstarts run once, on the embedded default."""
    live = LiveServer.start(database_url=sqlite_url)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def paging_key(rt_server: LiveServer) -> str:
    """An account holding exactly 250 customers, for every SDK's paging test."""
    account = new_account(rt_server.database_url, name="Paging", plan="enterprise")
    with httpx.Client(base_url=rt_server.base_url, timeout=30) as http:
        rest = Rest(http, account.sk_test)
        for n in range(250):
            rest.ok(rest.post("/v1/customers", {"email": f"c{n:03}@paging.example"}), 201)
    return account.sk_test


def _delivered_webhook(server: LiveServer, account: Account, into: Path) -> Path:
    """A real delivery by the server's webhook worker, written as the SDKs read it."""
    with receiver() as hooks, httpx.Client(base_url=server.base_url, timeout=30) as http:
        rest = Rest(http, account.sk_test)
        endpoint = add_endpoint(rest, hooks.url, ["customer.created"])
        rest.ok(rest.post("/v1/customers", {"email": "webhook@sdk.example"}), 201)
        delivery = hooks.wait(1)[0]
        rest.ok(rest.delete(f"/v1/webhook_endpoints/{endpoint['id']}"))
    event = delivery.json
    path = into / "webhook.json"
    path.write_text(
        json.dumps(
            {
                "payload": delivery.body.decode(),
                "header": delivery.headers["StateSet-Signature"],
                "secret": endpoint["secret"],
                "event_id": event["id"],
                "event_type": event["type"],
            }
        )
    )
    return path


def _run(sdk: Sdk, env: dict[str, str]) -> str:
    started = time.monotonic()
    done = subprocess.run(
        sdk.command,
        cwd=sdk.folder,
        env={**os.environ, **GO_ENV, **env},
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )
    output = done.stdout + done.stderr
    took = time.monotonic() - started
    assert done.returncode == 0, (
        f"the {sdk.name} SDK's suite failed ({took:.0f} s):\n{output[-6000:]}"
    )
    assert not sdk.skipped.search(output), f"the {sdk.name} SDK's suite skipped:\n{output[-6000:]}"
    assert sdk.ran.search(output), f"the {sdk.name} SDK's suite ran nothing:\n{output[-6000:]}"
    return output


@pytest.mark.parametrize("name", list(SDK_SUITES))
def test_each_sdk_passes_the_conformance_scenario_against_the_live_server(
    name: str,
    backend: str,
    rt_server: LiveServer,
    webhook_worker: None,
    paging_key: str,
    tmp_path: Path,
) -> None:
    if backend != "postgres":
        # A client, proved once: against the production path (PostgreSQL, Redis and a
        # worker process), not once more per database behind the same API.
        pytest.skip("the SDKs run against PostgreSQL with Redis and a worker")
    sdk = SDK_SUITES[name]
    _toolchain(sdk)
    account = new_account(rt_server.database_url, name=f"{name} SDK", plan="enterprise")
    webhook = _delivered_webhook(rt_server, account, tmp_path)
    with (
        proxy(rt_server.base_url, "lose") as losing,
        proxy(rt_server.base_url, "limit") as limited,
        proxy(rt_server.base_url) as cutting,
        cut_control(cutting) as control,
    ):
        env = {
            "STATESET_BASE_URL": rt_server.base_url,
            "STATESET_API_KEY": account.sk_test,
            "STATESET_PAGING_API_KEY": paging_key,
            "STATESET_LOSING_URL": losing.base_url,
            "STATESET_LIMITED_URL": limited.base_url,
            "STATESET_WEBHOOK_FILE": str(webhook),
        }
        if sdk.subscribes:
            env |= {"STATESET_CUT_URL": cutting.base_url, "STATESET_CUT_CONTROL": control}
        _run(sdk, env)
    _retried_with_one_key(losing)
    assert len(limited.firsts) >= 2, "the 429 was not retried"
    if sdk.subscribes:
        assert len(cutting.firsts) >= 2, "the subscription did not reconnect after the cut"


def _retried_with_one_key(losing: Proxy) -> None:
    """The POST whose answer was lost came again, with the same Idempotency-Key."""
    assert len(losing.firsts) >= 2, "the lost request was not retried"
    lost, retry = losing.firsts[0], losing.firsts[1]
    assert lost.split(b" ", 1)[0] == b"POST", lost[:200]
    key = header_of(lost, "Idempotency-Key")
    assert key, "the POST carried no Idempotency-Key"
    assert header_of(retry, "Idempotency-Key") == key


QUICKSTARTS = {
    "python": "examples/quickstart.py",
    "node": "examples/quickstart.mjs",
    "go": "examples/quickstart/main.go",
    "ruby": "examples/quickstart.rb",
}


def _install_and_command(sdk: Sdk, script: Path, clean: Path) -> list[str]:
    """Installs the SDK into ``clean`` as its README says; the command running ``script``."""

    def run(*argv: str | Path, cwd: Path = clean) -> None:
        subprocess.run(
            [str(a) for a in argv],
            cwd=cwd,
            check=True,
            capture_output=True,
            timeout=RUN_SECONDS,
            env={**os.environ, **GO_ENV},
        )

    if sdk.name == "python":
        run(sys.executable, "-m", "venv", clean / "venv")
        # From a copy: building in place would leave build/ in the checkout.
        source = shutil.copytree(sdk.folder, clean / "sdk", ignore=shutil.ignore_patterns("build"))
        run(clean / "venv/bin/python", "-m", "pip", "install", "-q", source)
        return [str(clean / "venv/bin/python"), str(script)]
    if sdk.name == "node":
        run("npm", "init", "-y")
        run("npm", "install", "--no-audit", "--no-fund", sdk.folder)
        return ["node", str(script)]
    if sdk.name == "go":
        module = (sdk.folder / "go.mod").read_text().split()[1]
        (clean / "go.mod").write_text(
            f"module quickstart\n\ngo 1.19\n\nrequire {module} v0.0.0\n\n"
            f"replace {module} => {sdk.folder}\n"
        )
        return ["go", "run", "."]
    gems = clean / "gems"
    run("gem", "build", "stateset.gemspec", "--output", clean / "stateset.gem", cwd=sdk.folder)
    run("gem", "install", "--local", "--install-dir", gems, clean / "stateset.gem")
    return ["env", f"GEM_PATH={gems}", "ruby", str(script)]


@pytest.mark.parametrize("name", list(SDK_SUITES))
def test_each_readme_quickstart_runs_as_written_from_a_clean_directory(
    name: str, quickstart_server: LiveServer, tmp_path: Path
) -> None:
    sdk = SDK_SUITES[name]
    _toolchain(sdk)
    example = sdk.folder / QUICKSTARTS[name]
    text = example.read_text()
    assert text.strip() in (sdk.folder / "README.md").read_text(), (
        f"the {name} README's quickstart is not {example.name} as written"
    )
    clean = tmp_path / "clean"
    clean.mkdir()
    script = clean / example.name
    script.write_text(text)
    command = _install_and_command(sdk, script, clean)
    account = new_account(quickstart_server.database_url, name="Quickstart", plan="enterprise")
    done = subprocess.run(
        command,
        cwd=clean,
        env={
            **os.environ,
            **GO_ENV,
            "STATESET_BASE_URL": quickstart_server.base_url,
            "STATESET_API_KEY": account.sk_test,
        },
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The flow happened on the server: one order, paid, shipped, delivered and refunded.
    with httpx.Client(base_url=quickstart_server.base_url, timeout=30) as http:
        orders = Rest(http, account.sk_test).ok(Rest(http, account.sk_test).get("/v1/orders"))
    assert [o["status"] for o in orders["data"]] == ["delivered"], done.stdout
    assert orders["data"][0]["amount_refunded"] > 0
