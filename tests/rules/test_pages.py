"""The fixture pages (tests/fixtures/pages) through the rules: each served as the original, and as a capture with
HTTP 200. Together they reach every rule the signature table names (signals.KIND_RULES)."""
from __future__ import annotations

import pytest
from pages import INDEX, read
from rulekit import GOOD_LOOKUP, SETTINGS, TITLE, URL, fetch, live, ref, snap

from citecheck.model import Hop
from citecheck.rules import classify_archive, classify_live
from citecheck.signals import KIND_RULES
from citecheck.vocab import ArchiveState, LiveState

LIVE_STATE = {"blocked": LiveState.BLOCKED, "parked": LiveState.PARKED, "soft404": LiveState.SOFT404,
              "transient": LiveState.TRANSIENT, "ok": LiveState.OK}
ORIGINAL_PAGES = [r for r in INDEX if r["label"] in LIVE_STATE]
CAPTURED_PAGES = [r for r in INDEX if r["label"] in (*LIVE_STATE, "generic")]


def served_live(row, status=None):
    """The fixture page as the original's answer (the reference cites ``original``, else URL): at the cited URL, or
    after a redirect to the row's URL."""
    cited, target, status = row.get("original", URL), row.get("url") or URL, status or row["status"]
    hops = (Hop("GET", cited, status),) if target == cited else (Hop("GET", cited, 302), Hop("GET", target, status))
    return ref(url=cited), fetch(status, hops=hops, final=target, page=read(row, url=target))


def as_original(row):
    cited, answer = served_live(row)
    return classify_live(cited, live(answer), answer.page.title, SETTINGS)  # the snapshot showed the same page


def maintenance_page():
    cited, answer = served_live(next(r for r in INDEX if r["label"] == "transient"), status=200)
    return classify_live(cited, live(answer), None, SETTINGS)


def as_capture(row):
    return classify_archive(ref(), snap(200, page=read(row, url=URL)), GOOD_LOOKUP, SETTINGS)


def playful_not_found(sibling):
    # the site gives it for any address; or, alone, it names the home page as its address
    page = read(next(r for r in INDEX if r["file"] == "nf_playful_generic.html"), url=URL)
    return classify_live(ref(), live(fetch(200, page=page), sibling=fetch(200, page=page) if sibling else None),
                         TITLE, SETTINGS)


@pytest.mark.parametrize("row", ORIGINAL_PAGES, ids=[r["file"] for r in ORIGINAL_PAGES])
def test_each_page_as_the_original(row):
    v = as_original(row)
    expected = LiveState.DEAD if row["status"] == 404 else LIVE_STATE[row["label"]]
    assert v.state is expected, v.rule
    assert not v.signatures or any(m.name in v.detail for m in v.signatures)  # the evidence is named


def test_a_maintenance_page_answering_200_is_transient():
    v = maintenance_page()
    assert (v.state, v.rule) == (LiveState.TRANSIENT, "live.transient.maintenance")


@pytest.mark.parametrize("row", CAPTURED_PAGES, ids=[r["file"] for r in CAPTURED_PAGES])
def test_each_page_as_a_capture_with_200(row):
    v = as_capture(row)
    if row["label"] == "ok":
        assert v.state is ArchiveState.OK
    else:
        assert (v.state, v.suggestion) == (ArchiveState.SOFT404, GOOD_LOOKUP.capture), v.rule
        assert v.signatures or v.rule == "archive.soft404.unrelated"


@pytest.mark.parametrize("sibling, rule", [(True, "live.soft404.sibling"), (False, "live.soft404.generic")])
def test_a_page_with_no_not_found_words_is_still_a_soft404(sibling, rule):
    v = playful_not_found(sibling)
    assert (v.state, v.rule) == (LiveState.SOFT404, rule)


def test_every_rule_the_table_names_is_reached():
    # (its own verdicts, not ones the tests above left behind: tests may run in any order, or apart)
    reached = {v.rule for v in (*map(as_original, ORIGINAL_PAGES), *map(as_capture, CAPTURED_PAGES), maintenance_page(),
                                playful_not_found(True), playful_not_found(False))}
    named = {rule for kind, rules in KIND_RULES.items() if not kind.startswith("wayback") for rule in rules}
    assert named - reached == set()
