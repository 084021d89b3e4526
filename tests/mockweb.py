"""MockTransport helpers for the unit tests of the checking stage."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx

from citecheck.check.client import build_client
from citecheck.check.politeness import HostGates, RetryPolicy, fetch_politely
from citecheck.model import Fetch
from citecheck.settings import Settings

FAST = replace(Settings(), host_interval=0.0, max_retry_after=2.0, use_cache=False, share_wayback_budget=False)


async def polite_get(handler, url: str = "https://site.example/a", settings: Settings = FAST, method: str = "GET",
                     **kw) -> Fetch:
    """One fetch_politely() through a MockTransport answering with ``handler``."""
    async with build_client(settings, httpx.MockTransport(handler)) as client:
        gates = HostGates(settings.per_host, settings.host_interval, asyncio.Semaphore(8))
        return await fetch_politely(client, method, url, settings, gates=gates, policy=RetryPolicy(settings), **kw)


class Chunks(httpx.AsyncByteStream):
    """A body that arrives over the wire in pieces (MockTransport's in-memory bodies skip the stream path)."""

    def __init__(self, data: bytes, size: int = 16384):
        self.data, self.size, self.sent = data, size, 0

    async def __aiter__(self):
        for i in range(0, len(self.data), self.size):
            self.sent += self.size
            yield self.data[i:i + self.size]
