"""Rules for the original URL: a live observation in, a LiveVerdict out."""
from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable
from typing import NamedTuple

from ..model import Fetch, LiveObservation, LiveVerdict, PageFacts, Reference, SignatureMatch
from ..settings import ANY_HOST, Settings
from ..signals import WALL_STATUSES
from ..textsim import is_site_name, strip_affixes, titles_disagree
from ..urls import carries_back, host_of, is_login, is_root, same_resource, url_problem
from ..vocab import ErrorKind, LiveState, PageSignal

BLOCKING_STATUSES = frozenset({401, 402, 403, 407, 429, 451, 999})
DEAD_STATUSES = frozenset({404, 410})

Make = Callable[..., LiveVerdict]


def evidence_words(evidence: Iterable[SignatureMatch], limit: int = 2) -> str:
    """The signatures behind a verdict, for its detail: " [cloudflare.just-a-moment ('just a moment...')]" (the
    strong ones first; the JSON report lists them all)."""
    matches = list(evidence)
    shown = [f"{m.name} ({m.text!r})" if m.text else m.name for m in ([m for m in matches if m.strong] or matches)]
    return f" [{'; '.join(shown[:limit])}]" if shown else ""


#: Kinds whose weak signs make a page look generic (no work of its own).
GENERIC_KINDS = ("notfound", "login", "challenge", "parked", "consent")
#: Visible text below which a page that is no article has no work of its own to show.
GENERIC_TEXT = 1500


class Generic(NamedTuple):
    """Why a page is a site's generic page rather than a work, and the signatures that said so (if any did)."""

    reason: str
    evidence: tuple[SignatureMatch, ...] = ()


def why_generic(page: PageFacts, url: str, site_names: Iterable[str], *, by_size: bool = True) -> Generic | None:
    """What makes a page look like a site's generic page (a home, error or login page) rather than a work.
    ``by_size``: a short page counts too (for captures; a live page is judged on structure alone)."""
    if page.article:
        return None
    canonical = urllib.parse.urljoin(url, page.canonical) if page.canonical else None
    if canonical and is_root(canonical) and not is_root(url):
        return Generic(f"it names the home page ({canonical}) as its address")
    refresh = urllib.parse.urljoin(url, page.refresh) if page.refresh else None
    if refresh and is_root(refresh) and not is_root(url):
        return Generic(f"it sends browsers on to the home page ({refresh})")
    names = tuple(site_names)
    if page.title and names and is_site_name(strip_affixes(page.title, names), names):
        return Generic("its title is only the site's name")
    if not page.complete:
        return None  # its text may go on past what was read
    weak = page.evidence(*GENERIC_KINDS)
    if weak and page.text_chars < 2 * GENERIC_TEXT:  # on a long page, a login box in the header says nothing
        return Generic(f"it carries signs of a {weak[0].kind} page", weak)
    if by_size and page.text_chars < GENERIC_TEXT:
        return Generic(f"it has almost no text ({page.text_chars} characters)")
    return None


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
                  settings: Settings, site_names: Iterable[str] = ()) -> LiveVerdict:
    """The original's state. ``site_names``: the names its site gives itself (rules/sites.py), stripped from
    titles before they are compared."""
    url = ref.url or (obs.url if obs else None)  # (or the original its snapshot's capture states)
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

    def v(state: LiveState, rule: str, detail: str, *kinds: str,
          evidence: tuple[SignatureMatch, ...] | None = None) -> LiveVerdict:
        """A verdict on ``f``; its evidence: the page's signatures of ``kinds`` (or ``evidence`` as given)."""
        if evidence is None:
            evidence = f.page.evidence(*kinds) if kinds else ()
        return LiveVerdict(state, rule, detail + evidence_words(evidence), status=f.status, final_url=f.final_url,
                           chain=f.hops, title=f.page.title, error=f.error, signatures=evidence)

    if f.error:
        return _live_error(f, f.error, v)
    status = f.status or 0
    if accepted(settings, f.final_url or url, status):
        return v(LiveState.OK, "live.ok.accepted", f"HTTP {status}, accepted by the configuration (accept)")
    signals = f.page.signals
    if f.header("cf-mitigated") == "challenge" or (
            PageSignal.CHALLENGE in signals and (200 <= status < 300 or status in WALL_STATUSES)):
        return v(LiveState.BLOCKED, "live.blocked.challenge", f"bot challenge (HTTP {status}); a browser may see the page",
                 "challenge")
    if status in BLOCKING_STATUSES:
        if status == 429:
            return v(LiveState.BLOCKED, "live.blocked.ratelimited", "still rate-limited (429) after waiting as asked",
                     "challenge")
        return v(LiveState.BLOCKED, f"live.blocked.http{status}", f"HTTP {status}: the site refuses automated requests",
                 "challenge", "login", "consent")
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
    if PageSignal.CONSENT in signals:
        return v(LiveState.BLOCKED, "live.blocked.consent",
                 "a cookie-consent page stands in front of the page: a person passes it, a checker cannot", "consent")
    if PageSignal.PARKED in signals:
        return v(LiveState.PARKED, "live.parked", "the domain shows a parking / for-sale page", "parked")
    if PageSignal.MAINTENANCE in signals:
        return v(LiveState.TRANSIENT, "live.transient.maintenance", "the site shows a maintenance or database-error "
                 "page: check again later", "maintenance")
    if redirected and not is_root(url) and is_root(final):
        return v(LiveState.SOFT404, "live.soft404.to_root", f"a deep link now redirects to the home page {final}")
    login_bounce = redirected and is_login(final) and not is_login(url)
    if login_bounce or (PageSignal.LOGIN in signals and not is_login(url)):
        if not redirected or carries_back(final, url):
            where = f"redirects to a login page that leads back to it ({final})" if redirected else "shows a login page"
            return v(LiveState.BLOCKED, "live.blocked.login", f"{where}: alive behind a login a checker cannot pass",
                     "login")
        return v(LiveState.SOFT404, "live.soft404.to_login", f"redirects to a login page {final}", "login")
    if sibling_same_page(f, obs.sibling):
        return v(LiveState.SOFT404, "live.soft404.sibling",
                 f"answers 200 with the same page ({f.page.title!r}) as for a made-up sibling path")
    if PageSignal.NOTFOUND in signals:
        return v(LiveState.SOFT404, "live.soft404.notfound", f"answers {status} with a not-found page "
                 f"({f.page.title or f.page.heading or 'untitled'!r})", "notfound")
    if empty_page(f.page):
        return v(LiveState.SOFT404, "live.soft404.empty", f"answers {status} with a page with no title and no text "
                 "(a blank page, NULs): nothing a reader could take for the work")
    drift = titles_disagree(f.page.title, snapshot_title, ref.title, site_names)
    generic = why_generic(f.page, final, (*site_names, *([f.page.site_name] if f.page.site_name else [])),
                          by_size=False) if drift else None
    if generic:
        # no other work lives here: the site answers with a page of its own (home, error, login)
        return v(LiveState.SOFT404, "live.soft404.generic",
                 f"answers {status} with a page that is not the work: {drift}, and {generic.reason}",
                 evidence=generic.evidence)
    if drift:
        return v(LiveState.DRIFT, "live.drift", drift)
    if redirected and _permanent(f):
        return v(LiveState.MOVED, "live.moved", f"permanently redirected to {final}")
    if redirected:
        return v(LiveState.OK, "live.ok.redirect", f"works via a temporary redirect to {final}")
    if PageSignal.PDF in signals or (f.content_type and "html" not in f.content_type.lower()):
        return v(LiveState.OK, "live.ok.file", f"HTTP {status} {f.content_type or ''}".strip())
    return v(LiveState.OK, "live.ok", f"HTTP {status}")


#: Visible characters below which a page with no title shows nothing at all.
EMPTY_TEXT = 50


def empty_page(page: PageFacts) -> bool:
    """An HTML page with no title, no heading and next to no text: a script that sends browsers on (LinkedIn's
    999 page), a blank page, or a body of NULs or undecodable bytes (a gzip bomb's) that does not even reach a
    character of text in what was read. Nothing a reader could take for the work."""
    if page.charset is None or page.article or page.title or page.heading:
        return False
    return page.text_chars == 0 or (page.complete and page.text_chars < EMPTY_TEXT)


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
    if kind is ErrorKind.UNSUPPORTED_SCHEME:
        return v(LiveState.DEAD, "live.dead.redirect_scheme",
                 f"redirected to {f.final_url}, which is not a web address: browsers do not follow it")
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
