"""The cache: a second run within the age makes no request; failures age faster; history is kept."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest
from fakeweb import Capture, Running, Wayback
from forked import in_processes
from test_e2e import fast_settings

from citecheck.api import check as check_references
from citecheck.cache import Cache, decode, encode
from citecheck.errors import InputError
from citecheck.model import Fetch, Hop, LiveObservation, PageFacts, SignatureMatch
from citecheck.report import render
from citecheck.settings import Settings, parse_duration
from citecheck.sources import parse_text
from citecheck.vocab import ErrorKind, PageSignal


def test_roundtrip():
    page = PageFacts("T", frozenset({PageSignal.CHALLENGE}), canonical="/", complete=False,
                     matches=(SignatureMatch("cloudflare.just-a-moment", "challenge", "title", "just a moment..."),))
    obs = LiveObservation("https://a.example/", Fetch("https://a.example/", (Hop("GET", "https://a.example/", 200),), 200,
                                                      page=page))
    assert decode(encode(obs)) == obs


def test_ages(tmp_path):
    assert parse_duration("12h") == 43200 and parse_duration("7d") == 604800 and parse_duration(90) == 90
    c = Cache(tmp_path / "c.sqlite3", max_age=100, now=1000.0)
    ok = LiveObservation("u", Fetch("u", status=200))
    bad = LiveObservation("v", Fetch("v", error=ErrorKind.TIMEOUT))
    c.put("ok", ok)
    c.put("bad", bad)
    c.now = 1030.0  # past the failure age (25 s), within the success age
    assert c.get("ok") == ok and c.get("bad") is None
    c.now = 1101.0
    assert c.get("ok") is None


def stored_times(path):
    db = sqlite3.connect(str(path))
    try:
        return dict(db.execute("SELECT key, stored FROM entries").fetchall())
    finally:
        db.close()


def test_second_run_makes_no_requests_and_keeps_history(site, tmp_path):
    archive = {f"{site.url}/article": [Capture("20230919065839", title="Modeling Internet Effects on Civic Participation")],
               f"{site.url}/gone": [Capture("20200101000000", title="A page that was")]}
    wb = Running(Wayback(archive))
    try:
        text = (f"[1] ‘Modeling Internet Effects on Civic Participation’, https://web.archive.org/web/20230919065839/{site.url}/article\n"
                f"[2] ‘A page that was’, https://web.archive.org/web/20200101000000/{site.url}/gone\n"
                f"[3] ‘Uncited’, 2020, {site.url}/article\n")
        refs = parse_text(text, "r.txt")
        settings = replace(fast_settings(wb), use_cache=True, cache_dir=str(tmp_path / "cache"), max_cache_age=3600)
        first = check_references(refs, settings)
        requests_before = len(site.log) + len(wb.log)
        stored_before = stored_times(tmp_path / "cache" / "cache.sqlite3")
        second = check_references(refs, settings)
        assert len(site.log) + len(wb.log) == requests_before  # nothing asked again
        # what the cache answered is marked so, and is not stored again as if it were fresh
        assert [r.cached for r in first.results] == [frozenset()] * 3
        assert [sorted(r.cached) for r in second.results] == [["live", "snapshot"], ["live", "snapshot"],
                                                               ["live", "lookup"]]
        assert stored_times(tmp_path / "cache" / "cache.sqlite3") == stored_before
        assert [r.verdict for r in second.results] == [r.verdict for r in first.results]
        dead = second.results[1]
        assert dead.verdict.live.state.value == "dead" and dead.cached == {"live", "snapshot"}
        # a run answered by the cache asked nothing: it does not count as another failing run
        assert dead.history["consecutive_failing_runs"] == 1 and dead.history["first_seen_failing"]
        assert second.results[0].history["consecutive_failing_runs"] == 0
        assert second.results[2].cached == {"live", "lookup"}
        assert second.settings["cache"]["hits"] >= 4
        third = check_references(refs, replace(settings, max_cache_age=0))  # everything asked again
        assert third.results[1].history["consecutive_failing_runs"] == 2 and not third.results[1].cached
    finally:
        wb.close()



def test_offline_judges_from_the_cache_however_old_and_asks_nothing(site, tmp_path):
    archive = {f"{site.url}/article": [Capture("20230919065839", title="Modeling Internet Effects on Civic Participation")]}
    wb = Running(Wayback(archive))
    try:
        known = f"[1] ‘Modeling Internet Effects on Civic Participation’, https://web.archive.org/web/20230919065839/{site.url}/article\n"
        unseen = f"[2] ‘Never checked’, https://web.archive.org/web/20200101000000/{site.url}/other\n"
        settings = replace(fast_settings(wb), use_cache=True, cache_dir=str(tmp_path / "cache"), max_cache_age=3600)
        first = check_references(parse_text(known, "r.txt"), settings)
        asked = len(site.log) + len(wb.log)
        db = sqlite3.connect(tmp_path / "cache" / "cache.sqlite3")
        with db:  # a year later: every entry is far older than --max-cache-age allows
            db.execute("UPDATE entries SET stored = stored - 365 * 86400")
        db.close()
        report = check_references(parse_text(known + unseen, "r.txt"), replace(settings, offline=True))
        assert len(site.log) + len(wb.log) == asked  # not one request
        assert report.offline and json.loads(render(report, "json"))["run"]["offline"] is True
        old, new = report.results
        assert old.verdict == first.results[0].verdict and old.cached == {"live", "snapshot"}
        assert (new.verdict.live.rule, new.verdict.archive.rule) == ("live.skipped.offline", "archive.unchecked.offline")
        assert not new.verdict.misleads
    finally:
        wb.close()


def test_offline_needs_the_cache():
    with pytest.raises(InputError, match="--offline"):
        check_references(parse_text("[1] https://example.org/\n", "r.txt"),
                         replace(Settings(), use_cache=False, offline=True))


def write_entries(path, name):
    """In its own process: 600 entries written (in batches of 50) while reading others."""
    cache = Cache(path, max_age=3600, batch=50)
    for i in range(600):
        url = f"https://{name}.example/{i}"
        cache.put(Cache.key("live", url), LiveObservation(url, Fetch(url, status=200)))
        cache.get(Cache.key("live", "https://other.example/"))
    cache.close()


def test_two_processes_share_a_cold_cache(tmp_path):
    path = tmp_path / "cache.sqlite3"
    in_processes(write_entries, (path, "a"), (path, "b"))  # (a child that fails shows its traceback)
    cache = Cache(path, max_age=3600)
    count = cache.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    cache.close()
    assert count == 1200
