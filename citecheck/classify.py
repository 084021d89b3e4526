"""Pure rules: observations in, one verdict per reference out. No I/O, no clock (``now`` is passed in).

Each rule has a name (``live.dead.http404``, ``archive.shifted`` …) carried in the verdict, so a human can
see why and overrule it. The rules are tested one by one in tests/test_classify.py.
"""
from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass, field

from .archives import (
    datetime_to_timestamp,
    is_login,
    is_root,
    parse_replay_location,
    same_resource,
    timestamp_to_datetime,
)
from .check import Observed
from .check.page import is_not_found_title
from .model import (
    ARCHIVE_NEEDS_FIX,
    LIVE_NEEDS_FIX,
    Action,
    ArchiveState,
    ArchiveVerdict,
    Capture,
    Fetch,
    LiveObservation,
    LiveState,
    LiveVerdict,
    LookupResult,
    Reference,
    SnapshotObservation,
    Verdict,
)
from .settings import url_excluded
from .textsim import titles_disagree

BLOCKING_STATUSES = frozenset({401, 402, 403, 407, 429, 451, 999})
DEAD_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Rules:
    """The judgement knobs (from Settings and the config file)."""

    window_days: float = 180.0
    accept: dict = field(default_factory=dict)  # host -> status codes that count as working there
    exclude: tuple[str, ...] = ()  # regexes of URLs the user does not want checked

    def excluded(self, url: str | None) -> bool:
        return url_excluded(url, self.exclude)

    def accepted(self, url: str, status: int | None) -> bool:
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        for pattern, codes in self.accept.items():
            if (host == pattern.lower() or host.endswith("." + pattern.lower())) and status in set(codes):
                return True
        return False


# --- small facts ---------------------------------------------------------------------------------------


def _permanent(f: Fetch) -> bool:
    return any(h.status in (301, 308) for h in f.hops[:-1])


def distance_days(cited_ts: str, capture_ts: str) -> float:
    """Days between a capture and the cited time; a partial cited timestamp covers a whole year/month/day."""
    digits = "".join(c for c in cited_ts if c.isdigit())[:14]
    start = timestamp_to_datetime(digits)
    end = _end_of(digits, start)
    when = timestamp_to_datetime(capture_ts)
    if start <= when <= end:
        return 0.0
    delta = (start - when) if when < start else (when - end)
    return delta.total_seconds() / 86400.0


def _end_of(digits: str, start: dt.datetime) -> dt.datetime:
    n = len(digits)
    if n >= 14:
        return start
    if n <= 4:
        return start.replace(month=12, day=31, hour=23, minute=59, second=59)
    if n <= 6:
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt - dt.timedelta(seconds=1)
    if n <= 8:
        return start + dt.timedelta(days=1) - dt.timedelta(seconds=1)
    if n <= 10:
        return start + dt.timedelta(hours=1) - dt.timedelta(seconds=1)
    if n <= 12:
        return start + dt.timedelta(minutes=1) - dt.timedelta(seconds=1)
    return start + dt.timedelta(seconds=9)


def _days(n: float) -> str:
    if n < 1:
        hours = round(n * 24)
        return "under an hour" if hours == 0 else f"{hours} hour{'s' if hours != 1 else ''}"
    d = round(n)
    return f"{d} day{'s' if d != 1 else ''}"


def _fmt_ts(ts: str | None) -> str:
    if not ts:
        return "?"
    return timestamp_to_datetime(ts).strftime("%Y-%m-%d")


# --- the original ----------------------------------------------------------------------------------------


def classify_live(ref: Reference, obs: LiveObservation | None, snapshot_title: str | None,
                  rules: Rules = Rules()) -> LiveVerdict:
    url = ref.url
    if not url:
        return LiveVerdict(LiveState.NONE, "live.none", "the reference has no URL")
    if rules.excluded(url):
        return LiveVerdict(LiveState.SKIPPED, "live.skipped.excluded", "excluded by the configuration")
    if obs is None:
        if not url.lower().startswith(("http://", "https://")):
            return LiveVerdict(LiveState.SKIPPED, "live.skipped.scheme", "not an http(s) URL")
        return LiveVerdict(LiveState.SKIPPED, "live.skipped", "not checked")
    f = obs.fetch
    base = dict(status=f.status, final_url=f.final_url, chain=f.hops, title=f.page.title, error=f.error)

    def v(state: LiveState, rule: str, detail: str) -> LiveVerdict:
        return LiveVerdict(state, rule, detail, **base)

    if f.error:
        return _live_error(f, v)
    status = f.status or 0
    if rules.accepted(f.final_url or url, status):
        return v(LiveState.OK, "live.ok.accepted", f"HTTP {status}, accepted for this host by the configuration")
    markers = f.page.markers
    if f.header("cf-mitigated") == "challenge" or ("challenge" in markers and status in (200, 403, 429, 503)):
        return v(LiveState.BLOCKED, "live.blocked.challenge", f"bot challenge (HTTP {status}); a browser may see the page")
    if status in BLOCKING_STATUSES:
        if status == 429:
            return v(LiveState.BLOCKED, "live.blocked.ratelimited", "still rate-limited (429) after waiting as asked")
        return v(LiveState.BLOCKED, f"live.blocked.http{status}", f"HTTP {status}: the site refuses automated requests")
    if status in DEAD_STATUSES:
        where = "" if len(f.hops) == 1 else f" after redirect to {f.final_url}"
        return v(LiveState.DEAD, f"live.dead.http{status}", f"HTTP {status}{where}")
    if 500 <= status < 600:
        return v(LiveState.TRANSIENT, f"live.transient.http{status}", f"HTTP {status} on {f.attempts} attempts")
    if 400 <= status < 500:
        return v(LiveState.BLOCKED, f"live.blocked.http{status}", f"HTTP {status}: the request was refused")
    if 300 <= status < 400:
        return v(LiveState.TRANSIENT, "live.transient.redirect", f"HTTP {status} without a usable Location")
    # 2xx from here on
    final = f.final_url or url
    redirected = not same_resource(final, url)
    if "parked" in markers:
        return v(LiveState.PARKED, "live.parked", "the domain shows a parking / for-sale page")
    if redirected and not is_root(url) and is_root(final):
        return v(LiveState.SOFT404, "live.soft404.to_root", f"a deep link now redirects to the home page {final}")
    if redirected and is_login(final) and not is_login(url):
        return v(LiveState.SOFT404, "live.soft404.to_login", f"redirects to a login page {final}")
    if sibling_same_page(f, obs.sibling):
        return v(LiveState.SOFT404, "live.soft404.sibling",
                 f"answers 200 with the same page ({f.page.title!r}) as for a made-up sibling path")
    if "notfound_title" in markers and is_not_found_title(f.page.title):
        return v(LiveState.SOFT404, "live.soft404.title", f"answers 200 but the page says {f.page.title!r}")
    drift = titles_disagree(f.page.title, snapshot_title, ref.title)
    if drift:
        return v(LiveState.DRIFT, "live.drift", drift)
    if redirected and _permanent(f):
        return v(LiveState.MOVED, "live.moved", f"permanently redirected to {final}")
    if redirected:
        return v(LiveState.OK, "live.ok.redirect", f"works via a temporary redirect to {final}")
    if "pdf" in markers or (f.content_type and "html" not in f.content_type.lower()):
        return v(LiveState.OK, "live.ok.file", f"HTTP {status} {f.content_type or ''}".strip())
    return v(LiveState.OK, "live.ok", f"HTTP {status}")


def sibling_same_page(f: Fetch, sibling: Fetch | None) -> bool:
    """The made-up sibling path got the same 200 page: the host answers anything with it (a soft 404)."""
    if sibling is None or sibling.error or not sibling.status or not (200 <= sibling.status < 300):
        return False
    return bool(f.page.title) and sibling.page.title == f.page.title


def _live_error(f: Fetch, v) -> LiveVerdict:
    kind = f.error
    if kind in ("dns", "unreachable"):
        return v(LiveState.DEAD, "live.dead.dns", "the host name does not resolve (or no route to it)")
    if kind == "refused":
        return v(LiveState.DEAD, "live.dead.refused", f"connection refused on {f.attempts} attempts")
    if kind == "timeout":
        return v(LiveState.TIMEOUT, "live.timeout", f"no answer in time ({f.attempts} attempts)")
    if kind == "redirect_loop":
        return v(LiveState.BLOCKED, "live.blocked.redirect_loop",
                 "redirect loop (often a cookie or bot check): check in a browser")
    if kind == "invalid_url":
        return v(LiveState.DEAD, "live.dead.invalid_url", f"the URL cannot be requested: {f.error_detail}")
    if kind == "tls":
        return v(LiveState.TRANSIENT, "live.transient.tls", f"TLS failure: {f.error_detail}")
    return v(LiveState.TRANSIENT, f"live.transient.{kind}", f"{kind} on {f.attempts} attempts")


# --- the snapshot ----------------------------------------------------------------------------------------


def classify_archive(ref: Reference, snap: SnapshotObservation | None, lookup: LookupResult | None,
                     rules: Rules) -> ArchiveVerdict:
    link = ref.archive_link
    suggestion = lookup.capture if lookup else None
    if rules.excluded(ref.url) or (link and rules.excluded(link.url)):
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.skipped.excluded", "excluded by the configuration",
                              url=link.url if link else None)
    if link is None:
        if not ref.url:
            return ArchiveVerdict(ArchiveState.NONE, "archive.none", "the reference has no URL")
        if lookup is None:
            return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.uncited.unchecked", "no snapshot cited; not looked up")
        if suggestion:
            return ArchiveVerdict(ArchiveState.UNCITED_AVAILABLE, "archive.uncited.available",
                                  f"no snapshot cited; a good capture from {_fmt_ts(suggestion.timestamp)} exists",
                                  url=suggestion.url, capture_timestamp=suggestion.timestamp,
                                  captured_status=suggestion.status, suggestion=suggestion)
        if lookup.error:
            return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.uncited.lookup_failed",
                                  f"no snapshot cited; the archive could not be asked ({lookup.error})")
        return ArchiveVerdict(ArchiveState.UNCITED_NONE, "archive.uncited.none",
                              f"no snapshot cited and the archive holds no good capture ({lookup.source})")
    base = dict(url=link.url, requested_timestamp=link.timestamp)
    if link.is_wayback and not link.original:
        return ArchiveVerdict(ArchiveState.MISSING, "archive.wayback.no_original",
                              "the snapshot link does not name the archived URL (truncated?)", **base)
    if snap is None:
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.unchecked", "not checked", **base)
    if not link.is_wayback:
        return _other_archive(link.service, snap, base)
    f = snap.fetch
    chain = f.hops if f else ()
    says = snap.wayback_says
    if says == "excluded":
        return ArchiveVerdict(ArchiveState.EXCLUDED, "archive.excluded",
                              "the Wayback Machine excludes this URL (owner request or policy)", chain=chain, **base)
    if says in ("ratelimited", "unreachable", "error") and snap.capture is None:
        detail = {"ratelimited": "the Wayback Machine kept answering 429", "unreachable": "the Wayback Machine could not be reached",
                  "error": f"the Wayback Machine answered {f.status if f else '?'}{' ' + f.error if f and f.error else ''}"}[says]
        return ArchiveVerdict(ArchiveState.UNCHECKED, f"archive.unchecked.{says}", detail, chain=chain, **base)
    if says == "notarchived" and snap.capture is None:
        return ArchiveVerdict(ArchiveState.MISSING, "archive.missing",
                              "the Wayback Machine has never archived this URL" + _suggest_words(suggestion),
                              chain=chain, suggestion=suggestion, **base)
    cap = snap.capture
    if cap is None:
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.unchecked.unknown", "unexpected answer", chain=chain, **base)
    cited = link.timestamp or (datetime_to_timestamp(ref.access_date) if ref.access_date else None)
    days = distance_days(cited, cap.timestamp) if cited else 0.0
    common = dict(chain=chain, capture_timestamp=cap.timestamp, captured_status=cap.status, distance_days=round(days, 1),
                  title=f.page.title if f else None, **base)
    status = cap.status or 0
    if 300 <= status < 400:
        return _captured_redirect(snap, suggestion, common, rules.window_days)
    if status >= 400:
        return ArchiveVerdict(ArchiveState.CAPTURED_ERROR, f"archive.captured_error.http{status}",
                              f"the capture of {_fmt_ts(cap.timestamp)} is of an HTTP {status} page" + _suggest_words(suggestion),
                              suggestion=_better(suggestion, cap), **common)
    markers = f.page.markers if f else frozenset()
    bad = _bad_page(markers, f.page.title if f else None)
    if bad:
        return ArchiveVerdict(ArchiveState.SOFT404, f"archive.soft404.{bad}",
                              f"the capture shows a {bad.replace('_', ' ')} page, not the work" + _suggest_words(suggestion),
                              suggestion=_better(suggestion, cap), **common)
    if days > rules.window_days:
        return ArchiveVerdict(ArchiveState.SHIFTED, "archive.shifted",
                              f"nothing captured at the cited time; the nearest capture ({_fmt_ts(cap.timestamp)}) is "
                              f"{_days(days)} away (window {_days(rules.window_days)})", suggestion=_better(suggestion, cap) or cap,
                              **common)
    if not link.timestamp:
        return ArchiveVerdict(ArchiveState.OK, "archive.ok.unpinned",
                              f"the link names no capture time, so it opens the latest capture or the calendar "
                              f"(now {_fmt_ts(cap.timestamp)}); a dated snapshot link is steadier", **common)
    if says == "closest":
        return ArchiveVerdict(ArchiveState.OK, "archive.ok.near",
                              f"good capture {_days(days)} from the cited time", **common)
    return ArchiveVerdict(ArchiveState.OK, "archive.ok", f"captured {_fmt_ts(cap.timestamp)}, HTTP {status}", **common)


def _bad_page(markers: frozenset[str], title: str | None) -> str | None:
    if "challenge" in markers:
        return "challenge"
    if "parked" in markers:
        return "parked"
    if "notfound_title" in markers and is_not_found_title(title):
        return "not_found"
    return None


def _better(suggestion: Capture | None, current: Capture) -> Capture | None:
    return suggestion if suggestion and suggestion.timestamp != current.timestamp else None


def _suggest_words(suggestion: Capture | None) -> str:
    return f"; closest good capture: {_fmt_ts(suggestion.timestamp)}" if suggestion else ""


def _captured_redirect(snap: SnapshotObservation, suggestion: Capture | None, common: dict,
                       window_days: float) -> ArchiveVerdict:
    f = snap.fetch
    location = f.header("location") if f else None
    _, _, target = parse_replay_location(location) if location else (None, "", None)
    landing = snap.landing
    original = snap.link.original or ""
    landed = landing.capture if landing else None
    if target and landed and landed.status and 200 <= landed.status < 300:
        page = landing.fetch.page if landing.fetch else None
        good_target = same_resource(target, original) or not (is_root(target) or is_login(target))
        if good_target and not (page and _bad_page(page.markers, page.title)):
            return ArchiveVerdict(ArchiveState.OK, "archive.ok.captured_redirect",
                                  f"the capture is a redirect to {target}, itself captured "
                                  f"({_fmt_ts(landed.timestamp)})", **common)
    if landing is None and target and same_resource(target, original) and suggestion and snap.link.timestamp and \
            distance_days(snap.link.timestamp, suggestion.timestamp) <= window_days:
        return ArchiveVerdict(ArchiveState.OK, "archive.ok.self_redirect",
                              f"the capture is a redirect to the same page ({target}); Wayback shows its capture of "
                              f"{_fmt_ts(suggestion.timestamp)} instead", **common)
    where = target or "an unknown place"
    kind = "the home page" if target and is_root(target) else "a login page" if target and is_login(target) else where
    return ArchiveVerdict(ArchiveState.CAPTURED_REDIRECT, "archive.captured_redirect",
                          f"the capture is a redirect to {kind}" + _suggest_words(suggestion),
                          suggestion=suggestion, **common)


def _other_archive(service: str, snap: SnapshotObservation, base: dict) -> ArchiveVerdict:
    f = snap.fetch
    if f is None:
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.other.unchecked", f"{service}: not checked", **base)
    common = dict(chain=f.hops, captured_status=f.status, title=f.page.title, **base)
    if f.error in ("dns", "unreachable", "refused"):
        return ArchiveVerdict(ArchiveState.MISSING, "archive.other.unreachable",
                              f"{service} cannot be reached: the copy is not available", **common)
    if f.error or f.status is None:
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.other.error", f"{service}: {f.error}", **common)
    if f.status in DEAD_STATUSES:
        return ArchiveVerdict(ArchiveState.MISSING, "archive.other.missing", f"{service} answers {f.status}", **common)
    if f.status in BLOCKING_STATUSES or "challenge" in f.page.markers:
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.other.blocked",
                              f"{service} does not answer automated requests (HTTP {f.status}); check by hand", **common)
    if 200 <= f.status < 300:
        return ArchiveVerdict(ArchiveState.OK, "archive.other.ok", f"{service} serves the copy (HTTP {f.status})", **common)
    return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.other.error", f"{service} answers {f.status}", **common)


# --- the reference ---------------------------------------------------------------------------------------


def actions_for(ref: Reference, live: LiveVerdict, archive: ArchiveVerdict) -> tuple[Action, ...]:
    acts: list[Action] = []
    sugg = archive.suggestion
    if live.state is LiveState.MOVED and live.final_url:
        acts.append(Action(f"Update the URL to {live.final_url}", live.final_url, "replace_url"))
    elif live.state is LiveState.PARKED:
        acts.append(Action("The domain is parked or usurped: do not send readers there; link the snapshot instead "
                           "(url-status=usurped)", archive.url if archive.state is ArchiveState.OK else None, "review"))
    elif live.state is LiveState.DRIFT:
        acts.append(Action("The live page no longer shows the cited work: point readers to the snapshot "
                           "(url-status=deviated)", archive.url if archive.state is ArchiveState.OK else None, "review"))
    st = archive.state
    if st is ArchiveState.UNCITED_AVAILABLE and sugg:
        acts.append(Action(f"Add the snapshot of {_fmt_ts(sugg.timestamp)}", sugg.url, "add_snapshot"))
    elif st is ArchiveState.UNCITED_NONE:
        acts.append(_no_capture_action(ref, live, "No snapshot exists"))
    elif st is ArchiveState.SHIFTED and sugg:
        acts.append(Action(f"Check that the capture of {_fmt_ts(sugg.timestamp)} shows the cited work, then cite it",
                           sugg.url, "replace_snapshot"))
    elif st in (ArchiveState.CAPTURED_ERROR, ArchiveState.CAPTURED_REDIRECT, ArchiveState.SOFT404, ArchiveState.MISSING):
        if sugg:
            acts.append(Action(f"Replace the snapshot with the good capture of {_fmt_ts(sugg.timestamp)}", sugg.url,
                               "replace_snapshot"))
        else:
            acts.append(_no_capture_action(ref, live, "No good capture exists"))
    elif st is ArchiveState.EXCLUDED:
        acts.append(Action("The Wayback Machine will not show this URL: archive it elsewhere (e.g. archive.today)",
                           None, "review"))
    return tuple(acts)


def _no_capture_action(ref: Reference, live: LiveVerdict, lead: str) -> Action:
    """What to do when the archive has nothing good: depends on whether the original can still be saved."""
    if live.state is LiveState.OK:
        return Action(f"{lead}: request a new snapshot (citecheck save)", ref.url, "request_snapshot")
    if live.state in (LiveState.BLOCKED, LiveState.TIMEOUT, LiveState.TRANSIENT):
        return Action(f"{lead}, and the original did not answer us ({live.state.value}): open it in a browser and, "
                      "if it still shows the work, save it at https://web.archive.org/save", ref.url, "review")
    return Action(f"{lead} and the original no longer works: find another copy or source", None, "review")


def judge(obs: Observed, rules: Rules) -> Verdict:
    ref = obs.reference
    archive = classify_archive(ref, obs.snapshot, obs.lookup, rules)
    snapshot_title = archive.title if archive.state is ArchiveState.OK else None
    live = classify_live(ref, obs.live, snapshot_title, rules)
    attention = archive.state in ARCHIVE_NEEDS_FIX or live.state in LIVE_NEEDS_FIX
    notes: list[str] = [f"citation error: {p}" for p in ref.problems]
    others = ref.original_urls[1:]
    if others:
        notes.append("other URLs in the entry, not checked: " + ", ".join(others))
    actions = list(actions_for(ref, live, archive))
    claim = status_claim_contradiction(ref.url_status, live.state)
    if claim:
        notes.append(claim[0])
        actions.append(Action(claim[1], None, "fix_citation"))
    actions += [Action(f"Fix the citation: {p}", None, "fix_citation") for p in ref.problems]
    return Verdict(live=live, archive=archive, attention=attention, actions=tuple(actions), notes=tuple(notes))


def status_claim_contradiction(url_status: str | None, state: LiveState) -> tuple[str, str] | None:
    """(note, fix) when the citation's own url-status says the opposite of what the check found."""
    if not url_status:
        return None
    if url_status == "live" and state in (LiveState.DEAD, LiveState.SOFT404, LiveState.PARKED):
        return (f"the citation says url-status=live, but the original is {state.value}",
                f"Set url-status={'usurped' if state is LiveState.PARKED else 'dead'}")
    if url_status in ("dead", "unfit", "usurped") and state is LiveState.OK:
        return (f"the citation says url-status={url_status}, but the original works", "Set url-status=live")
    return None

