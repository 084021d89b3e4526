"""The Memento probe (any archive but the Wayback Machine) with MockTransport on a virtual clock: captures known
by Memento-Datetime, TimeGate redirects, captured redirects, walls that are never "missing", per-host pacing,
and the other archives' TimeMaps asked in parallel."""
from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import replace

import httpx
from virtualtime import now, run

from citecheck.archives import parse_archive_link
from citecheck.check.archive.base import ProbeKit
from citecheck.check.archive.memento import MementoProbe, parse_link_format, timemap_mementos
from citecheck.check.client import build_client
from citecheck.check.guard import TargetGuard
from citecheck.check.politeness import HostGates, RetryPolicy
from citecheck.settings import Settings
from citecheck.vocab import ArchiveAnswer, LookupSource

ORIG = "https://www.example.pt/noticia"
SETTINGS = replace(Settings(), use_cache=False, host_interval=0.0)
CITED = f"https://arquivo.pt/wayback/20190101000000/{ORIG}"
RAW = f"https://arquivo.pt/wayback/20190101000000id_/{ORIG}"
MEMENTO = {"Memento-Datetime": "Tue, 01 Jan 2019 00:00:00 GMT", "Content-Type": "text/html",
           "Link": f'<{ORIG}>; rel="original", <https://arquivo.pt/wayback/{ORIG}>; rel="timegate"'}


def probe_run(handler, job, settings=SETTINGS):
    """Run ``job(probe)`` with a Memento probe whose network is ``handler``."""
    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            probe = MementoProbe(ProbeKit(client, settings, HostGates.for_settings(settings), RetryPolicy(settings),
                                          TargetGuard.for_settings(settings)))
            try:
                return await job(probe)
            finally:
                probe.close()

    return run(go())


def observe(handler, link=CITED, target="20190101000000", settings=SETTINGS):
    return probe_run(handler, lambda p: p.observe(parse_archive_link(link), target), settings)


def test_a_capture_is_replayed_raw_and_shown_in_view_mode():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, headers=MEMENTO, html="<title>Notícia</title>")

    obs = observe(handler)
    assert seen == [RAW]
    assert obs.capture.timestamp == "20190101000000" and obs.capture.status == 200
    assert obs.capture.url == CITED and obs.answer is None and obs.fetch.page.title == "Notícia"


def test_a_timegate_redirect_leads_to_the_nearest_capture():
    def handler(request):
        if "20190101000000" in str(request.url):
            return httpx.Response(302, headers={"Location": f"/wayback/20190215000000id_/{ORIG}",
                                                "Vary": "accept-datetime"})
        return httpx.Response(200, headers=dict(MEMENTO, **{"Memento-Datetime": "Fri, 15 Feb 2019 00:00:00 GMT"}))

    obs = observe(handler)
    assert obs.answer is ArchiveAnswer.CLOSEST and obs.capture.timestamp == "20190215000000"


def test_a_captured_redirect_is_followed_to_its_landing():
    def handler(request):
        if ORIG in str(request.url) and "moved" not in str(request.url):
            return httpx.Response(301, headers=dict(MEMENTO, Location=f"/wayback/20190101000005id_/{ORIG}/moved"))
        return httpx.Response(200, headers=MEMENTO, html="<title>Moved here</title>")

    obs = observe(handler)
    assert obs.capture.status == 301 and obs.landing.capture.status == 200
    assert obs.landing.link.original == f"{ORIG}/moved"


def test_never_archived_is_asked_as_cited_before_saying_so():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(404, html="<title>Not in the archive</title>")

    obs = observe(handler)
    assert seen == [RAW, CITED] and obs.answer is ArchiveAnswer.NOT_ARCHIVED


def test_archive_today_answers_with_headers_or_a_captcha():
    captcha = observe(lambda r: httpx.Response(200, html="<title>archive.today</title><p>please complete the captcha"),
                      "https://archive.ph/AbC12")
    assert captcha.answer is ArchiveAnswer.BLOCKED and captcha.capture is None
    found = observe(lambda r: httpx.Response(200, headers=MEMENTO, html="<title>Notícia</title>"), "https://archive.ph/AbC12")
    assert found.capture.timestamp == "20190101000000" and found.fetch.url == "https://archive.ph/AbC12"
    walled = observe(lambda r: httpx.Response(403, headers={"cf-mitigated": "challenge"}), "https://archive.ph/AbC12")
    assert walled.answer is ArchiveAnswer.BLOCKED


def test_a_link_that_names_no_page_learns_it_from_the_capture():
    """archive.ph/AbC12 names no page; its capture says which (Link: rel="original"), so the original can be
    checked. A link that names its page keeps it, whatever the header says; a header without one adds nothing."""
    found = observe(lambda r: httpx.Response(200, headers=MEMENTO, html="<title>Notícia</title>"), "https://archive.ph/AbC12")
    assert found.original == ORIG and found.link.original is None and found.capture.timestamp == "20190101000000"
    named = observe(lambda r: httpx.Response(200, headers=MEMENTO, html="<title>Notícia</title>"))
    assert named.original is None and named.link.original == ORIG
    bare = {k: v for k, v in MEMENTO.items() if k != "Link"}
    unnamed = observe(lambda r: httpx.Response(200, headers=bare, html="<title>x</title>"), "https://archive.ph/AbC12")
    assert unnamed.original is None and unnamed.capture is not None


def test_webcite_shows_a_frame_never_the_copy():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, html="<frameset><frame src='/main.php?id=5oFP5PoVE'></frameset>")

    obs = observe(handler, "https://www.webcitation.org/5oFP5PoVE?url=http://www.example.com/")
    assert obs.answer is ArchiveAnswer.BLOCKED and len(seen) == 1


def test_an_archive_without_memento_is_trusted_for_its_links_time():
    obs = observe(lambda r: httpx.Response(200, html="<title>Page</title>"),
                  "http://archive.wikiwix.com/cache/20180329074145/http://www.example.fr")
    assert obs.capture.timestamp == "20180329074145" and obs.answer is None


def test_its_own_429_pauses_the_host_but_an_archived_429_is_a_capture():
    times = []

    def limited(request):
        times.append(now())
        if len(times) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200, headers=MEMENTO)

    assert observe(limited).capture.status == 200
    assert times[1] - times[0] >= 7
    archived = observe(lambda r: httpx.Response(429, headers=MEMENTO))
    assert archived.capture.status == 429 and archived.answer is None


def test_each_archive_host_has_its_own_pace():
    starts: dict[str, list[float]] = {}

    def handler(request):
        starts.setdefault(request.url.host, []).append(now())
        return httpx.Response(200, headers=MEMENTO)

    async def job(probe):
        links = [f"https://arquivo.pt/wayback/2019010100000{i}/{ORIG}{i}" for i in range(3)] + \
                [f"https://vefsafn.is/2019010100000{i}/https://example.is/{i}" for i in range(3)]
        return await asyncio.gather(*(probe.observe(parse_archive_link(u), "2019") for u in links))

    probe_run(handler, job, replace(SETTINGS, archive_per_min=6))
    for host in ("arquivo.pt", "vefsafn.is"):
        gaps = [b - a for a, b in itertools.pairwise(starts[host])]
        assert len(starts[host]) == 3 and all(g >= 9.9 for g in gaps)
    assert abs(starts["arquivo.pt"][0] - starts["vefsafn.is"][0]) < 1  # hosts do not wait for each other


def test_link_format_with_commas_in_uris_and_dates_and_bare_values():
    text = ('<http://example.com/a?x=1,2>; rel="original",\n'
            '<https://a.example/timemap/link/http://example.com/a?x=1,2>; rel="self"; type="application/link-format",\n'
            '<https://a.example/20090915112826/http://example.com/a?x=1,2>; rel="first memento"; '
            'datetime="Tue, 15 Sep 2009 11:28:26 GMT",\n'
            '<https://a.example/20120101000000/http://example.com/a?x=1,2>; rel=memento; datetime="Sun, 01 Jan 2012 00:00:00 GMT"')
    entries = parse_link_format(text)
    assert [sorted(rels) for _, rels, _ in entries] == [["original"], ["self"], ["first", "memento"], ["memento"]]
    assert timemap_mementos(text) == [("20090915112826", "https://a.example/20090915112826/http://example.com/a?x=1,2"),
                                      ("20120101000000", "https://a.example/20120101000000/http://example.com/a?x=1,2")]


def timemap(*stamps_and_uris):
    return ",\n".join(f'<{u}>; rel="memento"; datetime="{d}"' for d, u in stamps_and_uris)


def test_other_archives_are_asked_in_parallel_and_the_nearest_good_capture_wins():
    seen = Counter()

    def handler(request):
        url = str(request.url)
        seen[request.url.host] += 1
        if "/timemap/" in url and request.url.host == "arquivo.pt":
            return httpx.Response(200, headers={"Content-Type": "application/link-format"}, text=timemap(
                ("Sun, 01 Jan 2012 00:00:00 GMT", f"https://arquivo.pt/wayback/20120101000000/{ORIG}"),
                ("Tue, 01 Jan 2019 00:00:00 GMT", f"https://arquivo.pt/wayback/20190101000000/{ORIG}")))
        if "/timemap/" in url and request.url.host == "archive.today":
            return httpx.Response(200, html="<title>Please complete the security check</title>")
        if "/timemap/" in url:
            return httpx.Response(404)
        return httpx.Response(200, headers=MEMENTO, html="<title>Notícia</title>")

    async def job(probe):
        first = await probe.closest_good(ORIG, "20181201000000")
        second = await probe.closest_good(f"{ORIG}/2", "20181201000000")
        return first, second

    first, second = probe_run(handler, job)
    assert first.source is LookupSource.TIMEMAP and first.capture.timestamp == "20190101000000"
    assert first.capture.url == f"https://arquivo.pt/wayback/20190101000000/{ORIG}"
    assert second.capture is not None
    assert seen["archive.today"] == 1, "a wall is met once a run"
    assert seen["wayback.archive-it.org"] == 2


def test_the_other_archives_give_way_at_the_end_of_the_run():
    def hangs(request):
        return httpx.Response(200, headers={"Content-Type": "application/link-format"}, text="")

    async def job(probe):
        pending = asyncio.ensure_future(probe.closest_good(ORIG, "2019"))
        await asyncio.sleep(0)
        probe.stop_confirming()
        return await pending

    result = probe_run(hangs, job, replace(SETTINGS, archive_per_min=0.01))
    assert result.capture is None and "over" in result.error


def test_few_pages_are_looked_for_at_a_time():
    in_flight, most = 0, 0

    async def job(probe):
        return await asyncio.gather(*(probe.closest_good(f"{ORIG}/{i}", "2019") for i in range(12)))

    def handler(request):
        return httpx.Response(404)

    async def counting(probe):
        nonlocal in_flight, most
        original = probe._find_now

        async def find_now(url, ts):
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight)
            try:
                return await original(url, ts)
            finally:
                in_flight -= 1

        probe._find_now = find_now
        return await job(probe)

    results = probe_run(handler, counting)
    assert len(results) == 12 and all(r.capture is None and r.error is None for r in results)
    assert most == 4


def test_a_429_pauses_requests_already_waiting_for_their_turn():
    starts = []

    async def handler(request):
        starts.append(now())
        if len(starts) == 1:
            await asyncio.sleep(1)  # the other capture's request queues for the one slot meanwhile
            return httpx.Response(429, headers={"Retry-After": "5"})
        return httpx.Response(200, headers=MEMENTO)

    async def job(probe):
        links = [f"https://arquivo.pt/wayback/2019010100000{i}/{ORIG}{i}" for i in range(2)]
        return await asyncio.gather(*(probe.observe(parse_archive_link(u), "2019") for u in links))

    probe_run(handler, job, replace(SETTINGS, archive_per_host=1, archive_per_min=600))
    assert len(starts) == 3 and starts[1] - starts[0] >= 6


def test_a_429_asking_for_an_hour_is_the_answer_not_a_wait():
    seen = []

    def handler(request):
        seen.append(now())
        return httpx.Response(429, headers={"Retry-After": "3600"}, text="Please complete the captcha")

    obs = observe(handler, "https://archive.ph/20210101000000/https://example.kz/news/88")
    assert obs.answer is ArchiveAnswer.RATE_LIMITED and len(seen) == 1


def test_an_archive_that_keeps_answering_429_is_left_alone_for_the_rest_of_the_run():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(429, headers={"Retry-After": "10"})

    async def job(probe):
        # archive.today's mirrors are one archive: one pace, one patience
        links = [f"https://archive.{tld}/2021010100000{i}/https://example.kz/news/{i}"
                 for i, tld in enumerate(("ph", "is", "today", "ph", "li", "ph", "is", "ph"))]
        t0 = now()
        # all at once: requests already queued when the archive is given up are not sent either
        out = await asyncio.gather(*(probe.observe(parse_archive_link(u), "2021") for u in links))
        return out, now() - t0

    results, took = probe_run(handler, job)
    assert len(seen) == 3  # the first link's three tries; nothing more is sent into 429s
    assert all(r.answer is ArchiveAnswer.RATE_LIMITED for r in results)
    assert "not asked" in results[-1].fetch.error_detail and took < 60  # three pauses of 10 s, not 24
