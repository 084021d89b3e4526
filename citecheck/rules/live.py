"""Rules for the original URL: a live observation in, a LiveVerdict out."""
from __future__ import annotations

from collections.abc import Callable

from ..model import Fetch, LiveObservation, LiveVerdict, Reference
from ..settings import ANY_HOST, Settings
from ..signals import is_not_found_title
from ..textsim import titles_disagree
from ..urls import host_of, is_login, is_root, same_resource, url_problem
from ..vocab import ErrorKind, LiveState, PageSignal

BLOCKING_STATUSES = frozenset({401, 402, 403, 407, 429, 451, 999})
DEAD_STATUSES = frozenset({404, 410})

Make = Callable[[LiveState, str, str], LiveVerdict]


def accepted(settings: Settings, url: str, status: int | None) -> bool:
    """The configuration says this status counts as working on this host (``accept``). A 2xx works already, and
    stays open to the soft-404, parking and drift rules even when listed."""
    if status is None or 200 <= status < 300:
        return False
    host = host_of(url)
    for pattern, codes in settings.accept.items():
        pattern = pattern.lower()
        if (pattern == ANY_HOST or host == pattern or host.endswith("." + pattern)) and status in set(codes):
            return True
    return False


def _permanent(f: Fetch) -> bool:
    return any(h.status in (301, 308) for h in f.hops[:-1])


def classify_live(ref: Reference, obs: LiveObservation | None, snapshot_title: str | None,
                  settings: Settings) -> LiveVerdict:
    url = ref.url
    if not url:
        return LiveVerdict(LiveState.NONE, "live.none", "the reference has no URL")
    if settings.excludes(url):
        return LiveVerdict(LiveState.SKIPPED, "live.skipped.excluded", "excluded by the configuration")
    problem = url_problem(url) if url.lower().startswith(("http://", "https://")) else None
    if problem:
        return LiveVerdict(LiveState.DEAD, "live.dead.invalid_url", f"the URL cannot be requested: {problem}")
    if obs is None:
        if not url.lower().startswith(("http://", "https://")):
            return LiveVerdict(LiveState.SKIPPED, "live.skipped.scheme", "not an http(s) URL")
        if settings.offline:
            return LiveVerdict(LiveState.SKIPPED, "live.skipped.offline", "not checked: not in the cache (--offline)")
        return LiveVerdict(LiveState.SKIPPED, "live.skipped", "not checked")
    f = obs.fetch

    def v(state: LiveState, rule: str, detail: str) -> LiveVerdict:
        return LiveVerdict(state, rule, detail, status=f.status, final_url=f.final_url, chain=f.hops,
                           title=f.page.title, error=f.error)

    if f.error:
        return _live_error(f, f.error, v)
    status = f.status or 0
    if accepted(settings, f.final_url or url, status):
        return v(LiveState.OK, "live.ok.accepted", f"HTTP {status}, accepted by the configuration (accept)")
    signals = f.page.signals
    if f.header("cf-mitigated") == "challenge" or (PageSignal.CHALLENGE in signals and status in (200, 403, 429, 503)):
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
    if PageSignal.PARKED in signals:
        return v(LiveState.PARKED, "live.parked", "the domain shows a parking / for-sale page")
    if redirected and not is_root(url) and is_root(final):
        return v(LiveState.SOFT404, "live.soft404.to_root", f"a deep link now redirects to the home page {final}")
    if redirected and is_login(final) and not is_login(url):
        return v(LiveState.SOFT404, "live.soft404.to_login", f"redirects to a login page {final}")
    if sibling_same_page(f, obs.sibling):
        return v(LiveState.SOFT404, "live.soft404.sibling",
                 f"answers 200 with the same page ({f.page.title!r}) as for a made-up sibling path")
    if PageSignal.NOTFOUND_TITLE in signals and is_not_found_title(f.page.title):
        return v(LiveState.SOFT404, "live.soft404.title", f"answers 200 but the page says {f.page.title!r}")
    drift = titles_disagree(f.page.title, snapshot_title, ref.title)
    if drift:
        return v(LiveState.DRIFT, "live.drift", drift)
    if redirected and _permanent(f):
        return v(LiveState.MOVED, "live.moved", f"permanently redirected to {final}")
    if redirected:
        return v(LiveState.OK, "live.ok.redirect", f"works via a temporary redirect to {final}")
    if PageSignal.PDF in signals or (f.content_type and "html" not in f.content_type.lower()):
        return v(LiveState.OK, "live.ok.file", f"HTTP {status} {f.content_type or ''}".strip())
    return v(LiveState.OK, "live.ok", f"HTTP {status}")


def sibling_same_page(f: Fetch, sibling: Fetch | None) -> bool:
    """The made-up sibling path got the same 200 page: the host answers anything with it (a soft 404)."""
    if sibling is None or not sibling.answered_ok:
        return False
    return bool(f.page.title) and sibling.page.title == f.page.title


def _live_error(f: Fetch, kind: ErrorKind, v: Make) -> LiveVerdict:
    if kind in (ErrorKind.DNS, ErrorKind.UNREACHABLE):
        return v(LiveState.DEAD, "live.dead.dns", "the host name does not resolve (or no route to it)")
    if kind is ErrorKind.REFUSED:
        return v(LiveState.DEAD, "live.dead.refused", f"connection refused on {f.attempts} attempts")
    if kind is ErrorKind.TIMEOUT:
        return v(LiveState.TIMEOUT, "live.timeout", f"no answer in time ({f.attempts} attempts)")
    if kind is ErrorKind.DEADLINE:
        return v(LiveState.TIMEOUT, "live.timeout.deadline",
                 f"no final answer within the URL's deadline ({len(f.hops)} hops, {f.attempts} attempts)")
    if kind is ErrorKind.REFUSED_TARGET:
        return v(LiveState.SKIPPED, "live.skipped.private_address",
                 f"{f.error_detail or 'not requested'}; --allow-private checks such addresses")
    if kind is ErrorKind.REDIRECT_LOOP:
        return v(LiveState.TRANSIENT, "live.transient.redirect_loop",
                 f"redirect loop ({f.error_detail}): often a cookie or bot check; check in a browser")
    if kind is ErrorKind.TOO_MANY_REDIRECTS:
        return v(LiveState.TRANSIENT, "live.transient.too_many_redirects",
                 f"{f.error_detail}: check in a browser")
    if kind is ErrorKind.INVALID_URL:
        return v(LiveState.DEAD, "live.dead.invalid_url", f"the URL cannot be requested: {f.error_detail}")
    if kind is ErrorKind.TLS:
        return v(LiveState.TRANSIENT, "live.transient.tls", f"TLS failure: {f.error_detail}")
    return v(LiveState.TRANSIENT, f"live.transient.{kind}", f"{kind} on {f.attempts} attempts")
