"""The reference's verdict: attention and suggested fixes, from the live and archive verdicts together."""
from __future__ import annotations

import pytest
from rulekit import GOOD_LOOKUP, NONE_LOOKUP, SETTINGS, URL, fetch, live, ref, snap

from citecheck.model import Hop, Observed
from citecheck.rules import judge
from citecheck.vocab import ActionKind, ArchiveState

ATTENTION_CASES = [
    # (id, live fetch, snapshot, lookup, attention)
    ("dead-with-good-snapshot", fetch(404), snap(), None, False),
    ("blocked-with-good-snapshot", fetch(403), snap(), None, False),
    ("soft404-with-good-snapshot", fetch(200, title="Page not found", markers={"notfound"}), snap(), None, False),
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
    v = judge(Observed(ref(), live(f), s, lookup), SETTINGS)
    assert v.attention is attention
    if attention:
        assert v.actions, "a reference needing attention always gets a suggested action"


def test_uncited_dead_needs_attention_with_the_snapshot_to_add():
    v = judge(Observed(ref(snapshot=None), live(fetch(404)), None, GOOD_LOOKUP), SETTINGS)
    assert v.attention and v.archive.state is ArchiveState.UNCITED_AVAILABLE
    assert v.actions[0].kind is ActionKind.ADD_SNAPSHOT and v.actions[0].url == GOOD_LOOKUP.capture.url


def test_moved_suggests_the_new_url():
    f = fetch(200, hops=(Hop("GET", URL, 301), Hop("GET", "https://example.org/n/1", 200)), final="https://example.org/n/1")
    v = judge(Observed(ref(), live(f), snap(), None), SETTINGS)
    assert v.actions[0].kind is ActionKind.REPLACE_URL and v.actions[0].url == "https://example.org/n/1"


@pytest.mark.parametrize("claimed,state,note", [
    ("dead", "ok", "Set url-status=live"),
    ("unfit", "ok", None),  # an editor's judgement that the link must not be shown: a working page does not undo it
    ("usurped", "ok", None),
    ("live", "dead", "Set url-status=dead"),
    ("live", "parked", "Set url-status=usurped"),
    ("live", "drift", "Set url-status=deviated"),
    ("live", "timeout", None),  # no answer: neither live nor dead
])
def test_what_a_citations_url_status_is_told(claimed, state, note):
    from citecheck.rules.verdict import status_claim_contradiction
    from citecheck.vocab import LiveState

    said = status_claim_contradiction(claimed, LiveState(state))
    assert (said[1] if said else None) == note
