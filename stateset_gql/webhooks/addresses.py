"""Where a webhook may go: no requests into private networks (API.md section 9).

A live-mode endpoint must be ``https`` and every address its host resolves to must be a
public one: not loopback, private, link-local, unique-local, unspecified, multicast or
otherwise reserved, in IPv4 and IPv6. An IPv6 address that carries an IPv4 one (mapped,
translated, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) is judged as the IPv4 address it
carries; the deprecated IPv4-compatible ``::/96``, local-use NAT64 ``64:ff9b:1::/48`` and
the IETF's ``192.0.0.0/24`` (bar its two global anycast addresses) are never public. The
check runs when an endpoint is saved and again at every connection, which then goes to
the very address that was checked (DNS may change in between). Test mode may use
``http`` and any address, so local development works.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# A resolution is reused this long: what is reused was checked, and is what is dialled.
RESOLVE_TTL_SECONDS = 10.0


class Refused(Exception):
    """A URL or address a webhook may not go to; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where one attempt connects: the URL's host, and the checked address to dial
    (None: dial the host by name, as test mode may)."""

    host: str
    port: int
    address: str | None


# IPv6 prefixes whose last 32 bits are an IPv4 address: NAT64's and SIIT's translated.
_CARRYING = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::ffff:0:0:0/96"))
# Never public, whatever this Python's ``is_global`` says of them.
_NEVER_V6 = (ipaddress.IPv6Network("::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_NEVER_V4 = (ipaddress.IPv4Network("192.0.0.0/24"),)
_ANYCAST = (ipaddress.IPv4Address("192.0.0.9"), ipaddress.IPv4Address("192.0.0.10"))


def _carried(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries, if it is a form that carries one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in prefix for prefix in _CARRYING):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in prefix for prefix in _NEVER_V6):
            return False
        address = _carried(address) or address
    if (
        isinstance(address, ipaddress.IPv4Address)
        and address not in _ANYCAST
        and any(address in prefix for prefix in _NEVER_V4)
    ):
        return False
    return address.is_global and not address.is_multicast


def parse(url: str) -> SplitResult:
    """The URL's parts, or ``Refused`` if it is not an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise Refused("url is not a valid URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("url must be an absolute http or https URL")
    if parts.username is not None or parts.password is not None:
        raise Refused("url may not carry a user name or password")
    return parts


def check_scheme(parts: SplitResult, *, livemode: bool) -> None:
    if livemode and parts.scheme != "https":
        raise Refused("a live-mode url must use https")


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Refused(f"url's host {host} does not resolve") from exc
    found = dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
    if not found:
        raise Refused(f"url's host {host} does not resolve")
    return list(found)


def check_addresses(host: str, addresses: list[IPAddress]) -> None:
    for address in addresses:
        if not is_public(address):
            raise Refused(f"url's host {host} resolves to a private address ({address})")


async def check_url(url: str, *, livemode: bool) -> None:
    """Raises ``Refused`` if an endpoint of this mode may not have ``url``."""
    parts = parse(url)
    check_scheme(parts, livemode=livemode)
    if livemode:
        host = parts.hostname or ""
        check_addresses(host, await resolve(host, _port(parts)))


class Resolver:
    """Resolves and checks an endpoint's host before each connection; answers are kept
    ``RESOLVE_TTL_SECONDS`` per host, port and mode."""

    def __init__(self, ttl: float = RESOLVE_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._cache: dict[tuple[str, int, bool], tuple[float, Target]] = {}

    async def target(self, url: str, *, livemode: bool) -> Target:
        parts = parse(url)
        check_scheme(parts, livemode=livemode)
        host, port = parts.hostname or "", _port(parts)
        key = (host, port, livemode)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        if livemode:
            addresses = await resolve(host, port)
            check_addresses(host, addresses)
            target = Target(host=host, port=port, address=str(addresses[0]))
        else:
            target = Target(host=host, port=port, address=None)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (time.monotonic() + self.ttl, target)
        return target
