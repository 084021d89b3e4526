"""The vocabulary: every state carries its policy, and the policies say what the README and the rules say."""
from __future__ import annotations

import pytest

from citecheck.vocab import (
    ActionKind,
    ArchiveState,
    ErrorKind,
    IdentifierState,
    LiveState,
    Retry,
    Severity,
    StatePolicy,
    _PolicyEnum,
    original_needs_fix,
)


def test_a_state_without_a_policy_cannot_be_declared():
    with pytest.raises(TypeError, match="needs its policy"):
        class Broken(_PolicyEnum):
            ODD = "odd"


def test_what_needs_attention():
    assert {s for s in LiveState if s.needs_fix} == {LiveState.MOVED, LiveState.PARKED, LiveState.DRIFT}
    assert {s for s in ArchiveState if s.needs_fix} == {
        ArchiveState.SHIFTED, ArchiveState.CAPTURED_ERROR, ArchiveState.CAPTURED_REDIRECT, ArchiveState.MISSING,
        ArchiveState.EXCLUDED, ArchiveState.SOFT404, ArchiveState.UNCITED_AVAILABLE, ArchiveState.UNCITED_NONE}
    # a snapshot problem misleads readers; a missing snapshot only needs adding
    assert not ArchiveState.UNCITED_NONE.misleads and ArchiveState.SHIFTED.misleads


def test_each_finding_says_which_url_status_it_means():
    # what InternetArchiveBot writes; an original that did not answer is neither live nor dead
    assert {s: s.url_status for s in LiveState} == {
        LiveState.OK: "live", LiveState.MOVED: "live", LiveState.BLOCKED: "live", LiveState.DEAD: "dead",
        LiveState.SOFT404: "dead", LiveState.PARKED: "usurped", LiveState.DRIFT: "deviated",
        LiveState.TRANSIENT: None, LiveState.TIMEOUT: None, LiveState.NONE: None, LiveState.SKIPPED: None}


def test_inconclusive_originals_are_never_failures_that_need_attention():
    for state in (LiveState.BLOCKED, LiveState.TIMEOUT, LiveState.TRANSIENT, LiveState.DEAD):
        assert not state.needs_fix


@pytest.mark.parametrize("state", [*LiveState, *ArchiveState])
def test_every_state_that_needs_a_fix_has_a_summary_and_a_severity(state):
    assert isinstance(state.policy, StatePolicy) and state.meaning
    if state.needs_fix or state.policy.unvouched:  # (unvouched: a problem when no snapshot was checked)
        assert state.summary and state.severity is not Severity.NONE
    else:
        assert state.severity is Severity.NONE


@pytest.mark.parametrize("live, archive, identifier, needs", [
    (LiveState.DEAD, ArchiveState.OK, None, False),  # the snapshot carries the citation
    (LiveState.DEAD, ArchiveState.UNCHECKED, None, True),  # nothing does (--no-archive, or the archive not asked)
    (LiveState.SOFT404, ArchiveState.UNCHECKED, None, True),
    (LiveState.DEAD, ArchiveState.UNCHECKED, IdentifierState.OK, False),  # a verified DOI does
    (LiveState.DEAD, ArchiveState.UNCHECKED, IdentifierState.UNCHECKED, True),
    (LiveState.TIMEOUT, ArchiveState.UNCHECKED, None, False),  # inconclusive: never a failure by itself
    (LiveState.BLOCKED, ArchiveState.UNCHECKED, None, False),
    (LiveState.TRANSIENT, ArchiveState.UNCHECKED, None, False),
    (LiveState.OK, ArchiveState.UNCHECKED, None, False),
    (LiveState.MOVED, ArchiveState.OK, None, True),  # misleading whatever the snapshot
])
def test_an_original_needs_a_fix_when_it_misleads_or_nothing_vouches_for_it(live, archive, identifier, needs):
    assert original_needs_fix(live, archive, identifier) is needs


def test_the_json_values_are_the_contract():
    assert [s.value for s in LiveState] == ["ok", "moved", "dead", "soft404", "parked", "blocked", "transient",
                                            "timeout", "drift", "none", "skipped"]
    assert str(ArchiveState.CAPTURED_ERROR) == "captured_error" and f"{ErrorKind.DNS}" == "dns"


def test_every_error_kind_has_a_retry_rule_and_connection_failures_are_marked():
    assert all(isinstance(k.retry, Retry) for k in ErrorKind)
    assert ErrorKind.DNS.connection and not ErrorKind.TIMEOUT.connection and not ErrorKind.RESET.connection


def test_which_actions_write_a_snapshot():
    assert {k for k in ActionKind if k.writes_snapshot} == {ActionKind.REPLACE_SNAPSHOT, ActionKind.ADD_SNAPSHOT}
