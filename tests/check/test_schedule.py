"""The scheduler (check/schedule.py) with MockTransport on a virtual clock: each URL asked once, the archive's
look-ups only when the rules want them, and a run that stops when nothing at all can be reached."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import httpx
import pytest
from virtualtime import run

from citecheck.check import observe
from citecheck.errors import NetworkDown
from citecheck.rules import JUDGEMENTS, judge
from citecheck.settings import Settings
from citecheck.sources import parse_text
from citecheck.vocab import LiveState

SETTINGS = replace(Settings(), use_cache=False, share_wayback_budget=False, host_interval=0.0)
MEMENTO = {"Memento-Datetime": "Sun, 01 Jan 2023 00:00:00 GMT", "Content-Type": "text/html"}


def checked(text, handler, settings=SETTINGS):
    """(the observations in list order, the run's stats)"""
    refs = parse_text(text, "r.txt")
    seen = {}
    stats = run(observe(refs, settings, judgements=JUDGEMENTS, on_observed=seen.__setitem__,
                        transport=httpx.MockTransport(handler)))
    return [seen[i] for i in sorted(seen)], stats


def test_each_url_and_each_snapshot_is_asked_once_however_often_it_is_cited():
    seen = Counter()

    def handler(request):
        seen[(request.method, str(request.url))] += 1
        if request.url.host == "web.archive.org":
            return httpx.Response(200, headers=MEMENTO, html="<title>Same</title>")
        return httpx.Response(200, html="<title>Same</title>")

    snap = "https://web.archive.org/web/20230101000000/https://a.example/x"
    text = "".join(f"[{i}] ‘Same’, {snap}\n" for i in range(1, 5)) + "[5] ‘Same’, https://a.example/x\n"
    observed, stats = checked(text, handler)
    assert len(observed) == 5 and all(o.live for o in observed)
    assert seen[("GET", "https://a.example/x")] == 1
    assert seen[("GET", "https://web.archive.org/web/20230101000000id_/https://a.example/x")] == 1
    assert stats.wayback_requests["replay"] == 1


def test_excluded_references_are_not_requested():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, html="<title>x</title>")

    observed, _ = checked("[1] ‘x’, https://private.example/a\n[2] ‘y’, https://b.example/b\n", handler,
                          replace(SETTINGS, exclude=("private\\.example",), lookup_uncited=False))
    assert observed[0].live is None and seen == ["https://b.example/b"]


def test_no_live_and_no_archive_ask_only_the_other():
    seen = []

    def handler(request):
        seen.append(request.url.host)
        return httpx.Response(200, headers=MEMENTO, html="<title>x</title>")

    text = "[1] ‘x’, https://web.archive.org/web/20230101000000/https://a.example/x\n"
    checked(text, handler, replace(SETTINGS, check_live=False))
    assert seen == ["web.archive.org"]
    seen.clear()
    checked(text, handler, replace(SETTINGS, check_archive=False))
    assert seen == ["a.example"]


def test_nothing_reachable_stops_the_run_with_network_down():
    def handler(request):
        raise httpx.ConnectError("[Errno 111] Connection refused")

    text = "".join(f"[{i}] ‘t’, https://web.archive.org/web/2020/https://h{i}.example/p\n" for i in range(1, 15))
    with pytest.raises(NetworkDown):
        checked(text, handler, replace(SETTINGS, retries=0))


def test_a_short_list_offline_is_network_down_not_an_all_clear():
    def offline(request):
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    text = "[1] ‘a’, https://a.example/x\n[2] ‘b’, https://b.example/y\n"
    with pytest.raises(NetworkDown):
        checked(text, offline, replace(SETTINGS, check_archive=False, retries=0))


def test_hosts_that_are_down_are_dead_when_the_archive_answers():
    def handler(request):
        if request.url.host == "web.archive.org":
            return httpx.Response(200)
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    text = "".join(f"[{i}] ‘t’, https://gone{i}.example/x\n" for i in range(1, 20))
    observed, _ = checked(text, handler, replace(SETTINGS, check_archive=False, retries=0))
    assert len(observed) == 19 and all(o.live.fetch.error.value == "dns" for o in observed)
def test_other_archives_are_asked_only_when_the_wayback_machine_has_nothing_near():
    asked = []

    def handler(request):
        url = str(request.url)
        if request.url.host == "archive.org":  # the availability API: a capture for /near only
            lines = request.content.decode().splitlines()
            results = []
            for line in lines:
                q = dict(x.split("=", 1) for x in line.split("&"))
                near = "near" in q["url"]
                snap = {"closest": {"available": True, "status": "200", "timestamp": "20230701000000"}} if near else {}
                results.append({"tag": q["tag"], "archived_snapshots": snap})
            return httpx.Response(200, json={"results": results})
        if "/timemap/" in url:
            asked.append(url)
            return httpx.Response(200, headers={"Content-Type": "application/link-format"},
                                  text=f'<https://arquivo.pt/wayback/20230105000000/{url.split("/link/")[-1]}>; '
                                       'rel="memento"; datetime="Thu, 05 Jan 2023 00:00:00 GMT"')
        if request.url.host == "arquivo.pt":
            return httpx.Response(200, headers=MEMENTO, html="<title>Kept</title>")
        return httpx.Response(200, html="<title>x</title>")

    text = "[1] ‘x’, 2023, https://a.example/near\n[2] ‘y’, 2023, https://a.example/lost\n"
    observed, stats = checked(text, handler, replace(SETTINGS, lookup_linger=0.0))
    assert observed[0].elsewhere is None
    assert observed[1].elsewhere.capture.url == "https://arquivo.pt/wayback/20230105000000/https://a.example/lost"
    assert asked and all("lost" in u for u in asked)
    assert stats.archive["memento"]["requests"]["arquivo.pt"] == 2  # its TimeMap, and the capture confirmed
    observed, _ = checked(text, handler, replace(SETTINGS, lookup_linger=0.0, other_archives=False))
    assert observed[1].elsewhere is None


def test_each_doi_is_asked_of_the_registries_once_beside_everything_else():
    seen = Counter()

    def handler(request):
        url = str(request.url)
        seen[request.url.host] += 1
        if request.url.host == "doi.org" and "/api/handles/" in url:
            return httpx.Response(200, json={"responseCode": 1, "values": []})
        if request.url.host == "doi.org":
            return httpx.Response(200, json=[{"DOI": "x", "RA": "Crossref"}])
        if request.url.host == "api.crossref.org":
            return httpx.Response(200, json={"status": "ok", "message": {"title": ["Same"]}})
        return httpx.Response(200, headers=MEMENTO, html="<title>Same</title>")

    text = ("[1] ‘Same’, doi:10.1000/a, https://web.archive.org/web/20230101000000/https://a.example/x\n"
            "[2] ‘Same’, https://doi.org/10.1000/A\n")
    observed, stats = checked(text, handler, replace(SETTINGS, lookup_uncited=False))
    assert observed[0].identifier.title == "Same" and observed[1].identifier is observed[0].identifier
    assert stats.registries["requests"] == {"doi.org": 2, "api.crossref.org": 1}
    observed, _ = checked(text, handler, replace(SETTINGS, lookup_uncited=False, check_identifiers=False))
    assert observed[0].identifier is None


def test_the_original_a_short_archive_link_preserves_is_checked_too():
    """[1] cites only archive.ph/AbC12; its capture names the page it preserves, which is then checked like any
    original (and judged: here it has moved)."""
    seen = []

    def handler(request):
        seen.append(str(request.url))
        if request.url.host == "archive.ph":
            return httpx.Response(200, headers={**MEMENTO, "Link": '<https://news.example/story>; rel="original"'},
                                  html="<title>The story</title>")
        if request.url.path == "/story":
            return httpx.Response(301, headers={"Location": "https://news.example/2023/story"})
        return httpx.Response(200, html="<title>The story</title>")

    observed, _ = checked("[1] ‘The story’, https://archive.ph/AbC12\n[2] ‘The story again’, https://archive.ph/AbC12\n",
                          handler, replace(SETTINGS, other_archives=False))
    assert seen.count("https://news.example/story") == 1  # asked once for both references
    one = observed[0]
    assert one.reference.url is None and one.snapshot.original == "https://news.example/story"
    assert one.live is not None and one.live.url == "https://news.example/story"
    assert "https://news.example/2023/story" in seen

    assert judge(one, SETTINGS).live.state is LiveState.MOVED


def test_a_capture_is_replayed_before_it_is_offered_and_one_showing_no_work_is_not():
    import urllib.parse

    from citecheck.rules import judge
    from citecheck.vocab import ArchiveState

    replays = Counter()

    def handler(request):
        if request.url.host == "archive.org":  # the availability API: a "200" capture for every URL
            lines = [urllib.parse.parse_qs(x) for x in request.content.decode().splitlines()]
            return httpx.Response(200, json={"results": [
                {"url": q["url"][0], "tag": q["tag"][0], "archived_snapshots": {"closest": {
                    "available": True, "status": "200", "timestamp": "20230101000000"}}} for q in lines]})
        if request.url.host == "web.archive.org":
            replays[request.url.path] += 1
            gone = "/gone" in request.url.path
            return httpx.Response(200, headers=MEMENTO, html="<title>Page not found</title><h1>Page not found</h1>"
                                  if gone else "<title>Digital activism</title>")
        return httpx.Response(200, html="<title>Digital activism</title>")

    text = ("[1] ‘Digital activism’, https://a.example/kept\n[2] ‘Digital activism’, https://a.example/gone\n"
            "[3] ‘Digital activism again’, https://a.example/gone\n")
    observed, _ = checked(text, handler, replace(SETTINGS, other_archives=False))
    kept, gone, again = (judge(o, SETTINGS).archive for o in observed)
    assert kept.state is ArchiveState.UNCITED_AVAILABLE
    assert gone.state is ArchiveState.UNCITED_NONE and again.state is ArchiveState.UNCITED_NONE
    assert "(2023-01-01) shows a not-found page" in gone.detail
    assert replays["/web/20230101000000id_/https://a.example/gone"] == 1  # once, for both references


def test_a_capture_a_snapshot_link_landed_on_is_not_replayed_again_to_vet_it():
    import urllib.parse

    replays = Counter()
    near = "https://web.archive.org/web/20230105000000id_/https://a.example/x"

    def handler(request):
        if request.url.host == "archive.org":  # the look-up names the capture the link landed on
            lines = [urllib.parse.parse_qs(x) for x in request.content.decode().splitlines()]
            return httpx.Response(200, json={"results": [
                {"url": q["url"][0], "tag": q["tag"][0], "archived_snapshots": {"closest": {
                    "available": True, "status": "200", "timestamp": "20230105000000"}}} for q in lines]})
        if request.url.host == "web.archive.org":
            replays[str(request.url)] += 1
            if "20230101000000" in request.url.path:  # nothing at the cited second: the nearest capture
                return httpx.Response(302, headers={"Location": near})
            return httpx.Response(200, headers=dict(MEMENTO, **{"Memento-Datetime": "Thu, 05 Jan 2023 00:00:00 GMT"}),
                                  html="<title>Digital activism</title>")
        return httpx.Response(200, html="<title>Digital activism</title>")

    observed, _ = checked("[1] ‘Digital activism’, https://web.archive.org/web/20230101000000/https://a.example/x\n",
                          handler, replace(SETTINGS, other_archives=False))
    assert observed[0].lookup is not None and observed[0].lookup.capture is not None  # looked up, and offered
    assert replays[near] == 1
