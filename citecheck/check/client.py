"""The one HTTP client of a run. Always built here (or handed a transport by tests): never a global."""
from __future__ import annotations

import httpx

from ..settings import Settings
from .guard import TargetGuard, guarded_pool


def build_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None,
                 guard: TargetGuard | None = None) -> httpx.AsyncClient:
    """trust_env lets HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE apply. Redirects are followed by fetch(), hop by
    hop, so each hop is recorded. Direct connections go through the guard's network backend (check/guard.py);
    a ``transport`` handed in (tests) replaces the network altogether."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout, pool=None
    )
    limits = httpx.Limits(max_connections=settings.concurrency + settings.wayback_concurrency + 8,
                          max_keepalive_connections=64)
    client = httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        trust_env=True,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
            # no Accept-Language: the page in its default language is what the archive's crawler saw
        },
    )
    if transport is None:
        _guard_direct_connections(client, guard or TargetGuard.for_settings(settings), limits)
    return client


def _guard_direct_connections(client: httpx.AsyncClient, guard: TargetGuard, limits: httpx.Limits) -> None:
    """The client's transport for direct connections (not those through a proxy from HTTP(S)_PROXY, which the
    client mounts itself) gets a connection pool with the guard's network backend. httpx has no parameter for a
    network backend, so the pool it made is replaced by an equal one that has it (httpx is pinned below 0.29)."""
    direct = client._transport
    if not isinstance(direct, httpx.AsyncHTTPTransport) or not hasattr(direct, "_pool"):
        raise RuntimeError("this httpx has no AsyncHTTPTransport._pool: citecheck cannot guard its connections")
    direct._pool = guarded_pool(guard, httpx.create_ssl_context(trust_env=True), limits.max_connections,
                                limits.max_keepalive_connections)
