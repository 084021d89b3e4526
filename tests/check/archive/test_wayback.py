"""The Wayback probe with MockTransport on a virtual clock: Memento rules, nearest captures, family pauses,
batched look-ups."""
from __future__ import annotations

import asyncio
import itertools
import json
import urllib.parse
from dataclasses import replace

import httpx
import pytest
from virtualtime import now, run

from citecheck.archives import parse_archive_link
from citecheck.check.archive.base import ProbeKit
from citecheck.check.archive.wayback import Wayback
from citecheck.check.client import build_client
from citecheck.check.guard import TargetGuard
from citecheck.check.politeness import HostGates, RetryPolicy
from citecheck.settings import Settings
from citecheck.vocab import ArchiveAnswer, LookupSource

ORIG = "https://site.example/a"
SETTINGS = replace(Settings(), use_cache=False, share_wayback_budget=False)


def wayback(client, settings=SETTINGS) -> Wayback:
    return Wayback(ProbeKit(client, settings, HostGates.for_settings(settings), RetryPolicy(settings),
                            TargetGuard.for_settings(settings)))
MEMENTO = {"Memento-Datetime": "Sun, 01 Jan 2023 00:00:00 GMT", "Content-Type": "text/html"}


def asked(handler, job, settings=SETTINGS):
    """``job(probe)`` with a Wayback probe whose network is ``handler``."""
    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            wb = wayback(client, settings)
            try:
                return await job(wb)
            finally:
                wb.close()

    return run(go())


def observe(handler, link=f"https://web.archive.org/web/20230101000000/{ORIG}", settings=SETTINGS):
    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            wb = wayback(client, settings)
            try:
                return await wb.observe(parse_archive_link(link), "20230101000000"), wb
            finally:
                wb.close()

    return run(go())


def availability(closest_ts):
    def answer(request):
        lines = request.content.decode().splitlines()
        results = []
        for line in lines:
            q = urllib.parse.parse_qs(line)
            snap = {"closest": {"available": True, "status": "200", "timestamp": closest_ts,
                                "url": f"http://web.archive.org/web/{closest_ts}/{q['url'][0]}"}} if closest_ts else {}
            results.append({"url": q["url"][0], "tag": q["tag"][0], "archived_snapshots": snap})
        return httpx.Response(200, json={"results": results})
    return answer


def test_exact_capture_is_read_raw():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, headers=MEMENTO, html="<title>Captured</title>")

    obs, _ = observe(handler)
    assert seen == [f"https://web.archive.org/web/20230101000000id_/{ORIG}"]
    assert obs.capture.status == 200 and obs.fetch.page.title == "Captured"


def test_captured_404_is_a_capture_not_wayback_404():
    obs, _ = observe(lambda r: httpx.Response(404, headers=MEMENTO, html="<title>Not Found</title>"))
    assert obs.capture.status == 404 and obs.answer is None


def test_a_nearest_capture_is_replayed_even_when_the_look_up_calls_it_good():
    # a 200 in the indexes can be a parked or not-found page: only its content tells
    def handler(request):
        if request.url.path.startswith("/wayback/available"):
            return availability("20230105000000")(request)
        if "20230105000000" in request.url.path:
            return httpx.Response(200, headers=dict(MEMENTO, **{"Memento-Datetime": "Thu, 05 Jan 2023 00:00:00 GMT"}),
                                  html="<title>example.org is for sale</title><p>Buy this domain.</p>")
        return httpx.Response(302, headers={"Location": f"https://web.archive.org/web/20230105000000id_/{ORIG}",
                                            "X-Archive-Redirect-Reason": "found capture at 20230105000000"})

    obs, wb = observe(handler)
    assert obs.capture.timestamp == "20230105000000" and obs.answer is ArchiveAnswer.CLOSEST
    assert obs.fetch.page.title == "example.org is for sale" and wb.counts.requests["replay"] == 2


def test_nearest_capture_not_confirmed_is_followed():
    def handler(request):
        if request.url.path.startswith("/wayback/available"):
            return availability("20200101000000")(request)  # the good capture is elsewhere
        if "20230105000000" in request.url.path:
            return httpx.Response(404, headers=dict(MEMENTO, **{"Memento-Datetime": "Thu, 05 Jan 2023 00:00:00 GMT"}))
        return httpx.Response(302, headers={"Location": f"https://web.archive.org/web/20230105000000id_/{ORIG}"})

    obs, _ = observe(handler)
    assert obs.capture.timestamp == "20230105000000" and obs.capture.status == 404


def test_never_archived_and_excluded():
    obs, _ = observe(lambda r: httpx.Response(404, html="<p>Hrm. The Wayback Machine has not archived that URL.</p>"))
    assert obs.answer is ArchiveAnswer.NOT_ARCHIVED and obs.capture is None
    obs, _ = observe(lambda r: httpx.Response(200, html="<p>Sorry. This URL has been excluded from the Wayback Machine.</p>"))
    assert obs.answer is ArchiveAnswer.EXCLUDED


def test_the_archive_says_excluded_after_long_navigation_and_is_still_heard():
    nav = "".join(f'<li><a href="/details/{i}">Collection {i}</a></li>' for i in range(2500))  # ~100 KiB, as theirs
    page = f"<html><head><title>Wayback Machine</title></head><body><ul>{nav}</ul>" \
           "<div id='error'><h2>Sorry.</h2><p>This URL has been excluded from the Wayback Machine.</p></div></body></html>"
    obs, _ = observe(lambda r: httpx.Response(200, html=page))
    assert obs.answer is ArchiveAnswer.EXCLUDED


def test_live_429_pauses_the_family_a_minute_then_succeeds_but_archived_429_is_a_capture():
    calls = []

    def handler(request):
        calls.append(now())
        if len(calls) == 1:
            return httpx.Response(429, html="<h1>429 Too Many Requests</h1>")
        return httpx.Response(200, headers=MEMENTO, html="<title>ok</title>")

    obs, wb = observe(handler)
    assert obs.capture.status == 200 and wb.counts.rate_limited["replay"] == 1 and len(calls) == 2
    assert calls[1] - calls[0] >= SETTINGS.wayback_pause >= 60
    obs, wb = observe(lambda r: httpx.Response(429, headers=MEMENTO))
    assert obs.capture.status == 429 and wb.counts.rate_limited["replay"] == 0


def test_a_429_that_does_not_stop_ends_as_rate_limited_after_three_pauses():
    calls = []

    def handler(request):
        calls.append(now())
        return httpx.Response(429)

    obs, _wb = observe(handler)
    assert obs.answer is ArchiveAnswer.RATE_LIMITED and len(calls) == 3
    assert all(b - a >= SETTINGS.wayback_pause for a, b in itertools.pairwise(calls))


def test_replays_keep_to_the_family_pace():
    calls = []

    def handler(request):
        calls.append(now())
        return httpx.Response(200, headers=MEMENTO, html="<title>ok</title>")

    async def go():
        async with build_client(SETTINGS, httpx.MockTransport(handler)) as client:
            wb = wayback(client)
            links = [parse_archive_link(f"https://web.archive.org/web/20230101000000/{ORIG}/{i}") for i in range(20)]
            await asyncio.gather(*(wb.observe(link, "20230101000000") for link in links))
            wb.close()

    run(go())
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert min(gaps) >= 60 / SETTINGS.replay_per_min - 1e-9


def test_lookups_are_batched_into_one_availability_post():
    posts = []

    def handler(request):
        posts.append(request)
        assert request.headers["Wayback-Api-Version"] == "2"
        return availability("20200101000000")(request)

    async def go():
        async with build_client(SETTINGS, httpx.MockTransport(handler)) as client:
            wb = wayback(client)
            results = await asyncio.gather(*(wb.closest_good(f"https://s.example/{i}", "2020") for i in range(7)))
            wb.close()
            return results

    results = run(go())
    assert len(posts) == 1 and len(posts[0].content.decode().splitlines()) == 7
    assert all(r.capture and r.capture.timestamp == "20200101000000" for r in results)


@pytest.mark.parametrize("hurried, waited", [(False, SETTINGS.lookup_linger), (True, 0.0)])
def test_a_look_up_lingers_for_company_unless_nothing_else_can_come(hurried, waited):
    """A look-up waits up to lookup_linger for others to share its POST; when the scheduler says every reference
    still being judged waits on a look-up (hurry), none can join, so it goes at once."""
    sent_at = []

    def handler(request):
        sent_at.append(now())
        return availability("20200101000000")(request)

    async def go():
        async with build_client(SETTINGS, httpx.MockTransport(handler)) as client:
            wb = wayback(client)
            start = now()
            wb.hurry(hurried)
            result = await wb.closest_good("https://s.example/1", "2020")
            wb.close()
            return start, result

    start, result = run(go())
    assert result.capture is not None
    assert sent_at[0] - start == pytest.approx(waited, abs=0.01)


@pytest.mark.parametrize("answer", [
    {"results": 5},
    {"results": [{"tag": "0", "archived_snapshots": ["odd"]}]},
    {"results": [{"tag": "0", "archived_snapshots": {"closest": "odd"}}]},
    {"results": [{"tag": "0", "archived_snapshots": {"closest": {"available": True, "timestamp": "soon"}}}]},
])
def test_an_availability_answer_of_another_shape_finds_nothing_and_breaks_nothing(answer):
    result = asked(lambda r: httpx.Response(200, json=answer), lambda wb: wb.closest_good("https://s.example/1", "2020"))
    assert result.capture is None


@pytest.mark.parametrize("rows", [[["timestamp"], [20200101, "https://s.example/1"]], [["timestamp"], ["x" * 14]]])
def test_cdx_rows_without_a_timestamp_are_no_capture(rows):
    result = asked(lambda r: httpx.Response(200, json=rows),
                   lambda wb: wb.cdx_closest("https://s.example/1", "20200101000000"))
    assert result.capture is None and result.error is None


def test_empty_answer_for_uncited_is_confirmed_with_cdx():
    def handler(request):
        if request.url.path.startswith("/wayback/available"):
            return availability(None)(request)
        q = urllib.parse.parse_qs(request.url.query.decode())
        assert q["filter"] == ["statuscode:200"] and q["sort"] == ["closest"]
        return httpx.Response(200, content=json.dumps([["timestamp", "original", "statuscode"],
                                                       ["20190101000000", q["url"][0], "200"]]))

    async def go():
        async with build_client(SETTINGS, httpx.MockTransport(handler)) as client:
            wb = wayback(client)
            r = await wb.closest_good("https://s.example/x", "2019", confirm_empty=True)
            wb.close()
            return r

    r = run(go())
    assert r.source is LookupSource.CDX and r.capture.timestamp == "20190101000000"


def test_a_5xx_from_the_archive_is_retried_but_a_captured_5xx_is_not():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(503) if len(calls) == 1 else httpx.Response(200, headers=MEMENTO, html="<title>x</title>")

    obs, _ = observe(handler)
    assert obs.capture.status == 200 and len(calls) == 2
    calls.clear()
    obs, _ = observe(lambda r: calls.append(1) or httpx.Response(503, headers=MEMENTO))
    assert obs.capture.status == 503 and len(calls) == 1
