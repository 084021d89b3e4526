"""Connections: one small pool per origin instead of one pool for everything.

httpcore's pool looks at every pooled connection for every request, so a run over hundreds of hosts spent most of
its CPU scanning (13.6 million idle checks for 3,000 requests). Here each origin (scheme, host, port) gets a pool
of its own, sized for that origin's few requests in flight, and only the pools used lately are kept open: a pool
unused while ``max_idle_pools`` others were used is closed (bounded keep-alive: a 10,000-link list does not keep
thousands of sockets open). Proxies come from HTTP(S)_PROXY / NO_PROXY as httpx would take them; direct
connections go through the SSRF guard's network backend (check/guard.py).
"""
from __future__ import annotations

import itertools
import ssl
import urllib.request
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx

from .guard import TargetGuard, guarded_pool
from .streams import AsyncioBackend, default_tls

Origin = tuple[str, str, int]


class _Pool:
    def __init__(self, transport: httpx.AsyncHTTPTransport):
        self.transport = transport
        self.active = 0  # requests whose responses are not closed yet


class _Tracked(httpx.AsyncByteStream):
    """A response body that tells its pool when it is done with."""

    def __init__(self, stream: httpx.AsyncByteStream, done: Callable[[], None]):
        self._stream = stream
        self._done: Callable[[], None] | None = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            done, self._done = self._done, None
            if done is not None:
                done()


class OriginPools(httpx.AsyncBaseTransport):
    def __init__(self, guard: TargetGuard, *, per_origin: int, max_idle_pools: int = 256,
                 ssl_context: ssl.SSLContext | None = None, proxies: dict[str, str] | None = None):
        self.guard = guard
        self.per_origin = per_origin
        self.max_idle_pools = max_idle_pools
        self.ssl_context = ssl_context or default_tls()
        self.proxies = urllib.request.getproxies_environment() if proxies is None else proxies
        self._pools: OrderedDict[Origin, _Pool] = OrderedDict()
        self._retired: list[_Pool] = []

    def _proxy_for(self, scheme: str, host: str) -> str | None:
        proxy = self.proxies.get(scheme) or self.proxies.get("all")
        if not proxy or urllib.request.proxy_bypass(host):  # (NO_PROXY)
            return None
        return proxy

    def _new_pool(self, scheme: str, host: str) -> _Pool:
        limits = httpx.Limits(max_connections=self.per_origin, max_keepalive_connections=self.per_origin)
        proxy = self._proxy_for(scheme, host)
        transport = httpx.AsyncHTTPTransport(verify=self.ssl_context, limits=limits, proxy=proxy, trust_env=False)
        if proxy is None:
            # direct: a pool whose network backend resolves names itself and connects only to vetted addresses
            transport._pool = guarded_pool(self.guard, self.ssl_context, limits.max_connections,
                                           limits.max_keepalive_connections)
        else:
            transport._pool._network_backend = AsyncioBackend()  # (the proxy's pool, as httpx configured it)
        return _Pool(transport)

    def _pool(self, origin: Origin) -> _Pool:
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = self._new_pool(origin[0], origin[1])
        self._pools.move_to_end(origin)
        if len(self._pools) > self.max_idle_pools:
            self._retire()
        return pool

    def _retire(self) -> None:
        """Close the least recently used pools that have nothing in flight."""
        # (only the oldest few are looked at: the pools beyond the bound, not a list of every pool per request)
        for origin in list(itertools.islice(self._pools, len(self._pools) - self.max_idle_pools)):
            if self._pools[origin].active == 0:
                self._retired.append(self._pools.pop(origin))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._close_retired()
        url = request.url
        pool = self._pool((url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80)))
        pool.active += 1

        def done() -> None:
            pool.active -= 1

        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            done()
            raise
        response.stream = _Tracked(response.stream, done)  # type: ignore[arg-type]
        return response

    async def _close_retired(self) -> None:
        while self._retired:
            await self._retired.pop().transport.aclose()

    async def aclose(self) -> None:
        await self._close_retired()
        for pool in self._pools.values():
            await pool.transport.aclose()
        self._pools.clear()
