"""The one HTTP client of a run. Always built here (or handed a transport by tests): never a global."""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import sniffio

from ..settings import Settings
from .guard import TargetGuard
from .transport import OriginPools


@contextlib.asynccontextmanager
async def open_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None,
                      guard: TargetGuard | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """:func:`build_client`, open for the block, in a context that says it runs asyncio. httpcore and anyio ask
    sniffio which async library runs for every lock and cancel scope they make; unanswered, sniffio finds out by
    importing and asking asyncio each time (29,000 asks for 3,000 links). The tasks the block starts inherit the
    answer; the caller's context is left as it was."""
    token = sniffio.current_async_library_cvar.set("asyncio") \
        if sniffio.current_async_library_cvar.get() is None else None
    try:
        async with build_client(settings, transport, guard) as client:
            yield client
    finally:
        if token is not None:
            sniffio.current_async_library_cvar.reset(token)


def build_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None,
                 guard: TargetGuard | None = None) -> httpx.AsyncClient:
    """HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE apply. Redirects are followed by fetch(), hop by hop, so each
    hop is recorded. Connections come from one small pool per origin (check/transport.py), direct ones through
    the SSRF guard; a ``transport`` handed in (tests) replaces the network altogether."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout, pool=None
    )
    if transport is None:
        transport = OriginPools(guard or TargetGuard.for_settings(settings),
                                per_origin=max(settings.per_host, settings.wayback_concurrency) + 2,
                                max_idle_pools=max(64, settings.concurrency * 2))
    client = httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
            # no Accept-Language: the page in its default language is what the archive's crawler saw
            **dict(settings.headers),  # the user's own (--header), over these
        },
    )
    # cookies live along one redirect chain (fetch.py), never in a run-wide jar: httpx would parse every answer
    # into http.cookiejar and copy the whole jar into every request (a tenth of a run's CPU on long lists)
    client._cookies = _NoJar()
    return client


class _NoJar(httpx.Cookies):
    """A cookie jar that keeps nothing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None
