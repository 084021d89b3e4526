"""The live probe (check/live.py): HEAD for files, GET to confirm, sibling probes for soft 404s."""
from __future__ import annotations

import asyncio

import httpx
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


def test_a_page_with_not_found_words_gets_a_sibling_probe():
    seen = []

    def handler(request):
        seen.append(request.url.path)
        return httpx.Response(200, html="<title>Nicht gefunden</title><p>Der Hund wurde nicht gefunden.</p>")

    obs = probe(handler, "https://site.example/papers/gone")
    assert obs.sibling is not None and obs.sibling.page.title == "Nicht gefunden"
    assert seen[0] == "/papers/gone" and seen[1].startswith("/papers/citecheck-")


def test_a_page_that_says_it_is_not_found_needs_no_sibling_probe():
    seen = []

    def handler(request):
        seen.append(request.url.path)
        return httpx.Response(200, html="<title>Page not found | Example</title>")

    obs = probe(handler, "https://site.example/papers/gone")
    assert obs.sibling is None and seen == ["/papers/gone"]


def test_sibling_url_stays_in_the_same_folder():
    assert sibling_url("https://a.example/x/y/page.html?q=1").startswith("https://a.example/x/y/citecheck-")
