"""The archive probe with MockTransport: Memento rules, nearest captures, family pauses, batched look-ups."""
from __future__ import annotations

import asyncio
import json
import urllib.parse
from dataclasses import replace

import httpx

from citecheck.archives import parse_archive_link
from citecheck.check.http import build_client
from citecheck.check.wayback import Wayback
from citecheck.settings import Settings

ORIG = "https://site.example/a"
FAST = replace(Settings(), replay_per_min=60000, cdx_per_min=60000, availability_per_min=60000, lookup_linger=0.01,
               wayback_pause=0.2)
MEMENTO = {"Memento-Datetime": "Sun, 01 Jan 2023 00:00:00 GMT", "Content-Type": "text/html"}


def observe(handler, link=f"https://web.archive.org/web/20230101000000/{ORIG}", settings=FAST):
    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            wb = Wayback(client, settings)
            try:
                return await wb.observe(parse_archive_link(link), "20230101000000"), wb
            finally:
                wb.close()

    return asyncio.run(go())


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
    assert obs.capture.status == 404 and obs.wayback_says is None


def test_nearest_capture_confirmed_by_availability_is_not_replayed():
    replays = []

    def handler(request):
        if request.url.path.startswith("/wayback/available"):
            return availability("20230105000000")(request)
        replays.append(request.url.path)
        return httpx.Response(302, headers={"Location": f"https://web.archive.org/web/20230105000000id_/{ORIG}",
                                            "X-Archive-Redirect-Reason": "found capture at 20230105000000"})

    obs, wb = observe(handler)
    assert obs.capture.timestamp == "20230105000000" and obs.wayback_says == "closest"
    assert len(replays) == 1 and wb.stats.requests["availability"] == 1


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
    assert obs.wayback_says == "notarchived" and obs.capture is None
    obs, _ = observe(lambda r: httpx.Response(200, html="<p>Sorry. This URL has been excluded from the Wayback Machine.</p>"))
    assert obs.wayback_says == "excluded"


def test_live_429_pauses_the_family_then_succeeds_but_archived_429_is_a_capture():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, html="<h1>429 Too Many Requests</h1>")
        return httpx.Response(200, headers=MEMENTO, html="<title>ok</title>")

    obs, wb = observe(handler)
    assert obs.capture.status == 200 and wb.stats.rate_limited["replay"] == 1 and len(calls) == 2
    obs, wb = observe(lambda r: httpx.Response(429, headers=MEMENTO))
    assert obs.capture.status == 429 and wb.stats.rate_limited["replay"] == 0


def test_lookups_are_batched_into_one_availability_post():
    posts = []

    def handler(request):
        posts.append(request)
        assert request.headers["Wayback-Api-Version"] == "2"
        return availability("20200101000000")(request)

    async def go():
        async with build_client(FAST, httpx.MockTransport(handler)) as client:
            wb = Wayback(client, FAST)
            results = await asyncio.gather(*(wb.closest_good(f"https://s.example/{i}", "2020") for i in range(7)))
            wb.close()
            return results

    results = asyncio.run(go())
    assert len(posts) == 1 and len(posts[0].content.decode().splitlines()) == 7
    assert all(r.capture and r.capture.timestamp == "20200101000000" for r in results)


def test_empty_answer_for_uncited_is_confirmed_with_cdx():
    def handler(request):
        if request.url.path.startswith("/wayback/available"):
            return availability(None)(request)
        q = urllib.parse.parse_qs(request.url.query.decode())
        assert q["filter"] == ["statuscode:200"] and q["sort"] == ["closest"]
        return httpx.Response(200, content=json.dumps([["timestamp", "original", "statuscode"],
                                                       ["20190101000000", q["url"][0], "200"]]))

    async def go():
        async with build_client(FAST, httpx.MockTransport(handler)) as client:
            wb = Wayback(client, FAST)
            r = await wb.closest_good("https://s.example/x", "2019", confirm_empty=True)
            wb.close()
            return r

    r = asyncio.run(go())
    assert r.source == "cdx" and r.capture.timestamp == "20190101000000"
