"""End to end against real HTTP servers on 127.0.0.1: a fake site and a fake Wayback Machine."""
from __future__ import annotations

import datetime as dt
import json
import socket
from dataclasses import replace

import pytest
from clirun import one_line_error, run
from fakeweb import Capture, Running, Wayback

from citecheck.api import check as check_references
from citecheck.model import ArchiveState
from citecheck.settings import Settings
from citecheck.sources import parse_text

NOW = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fast_settings(wayback: Running) -> Settings:
    return replace(Settings(), use_cache=False, share_wayback_budget=False, allow_private=True, wayback_base=wayback.url, availability_url=f"{wayback.url}/wayback/available",
                   replay_per_min=600_000, cdx_per_min=600_000, availability_per_min=600_000, lookup_linger=0.01,
                   read_timeout=1.5, connect_timeout=1.0, attempt_timeout=2.0, host_interval=0.0, now=NOW, retries=1,
                   retry_wait=0.01, wayback_pause=0.05, other_archives=False,  # the other archives and the DOI
                   check_identifiers=False)  # registries live on real hosts only


@pytest.fixture
def world(site):
    s = site.url
    dead = f"http://127.0.0.1:{closed_port()}/article"
    archive = {
        f"{s}/article": [Capture("20230919065839", title="Modeling Internet Effects on Civic Participation")],
        f"{s}/gone": [Capture("20200101000000", title="A page that was")],
        f"{s}/old-place": [Capture("20210101000000", title="Modeling Internet Effects on Civic Participation")],
        f"{s}/walled": [Capture("20220101000000", title="Behind the wall")],
        f"{s}/to-home": [Capture("20190101000000", title="Deep page")],
        f"{s}/captured-404": [Capture("20120417063915", 404, "404 Not Found"),
                              Capture("20110704063952", 200, "The good one")],
        f"{s}/excluded": [Capture("20200101000000")],
        f"{s}/near": [Capture("20200106000000", title="Near enough")],
        f"{s}/far": [Capture("20230601000000", title="Far away")],
        f"{s}/uncited": [Capture("20150301000000", title="Uncited but archived")],
        f"{s}/login-redirect": [Capture("20230919073216", 302, location="/login")],
        dead: [Capture("20200101000000", title="Refused now")],
        f"{s}/soft/thing": [Capture("20200101000000", title="Soft thing")],
        f"{s}/parked": [Capture("20200101000000", title="Before the domain lapsed")],
        f"{s}/drifted": [Capture("20200101000000", title="Network policy hashtag censorship election democracy")],
        f"{s}/flaky": [Capture("20200101000000", title="Flaky but fine")],
        f"{s}/report.pdf": [Capture("20200101000000", title="")],
    }
    wb = Running(Wayback(archive, excluded={f"{s}/excluded"}))
    w = lambda ts, path: f"https://web.archive.org/web/{ts}/{path if path.startswith('http') else s + path}"
    text = "\n".join([
        "References",
        "",
        f"[1] ‘Modeling Internet Effects on Civic Participation’, {w('20230919065839', '/article')}",
        f"[2] ‘A page that was’, {w('20200101000000', '/gone')}",
        f"[3] ‘Modeling Internet Effects on Civic Participation’, {s}/old-place {w('20210101000000', '/old-place')}",
        f"[4] ‘Behind the wall’, {w('20220101000000', '/walled')}",
        f"[5] ‘Deep page’, {w('20190101000000', '/to-home')}",
        f"[6] ‘The good one’, {w('20120417063915', '/captured-404')}",
        f"[7] ‘Never archived’, {w('20200101000000', '/nowhere')}",
        f"[8] ‘Excluded’, {w('20200101000000', '/excluded')}",
        f"[9] ‘Near enough’, {w('20200101000000', '/near')}",
        f"[10] ‘Far away’, {w('20200101000000', '/far')}",
        f"[11] ‘Uncited but archived’, 2015, {s}/uncited",
        f"[12] ‘Uncited and unarchived’, 2015, {s}/article-new",
        f"[13] ‘Login wall’, {w('20230919073216', '/login-redirect')}",
        f"[14] ‘Refused now’, {w('20200101000000', dead)}",
        f"[15] ‘Soft thing’, {w('20200101000000', '/soft/thing')}",
        f"[16] ‘Before the domain lapsed’, {w('20200101000000', '/parked')}",
        f"[17] ‘Network policy hashtag censorship election democracy’, {w('20200101000000', '/drifted')}",
        f"[18] ‘Flaky but fine’, {w('20200101000000', '/flaky')}",
        f"[19] ‘A report’, {w('20200101000000', '/report.pdf')}",
        f"[20] ‘Same as the first’, {w('20230919065839', '/article')}",
        "[21] A printed book without a link, 1999.",
        f"[22] ‘Deep page too’, {s}/to-home-too",
        "",
    ])
    yield text, wb
    wb.close()


EXPECTED = {
    1: ("ok", "ok", False), 2: ("dead", "ok", False), 3: ("moved", "ok", True), 4: ("blocked", "ok", False),
    5: ("soft404", "ok", False), 6: ("dead", "captured_error", True), 7: ("dead", "missing", True),
    8: ("dead", "excluded", True), 9: ("dead", "ok", False), 10: ("dead", "shifted", True),
    11: ("dead", "uncited_available", True), 12: ("dead", "uncited_none", True),
    13: ("dead", "captured_redirect", True), 14: ("dead", "ok", False), 15: ("soft404", "ok", False),
    16: ("parked", "ok", True), 17: ("drift", "ok", True), 18: ("ok", "ok", False), 19: ("ok", "ok", False),
    20: ("ok", "ok", False), 21: ("none", "none", False), 22: ("soft404", "uncited_none", True),
}


def test_every_verdict_end_to_end(world, site):
    text, wb = world
    refs = parse_text(text, "refs.txt")
    report = check_references(refs, fast_settings(wb))
    got = {r.reference.number: (r.verdict.live.state.value, r.verdict.archive.state.value, r.verdict.attention)
           for r in report.results}
    assert got == EXPECTED
    by = {r.reference.number: r for r in report.results}
    # evidence and fixes
    assert by[3].verdict.live.final_url == f"{site.url}/new-place"
    assert by[6].verdict.archive.suggestion.timestamp == "20110704063952"
    assert by[11].verdict.actions[0].url == f"https://web.archive.org/web/20150301000000/{site.url}/uncited"
    assert by[10].verdict.archive.capture_timestamp == "20230601000000"
    assert [h.status for h in by[5].verdict.live.chain] == [302, 200]
    # the same snapshot cited twice was replayed once; every original was asked once (plus retries/fallbacks)
    replays = [p for m, p, _ in wb.log if p.startswith("/web/20230919065839id_/")]
    assert len(replays) == 1
    assert site.server.app.hits["/article"] == 1
    assert site.server.app.hits["/flaky"] == 2  # one 503, one retry
    assert site.server.app.hits["/"] == 1  # two deep links bounce to the home page; it is fetched once
    ua = {h.get("User-Agent") for _, _, h in site.log}
    assert all(u and "citecheck/" in u for u in ua)


def test_wayback_429_pauses_and_recovers(site):
    archive = {f"{site.url}/article": [Capture("20230919065839", title="Modeling Internet Effects on Civic Participation")]}
    wb = Running(Wayback(archive, limit_first=1))
    try:
        refs = parse_text(f"[1] ‘x’, https://web.archive.org/web/20230919065839/{site.url}/article\n", "r.txt")
        report = check_references(refs, fast_settings(wb))
        assert report.results[0].verdict.archive.state is ArchiveState.OK
        assert report.settings["wayback_rate_limited"]["replay"] == 1
    finally:
        wb.close()


def test_cli_end_to_end_json_and_exit_code(world, tmp_path):
    text, wb = world
    src = tmp_path / "refs.txt"
    # the wiring, not every verdict again (test_every_verdict_end_to_end): a reference that is fine, a moved one,
    # a captured error
    src.write_text("\n".join(line for line in text.splitlines() if line.startswith(("[1] ", "[3] ", "[6] "))),
                   encoding="utf-8")
    out = tmp_path / "report.json"
    proc = run("check", str(src), "--format", "json", "--output", str(out), "--wayback-url", wb.url,
               "--availability-url", f"{wb.url}/wayback/available", "--timeout", "1.5", "--connect-timeout", "1", "--retries", "1",
               "--replay-per-min", "60000", "--cdx-per-min", "60000", "--availability-per-min", "60000", "--quiet",
               "--allow-private", "--host-interval", "0",
               "--no-cache", "--no-other-archives", "--no-doi")
    assert proc.returncode == 2, proc.err
    data = json.loads(out.read_text())
    assert data["schema"] == "citecheck/1"
    assert data["summary"]["references"] == 3
    states = {r["number"]: (r["live"]["state"], r["archive"]["state"]) for r in data["references"]}
    assert states == {1: ("ok", "ok"), 3: ("moved", "ok"), 6: ("dead", "captured_error")}
    assert "Traceback" not in proc.err


def test_network_down_is_one_line_and_exit_1(tmp_path):
    src = tmp_path / "refs.txt"
    port = closed_port()
    src.write_text("".join(f"[{i}] ‘t’, https://web.archive.org/web/2020/http://127.0.0.1:{port}/p{i}\n"
                           for i in range(1, 4)), encoding="utf-8")
    proc = run("check", str(src), "--wayback-url", f"http://127.0.0.1:{port}", "--availability-url",
                       f"http://127.0.0.1:{port}/wayback/available", "--retries", "0", "--quiet", "--no-other-archives", "--no-doi",
               "--host-interval", "0", "--replay-per-min", "60000")
    assert proc.returncode == 1
    assert "no host could be reached" in one_line_error(proc)


def test_cdx_confirmations_give_way_when_the_rest_is_done(site):
    wb = Running(Wayback({}))
    try:
        text = "".join(f"[{i}] ‘Never archived {i}’, 2015, {site.url}/nowhere-{i}\n" for i in range(1, 13))
        settings = replace(fast_settings(wb), cdx_per_min=30, confirm_grace=0.1)
        report = check_references(parse_text(text, "r.txt"), settings)
        cdx = [p for _, p, _ in wb.log if p.startswith("/cdx/")]
        assert 1 <= len(cdx) < 12  # not one slow CDX query per URL at 30 a minute
        states = {r.verdict.archive.state for r in report.results}
        assert states == {ArchiveState.UNCITED_NONE}
        assert any("not confirmed" in r.verdict.archive.detail for r in report.results)
    finally:
        wb.close()


def test_a_dead_link_in_a_live_only_run_needs_attention(site, tmp_path):
    """--no-archive: no snapshot is checked to carry a dead original, so it is not an all-clear (a link checker's
    run fails on it with --fail-on attention); a working one is fine."""
    src = tmp_path / "links.md"
    src.write_text(f"1. [Article]({site.url}/article)\n2. [Gone]({site.url}/no-such-page)\n", encoding="utf-8")
    out = tmp_path / "report.json"
    ran = run("check", str(src), "--no-archive", "--allow-private", "--no-cache", "--no-doi", "--host-interval", "0",
              "--fail-on", "attention", "--format", "json", "--output", str(out))
    assert ran.returncode == 2, ran.err
    refs = {r["number"]: r for r in json.loads(out.read_text())["references"]}
    assert (refs[1]["live"]["state"], refs[1]["attention"]) == ("ok", False)
    assert (refs[2]["live"]["state"], refs[2]["archive"]["state"], refs[2]["attention"]) == ("dead", "unchecked", True)
    assert "no snapshot was checked" in refs[2]["actions"][0]["text"]
    assert run("check", str(src), "--no-archive", "--allow-private", "--no-cache", "--no-doi", "--host-interval", "0",
               "--quiet").returncode == 0  # the default level fails only on what misleads readers
