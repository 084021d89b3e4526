"""Rules for the snapshot: a snapshot observation and look-ups in, an ArchiveVerdict out. The same states and
rules for every archive; the archive's name is in the details."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..archives import UNPINNED, is_framed, names_capture, parse_archive_link, redirect_target, service_name
from ..model import (
    ArchiveLink,
    ArchiveVerdict,
    Capture,
    Fetch,
    LiveObservation,
    LookupResult,
    PageFacts,
    Reference,
    SnapshotObservation,
)
from ..settings import Settings
from ..textsim import DIFFERENT_BELOW, comparable, long_enough, title_similarity
from ..timestamps import datetime_to_timestamp, distance_days, format_day
from ..urls import is_login, is_root, same_resource, url_problem
from ..vocab import WAYBACK, ArchiveAnswer, ArchiveState, ErrorKind, PageSignal
from .live import Generic, empty_page, evidence_words, why_generic


def days_words(n: float) -> str:
    if n < 1:
        hours = round(n * 24)
        return "under an hour" if hours == 0 else f"{hours} hour{'s' if hours != 1 else ''}"
    d = round(n)
    return f"{d} day{'s' if d != 1 else ''}"


def classify_archive(ref: Reference, snap: SnapshotObservation | None, lookup: LookupResult | None,
                     settings: Settings, elsewhere: LookupResult | None = None, *,
                     site_names: Iterable[str] = (), live: LiveObservation | None = None) -> ArchiveVerdict:
    """The snapshot's verdict, in the same states whichever archive keeps it. ``lookup`` is the Wayback
    Machine's closest good capture, ``elsewhere`` the other archives' (asked when it has none near).
    ``site_names``: the names the cited site gives itself (rules/sites.py), stripped from titles before the
    capture's title is compared with the cited one; ``live``: what the original answers today, a witness of what
    the capture should show."""
    link = ref.archive_link
    suggestion = best_capture(lookup, elsewhere, settings.window_days)
    if settings.excludes(ref.url) or (link and settings.excludes(link.url)):
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.skipped.excluded", "excluded by the configuration",
                              url=link.url if link else None)
    if link is None:
        return _uncited(ref, lookup, suggestion, live)
    name = service_name(link.service)
    base = ArchiveVerdict(ArchiveState.UNCHECKED, "", url=link.url, requested_timestamp=link.timestamp)
    if not link.original and not names_capture(link.url):
        return replace(base, state=ArchiveState.MISSING, rule="archive.no_original",
                       detail="the snapshot link does not name the archived URL (truncated?)")
    if snap is None:
        if settings.offline:
            return replace(base, rule="archive.unchecked.offline", detail="not checked: not in the cache (--offline)")
        return replace(base, rule="archive.unchecked", detail="not checked")
    f = snap.fetch
    base = replace(base, chain=f.hops if f else ())
    answer = snap.answer
    if answer is ArchiveAnswer.EXCLUDED:
        return replace(base, state=ArchiveState.EXCLUDED, rule="archive.excluded",
                       detail=f"{name} excludes this URL (owner request or policy)" + _suggest_words(suggestion),
                       suggestion=suggestion)
    if answer in _INCONCLUSIVE and snap.capture is None:
        return replace(base, rule=f"archive.unchecked.{answer}",
                       detail=_inconclusive_words(name, answer, link, f) + _suggest_words(suggestion, link),
                       suggestion=_unless_cited(suggestion, link))
    if answer is ArchiveAnswer.NOT_ARCHIVED and snap.capture is None:
        return replace(base, state=ArchiveState.MISSING, rule="archive.missing",
                       detail=f"{name} has never archived this URL" + _suggest_words(suggestion, link),
                       suggestion=_unless_cited(suggestion, link))
    cap = snap.capture
    if cap is None:
        return replace(base, rule="archive.unchecked.unknown", detail=f"{name}: unexpected answer")
    cited = link.timestamp or (datetime_to_timestamp(ref.access_date) if ref.access_date else None)
    days = distance_days(cited, cap.timestamp) if cited else 0.0
    base = replace(base, capture_timestamp=cap.timestamp, captured_status=cap.status, distance_days=round(days, 1),
                   title=f.page.title if f else None)
    status = cap.status or 0
    if 300 <= status < 400:
        return _captured_redirect(snap, suggestion, base, settings.window_days)
    page = f.page if f else PageFacts()
    if status >= 400:
        evidence = page.evidence(*(s.value for s in BAD_PAGES.values()))  # what the error page is (a wall's vendor …)
        return replace(base, state=ArchiveState.CAPTURED_ERROR, rule=f"archive.captured_error.http{status}",
                       detail=f"the capture of {format_day(cap.timestamp)} is of an HTTP {status} page"
                              + evidence_words(evidence) + _suggest_words(suggestion),
                       suggestion=_better(suggestion, cap), signatures=evidence)
    bad = bad_page(page)
    if bad:
        evidence = page.evidence(BAD_PAGES[bad].value)
        return replace(base, state=ArchiveState.SOFT404, rule=f"archive.soft404.{bad}",
                       detail=f"the capture (HTTP {status}) shows a {bad.replace('_', '-')} page, not the work"
                              + evidence_words(evidence) + _suggest_words(suggestion),
                       suggestion=_better(suggestion, cap), signatures=evidence)
    if empty_page(page):
        return replace(base, state=ArchiveState.SOFT404, rule="archive.soft404.empty",
                       detail=f"the capture (HTTP {status}) is a page with no title and no text, "
                              "not the work" + _suggest_words(suggestion),
                       suggestion=_better(suggestion, cap))
    unrelated = unrelated_capture(ref, page, link.original or "", site_names, live)
    if unrelated:
        return replace(base, state=ArchiveState.SOFT404, rule="archive.soft404.unrelated",
                       detail=f"the capture is not the cited work: {unrelated.reason}"
                              + evidence_words(unrelated.evidence) + _suggest_words(suggestion),
                       suggestion=_better(suggestion, cap), signatures=unrelated.evidence)
    if days > settings.window_days:
        return replace(base, state=ArchiveState.SHIFTED, rule="archive.shifted",
                       detail=f"nothing captured at the cited time; the nearest capture ({format_day(cap.timestamp)}) "
                              f"is {days_words(days)} away (window {days_words(settings.window_days)})",
                       suggestion=_better(suggestion, cap) or cap)
    where = "" if link.service == WAYBACK else f" by {name}"
    if not link.timestamp and link.kind in UNPINNED:
        return replace(base, state=ArchiveState.OK, rule="archive.ok.unpinned",
                       detail=f"the link names no single capture (it opens a calendar or the latest capture); the "
                              f"capture nearest the cited time is of {format_day(cap.timestamp)}{where}, a good one; "
                              "a dated snapshot link is steadier")
    period = _period(link.timestamp)
    if answer is ArchiveAnswer.CLOSEST and period and cap.timestamp.startswith(link.timestamp or ""):
        return replace(base, state=ArchiveState.OK, rule="archive.ok.near",
                       detail=f"good capture{where} of {format_day(cap.timestamp)}, within the cited {period}")
    if answer is ArchiveAnswer.CLOSEST:
        return replace(base, state=ArchiveState.OK, rule="archive.ok.near",
                       detail=f"good capture{where} {days_words(days)} from the cited time")
    return replace(base, state=ArchiveState.OK, rule="archive.ok",
                   detail=f"captured {format_day(cap.timestamp)}{where}, HTTP {status}")


_INCONCLUSIVE = (ArchiveAnswer.RATE_LIMITED, ArchiveAnswer.UNREACHABLE, ArchiveAnswer.BLOCKED, ArchiveAnswer.ERROR)


def _inconclusive_words(name: str, answer: ArchiveAnswer, link: ArchiveLink, f: Fetch | None) -> str:
    if answer is ArchiveAnswer.RATE_LIMITED:
        return f"{name} kept answering 429"
    if answer is ArchiveAnswer.UNREACHABLE:
        return f"{name} could not be reached"
    if answer is ArchiveAnswer.BLOCKED:
        if is_framed(link.service):
            return f"{name} shows its copies only inside a browser frame: open the link to check it"
        return (f"{name} does not show its captures to automated requests (HTTP {f.status if f else '?'}, a "
                "challenge or an interstitial): open the link in a browser")
    if f is not None and f.status is None:
        return f"{name} did not answer ({f.error or 'no response'})"
    return f"{name} answered {f.status if f else '?'}{' ' + f.error if f and f.error else ''}"


def best_capture(lookup: LookupResult | None, elsewhere: LookupResult | None, window_days: float) -> Capture | None:
    """The capture to suggest: the Wayback Machine's when it is within the window of the cited time, else the
    nearer of the two."""
    found: list[tuple[float, Capture]] = [(distance_days(r.target, r.capture.timestamp), r.capture)
                                          for r in (lookup, elsewhere) if r is not None and r.capture is not None]
    if not found:
        return None
    if found[0][0] <= window_days:
        return found[0][1]
    return min(found, key=lambda x: x[0])[1]


def _uncited(ref: Reference, lookup: LookupResult | None, found: Capture | None,
             live: LiveObservation | None) -> ArchiveVerdict:
    if not ref.url:
        return ArchiveVerdict(ArchiveState.NONE, "archive.none", "the reference has no URL")
    problem = url_problem(ref.url) if ref.url.lower().startswith(("http://", "https://")) else None
    if problem:
        return ArchiveVerdict(ArchiveState.UNCITED_NONE, "archive.uncited.invalid_url",
                              f"no snapshot cited, and none can exist: {problem}")
    if found:
        return ArchiveVerdict(ArchiveState.UNCITED_AVAILABLE, "archive.uncited.available",
                              f"no snapshot cited; a good capture from {format_day(found.timestamp)} exists"
                              + in_archive(found),
                              url=found.url, capture_timestamp=found.timestamp, captured_status=found.status,
                              suggestion=found)
    if lookup is None and live is not None and live.fetch.error is ErrorKind.REFUSED_TARGET and not live.fetch.hops:
        # (refused at its first hop: the URL itself, not a redirect into a private network)
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.uncited.private_address",
                              "no snapshot cited; not looked up: a private or loopback address is in no public "
                              "archive, and its URL is not sent to one")
    if lookup is None:
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.uncited.unchecked", "no snapshot cited; not looked up")
    if lookup.error:
        return ArchiveVerdict(ArchiveState.UNCHECKED, "archive.uncited.lookup_failed",
                              f"no snapshot cited; the archive could not be asked ({lookup.error})")
    if lookup.passed_over:
        shows, when = lookup.passed_over
        return ArchiveVerdict(ArchiveState.UNCITED_NONE, "archive.uncited.none",
                              f"no snapshot cited, and the archive's closest capture the index calls good "
                              f"({format_day(when)}) shows a {shows} page")
    return ArchiveVerdict(ArchiveState.UNCITED_NONE, "archive.uncited.none",
                          f"no snapshot cited and the archive holds no good capture ({lookup.source})")


#: What a capture can show instead of the work: the rule's last word, and the page signal (whose value is the
#: kind of the signatures that say so).
BAD_PAGES = {"challenge": PageSignal.CHALLENGE, "parked": PageSignal.PARKED, "not_found": PageSignal.NOTFOUND,
             "login": PageSignal.LOGIN, "consent": PageSignal.CONSENT, "maintenance": PageSignal.MAINTENANCE}
#: Title similarity (0-100) above which two titles name the same page.
SAME_ABOVE = 80.0


def bad_page(page: PageFacts) -> str | None:
    """What kind of page a capture shows instead of the work, if it does: challenge, parked, not_found, login,
    consent, maintenance."""
    for word, signal in BAD_PAGES.items():
        if signal in page.signals:
            return word
    return None


def unrelated_capture(ref: Reference, page: PageFacts, url: str, site_names: Iterable[str] = (),
                      live: LiveObservation | None = None) -> Generic | None:
    """Why a capture that is no error page still is not the cited work: its title (and heading) has nothing to do
    with the cited title, once the site's affixes are stripped, and it looks like a site's generic page. A capture
    showing what the original shows today is taken as the work (the citation's title is then the odd one out),
    unless the site shows that same page for a made-up address."""
    cited, title = ref.title, page.title
    if not cited or not title or page.article or not long_enough(cited) or not comparable(title, cited):
        return None
    names = (*site_names, *([page.site_name] if page.site_name else []))
    for said in (title, page.og_title, page.heading):
        if said and comparable(said, cited) and title_similarity(said, cited, names) >= DIFFERENT_BELOW:
            return None
    sibling = live.sibling if live else None
    if sibling is not None and sibling.answered_ok and sibling.page.title == title:
        return Generic(f"its title {title!r} is what the site answers for a made-up address")
    now = live.fetch.page.title if live and live.fetch.answered_ok else None
    if now and title_similarity(now, title, names) >= SAME_ABOVE:
        return None
    generic = why_generic(page, url, names)
    if generic is None:
        return None
    return Generic(f"its title {title!r} has nothing to do with the cited title, and {generic.reason}", generic.evidence)


def _better(suggestion: Capture | None, current: Capture) -> Capture | None:
    return suggestion if suggestion and suggestion.timestamp != current.timestamp else None


def in_archive(capture: Capture) -> str:
    """" in Arquivo.pt" for a capture outside the Wayback Machine (whose captures need no name)."""
    service = _service_of(capture)
    return f" in {service_name(service)}" if service and service != WAYBACK else ""


def _service_of(capture: Capture) -> str | None:
    link = parse_archive_link(capture.url) if capture.url else None
    return link.service if link else None


def _is_cited_capture(suggestion: Capture, cited: ArchiveLink | None) -> bool:
    """The suggestion is the very capture the link cites (one that could not be read): no other to offer."""
    return cited is not None and suggestion.timestamp == cited.timestamp and _service_of(suggestion) == cited.service


def _suggest_words(suggestion: Capture | None, cited: ArchiveLink | None = None) -> str:
    if suggestion is None:
        return ""
    if _is_cited_capture(suggestion, cited):
        return "; the archive's index lists it as a good capture: try again later"
    return f"; closest good capture: {format_day(suggestion.timestamp)}{in_archive(suggestion)}"


def _unless_cited(suggestion: Capture | None, cited: ArchiveLink) -> Capture | None:
    """No suggestion to replace a snapshot with itself."""
    return None if suggestion is not None and _is_cited_capture(suggestion, cited) else suggestion


def _period(timestamp: str | None) -> str | None:
    """The span a partial snapshot timestamp names (2019, 2019-05, 2019-05-03), or None for a full one."""
    if not timestamp or len(timestamp) not in (4, 6, 8):
        return None
    return "-".join(x for x in (timestamp[:4], timestamp[4:6], timestamp[6:8]) if x)


def _captured_redirect(snap: SnapshotObservation, suggestion: Capture | None, base: ArchiveVerdict,
                       window_days: float) -> ArchiveVerdict:
    f = snap.fetch
    location = f.header("location") if f else None
    target = redirect_target(location, f.final_url or f.url)[1] if f and location else None
    landing = snap.landing
    original = snap.link.original or ""
    landed = landing.capture if landing else None
    if landing and target and landed and landed.status and 200 <= landed.status < 300:
        landed_page = landing.fetch.page if landing.fetch else PageFacts()
        good_target = same_resource(target, original) or not (is_root(target) or is_login(target))
        if good_target and not bad_page(landed_page):
            return replace(base, state=ArchiveState.OK, rule="archive.ok.captured_redirect",
                           detail=f"the capture is a redirect to {target}, itself captured "
                                  f"({format_day(landed.timestamp)})")
    if landing is None and target and same_resource(target, original) and suggestion and snap.link.timestamp and \
            distance_days(snap.link.timestamp, suggestion.timestamp) <= window_days:
        return replace(base, state=ArchiveState.OK, rule="archive.ok.self_redirect",
                       detail=f"the capture is a redirect to the same page ({target}); Wayback shows its capture of "
                              f"{format_day(suggestion.timestamp)} instead")
    where = target or "an unknown place"
    kind = "the home page" if target and is_root(target) else "a login page" if target and is_login(target) else where
    return replace(base, state=ArchiveState.CAPTURED_REDIRECT, rule="archive.captured_redirect",
                   detail=f"the capture is a redirect to {kind}" + _suggest_words(suggestion), suggestion=suggestion)
