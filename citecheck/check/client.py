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
    if transport is None:
        transport = _guarded_transport(guard or TargetGuard.for_settings(settings), limits)
    return httpx.AsyncClient(
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


def _guarded_transport(guard: TargetGuard, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, its connection pool given the guard's network backend (httpx has no parameter for
    it, so the pool it made is replaced by an equal one that has it)."""
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=True)
    transport._pool = guarded_pool(guard, httpx.create_ssl_context(trust_env=True), limits.max_connections,
                                   limits.max_keepalive_connections)
    return transport
