"""The webhook sender against real local servers: TLS to the checked address with the
host kept, timeouts, redirects not followed, the kept part of a response, kept-alive
connections and one that was closed while idle."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from stateset_gql.webhooks import addresses
from stateset_gql.webhooks import sender as sender_module
from stateset_gql.webhooks.queue import Attempt, Claimed
from stateset_gql.webhooks.sender import KEPT_RESPONSE_BYTES, Sender

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def delivery(url: str, *, livemode: bool = False) -> Claimed:
    return Claimed(
        id="wd_1", token="t", endpoint_id="we_1", event_id="evt_1", event_type="order.paid",
        body=b'{"id":"evt_1"}', url=url, livemode=livemode, secrets=["whsec_AAAA"],
    )  # fmt: skip


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, dict[bytes, bytes]]:
    head = await reader.readuntil(b"\r\n\r\n")
    line, *fields = head[:-4].split(b"\r\n")
    headers = {}
    for item in fields:
        name, _, value = item.partition(b":")
        headers[name.strip().lower()] = value.strip()
    await reader.readexactly(int(headers[b"content-length"]))
    return line, headers


class Server:
    """An asyncio server in the test's loop, counting its connections and requests."""

    def __init__(self, answer: bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[tuple[bytes, dict[bytes, bytes]]] = []
        self.close_after_answer = False
        self.silent = False
        self.closed = 0  # connections the sender closed

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                self.requests.append(await read_request(reader))
                if self.silent:
                    await asyncio.sleep(60)
                writer.write(self.answer)
                await writer.drain()
                if self.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed += 1
        finally:
            writer.close()


async def serving(server: Server, tls: ssl.SSLContext | None = None) -> asyncio.Server:
    return await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=tls)


def port_of(listening: asyncio.Server) -> int:
    port: int = listening.sockets[0].getsockname()[1]
    return port


def send_all(server: Server, count: int, timeout: float = 30.0) -> list[Attempt]:
    async def run() -> list[Attempt]:
        listening = await serving(server)
        sender = Sender(timeout=timeout)
        url = f"http://127.0.0.1:{port_of(listening)}/in?source=test"
        try:
            return [await sender.send(delivery(url)) for _ in range(count)]
        finally:
            await sender.close()
            listening.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for hooks.example.com."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=hooks.example.com", "-addext", "subjectAltName=DNS:hooks.example.com",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def send_over_tls(
    certificate: tuple[Path, Path], server: Server, host: str, names: list[str | None]
) -> Attempt:
    """One live attempt to https://hooks.example.com/in?a=1, which ``host`` "resolves" to,
    to a TLS server on 127.0.0.1 with the certificate; the server names it was asked for."""
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    server_tls.sni_callback = lambda _sock, name, _ctx: names.append(name)
    client_tls = ssl.create_default_context(cafile=str(cert))

    async def run() -> Attempt:
        listening = await serving(server, server_tls)

        class Pinned(addresses.Resolver):
            async def target(self, url: str, *, livemode: bool) -> addresses.Target:
                # As a public name resolves and is checked; the test's address stands in.
                return addresses.Target(host=host, port=port_of(listening), address="127.0.0.1")

        sender = Sender(resolver=Pinned(), tls=client_tls, timeout=5)
        try:
            return await sender.send(delivery("https://hooks.example.com/in?a=1", livemode=True))
        finally:
            await sender.close()
            listening.close()

    return asyncio.run(run())


def test_a_live_attempt_dials_the_checked_address_over_tls_with_the_host_kept(
    certificate: tuple[Path, Path],
) -> None:
    names: list[str | None] = []
    server = Server(b"HTTP/1.1 204 No Content\r\n\r\n")
    attempt = send_over_tls(certificate, server, "hooks.example.com", names)
    assert (attempt.status_code, attempt.error) == (204, None)
    assert names == ["hooks.example.com"]
    [(line, headers)] = server.requests
    assert line == b"POST /in?a=1 HTTP/1.1"
    assert headers[b"host"] == b"hooks.example.com"
    assert headers[b"user-agent"] == b"StateSet-Webhooks/1"
    assert headers[b"webhook-id"] == b"wd_1"


def test_a_server_whose_certificate_is_not_for_the_host_fails_the_attempt(
    certificate: tuple[Path, Path],
) -> None:
    names: list[str | None] = []
    server = Server()
    attempt = send_over_tls(certificate, server, "other.example.com", names)
    assert attempt.status_code is None
    assert attempt.error is not None
    assert "CERTIFICATE_VERIFY_FAILED" in attempt.error
    assert names == ["other.example.com"]
    assert server.requests == []


def test_an_attempt_that_gets_no_answer_in_time_is_timed_out() -> None:
    server = Server()
    server.silent = True
    [attempt] = send_all(server, 1, timeout=0.3)
    assert (attempt.status_code, attempt.error) == (None, "timed out")
    assert 250 <= attempt.duration_ms < 2000


def test_a_redirect_is_a_failed_attempt_and_is_not_followed() -> None:
    server = Server(
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/x\r\nContent-Length: 0\r\n\r\n"
    )
    [attempt] = send_all(server, 1)
    assert (attempt.status_code, attempt.error) == (302, "HTTP 302")
    assert len(server.requests) == 1


def test_the_first_kilobyte_of_a_response_is_kept() -> None:
    big = b"x" * 100_000
    server = Server(b"HTTP/1.1 500 Oops\r\nContent-Length: %d\r\n\r\n%s" % (len(big), big))
    first, second = send_all(server, 2)
    assert first.error == "HTTP 500"
    assert first.response_body == "x" * KEPT_RESPONSE_BYTES
    # Not read to its end: that connection was closed, the next attempt made another.
    assert second.status_code == 500
    assert server.connections == 2


def test_a_chunked_answer_is_read_and_its_connection_kept() -> None:
    server = Server(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    attempts = send_all(server, 3)
    assert [(a.status_code, a.response_body) for a in attempts] == [(200, "abcde")] * 3
    assert server.connections == 1


def test_attempts_to_one_receiver_reuse_a_kept_alive_connection() -> None:
    server = Server()
    attempts = send_all(server, 20)
    assert all(a.ok for a in attempts)
    assert (server.connections, len(server.requests)) == (1, 20)


def test_a_connection_closed_while_idle_is_replaced_and_nothing_is_sent_twice() -> None:
    server = Server()
    # Closed after each answer, as a receiver's keep-alive timeout would, without saying so.
    server.close_after_answer = True
    attempts = send_all(server, 5)
    assert all(a.ok for a in attempts)
    assert (server.connections, len(server.requests)) == (5, 5)


def test_a_connection_refused_is_recorded() -> None:
    async def run() -> Attempt:
        listening = await serving(Server())
        port = port_of(listening)
        listening.close()
        await listening.wait_closed()
        sender = Sender()
        try:
            return await sender.send(delivery(f"http://127.0.0.1:{port}/in"))
        finally:
            await sender.close()

    attempt = asyncio.run(run())
    assert attempt.status_code is None
    assert attempt.error is not None
    assert attempt.error.startswith(("ConnectionRefusedError", "OSError"))


@pytest.mark.parametrize("url", ["http://8.8.8.8/in", "https://127.0.0.1/in"])
def test_a_live_attempt_to_a_refused_address_is_recorded_without_a_connection(url: str) -> None:
    async def run() -> Attempt:
        sender = Sender()
        try:
            return await sender.send(delivery(url, livemode=True))
        finally:
            await sender.close()

    attempt = asyncio.run(run())
    assert attempt.status_code is None
    assert attempt.error is not None
    assert attempt.error.startswith("refused: ")


def test_connections_to_a_receiver_no_longer_sent_to_are_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sender_module, "KEEP_SECONDS", 0.2)
    first, second = Server(), Server()

    async def run() -> tuple[int, int]:
        one, two = await serving(first), await serving(second)
        sender = Sender()
        try:
            assert (await sender.send(delivery(f"http://127.0.0.1:{port_of(one)}/in"))).ok
            await asyncio.sleep(0.3)
            # Sending elsewhere later closes what the first receiver was kept.
            assert (await sender.send(delivery(f"http://127.0.0.1:{port_of(two)}/in"))).ok
            await asyncio.sleep(0.1)
            return first.closed, len(sender._idle)
        finally:
            await sender.close()
            one.close()
            two.close()

    assert asyncio.run(run()) == (1, 1)
