"""The live probe (check/live.py): HEAD for files, GET to confirm, sibling probes for soft 404s."""
from __future__ import annotations

import asyncio

import httpx
import pytest
from mockweb import FAST
from virtualtime import run

from citecheck.check.client import build_client
from citecheck.check.live import LiveProber, prefers_head, sibling_url
from citecheck.check.politeness import HostGates


def probe(handler, url):
    async def go():
        async with build_client(FAST, httpx.MockTransport(handler)) as client:
            return await LiveProber(client, FAST, HostGates(2, 0.0, asyncio.Semaphore(4))).check(url)

    return run(go())


def test_head_refused_is_confirmed_with_get():
    seen = []

    def handler(request):
        seen.append(request.method)
        if request.method == "HEAD":
            return httpx.Response(405)
        return httpx.Response(200, headers={"Content-Type": "application/pdf"})

    obs = probe(handler, "https://site.example/report.pdf")
    assert seen == ["HEAD", "GET"] and obs.fetch.status == 200 and obs.head.status == 405


def test_head_success_for_a_file_needs_no_get():
    seen = []

    def handler(request):
        seen.append(request.method)
        return httpx.Response(200, headers={"Content-Type": "application/pdf"})

    assert probe(handler, "https://site.example/r.pdf").fetch.status == 200 and seen == ["HEAD"]


def test_prefers_head_only_for_files():
    assert prefers_head("https://a.example/x/report.PDF")
    assert not prefers_head("https://a.example/x/article.html")


@pytest.mark.parametrize("page, probed", [
    ("<title>Nicht gefunden</title><p>Der Hund wurde nicht gefunden.</p>", True),  # words that prove nothing alone
    ("<title>Page not found | Example</title>", False),  # a page that says it outright needs no probe
])
def test_a_page_with_not_found_words_gets_a_sibling_probe(page, probed):
    seen = []

    def handler(request):
        seen.append(request.url.path)
        return httpx.Response(200, html=page)

    obs = probe(handler, "https://site.example/papers/gone")
    assert (obs.sibling is not None) is probed and seen[0] == "/papers/gone"
    assert seen[1:] == ([seen[1]] if probed else []) and all(p.startswith("/papers/citecheck-") for p in seen[1:])


def test_sibling_url_stays_in_the_same_folder():
    assert sibling_url("https://a.example/x/y/page.html?q=1").startswith("https://a.example/x/y/citecheck-")
