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
from citecheck.rules import JUDGEMENTS
from citecheck.settings import Settings
from citecheck.sources import parse_text

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
