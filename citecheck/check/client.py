"""The one HTTP client of a run. Always built here (or handed a transport by tests): never a global."""
from __future__ import annotations

import httpx

from ..settings import Settings


def build_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """trust_env lets HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE apply. Redirects are followed by fetch(), hop by
    hop, so each hop is recorded."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout, pool=None
    )
    limits = httpx.Limits(max_connections=settings.concurrency + settings.wayback_concurrency + 8,
                          max_keepalive_connections=64)
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
            **dict(settings.headers),  # the user's own (--header), over these
        },
    )
