"""Wording and colours the human-facing formats share."""
from __future__ import annotations

from collections.abc import Iterable

from ..model import CrossCheck, Result
from ..vocab import ActionKind, ArchiveState, IdentifierState, LiveState, Severity, Tone, snapshot_needs_fix

#: each tone as a rich style (the terminal table) and as the HTML report's CSS class
TONE_STYLE: dict[Tone, str] = {Tone.GOOD: "green", Tone.NOTICE: "yellow", Tone.BAD: "red", Tone.NOTABLE: "magenta",
                               Tone.INFO: "cyan", Tone.MUTED: "dim"}
TONE_CLASS: dict[Tone, str] = {Tone.GOOD: "ok", Tone.NOTICE: "warn", Tone.BAD: "bad", Tone.NOTABLE: "warn",
                               Tone.INFO: "info", Tone.MUTED: "muted"}


def label(r: Result) -> str:
    ref = r.reference
    if ref.number is not None and ref.key == str(ref.number):
        return f"[{ref.number}]"
    return ref.key


def what_to_do(r: Result) -> str:
    """The suggested fixes, one per line, with the URL to paste."""
    if not r.verdict.attention:
        return "\n".join(a.text for a in r.verdict.actions if a.kind is ActionKind.FIX_CITATION)
    lines = []
    for a in r.verdict.actions:
        lines.append(a.text + (f": {a.url}" if a.url and a.url not in a.text else ""))
    return "\n".join(lines) or "Review this reference"


State = LiveState | ArchiveState | IdentifierState


def _identifier_state(r: Result) -> IdentifierState | None:
    return r.verdict.identifier.state if r.verdict.identifier else None


def problem_state(r: Result) -> State:
    """The state that makes a reference need attention: the identifier's when it is wrong, else the snapshot's
    when it needs a fix, else the original's."""
    ident = _identifier_state(r)
    if ident is not None and ident.needs_fix:
        return ident
    a = r.verdict.archive.state
    return a if snapshot_needs_fix(a, ident) else r.verdict.live.state


def severity(r: Result) -> Severity:
    """How loudly a CI report raises a reference that needs attention."""
    ident = _identifier_state(r)
    archive = r.verdict.archive.state.severity if snapshot_needs_fix(r.verdict.archive.state, ident) else Severity.NONE
    return max(archive, r.verdict.live.state.severity, ident.severity if ident else Severity.NONE)


def problem_rule(r: Result) -> str:
    """The rule behind the state that makes the reference need attention."""
    state, v = problem_state(r), r.verdict
    if isinstance(state, IdentifierState) and v.identifier:
        return v.identifier.rule
    return v.archive.rule if isinstance(state, ArchiveState) else v.live.rule


def state_kind(state: State) -> str:
    """"live", "archive" or "identifier": which part of the reference a state is about (report rule ids)."""
    return "identifier" if isinstance(state, IdentifierState) else "archive" if isinstance(state, ArchiveState) \
        else "live"


def identifier_words(r: Result) -> str:
    """"DOI 10.1177/…: ok", with what the registry said when it is not ok; "" for a reference without one."""
    v = r.verdict.identifier
    if v is None:
        return ""
    return f"DOI {v.value}: {v.state}" + (f" ({v.detail})" if v.detail and v.state is not IdentifierState.OK else "")


def history_words(r: Result) -> str:
    """"failing since 2026-01-02 (5 runs)" when the cache has seen this URL fail before."""
    h = r.history or {}
    runs = h.get("consecutive_failing_runs") or 0
    if runs >= 2 and h.get("first_seen_failing"):
        return f"failing since {h['first_seen_failing'][:10]} ({runs} runs)"
    return ""


def live_words(r: Result) -> str:
    v = r.verdict.live
    detail = "; ".join(x for x in (v.detail, history_words(r)) if x)
    return str(v.state) + (f" ({detail})" if detail and v.state is not LiveState.NONE else "")


def archive_words(r: Result) -> str:
    v = r.verdict.archive
    return str(v.state) + (f" ({v.detail})" if v.detail and v.state is not ArchiveState.NONE else "")


def crosscheck_lines(crosschecks: Iterable[CrossCheck]) -> list[str]:
    """The cross-check findings in words, one line each (nothing when all is well)."""
    lines = []
    for c in crosschecks:
        if c.cited_missing:
            lines.append(f"{c.source}: cited in the text but missing from the list: {', '.join(c.cited_missing)}")
        if c.duplicates:
            lines.append(f"{c.source}: defined more than once: {', '.join(c.duplicates)}")
        if c.gaps:
            lines.append(f"{c.source}: numbers skipped in the list: {', '.join(map(str, c.gaps))}")
        if c.never_cited:
            lines.append(f"{c.source}: listed but never cited in the text: {', '.join(c.never_cited)}")
    return lines
