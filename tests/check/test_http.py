"""The request layer with httpx.MockTransport: retries, Retry-After, caps, error kinds."""
from __future__ import annotations

import asyncio
import gzip
import time
from dataclasses import replace

import httpx
import pytest

from citecheck.check.http import (
    HostGates,
    Pacer,
    build_client,
    fetch_with_retries,
    proxy_failure,
    retry_after_seconds,
)
from citecheck.check.live import LiveProber, prefers_head
from citecheck.settings import Settings

FAST = replace(Settings(), host_interval=0.0, max_retry_after=2.0)


def run(coro):
    return asyncio.run(coro)


async def _get(handler, url="https://site.example/a", settings=FAST, method="GET", **kw):
    async with build_client(settings, httpx.MockTransport(handler)) as client:
        gates = HostGates(settings.per_host, settings.host_interval, asyncio.Semaphore(8))
        return await fetch_with_retries(client, method, url, settings, gates=gates, **kw)


def test_5xx_is_retried_then_succeeds(monkeypatch):
    calls = []
    monkeypatch.setattr("citecheck.check.http.backoff", lambda attempt: 0.0)

    def handler(request):
        calls.append(request.url)
        return httpx.Response(503 if len(calls) < 3 else 200, html="<title>Fine</title>")

    f = run(_get(handler))
    assert f.status == 200 and f.attempts == 3 and f.page.title == "Fine"


def test_5xx_gives_up_after_the_retries(monkeypatch):
    monkeypatch.setattr("citecheck.check.http.backoff", lambda attempt: 0.0)
    calls = []
    f = run(_get(lambda r: calls.append(1) or httpx.Response(500)))
    assert f.status == 500 and len(calls) == FAST.retries + 1


@pytest.mark.parametrize("value", ["1", "HTTP-DATE"])
def test_429_retry_after_seconds_or_date_is_honoured(value):
    calls = []

    def handler(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            after = value if value != "HTTP-DATE" else _http_date(time.time() + 1.5)
            return httpx.Response(429, headers={"Retry-After": after})
        return httpx.Response(200, html="<title>ok</title>")

    f = run(_get(handler))
    assert f.status == 200
    assert calls[1] - calls[0] >= 0.5


def _http_date(t: float) -> str:
    import email.utils

    return email.utils.formatdate(t, usegmt=True)


def test_retry_after_parsing():
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds(_http_date(1000.0), now=990.0) == pytest.approx(10.0, abs=1)
    assert retry_after_seconds("soon") is None


def test_retry_after_longer_than_we_wait_reports_the_429():
    calls = []
    f = run(_get(lambda r: calls.append(1) or httpx.Response(429, headers={"Retry-After": "3600"})))
    assert f.status == 429 and len(calls) == 1


def test_redirects_are_recorded_hop_by_hop():
    def handler(request):
        return {
            "/a": httpx.Response(301, headers={"Location": "/b"}),
            "/b": httpx.Response(302, headers={"Location": "https://other.example/c"}),
        }.get(request.url.path, httpx.Response(200, html="<title>C</title>"))

    f = run(_get(handler))
    assert [(h.status, h.url) for h in f.hops] == [
        (301, "https://site.example/a"), (302, "https://site.example/b"), (200, "https://other.example/c")]
    assert f.final_url == "https://other.example/c"


def test_redirect_loop_is_an_error_not_a_hang():
    f = run(_get(lambda r: httpx.Response(302, headers={"Location": "/a" if r.url.path == "/b" else "/b"})))
    assert f.error == "redirect_loop"


class Chunks(httpx.AsyncByteStream):
    """A body that arrives over the wire in pieces (MockTransport's in-memory bodies skip the stream path)."""

    def __init__(self, data: bytes, size: int = 16384):
        self.data, self.size, self.sent = data, size, 0

    async def __aiter__(self):
        for i in range(0, len(self.data), self.size):
            self.sent += self.size
            yield self.data[i:i + self.size]


def test_body_read_is_capped_even_for_a_gzip_bomb():
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros in about 64 KiB
    stream = Chunks(bomb)
    f = run(_get(lambda r: httpx.Response(200, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"},
                                          stream=stream)))
    assert f.status == 200 and f.page.bytes_read == FAST.max_body_bytes
    assert stream.sent < len(bomb)  # stopped reading once the cap was reached


def test_endless_body_is_not_read_to_the_end():
    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self):
            while True:
                yield b"<p>" + b"x" * 65533

    f = run(_get(lambda r: httpx.Response(200, headers={"Content-Type": "text/html"}, stream=Endless())))
    assert f.status == 200 and f.page.bytes_read == FAST.max_body_bytes


def test_non_html_bodies_are_not_read():
    f = run(_get(lambda r: httpx.Response(200, headers={"Content-Type": "application/pdf"}, content=b"%PDF" + b"0" * 10**6)))
    assert f.status == 200 and f.page.bytes_read == 0


@pytest.mark.parametrize("exc,kind", [
    (httpx.ConnectError("[Errno -2] Name or service not known"), "dns"),
    (httpx.ConnectError("[Errno 111] Connection refused"), "refused"),
    (httpx.ProxyError("502 Bad Gateway"), "unreachable"),
    (httpx.ProxyError("504 Gateway Timeout"), "timeout"),
    (httpx.ReadTimeout("timed out"), "timeout"),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."), "empty"),
    (httpx.ReadError("Connection reset by peer"), "reset"),
])
def test_failures_become_error_kinds(exc, kind, monkeypatch):
    monkeypatch.setattr("citecheck.check.http.backoff", lambda attempt: 0.0)

    def handler(request):
        raise exc

    settings = replace(FAST, retries=0, timeout_retries=0)
    f = run(_get(handler, settings=settings))
    assert f.error == kind and f.status is None


def test_plain_http_proxy_error_pages_mean_the_host_is_unreachable():
    assert proxy_failure(502, httpx.Headers({"Proxy-Status": "squid; error=dns_error"})) == "dns"
    assert proxy_failure(503, httpx.Headers({"X-Squid-Error": "ERR_CONNECT_FAIL 111"})) == "refused"
    assert proxy_failure(502, httpx.Headers({"Server": "nginx"})) is None
    assert proxy_failure(200, httpx.Headers({"x-simweb-error": "dns"})) is None


def test_a_hanging_server_costs_at_most_timeout_times_attempts():
    async def slow_handler(request):
        await asyncio.sleep(5)
        return httpx.Response(200)

    settings = replace(FAST, attempt_timeout=0.3, read_timeout=0.3, timeout_retries=1)
    f = run(_get(slow_handler, settings=settings))
    # each attempt is cut at attempt_timeout, and a timeout earns exactly one more attempt
    assert f.error == "timeout" and f.attempts == 2


def test_head_refused_is_confirmed_with_get():
    seen = []

    def handler(request):
        seen.append(request.method)
        if request.method == "HEAD":
            return httpx.Response(405)
        return httpx.Response(200, headers={"Content-Type": "application/pdf"})

    async def go():
        async with build_client(FAST, httpx.MockTransport(handler)) as client:
            gates = HostGates(2, 0.0, asyncio.Semaphore(4))
            return await LiveProber(client, FAST, gates).check("https://site.example/report.pdf")

    obs = run(go())
    assert seen == ["HEAD", "GET"] and obs.fetch.status == 200 and obs.head.status == 405


def test_head_success_for_a_file_needs_no_get():
    seen = []

    def handler(request):
        seen.append(request.method)
        return httpx.Response(200, headers={"Content-Type": "application/pdf"})

    async def go():
        async with build_client(FAST, httpx.MockTransport(handler)) as client:
            return await LiveProber(client, FAST, HostGates(2, 0.0, asyncio.Semaphore(4))).check(
                "https://site.example/r.pdf")

    assert run(go()).fetch.status == 200 and seen == ["HEAD"]


def test_prefers_head_only_for_files():
    assert prefers_head("https://a.example/x/report.PDF")
    assert not prefers_head("https://a.example/x/article.html")


def test_pacer_spreads_requests_evenly():
    async def go():
        p = Pacer(600)  # 10 per second
        stamps = []
        for _ in range(5):
            await p.wait()
            stamps.append(time.monotonic())
        return stamps

    s = run(go())
    gaps = [b - a for a, b in zip(s, s[1:])]
    assert all(g >= 0.09 for g in gaps)


def test_pacer_pause_holds_requests_already_waiting():
    async def go():
        p = Pacer(6000)
        p.pause(0.3)
        t0 = time.monotonic()
        await p.wait()
        return time.monotonic() - t0

    assert run(go()) >= 0.29


def test_truncated_body_is_judged_on_what_arrived():
    class Short(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b"<html><head><title>Partial</title></head><body>"
            raise httpx.ReadError("connection reset")

    f = run(_get(lambda r: httpx.Response(200, headers={"Content-Type": "text/html"}, stream=Short())))
    assert f.status == 200 and f.error is None and f.page.title == "Partial" and "cut short" in f.error_detail


def test_a_host_that_only_hangs_stops_getting_requests():
    sent = []

    async def handler(request):
        sent.append(str(request.url))
        await asyncio.sleep(5)
        return httpx.Response(200)

    settings = replace(FAST, attempt_timeout=0.2, read_timeout=0.2, timeout_retries=1)

    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            gates = HostGates(2, 0.0, asyncio.Semaphore(8))
            return await asyncio.gather(*(fetch_with_retries(client, "GET", f"https://hang.example/{i}", settings,
                                                             gates=gates) for i in range(8)))

    results = run(go())
    assert all(r.error == "timeout" for r in results)
    assert len(sent) <= 4  # two URLs time out, the breaker trips, the rest are never sent


def test_one_hanging_page_does_not_condemn_its_host():
    async def handler(request):
        if request.url.path == "/hang":
            await asyncio.sleep(5)
        return httpx.Response(200, html="<title>fine</title>")

    settings = replace(FAST, attempt_timeout=0.2, read_timeout=0.2, timeout_retries=1)

    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            gates = HostGates(2, 0.0, asyncio.Semaphore(8))
            hang = await fetch_with_retries(client, "GET", "https://h.example/hang", settings, gates=gates)
            fine = await fetch_with_retries(client, "GET", "https://h.example/fine", settings, gates=gates)
            return hang, fine

    hang, fine = run(go())
    assert hang.error == "timeout" and fine.status == 200
