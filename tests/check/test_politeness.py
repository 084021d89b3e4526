"""Pacers, host gates and the one retry policy, on a virtual clock: exact durations, no real sleeping."""
from __future__ import annotations

import asyncio
import bisect
import email.utils
import itertools
from dataclasses import replace

import httpx
import pytest
from mockweb import FAST, polite_get
from virtualtime import now, run

from citecheck.check import politeness
from citecheck.check.client import build_client
from citecheck.check.politeness import (
    Attempts,
    HostGates,
    Pacer,
    RetryPolicy,
    fetch_politely,
    retry_after_seconds,
    spacing,
)
from citecheck.model import Fetch
from citecheck.vocab import ErrorKind


def no_jitter() -> float:
    return 0.5  # backoff(n) = 0.5 * 2**n exactly


def test_5xx_is_retried_with_backoff_then_succeeds():
    calls = []

    def handler(request):
        calls.append(now())
        return httpx.Response(503 if len(calls) < 3 else 200, html="<title>Fine</title>")

    f = run(polite_get(handler))
    assert f.status == 200 and f.attempts == 3 and f.page.title == "Fine"
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert gaps[0] >= 0.5 * 0.75 and gaps[1] >= 1.0 * 0.75  # backoff doubles (with jitter 0.75..1.25)


def test_5xx_gives_up_after_the_retries():
    calls = []
    f = run(polite_get(lambda r: calls.append(1) or httpx.Response(500)))
    assert f.status == 500 and len(calls) == FAST.retries + 1


@pytest.mark.parametrize("value", ["1", "HTTP-DATE"])
def test_429_retry_after_seconds_or_date_is_honoured(value, monkeypatch):
    calls = []
    monkeypatch.setattr(politeness.time, "time", lambda: 1_000_000.0)

    def handler(request):
        calls.append(now())
        if len(calls) == 1:
            after = value if value != "HTTP-DATE" else email.utils.formatdate(1_000_002, usegmt=True)
            return httpx.Response(429, headers={"Retry-After": after})
        return httpx.Response(200, html="<title>ok</title>")

    f = run(polite_get(handler))
    assert f.status == 200
    assert calls[1] - calls[0] == pytest.approx(1.0 if value == "1" else 2.0, abs=0.01)


def test_retry_after_parsing():
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds(email.utils.formatdate(1000.0, usegmt=True), now=990.0) == pytest.approx(10.0, abs=1)
    assert retry_after_seconds("soon") is None


def test_retry_after_longer_than_we_wait_reports_the_429():
    calls = []
    f = run(polite_get(lambda r: calls.append(1) or httpx.Response(429, headers={"Retry-After": "3600"})))
    assert f.status == 429 and len(calls) == 1


def test_a_429_earns_two_more_tries_than_an_error():
    calls = []
    f = run(polite_get(lambda r: calls.append(1) or httpx.Response(429, headers={"Retry-After": "0"})))
    assert f.status == 429 and len(calls) == FAST.retries + 3


@pytest.mark.parametrize("kind,attempts", [
    (ErrorKind.DNS, 2),  # once more, a second later
    (ErrorKind.UNREACHABLE, 2),
    (ErrorKind.RESET, 3),  # retries (2) more, with backoff
    (ErrorKind.REFUSED, 3),
    (ErrorKind.TIMEOUT, 2),  # timeout_retries (1) more
    (ErrorKind.TLS, 1),  # never: it will not change
    (ErrorKind.INVALID_URL, 1),
    (ErrorKind.REDIRECT_LOOP, 1),
])
def test_the_retry_policy_by_error_kind(kind, attempts):
    policy = RetryPolicy(FAST, jitter=no_jitter)
    state = Attempts()
    failed = Fetch(url="https://x.example/", error=kind)
    made = 1
    while policy.next(failed, state) is not None:
        made += 1
    assert made == attempts


def test_the_retry_policy_never_exceeds_its_ceiling():
    policy = RetryPolicy(replace(FAST, retries=50, max_retry_after=10**6), jitter=no_jitter)
    state = Attempts()
    limited = Fetch(url="https://x.example/", status=429, headers=(("retry-after", "1"),))
    made = 1
    while policy.next(limited, state) is not None:
        made += 1
    assert made == 50 + 1 + 2  # retries + 1, and a 429's two extra


def test_a_hanging_server_costs_at_most_timeout_times_attempts():
    async def hang(request):
        await asyncio.sleep(3600)
        return httpx.Response(200)

    async def go():
        t0 = now()
        f = await polite_get(hang, settings=replace(FAST, attempt_timeout=3.0, timeout_retries=1))
        return f, now() - t0

    f, took = run(go())
    # each attempt is cut at attempt_timeout, and a timeout earns exactly one more attempt (after 0.5 s)
    assert f.error is ErrorKind.TIMEOUT and f.attempts == 2
    assert took == pytest.approx(3.0 + 0.5 + 3.0, abs=0.01)


def test_pacer_spreads_requests_evenly():
    async def go():
        p = Pacer(600)  # 10 per second
        stamps = []

        async def one():
            await p.wait()
            stamps.append(now())

        await asyncio.gather(*(one() for _ in range(5)))
        return sorted(stamps)

    s = run(go())
    assert [round(b - a, 6) for a, b in itertools.pairwise(s)] == [round(spacing(600), 6)] * 4
    assert spacing(600) == pytest.approx(0.1, rel=0.02)  # the pace asked for, give or take the margin


def busiest_minute(stamps: list[float]) -> int:
    """The most starts in any closed window of 60 seconds."""
    stamps = sorted(stamps)
    return max(bisect.bisect_right(stamps, t + 60) - i for i, t in enumerate(stamps))


@pytest.mark.parametrize("busy", [0.0, 0.2, 0.9, 3.0])
def test_no_minute_holds_more_than_the_pace_even_when_the_loop_is_late(busy):
    """A busy event loop wakes waiting requests late, all at once; bunched like that they would crowd a minute."""

    async def go():
        p = Pacer(120)  # two a second
        stamps = []

        async def one():
            await p.wait()
            stamps.append(now())

        async def hog():  # a blocking computation every few seconds: the loop's clock jumps while it runs
            loop = asyncio.get_running_loop()
            for _ in range(40):
                await asyncio.sleep(2.7)
                loop.now += busy  # type: ignore[attr-defined]

        await asyncio.gather(hog(), *(one() for _ in range(400)))
        return stamps

    stamps = run(go())
    assert len(stamps) == 400
    assert busiest_minute(stamps) <= 120


def test_pacer_pause_holds_requests_already_waiting():
    async def go():
        p = Pacer(60)  # one a second
        await p.wait()
        t0 = now()
        waiting = asyncio.ensure_future(p.wait())  # queued for t0 + 1
        await asyncio.sleep(0)
        p.pause(61)  # a 429 arrives meanwhile
        await waiting
        return now() - t0

    assert run(go()) >= 61


def test_a_host_that_only_hangs_stops_getting_requests():
    sent = []

    async def handler(request):
        sent.append(str(request.url))
        await asyncio.sleep(3600)
        return httpx.Response(200)

    settings = replace(FAST, attempt_timeout=2.0, timeout_retries=1)

    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            gates = HostGates(2, 0.0, asyncio.Semaphore(8))
            return await asyncio.gather(*(fetch_politely(client, "GET", f"https://hang.example/{i}", settings,
                                                         gates=gates) for i in range(8)))

    results = run(go())
    assert all(r.error is ErrorKind.TIMEOUT for r in results)
    assert len(sent) <= 4  # two URLs time out, the breaker trips, the rest are never sent


def test_one_hanging_page_does_not_condemn_its_host():
    async def handler(request):
        if request.url.path == "/hang":
            await asyncio.sleep(3600)
        return httpx.Response(200, html="<title>fine</title>")

    settings = replace(FAST, attempt_timeout=2.0, timeout_retries=1)

    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            gates = HostGates(2, 0.0, asyncio.Semaphore(8))
            hang = await fetch_politely(client, "GET", "https://h.example/hang", settings, gates=gates)
            fine = await fetch_politely(client, "GET", "https://h.example/fine", settings, gates=gates)
            return hang, fine

    hang, fine = run(go())
    assert hang.error is ErrorKind.TIMEOUT and fine.status == 200


def test_a_name_that_did_not_resolve_settles_the_hosts_other_urls_without_a_request():
    sent = []

    def handler(request):
        sent.append(str(request.url))
        raise httpx.ConnectError("[Errno -2] Name or service not known")

    async def go():
        async with build_client(FAST, httpx.MockTransport(handler)) as client:
            gates = HostGates(2, 0.0, asyncio.Semaphore(8))
            first = await fetch_politely(client, "GET", "https://gone.example/1", FAST, gates=gates)
            second = await fetch_politely(client, "GET", "https://gone.example/2", FAST, gates=gates)
            return first, second

    first, second = run(go())
    assert first.error is ErrorKind.DNS and second.error is ErrorKind.DNS
    assert all("/1" in u for u in sent) and second.attempts == 0
