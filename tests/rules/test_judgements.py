"""What the other stages ask the rules: look up a better capture? suspect drift? save which references?"""
from __future__ import annotations

from dataclasses import replace

import pytest
from rulekit import GOOD_LOOKUP, NONE_LOOKUP, SETTINGS, TITLE, URL, fetch, live, ref, snap

from citecheck.model import ArchiveLink, Capture, LookupResult, Observed, Result
from citecheck.rules import JUDGEMENTS, judge, save_candidates
from citecheck.vocab import LookupSource

NEEDS_LOOKUP = [
    ("exact-good-capture", snap(), False),
    ("captured-404", snap(404), True),
    ("near-capture", snap(ts="20200115000000", says="closest"), True),
    ("not-found-page-captured", snap(200, title="Page not found", markers={"notfound"}), True),
    ("challenge-captured", snap(200, markers={"challenge"}), True),
    ("never-archived", snap(404, says="notarchived", capture=False), True),
    ("excluded: nothing to find", snap(200, says="excluded", capture=False), False),
    ("rate-limited: not now", snap(429, says="ratelimited", capture=False), False),
    ("another archive's captured 404: the Wayback Machine may have better",
     snap(404, link=ArchiveLink("https://archive.ph/2020/x", "archive.today", URL, "2020")), True),
    ("another archive that excludes: the Wayback Machine may not",
     snap(403, says="excluded", capture=False, link=ArchiveLink("https://archive.ph/2020/x", "archive.today", URL, "2020")),
     True),
]


@pytest.mark.parametrize("case", NEEDS_LOOKUP, ids=[c[0] for c in NEEDS_LOOKUP])
def test_needs_lookup(case):
    _, s, expected = case
    assert JUDGEMENTS.needs_lookup(s) is expected


def test_suspect_drift_compares_with_the_snapshot_title():
    assert JUDGEMENTS.suspect_drift(ref(), live(fetch(200, title="Latest updates")), snap())
    assert not JUDGEMENTS.suspect_drift(ref(), live(fetch(200, title=TITLE + " | Site")), snap())


def result(live_fetch, snapshot, lookup, r=None) -> Result:
    r = r or ref()
    o = Observed(r, live(live_fetch), snapshot, lookup)
    return Result.of(o, judge(o, SETTINGS))


def test_save_candidates_are_live_originals_without_a_good_capture_in_the_window():
    broken_no_good = result(fetch(200), snap(404), NONE_LOOKUP)
    broken_good_near = result(fetch(200), snap(404), GOOD_LOOKUP, ref(url="https://example.org/near"))  # 2 days away
    uncited_none = result(fetch(200), None, NONE_LOOKUP, ref(snapshot=None, url="https://example.org/other"))
    dead = result(fetch(404), snap(404), NONE_LOOKUP, ref(url="https://example.org/dead"))
    chosen = save_candidates([broken_no_good, broken_good_near, uncited_none, dead], SETTINGS)
    assert chosen == [broken_no_good, uncited_none]  # one per URL; a dead original cannot be saved


def test_the_save_window_is_the_check_window():
    far = replace(GOOD_LOOKUP, capture=Capture("20180101000000", 200, "https://web.archive.org/web/2018/x"))
    r = result(fetch(200), snap(404), far)
    assert save_candidates([r], SETTINGS) == [r]  # 2 years away: outside the 180-day window
    assert save_candidates([r], replace(SETTINGS, window_days=1000)) == []


FAR = LookupResult(url=URL, target="20200101120000", source=LookupSource.AVAILABILITY,
                   capture=Capture("20150101000000", 200, "https://web.archive.org/web/20150101000000/x"))
OTHER_ARCHIVES = [
    ("the cited capture is good", snap(), None, False),
    ("a captured 404, and a good capture near", snap(404), GOOD_LOOKUP, False),
    ("the archive chose a good capture near", snap(ts="20200115000000", says="closest"), NONE_LOOKUP, False),
    ("the archive chose one far away", snap(ts="20230115000000", says="closest"), NONE_LOOKUP, True),
    ("a captured 404, and nothing near", snap(404), FAR, True),
    ("never archived, nothing at all", snap(404, says="notarchived", capture=False), NONE_LOOKUP, True),
    ("the Wayback Machine excludes it", snap(200, says="excluded", capture=False), None, True),
    ("the look-up failed: says nothing", snap(404), LookupResult(url=URL, target="2020", error="timeout"), False),
    ("uncited, none in the Wayback Machine", None, NONE_LOOKUP, True),
    ("uncited, one near", None, GOOD_LOOKUP, False),
]


@pytest.mark.parametrize("case", OTHER_ARCHIVES, ids=[c[0] for c in OTHER_ARCHIVES])
def test_wants_other_archives(case):
    _, s, lookup, expected = case
    assert JUDGEMENTS.wants_other_archives(s, lookup, SETTINGS.window_days) is expected
