"""Rules for the snapshot, one row per rule: a snapshot observation and a look-up in, the state and the rule out."""
from __future__ import annotations

from dataclasses import replace

import pytest
from rulekit import GOOD_LOOKUP, LINK, NONE_LOOKUP, SETTINGS, SNAP, TITLE, URL, fetch, live, ref, snap

from citecheck.model import ArchiveLink, Capture, Fetch, LookupResult, PageFacts, SignatureMatch, SnapshotObservation
from citecheck.rules import classify_archive
from citecheck.timestamps import distance_days
from citecheck.vocab import WAYBACK, ArchiveAnswer, ArchiveState, ErrorKind, LookupSource, PageSignal

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
    ("captured-soft404", snap(200, title="Page not found", markers={"notfound"}), GOOD_LOOKUP,
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
    v = classify_archive(ref(), s, lookup, SETTINGS)
    assert (v.state, v.rule) == (state, rule)


GENERIC = PageFacts(title="Well, this is a dead end.", text_chars=240)
PASSWORD = SignatureMatch("login.password-field", "login", "markup", "<input type=password", False)
UNRELATED_CASES = [
    # (id, capture page, live answer, expected state, expected rule)
    ("generic-page", GENERIC, None, ArchiveState.SOFT404, "archive.soft404.unrelated"),
    ("an-article-is-a-work", replace(GENERIC, article=True), None, ArchiveState.OK, "archive.ok"),
    ("long-page-no-sign", replace(GENERIC, text_chars=9000), None, ArchiveState.OK, "archive.ok"),
    ("title-is-the-site-name", PageFacts(title="Harbour Daily", site_name="Harbour Daily", text_chars=9000), None,
     ArchiveState.SOFT404, "archive.soft404.unrelated"),
    ("canonical-is-the-home-page", PageFacts(title="Welcome", canonical="/", text_chars=9000), None,
     ArchiveState.SOFT404, "archive.soft404.unrelated"),
    ("refresh-to-the-home-page", PageFacts(title="Moved", refresh="https://example.org/", text_chars=9000), None,
     ArchiveState.SOFT404, "archive.soft404.unrelated"),
    ("signs-of-a-login-page", PageFacts(title="Members", text_chars=2000, matches=(PASSWORD,)), None,
     ArchiveState.SOFT404, "archive.soft404.unrelated"),
    ("a-login-box-on-a-long-page", PageFacts(title="Members", text_chars=9000, matches=(PASSWORD,)), None,
     ArchiveState.OK, "archive.ok"),
    ("heading-names-the-work", replace(GENERIC, heading=TITLE), None, ArchiveState.OK, "archive.ok"),
    ("title-with-suffix-is-the-work", replace(GENERIC, title=f"{TITLE} | Sage Journals"), None, ArchiveState.OK,
     "archive.ok"),
    ("cited-title-in-another-script", replace(GENERIC, title="Жаңалықтар"), None, ArchiveState.OK, "archive.ok"),
    ("the-original-shows-it-today", GENERIC, live(fetch(200, title="Well, this is a dead end!")), ArchiveState.OK,
     "archive.ok"),
    ("the-site-shows-it-for-any-address", GENERIC, live(fetch(200, title="Well, this is a dead end."),
                                                          sibling=fetch(200, title="Well, this is a dead end.")),
     ArchiveState.SOFT404, "archive.soft404.unrelated"),
    ("empty-page", PageFacts(charset="utf-8", bytes_read=1462, text_chars=0), None, ArchiveState.SOFT404,
     "archive.soft404.empty"),
    ("a-file-is-no-empty-page", PageFacts(bytes_read=80_000), None, ArchiveState.OK, "archive.ok"),
    # a body of NULs (a gzip bomb) read in part: not one character of text, nothing further down can help
    ("nothing-but-nuls-cut-short", PageFacts(charset="utf-8", bytes_read=32768, text_chars=0, complete=False), None,
     ArchiveState.SOFT404, "archive.soft404.empty"),
    ("text-cut-short-may-go-on", PageFacts(charset="utf-8", bytes_read=32768, text_chars=20, complete=False), None,
     ArchiveState.OK, "archive.ok"),
    ("captured-login", PageFacts(title="Sign in", signals=frozenset({PageSignal.LOGIN})), None, ArchiveState.SOFT404,
     "archive.soft404.login"),
    ("captured-consent", PageFacts(title="Before you continue", signals=frozenset({PageSignal.CONSENT})), None,
     ArchiveState.SOFT404, "archive.soft404.consent"),
]


@pytest.mark.parametrize("case", UNRELATED_CASES, ids=[c[0] for c in UNRELATED_CASES])
def test_a_capture_is_judged_against_the_citation(case):
    _, page, now, state, rule = case
    v = classify_archive(ref(), snap(200, page=page), GOOD_LOOKUP, SETTINGS, live=now)
    assert (v.state, v.rule) == (state, rule)


def test_the_sites_name_is_no_common_ground():
    # the citation kept the site's name; the capture is the site's generic page, titled with nothing else
    cited = ref(title="Harbour Daily - The port reopens after the storm")
    page = PageFacts(title="Harbour Daily", text_chars=9000)
    assert classify_archive(cited, snap(200, page=page), None, SETTINGS).state is ArchiveState.OK
    v = classify_archive(cited, snap(200, page=page), None, SETTINGS, site_names=["Harbour Daily"])
    assert (v.state, v.rule) == (ArchiveState.SOFT404, "archive.soft404.unrelated")


def test_problem_snapshots_carry_the_suggestion():
    v = classify_archive(ref(), snap(404), GOOD_LOOKUP, SETTINGS)
    assert v.suggestion == GOOD_LOOKUP.capture


def test_window_is_configurable():
    s = snap(ts="20200501000000", says="closest")
    assert classify_archive(ref(), s, None, SETTINGS).state is ArchiveState.OK
    assert classify_archive(ref(), s, None, replace(SETTINGS, window_days=30)).state is ArchiveState.SHIFTED


@pytest.mark.parametrize("lookup,state,rule", [
    (GOOD_LOOKUP, ArchiveState.UNCITED_AVAILABLE, "archive.uncited.available"),
    (NONE_LOOKUP, ArchiveState.UNCITED_NONE, "archive.uncited.none"),
    (LookupResult(url=URL, target="2020", error="timeout"), ArchiveState.UNCHECKED, "archive.uncited.lookup_failed"),
])
def test_uncited(lookup, state, rule):
    v = classify_archive(ref(snapshot=None), None, lookup, SETTINGS)
    assert (v.state, v.rule) == (state, rule)


def test_not_looked_up_for_a_private_address_only_when_the_url_itself_was_refused():
    from citecheck.model import Hop

    refused = Fetch(url=URL, error=ErrorKind.REFUSED_TARGET)
    redirected = Fetch(url=URL, error=ErrorKind.REFUSED_TARGET, hops=(Hop("GET", URL, 302),))  # into 10.0.0.1
    verdicts = [classify_archive(ref(snapshot=None), None, None, SETTINGS, live=live(f)) for f in (refused, redirected)]
    assert [v.rule for v in verdicts] == ["archive.uncited.private_address", "archive.uncited.unchecked"]


def test_undated_link_is_not_judged_by_distance():
    undated = ArchiveLink(url=f"https://web.archive.org/web/*/{URL}", service=WAYBACK, original=URL, timestamp=None)
    s = SnapshotObservation(link=undated, fetch=Fetch(url="x", status=200), capture=Capture("20240101000000", 200))
    r = ref(snapshot=undated.url)
    v = classify_archive(r, s, None, SETTINGS)
    assert (v.state, v.rule) == (ArchiveState.OK, "archive.ok.unpinned")


def test_truncated_wayback_link_is_missing():
    r = ref(snapshot="https://web.archive.org/web/20201111221014/http")
    v = classify_archive(r, None, None, SETTINGS)
    assert (v.state, v.rule) == (ArchiveState.MISSING, "archive.no_original")


@pytest.mark.parametrize("cited,capture,days", [
    ("20200101120000", "20200101120000", 0.0),
    ("2020", "20200615000000", 0.0),  # a year-only citation covers the whole year
    ("2020", "20210101000000", 0.0 + 1 / 86400),
    ("20200101", "20200111000000", 9.0 + 1 / 86400),
])
def test_distance(cited, capture, days):
    assert distance_days(cited, capture) == pytest.approx(days, abs=1e-3)




# --- the same states in every archive ------------------------------------------------------------------------

ARQUIVO = f"https://arquivo.pt/wayback/20200101120000/{URL}"
IN_ARQUIVO = ArchiveLink(url=ARQUIVO, service="arquivo.pt", original=URL, timestamp="20200101120000")
ELSEWHERE = LookupResult(url=URL, target="20200101120000", source=LookupSource.TIMEMAP,
                         capture=Capture("20200103000000", 200, f"https://arquivo.pt/wayback/20200103000000/{URL}"))

OTHER_ARCHIVE_CASES = [
    ("exact", snap(link=IN_ARQUIVO), ArchiveState.OK, "archive.ok", "by Arquivo.pt"),
    ("captured-404", snap(404, link=IN_ARQUIVO), ArchiveState.CAPTURED_ERROR, "archive.captured_error.http404", ""),
    ("never-archived", snap(404, says="notarchived", capture=False, link=IN_ARQUIVO), ArchiveState.MISSING,
     "archive.missing", "Arquivo.pt has never archived"),
    ("a wall", snap(403, says="blocked", capture=False, link=IN_ARQUIVO), ArchiveState.UNCHECKED,
     "archive.unchecked.blocked", "Arquivo.pt does not show its captures"),
    ("rate-limited", snap(429, says="ratelimited", capture=False, link=IN_ARQUIVO), ArchiveState.UNCHECKED,
     "archive.unchecked.ratelimited", "Arquivo.pt kept answering 429"),
    ("captured-login-redirect", snap(302, location="/wayback/20200101120000id_/https://example.org/login",
                                     link=IN_ARQUIVO), ArchiveState.CAPTURED_REDIRECT, "archive.captured_redirect",
     "a login page"),
]


@pytest.mark.parametrize("case", OTHER_ARCHIVE_CASES, ids=[c[0] for c in OTHER_ARCHIVE_CASES])
def test_other_archives_get_the_same_states_with_their_name(case):
    _, s, state, rule, words = case
    v = classify_archive(ref(snapshot=ARQUIVO), s, None, SETTINGS)
    assert (v.state, v.rule) == (state, rule)
    assert words in v.detail


def test_webcite_is_unverifiable_not_missing():
    link = "https://www.webcitation.org/5oFP5PoVE?url=https://example.org/papers/article-1"
    s = snap(200, says="blocked", capture=False, link=ArchiveLink(link, "webcite", URL, "20100315123045"))
    v = classify_archive(ref(snapshot=link), s, None, SETTINGS)
    assert (v.state, v.rule) == (ArchiveState.UNCHECKED, "archive.unchecked.blocked")
    assert "frame" in v.detail


def test_a_capture_found_in_another_archive_is_suggested_when_the_wayback_machine_has_none_near():
    v = classify_archive(ref(), snap(404, says="notarchived", capture=False), NONE_LOOKUP, SETTINGS, ELSEWHERE)
    assert v.state is ArchiveState.MISSING and v.suggestion == ELSEWHERE.capture
    assert "in Arquivo.pt" in v.detail
    uncited = classify_archive(ref(snapshot=None), None, NONE_LOOKUP, SETTINGS, ELSEWHERE)
    assert (uncited.state, uncited.url) == (ArchiveState.UNCITED_AVAILABLE, ELSEWHERE.capture.url)


def test_the_wayback_machines_capture_wins_when_it_is_near():
    v = classify_archive(ref(), snap(404), GOOD_LOOKUP, SETTINGS, ELSEWHERE)
    assert v.suggestion == GOOD_LOOKUP.capture
    far = replace(GOOD_LOOKUP, capture=Capture("20150101000000", 200, "https://web.archive.org/web/20150101000000/x"))
    assert classify_archive(ref(), snap(404), far, SETTINGS, ELSEWHERE).suggestion == ELSEWHERE.capture


def test_an_archive_id_names_one_capture():
    link = "https://archive.ph/AbC12"
    s = snap(link=ArchiveLink(link, "archive.today", None, None), ts="20190405101010")
    v = classify_archive(ref(url=URL, snapshot=link), s, None, SETTINGS)
    assert (v.state, v.rule) == (ArchiveState.OK, "archive.ok") and "by archive.today" in v.detail


def test_what_the_details_say_of_unanswered_replays_and_partial_timestamps():
    same = LookupResult(url=URL, target="20200101120000", source=LookupSource.AVAILABILITY,
                        capture=Capture("20200101120000", 200, f"https://web.archive.org/web/20200101120000/{URL}"))
    hung = SnapshotObservation(link=LINK, fetch=Fetch(url=SNAP, error=ErrorKind.TIMEOUT), answer=ArchiveAnswer.ERROR)
    v = classify_archive(ref(), hung, same, SETTINGS)
    # not "answered None timeout", and not the failed capture offered as its own replacement
    assert v.detail == "the Wayback Machine did not answer (timeout); the archive's index lists it as a good " \
                       "capture: try again later" and v.suggestion is None
    year = ArchiveLink(url=f"https://web.archive.org/web/2019/{URL}", service=WAYBACK, original=URL, timestamp="2019")
    v = classify_archive(ref(snapshot=year.url), snap(ts="20190610000000", says="closest", link=year), None, SETTINGS)
    assert v.rule == "archive.ok.near" and v.detail == "good capture of 2019-06-10, within the cited 2019"
