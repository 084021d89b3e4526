"""The cache: a second run within the age makes no request; failures age faster; history is kept."""
from __future__ import annotations

from dataclasses import replace

from fakeweb import Capture, Running, Wayback
from test_e2e import fast_settings

from citecheck.api import check as check_references
from citecheck.cache import Cache, decode, encode
from citecheck.model import Fetch, Hop, LiveObservation, PageFacts, SignatureMatch
from citecheck.settings import parse_duration
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
        second = check_references(refs, settings)
        assert len(site.log) + len(wb.log) == requests_before  # nothing asked again
        assert [r.verdict for r in second.results] == [r.verdict for r in first.results]
        dead = second.results[1]
        assert dead.verdict.live.state.value == "dead"
        assert dead.history["consecutive_failing_runs"] == 2 and dead.history["first_seen_failing"]
        assert second.results[0].history["consecutive_failing_runs"] == 0
        assert second.settings["cache"]["hits"] >= 4
    finally:
        wb.close()
