"""Classification rules, one row per rule: observations in, the state and the rule that fired out."""
from __future__ import annotations

import pytest

from citecheck.check import Observed
from citecheck.classify import Rules, classify_archive, classify_live, distance_days, judge
from citecheck.model import (
    ArchiveLink,
    ArchiveState,
    Capture,
    Fetch,
    Hop,
    LiveObservation,
    LiveState,
    LookupResult,
    PageFacts,
    Reference,
    SnapshotObservation,
)

URL = "https://example.org/papers/article-1"
SNAP = f"https://web.archive.org/web/20200101120000/{URL}"
TITLE = "Information and Expression in a Digital Age"


def ref(*, url=URL, snapshot=SNAP, title=TITLE) -> Reference:
    from citecheck.archives import parse_archive_link

    urls = tuple(u for u in (url, snapshot) if u)
    links = tuple(a for a in (parse_archive_link(u) for u in urls) if a)
    return Reference(number=1, key="1", raw="", line=1, title=title, urls=urls, archive_links=links)


def fetch(status=200, *, title=TITLE, markers=(), hops=None, final=URL, error=None, headers=(), ctype="text/html",
          attempts=1) -> Fetch:
    if hops is None:
        hops = (Hop("GET", URL, status),) if status is not None else ()
    return Fetch(url=URL, hops=hops, status=status, final_url=final, headers=tuple(headers), content_type=ctype,
                 page=PageFacts(title=title, markers=frozenset(markers)), error=error, attempts=attempts)


def live(f: Fetch, sibling: Fetch | None = None) -> LiveObservation:
    return LiveObservation(url=URL, fetch=f, sibling=sibling)


LIVE_CASES = [
    # (id, fetch, sibling, snapshot title, expected state, expected rule)
    ("ok", fetch(200), None, TITLE, LiveState.OK, "live.ok"),
    ("404", fetch(404, title="Not Found"), None, TITLE, LiveState.DEAD, "live.dead.http404"),
    ("410", fetch(410, title="Gone"), None, TITLE, LiveState.DEAD, "live.dead.http410"),
    ("dns", fetch(None, error="dns"), None, TITLE, LiveState.DEAD, "live.dead.dns"),
    ("proxy-502-connect", fetch(None, error="unreachable"), None, TITLE, LiveState.DEAD, "live.dead.dns"),
    ("refused", fetch(None, error="refused", attempts=3), None, TITLE, LiveState.DEAD, "live.dead.refused"),
    ("timeout", fetch(None, error="timeout"), None, TITLE, LiveState.TIMEOUT, "live.timeout"),
    ("reset", fetch(None, error="reset"), None, TITLE, LiveState.TRANSIENT, "live.transient.reset"),
    ("503", fetch(503), None, TITLE, LiveState.TRANSIENT, "live.transient.http503"),
    ("403", fetch(403, title="Forbidden"), None, TITLE, LiveState.BLOCKED, "live.blocked.http403"),
    ("401", fetch(401, title="Login"), None, TITLE, LiveState.BLOCKED, "live.blocked.http401"),
    ("451", fetch(451), None, TITLE, LiveState.BLOCKED, "live.blocked.http451"),
    ("999", fetch(999), None, TITLE, LiveState.BLOCKED, "live.blocked.http999"),
    ("429", fetch(429), None, TITLE, LiveState.BLOCKED, "live.blocked.ratelimited"),
    ("cf-challenge-header", fetch(403, title="Just a moment...", headers=[("cf-mitigated", "challenge")]), None, TITLE,
     LiveState.BLOCKED, "live.blocked.challenge"),
    ("challenge-page-200", fetch(200, title="Just a moment...", markers={"challenge"}), None, TITLE,
     LiveState.BLOCKED, "live.blocked.challenge"),
    ("challenge-on-404", fetch(404, title="Attention Required! | Cloudflare", markers={"challenge"}), None, TITLE,
     LiveState.DEAD, "live.dead.http404"),
    ("parked", fetch(200, title="example.org is for sale", markers={"parked"}), None, TITLE, LiveState.PARKED, "live.parked"),
    ("to-root", fetch(200, title="Home", hops=(Hop("GET", URL, 302), Hop("GET", "https://example.org/", 200)),
                      final="https://example.org/"), None, TITLE, LiveState.SOFT404, "live.soft404.to_root"),
    ("to-login", fetch(200, title="Sign in", hops=(Hop("GET", URL, 302), Hop("GET", "https://example.org/login?next=x", 200)),
                       final="https://example.org/login?next=x"), None, TITLE, LiveState.SOFT404, "live.soft404.to_login"),
    ("notfound-title", fetch(200, title="Page not found", markers={"notfound_title"}), None, TITLE,
     LiveState.SOFT404, "live.soft404.title"),
    ("notfound-text-sibling-same", fetch(200, title="Example", markers={"notfound_text"}),
     fetch(200, title="Example"), TITLE, LiveState.SOFT404, "live.soft404.sibling"),
    ("notfound-text-sibling-404", fetch(200, title=TITLE, markers={"notfound_text"}), fetch(404, title="x"), TITLE,
     LiveState.OK, "live.ok"),
    ("moved-301", fetch(200, hops=(Hop("GET", URL, 301), Hop("GET", "https://example.org/new/article-1", 200)),
                        final="https://example.org/new/article-1"), None, TITLE, LiveState.MOVED, "live.moved"),
    ("temporary-302-is-ok", fetch(200, hops=(Hop("GET", URL, 302), Hop("GET", "https://example.org/en/article-1", 200)),
                                  final="https://example.org/en/article-1"), None, TITLE, LiveState.OK, "live.ok.redirect"),
    ("https-upgrade-is-not-moved", fetch(200, hops=(Hop("GET", URL, 301), Hop("GET", URL.replace("https", "http"), 200)),
                                         final=URL.replace("https:", "http:")), None, TITLE, LiveState.OK, "live.ok"),
    ("drift-vs-snapshot", fetch(200, title="Latest updates"), None, TITLE, LiveState.DRIFT, "live.drift"),
    ("drift-other-script", fetch(200, title="Жаңалықтар"), None, TITLE, LiveState.DRIFT, "live.drift"),
    ("site-suffix-is-not-drift", fetch(200, title=TITLE + " | Sage Journals"), None, TITLE, LiveState.OK, "live.ok"),
    ("pdf", fetch(200, title=None, ctype="application/pdf"), None, None, LiveState.OK, "live.ok.file"),
    ("redirect-loop", fetch(302, error="redirect_loop"), None, TITLE, LiveState.BLOCKED, "live.blocked.redirect_loop"),
]


@pytest.mark.parametrize("case", LIVE_CASES, ids=[c[0] for c in LIVE_CASES])
def test_live_rules(case):
    _, f, sibling, snapshot_title, state, rule = case
    v = classify_live(ref(), live(f, sibling), snapshot_title)
    assert (v.state, v.rule) == (state, rule)


def test_drift_from_cited_title_needs_same_script_and_length():
    # no snapshot title: a translated cited title is not evidence of drift
    kazakh = ref(title="Цифрлық белсенділік: әйелдердің мүмкіндіктерін кеңейту")
    assert classify_live(kazakh, live(fetch(200, title="Digital activism: empowering women")), None).state is LiveState.OK
    english = ref(title="Digital activism empowering women creating change")
    assert classify_live(english, live(fetch(200, title="Latest updates")), None).state is LiveState.DRIFT
    assert classify_live(ref(title="Report"), live(fetch(200, title="Latest updates")), None).state is LiveState.OK


def test_no_url():
    v = classify_live(ref(url=None, snapshot=None), None, None)
    assert v.state is LiveState.NONE


# --- snapshots ---------------------------------------------------------------------------------------------

LINK = ArchiveLink(url=SNAP, service="wayback", original=URL, timestamp="20200101120000")
GOOD_LOOKUP = LookupResult(url=URL, target="20200101120000", capture=Capture("20191230000000", 200,
                           f"https://web.archive.org/web/20191230000000/{URL}"), source="availability")
NONE_LOOKUP = LookupResult(url=URL, target="20200101120000", source="availability")


def snap(status=200, *, ts="20200101120000", says=None, title=TITLE, markers=(), location=None, landing=None,
         capture=True) -> SnapshotObservation:
    headers = [("memento-datetime", "x")] if capture else []
    if location:
        headers.append(("location", location))
    f = Fetch(url=SNAP, hops=(Hop("GET", SNAP, status),), status=status, headers=tuple(headers),
              page=PageFacts(title=title, markers=frozenset(markers)))
    cap = Capture(ts, status) if capture else None
    return SnapshotObservation(link=LINK, fetch=f, capture=cap, wayback_says=says, landing=landing)


ARCHIVE_CASES = [
    ("exact", snap(), None, ArchiveState.OK, "archive.ok"),
    ("near", snap(ts="20200115000000", says="closest"), None, ArchiveState.OK, "archive.ok.near"),
    ("far", snap(ts="20230101000000", says="closest"), GOOD_LOOKUP, ArchiveState.SHIFTED, "archive.shifted"),
    ("captured-404", snap(404, title="Not Found"), GOOD_LOOKUP, ArchiveState.CAPTURED_ERROR, "archive.captured_error.http404"),
    ("captured-archived-429", snap(429), NONE_LOOKUP, ArchiveState.CAPTURED_ERROR, "archive.captured_error.http429"),
    ("captured-redirect-login", snap(302, location="/web/20200101120000id_/https://example.org/login"), GOOD_LOOKUP,
     ArchiveState.CAPTURED_REDIRECT, "archive.captured_redirect"),
    ("captured-redirect-to-same-page", snap(301, location=f"/web/20200101120000id_/{URL}/",
                                            landing=snap(200, ts="20200101120005", says="closest")), None,
     ArchiveState.OK, "archive.ok.captured_redirect"),
    ("captured-self-redirect-with-good-capture-near", snap(301, location=f"/web/20200101120000id_/{URL.replace('https', 'http')}"),
     GOOD_LOOKUP, ArchiveState.OK, "archive.ok.self_redirect"),
    ("captured-self-redirect-nothing-good", snap(301, location=f"/web/20200101120000id_/{URL.replace('https', 'http')}"),
     NONE_LOOKUP, ArchiveState.CAPTURED_REDIRECT, "archive.captured_redirect"),
    ("captured-redirect-to-a-captured-404", snap(301, location=f"/web/20200101120000id_/{URL}/",
                                                landing=snap(404, ts="20200101120005")), GOOD_LOOKUP,
     ArchiveState.CAPTURED_REDIRECT, "archive.captured_redirect"),
    ("captured-soft404", snap(200, title="Page not found", markers={"notfound_title"}), GOOD_LOOKUP,
     ArchiveState.SOFT404, "archive.soft404.not_found"),
    ("captured-challenge", snap(200, title="Just a moment...", markers={"challenge"}), None,
     ArchiveState.SOFT404, "archive.soft404.challenge"),
    ("never-archived", snap(404, says="notarchived", capture=False), NONE_LOOKUP, ArchiveState.MISSING, "archive.missing"),
    ("excluded", snap(200, says="excluded", capture=False), None, ArchiveState.EXCLUDED, "archive.excluded"),
    ("rate-limited", snap(429, says="ratelimited", capture=False), None, ArchiveState.UNCHECKED,
     "archive.unchecked.ratelimited"),
]


@pytest.mark.parametrize("case", ARCHIVE_CASES, ids=[c[0] for c in ARCHIVE_CASES])
def test_archive_rules(case):
    _, s, lookup, state, rule = case
    v = classify_archive(ref(), s, lookup, Rules(window_days=180))
    assert (v.state, v.rule) == (state, rule)


def test_problem_snapshots_carry_the_suggestion():
    v = classify_archive(ref(), snap(404), GOOD_LOOKUP, Rules())
    assert v.suggestion == GOOD_LOOKUP.capture


def test_window_is_configurable():
    s = snap(ts="20200501000000", says="closest")
    assert classify_archive(ref(), s, None, Rules(window_days=180)).state is ArchiveState.OK
    assert classify_archive(ref(), s, None, Rules(window_days=30)).state is ArchiveState.SHIFTED


@pytest.mark.parametrize("lookup,state,rule", [
    (GOOD_LOOKUP, ArchiveState.UNCITED_AVAILABLE, "archive.uncited.available"),
    (NONE_LOOKUP, ArchiveState.UNCITED_NONE, "archive.uncited.none"),
    (LookupResult(url=URL, target="2020", error="timeout"), ArchiveState.UNCHECKED, "archive.uncited.lookup_failed"),
])
def test_uncited(lookup, state, rule):
    v = classify_archive(ref(snapshot=None), None, lookup, Rules())
    assert (v.state, v.rule) == (state, rule)


def test_undated_link_is_not_judged_by_distance():
    undated = ArchiveLink(url=f"https://web.archive.org/web/*/{URL}", service="wayback", original=URL, timestamp=None)
    s = SnapshotObservation(link=undated, fetch=Fetch(url="x", status=200), capture=Capture("20240101000000", 200))
    r = ref(snapshot=undated.url)
    v = classify_archive(r, s, None, Rules())
    assert (v.state, v.rule) == (ArchiveState.OK, "archive.ok.unpinned")


def test_truncated_wayback_link_is_missing():
    r = ref(snapshot="https://web.archive.org/web/20201111221014/http")
    v = classify_archive(r, None, None, Rules())
    assert (v.state, v.rule) == (ArchiveState.MISSING, "archive.wayback.no_original")


@pytest.mark.parametrize("cited,capture,days", [
    ("20200101120000", "20200101120000", 0.0),
    ("2020", "20200615000000", 0.0),  # a year-only citation covers the whole year
    ("2020", "20210101000000", 0.0 + 1 / 86400),
    ("20200101", "20200111000000", 9.0 + 1 / 86400),
])
def test_distance(cited, capture, days):
    assert distance_days(cited, capture) == pytest.approx(days, abs=1e-3)


# --- attention ---------------------------------------------------------------------------------------------

ATTENTION_CASES = [
    # (id, live fetch, snapshot, lookup, attention)
    ("dead-with-good-snapshot", fetch(404), snap(), None, False),
    ("blocked-with-good-snapshot", fetch(403), snap(), None, False),
    ("soft404-with-good-snapshot", fetch(200, title="Page not found", markers={"notfound_title"}), snap(), None, False),
    ("moved", fetch(200, hops=(Hop("GET", URL, 301), Hop("GET", "https://example.org/n/1", 200)), final="https://example.org/n/1"),
     snap(), None, True),
    ("parked", fetch(200, title="for sale", markers={"parked"}), snap(), None, True),
    ("drift", fetch(200, title="Latest updates"), snap(), None, True),
    ("ok-but-captured-error", fetch(200), snap(404), GOOD_LOOKUP, True),
    ("ok-but-missing", fetch(200), snap(404, says="notarchived", capture=False), NONE_LOOKUP, True),
    ("timeout-with-good-snapshot", fetch(None, error="timeout"), snap(), None, False),
]


@pytest.mark.parametrize("case", ATTENTION_CASES, ids=[c[0] for c in ATTENTION_CASES])
def test_attention(case):
    _, f, s, lookup, attention = case
    v = judge(Observed(ref(), live(f), s, lookup), Rules())
    assert v.attention is attention
    if attention:
        assert v.actions, "a reference needing attention always gets a suggested action"


def test_uncited_dead_needs_attention_with_the_snapshot_to_add():
    v = judge(Observed(ref(snapshot=None), live(fetch(404)), None, GOOD_LOOKUP), Rules())
    assert v.attention and v.archive.state is ArchiveState.UNCITED_AVAILABLE
    assert v.actions[0].kind == "add_snapshot" and v.actions[0].url == GOOD_LOOKUP.capture.url


def test_moved_suggests_the_new_url():
    f = fetch(200, hops=(Hop("GET", URL, 301), Hop("GET", "https://example.org/n/1", 200)), final="https://example.org/n/1")
    v = judge(Observed(ref(), live(f), snap(), None), Rules())
    assert v.actions[0].kind == "replace_url" and v.actions[0].url == "https://example.org/n/1"
