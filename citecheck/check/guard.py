"""Where citecheck may connect: a reference list is untrusted input, so by default no request goes to a private,
loopback, link-local, unique-local, multicast, unspecified or reserved address (an SSRF guard).

Two layers. Every URL, and every redirect hop, is checked before it is requested: an IP literal in any spelling a
resolver accepts (127.1, 2130706433, 0x7f.0.0.1, 0177.0.0.1, [::ffff:169.254.169.254]) and localhost names are
refused. For direct connections, a name is resolved by citecheck itself and the connection goes to an address
it vetted, so a DNS answer that changes between the check and the connection cannot slip through. Through an
HTTP(S) proxy the proxy resolves names; only the first layer applies there (the README says what to configure on
the proxy). The archive endpoints the user configured (``--wayback-url``...) are the user's own choice and trusted.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import httpcore

from ..settings import Settings
from ..urls import Address, host_address, request_host
from .streams import AsyncioBackend, SocketOption

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "localhost6"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedTarget(Exception):
    """A request to an address the guard does not allow; the message says which and why."""


def _embedded_ipv4(addr: Address) -> ipaddress.IPv4Address | None:
    if not isinstance(addr, ipaddress.IPv6Address):
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr in _NAT64 or (int(addr) >> 32 == 0 and int(addr) > 1):  # NAT64, and the old IPv4-compatible form
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def address_refusal(addr: Address) -> str | None:
    """Why this address may not be contacted, or None for a public one."""
    embedded = _embedded_ipv4(addr)
    if embedded is not None:
        return address_refusal(embedded)
    site_local = isinstance(addr, ipaddress.IPv6Address) and addr.is_site_local  # fec0::/10, deprecated, still private
    for test, why in ((addr.is_loopback, "loopback"), (addr.is_link_local, "link-local"), (site_local, "site-local"),
                      (addr.is_unspecified, "unspecified"), (addr.is_multicast, "multicast"),
                      (addr.is_reserved, "reserved"), (addr.is_private, "private")):
        if test:
            return why
    return None if addr.is_global else "non-public"


def endpoint(url: str) -> tuple[str, int] | None:
    """(host, port) of a URL, the scheme's port when none is written; None when it has no host."""
    try:
        p = urllib.parse.urlsplit(url)
        port = p.port or {"http": 80, "https": 443}.get(p.scheme.lower(), 0)
    except ValueError:
        return None
    if not p.hostname:
        return None
    # the host httpx will connect to (127。0。0。1 is 127.0.0.1 to it), else as written
    return (request_host(p.hostname) or p.hostname.lower(), port)


def scheme_refusal(url: str) -> str | None:
    """Why a URL that is not http(s) is never requested (a redirect to file: or gopher:), or None."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return None if scheme in ("http", "https") else f"a {scheme or 'scheme-less'}: URL is never requested"


@dataclass(frozen=True)
class TargetGuard:
    """The guard of one run: ``allow_private`` turns it off; ``trusted`` are the endpoints the user configured
    (host and port: a Wayback mirror on 127.0.0.1:8080 does not open 127.0.0.1's other ports)."""

    allow_private: bool = False
    trusted: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def for_settings(cls, settings: Settings) -> TargetGuard:
        ends = (endpoint(settings.wayback_base), endpoint(settings.availability_url))
        return cls(settings.allow_private, frozenset(e for e in ends if e))

    def exempt(self, host: str, port: int) -> bool:
        return self.allow_private or (host.lower(), port) in self.trusted

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be requested (not http(s), as a redirect to file: would be; a localhost name; a
        non-public address literal), or None."""
        why = scheme_refusal(url)
        if why:
            return why
        end = endpoint(url)
        if end is None or self.exempt(*end):
            return None
        host = end[0].rstrip(".")  # ("localhost." is localhost: a name with its root dot)
        if host in LOCAL_NAMES or host.endswith(".localhost"):
            return f"{host} is a localhost name"
        addr = host_address(host)
        why = address_refusal(addr) if addr is not None else None
        return f"{host} is a {why} address" if why else None

    def vetted(self, host: str, addresses: Iterable[str]) -> list[str]:
        """The addresses of ``host`` that may be contacted; RefusedTarget when none may."""
        allowed: list[tuple[str, str | None]] = []
        refused: list[tuple[str, str | None]] = []
        for a in dict.fromkeys(addresses):
            why = address_refusal(ipaddress.ip_address(a.split("%", 1)[0]))
            (refused if why else allowed).append((a, why))
        if not allowed and refused:
            a, why = refused[0]
            raise RefusedTarget(f"{host} resolves to a {why} address ({a})")
        return [a for a, _ in allowed]


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that resolves names itself and connects only to addresses the guard vetted."""

    def __init__(self, guard: TargetGuard, inner: httpcore.AsyncNetworkBackend | None = None,
                 resolve: Callable[[str, int], Awaitable[list[str]]] = system_resolve):
        self.guard = guard
        self.inner = inner or AsyncioBackend()
        self.resolve = resolve

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[SocketOption] | None = None) -> httpcore.AsyncNetworkStream:
        if self.guard.exempt(host, port):
            return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        literal = host_address(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                async with asyncio.timeout(timeout):
                    addresses = await self.resolve(host, port)
            except TimeoutError as e:
                raise httpcore.ConnectTimeout(f"resolving {host} timed out") from e
            except OSError as e:
                raise httpcore.ConnectError(str(e)) from e
        last: Exception | None = None
        for address in self.guard.vetted(host, addresses):
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        raise last or httpcore.ConnectError(f"{host} has no address")

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[SocketOption] | None = None) -> httpcore.AsyncNetworkStream:
        raise RefusedTarget("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def guarded_pool(guard: TargetGuard, ssl_context: ssl.SSLContext, max_connections: int | None,
                 max_keepalive_connections: int | None) -> httpcore.AsyncConnectionPool:
    return httpcore.AsyncConnectionPool(ssl_context=ssl_context, max_connections=max_connections,
                                        max_keepalive_connections=max_keepalive_connections,
                                        network_backend=GuardedBackend(guard))
