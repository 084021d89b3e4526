"""Wording and colours the human-facing formats share."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..model import Action, CrossCheck, Report, Result
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


def shown_actions(r: Result) -> tuple[Action, ...]:
    """The fixes worth showing: all of them for a reference needing attention, else only citation fixes."""
    if r.verdict.attention:
        return r.verdict.actions
    return tuple(a for a in r.verdict.actions if a.kind is ActionKind.FIX_CITATION)


def action_words(a: Action) -> str:
    """An action's words without its URL (shown apart, whole and as a link, by the formats that can)."""
    if a.url and a.url in a.text:
        return a.text.replace(a.url, "").rstrip(" :") or a.text
    return a.text


def what_to_do(r: Result) -> str:
    """The suggested fixes, one per line, with the URL to paste."""
    lines = [a.text + (f": {a.url}" if a.url and a.url not in a.text else "") for a in shown_actions(r)]
    return "\n".join(lines) or ("Review this reference" if r.verdict.attention else "")


#: the observations behind the snapshot's verdict (a cached one marks the snapshot "from the cache")
SNAPSHOT_PARTS = frozenset({"snapshot", "lookup", "elsewhere"})


def cached_words(r: Result) -> str:
    """"from the cache (live, snapshot)" when a result was not observed afresh in this run."""
    return f"from the cache ({', '.join(sorted(r.cached))})" if r.cached else ""


def state_counts(report: Report) -> tuple[Counter[LiveState], Counter[ArchiveState], Counter[IdentifierState]]:
    """How many references are in each original, snapshot and DOI state (the last: only those with a DOI)."""
    return (Counter(r.verdict.live.state for r in report.results),
            Counter(r.verdict.archive.state for r in report.results),
            Counter(r.verdict.identifier.state for r in report.results if r.verdict.identifier))


def titles(r: Result) -> tuple[str | None, str | None, str | None]:
    """The work's title as cited, as the live page shows it, and as the snapshot shows it."""
    return r.reference.title, r.verdict.live.title, r.verdict.archive.title


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


def partial_words(report: Report) -> str:
    """What an interrupted run's report must say first ("" for a complete run)."""
    if not report.partial:
        return ""
    return f"interrupted: only {len(report.results)} of {report.total or '?'} references were checked"


def runs(keys: Iterable[str | int]) -> str:
    """Keys in words, runs of consecutive numbers shortened: "1, 3–7, smith2020"."""
    out: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}, {run[1]}" if len(run) == 2
                       else f"{run[0]}–{run[-1]}")
            run.clear()

    for key in keys:
        text = str(key)
        if text.isdigit() and (not run or int(text) == run[-1] + 1):
            run.append(int(text))
            continue
        flush()
        if text.isdigit():
            run.append(int(text))
        else:
            out.append(text)
    flush()
    return ", ".join(out)


def crosscheck_findings(crosschecks: Iterable[CrossCheck]) -> list[tuple[str, bool]]:
    """The cross-check findings in words, one line each, and whether each is an error (a marker pointing to no
    entry, or to two) rather than a remark (nothing when all is well)."""
    lines = []
    for c in crosschecks:
        if c.cited_missing:
            lines.append((f"{c.source}: cited in the text but missing from the list: {runs(c.cited_missing)}", True))
        if c.duplicates:
            lines.append((f"{c.source}: defined more than once: {runs(c.duplicates)}", True))
        if c.gaps:
            more = f" … ({c.gaps_total} in all)" if c.gaps_total > len(c.gaps) else ""
            lines.append((f"{c.source}: numbers skipped in the list: {runs(c.gaps)}{more}", False))
        if c.never_cited:
            lines.append((f"{c.source}: listed but never cited in the text: {runs(c.never_cited)}", False))
    return lines


def crosscheck_lines(crosschecks: Iterable[CrossCheck]) -> list[str]:
    """The cross-check findings in words, one line each (nothing when all is well)."""
    return [line for line, _ in crosscheck_findings(crosschecks)]
