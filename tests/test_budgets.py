"""What a process takes on at once (issue 19, item 8): idle connections, WebSockets that
never send ``connection_init`` and quiet subscribers never starve HTTP or ``/health``;
requests in flight have their budget, answered over it with the contract's 503; sockets
have theirs. Against a real ``serve`` on real sockets, with budgets small enough that
tens of sockets reach them."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
from websockets.exceptions import InvalidStatus

from stateset_gql.settings import ConfigurationError, Settings
from tests.redis_support import free_port
from tests.support import CREATE_CUSTOMER, LiveServer, data, gql, new_account, run_cli, serve_cli
from tests.ws_support import LEGACY_WS, Closed, GraphQLSocket

LIMIT = 8  # --limit-concurrency: HTTP requests in flight
UNAUTHENTICATED = 10  # WebSockets waiting for connection_init
SOCKETS = 40  # WebSockets open
COUNT = "{ customers { totalCount } }"
EVENTS = 'subscription { events(types: ["customer.*"]) { id type } }'


@dataclass
class Served:
    base_url: str
    database_url: str

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.base_url.removeprefix("http://").split(":")
        return host, int(port)

    def connect(self) -> socket.socket:
        return socket.create_connection(self.address, timeout=10)

    def held_request(self, key: str) -> socket.socket:
        """A request whose body never finishes arriving: in flight until the socket closes."""
        sock = self.connect()
        host = self.base_url.removeprefix("http://")
        sock.sendall(
            (
                f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            ).encode()
            + b'{"query": "{ customers { total'
        )
        return sock


@pytest.fixture(scope="module")
def served(sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``stateset-gql serve --limit-concurrency 8``, with small WebSocket budgets."""
    log = tmp_path_factory.mktemp("budgets") / "server.log"
    with serve_cli(
        "--limit-concurrency",
        str(LIMIT),
        port=free_port(),
        log=log,
        STATESET_DATABASE_URL=sqlite_url,
        STATESET_ENV="test",
        STATESET_WS_MAX_SOCKETS=str(SOCKETS),
        STATESET_WS_MAX_UNAUTHENTICATED=str(UNAUTHENTICATED),
    ) as base_url:
        yield Served(base_url=base_url, database_url=sqlite_url)


def _answers(base_url: str, key: str) -> None:
    """``/health`` is 200, and a keyed read and a keyed write succeed."""
    with httpx.Client(base_url=base_url, timeout=10) as http:
        health = http.get("/health")
        assert health.status_code == 200, health.text
        data(gql(http, key, COUNT))
        email = f"budget{time.perf_counter_ns()}@example.com"
        data(gql(http, key, CREATE_CUSTOMER, {"input": {"email": email}}))


def _refusal(response: httpx.Response | Any, limit: str) -> dict[str, Any]:
    """The contract's 503 naming ``limit``, with its request id and Retry-After."""
    assert response.status_code == 503, response
    assert int(response.headers["Retry-After"]) >= 1
    content = response.content if isinstance(response, httpx.Response) else response.body
    body = orjson.loads(content)
    error = body["errors"][0]["extensions"] if "errors" in body else body["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert error["type"] == "api_error"
    assert error["details"][0]["param"] == limit
    assert error["request_id"].startswith("req_")
    assert error["request_id"] == response.headers["X-Request-Id"]
    return dict(error)


def _eventually(check: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            check()
            return
        except (AssertionError, InvalidStatus, httpx.HTTPError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_idle_connections_do_not_starve_health_or_requests(served: Served) -> None:
    account = new_account(served.database_url)
    with ExitStack() as stack:
        for _ in range(2 * LIMIT):  # keep-alive connections, idle after one request
            client = stack.enter_context(httpx.Client(base_url=served.base_url, timeout=10))
            assert client.get("/health").status_code == 200
        for _ in range(3 * LIMIT):  # connections that never send a byte
            stack.enter_context(served.connect())
        time.sleep(0.2)  # the server has taken them all
        _answers(served.base_url, account.sk_test)


def test_websockets_that_never_initialise_do_not_starve_http(served: Served) -> None:
    account = new_account(served.database_url)
    with ExitStack() as stack:
        for _ in range(UNAUTHENTICATED):
            stack.enter_context(GraphQLSocket(served.base_url))
        _answers(served.base_url, account.sk_test)
        # One more would wait among the unauthenticated: refused before the upgrade.
        with pytest.raises(InvalidStatus) as refused:
            GraphQLSocket(served.base_url)
        error = _refusal(refused.value.response, "websockets_unauthenticated")
        assert "connection_init" in error["message"]
    # Their places are given back when they close.
    _eventually(lambda: GraphQLSocket(served.base_url).close())


def test_many_subscribers_do_not_make_a_write_503(served: Served) -> None:
    account = new_account(served.database_url)
    with ExitStack() as stack:
        subscribers = []
        for number in range(3 * LIMIT):
            ws = stack.enter_context(GraphQLSocket(served.base_url))
            assert ws.init(account.sk_test)["type"] == "connection_ack"
            ws.subscribe(str(number), EVENTS)
            subscribers.append(ws)
        time.sleep(0.2)  # the subscriptions are following
        _answers(served.base_url, account.sk_test)
        assert subscribers[-1].next_data(str(3 * LIMIT - 1))["events"]["type"] == (
            "customer.created"
        )


def test_a_request_over_the_budget_is_a_json_503_with_a_request_id(served: Served) -> None:
    account = new_account(served.database_url)
    with ExitStack() as stack:
        for _ in range(LIMIT):
            stack.enter_context(served.held_request(account.sk_test))
        with httpx.Client(base_url=served.base_url, timeout=10) as http:
            # The held requests are in: the next one is over the budget.
            _eventually(
                lambda: _refusal(
                    http.get("/v1/customers", headers=_auth(account)), "requests_in_flight"
                )
            )
            _refusal(gql(http, account.sk_test, COUNT), "requests_in_flight")
            # Unauthenticated too: nothing runs for a request over the budget.
            _refusal(http.get("/v1/customers"), "requests_in_flight")
            health = http.get("/health")
            assert health.status_code == 200, health.text
    # The held requests end with their connections, and give their places back.
    _eventually(lambda: _answers(served.base_url, account.sk_test))


def _auth(account: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.sk_test}"}


# The WebSocket budgets in one process


@pytest.fixture
def socket_server(sqlite_url: str) -> Iterator[LiveServer]:
    live = LiveServer.start(
        database_url=sqlite_url, ws_max_sockets=3, ws_max_unauthenticated=2, ws_init_seconds=1.0
    )
    try:
        yield live
    finally:
        live.stop()


def test_a_legacy_socket_that_never_initialises_is_closed_and_gives_its_place_back(
    socket_server: LiveServer,
) -> None:
    base_url = socket_server.base_url
    waiting = [GraphQLSocket(base_url, protocol=LEGACY_WS) for _ in range(2)]
    try:
        with pytest.raises(InvalidStatus) as refused:
            GraphQLSocket(base_url, protocol=LEGACY_WS)
        _refusal(refused.value.response, "websockets_unauthenticated")
        for ws in waiting:
            with pytest.raises(Closed) as closed:
                ws.receive(timeout=5)
            assert closed.value.code == 4408
    finally:
        for ws in waiting:
            ws.close()
    _eventually(lambda: GraphQLSocket(base_url, protocol=LEGACY_WS).close())


def test_sockets_beyond_the_open_budget_are_refused_naming_it(
    socket_server: LiveServer,
) -> None:
    account = new_account(socket_server.database_url)
    with ExitStack() as stack:
        for _ in range(3):
            ws = stack.enter_context(GraphQLSocket(socket_server.base_url))
            assert ws.init(account.sk_test)["type"] == "connection_ack"
        with pytest.raises(InvalidStatus) as refused:
            GraphQLSocket(socket_server.base_url)
        _refusal(refused.value.response, "websockets_open")


# The knobs


def test_socket_budgets_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {"STATESET_WS_MAX_SOCKETS": "50", "STATESET_WS_MAX_UNAUTHENTICATED": "5"}
    )
    assert (settings.ws_max_sockets, settings.ws_max_unauthenticated) == (50, 5)
    with pytest.raises(ConfigurationError, match="STATESET_WS_MAX_SOCKETS"):
        Settings.from_env({"STATESET_WS_MAX_SOCKETS": "0"})
    with pytest.raises(ConfigurationError, match="at most STATESET_WS_MAX_SOCKETS"):
        Settings.from_env({"STATESET_WS_MAX_SOCKETS": "5", "STATESET_WS_MAX_UNAUTHENTICATED": "6"})


def test_serve_refuses_a_connection_cap_the_budgets_would_not_fit_under(
    sqlite_url: str,
) -> None:
    done = run_cli(
        "serve",
        "--port",
        str(free_port()),
        "--limit-connections",
        "500",
        database_url=sqlite_url,
        STATESET_ENV="test",
    )
    assert done.returncode == 2, done.stderr
    assert "--limit-connections (500) must be above --limit-concurrency (1000)" in done.stderr
