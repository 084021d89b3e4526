"""A published article checked by its URL: the page is fetched (one request, through fetch()), and its text
handed to the parsers like a file's."""
from __future__ import annotations

import asyncio

import httpx

from ..errors import InputError
from ..model import Fetch
from ..settings import Settings
from .client import open_client
from .fetch import fetch
from .page import encoding_of


def page_text(page: Fetch) -> str:
    """The page's text, in the encoding the page reader finds for it (a BOM; UTF-8 when valid; the Content-Type's or
    the page's own charset; else a guess between the legacy Cyrillic and Western encodings)."""
    return page.body.decode(encoding_of(page.body, page.content_type), errors="replace")


async def _fetch_all(urls: list[str], settings: Settings, transport: httpx.AsyncBaseTransport | None) -> list[Fetch]:
    async with open_client(settings, transport) as client:
        return list(await asyncio.gather(*(fetch(client, "GET", u, settings, keep_body=True) for u in urls)))


def fetch_documents(urls: list[str], settings: Settings,
                    transport: httpx.AsyncBaseTransport | None = None) -> dict[str, tuple[str, str, str]]:
    """Each URL's page as (text, content type, the URL it was found at after redirects); InputError names a
    page that could not be had."""
    if not urls:
        return {}
    pages = asyncio.run(_fetch_all(urls, settings, transport))
    out: dict[str, tuple[str, str, str]] = {}
    for url, page in zip(urls, pages, strict=True):
        if page.error or not page.answered_ok:
            why = f"HTTP {page.status}" if page.status and not page.error else (page.error_detail or str(page.error))
            raise InputError(f"{url}: could not fetch the page ({why})")
        out[url] = (page_text(page), page.content_type or "", page.final_url or url)
    return out
