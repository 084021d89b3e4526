"""Archive-link grammar: which URLs point into a web archive, and what they say about the page they keep.

All knowledge of archive URL shapes lives here. ``parse_archive_link`` turns a link into an
:class:`ArchiveLink` (service, original URL, timestamp, modifier); ``replay_url`` builds the Wayback URL
citecheck fetches.
"""
from __future__ import annotations

import re
import urllib.parse

from .model import ArchiveLink
from .urls import host_address
from .vocab import WAYBACK, WAYBACK_BASE

WAYBACK_HOSTS = frozenset(
    {"web.archive.org", "wayback.archive.org", "web-beta.archive.org", "archive.org", "www.archive.org"}
)

# /web/{ts}{modifier}/{original}; the timestamp may be partial, "*" or absent.
_WAYBACK_PATH = re.compile(r"^/web/(?:(?P<ts>\d{1,14}|\*)(?P<mod>[a-z]{2}_|\*)?/)?(?P<orig>.*)$", re.DOTALL | re.IGNORECASE)
# Archives that use the same /{ts}/{original} grammar as Wayback under some prefix.
_WAYBACK_LIKE = (
    ("arquivo.pt", re.compile(r"^/wayback/(?P<ts>\d{1,14})(?P<mod>[a-z]{2}_)?/(?P<orig>.+)$", re.DOTALL)),
    ("webarchive.loc.gov", re.compile(r"^/(?:all|legacy|[a-z0-9-]+)/(?P<ts>\d{1,14})(?P<mod>[a-z]{2}_)?/(?P<orig>.+)$", re.DOTALL)),
    ("webarchive.nationalarchives.gov.uk", re.compile(r"^/(?:ukgwa/)?(?P<ts>\d{1,14})(?P<mod>[a-z]{2}_)?/(?P<orig>.+)$", re.DOTALL)),
    ("webarchive.org.uk", re.compile(r"^/wayback/(?:[a-z]{2}/)?archive/(?P<ts>\d{1,14})(?P<mod>[a-z]{2}_)?/(?P<orig>.+)$", re.DOTALL)),
)
_ARCHIVE_TODAY = frozenset(
    {"archive.today", "archive.ph", "archive.is", "archive.li", "archive.vn", "archive.fo", "archive.md"}
)
_OTHER_ARCHIVES = {"perma.cc": "perma.cc", "webcitation.org": "webcitation", "www.webcitation.org": "webcitation"}


def _host_of(url: str) -> str:
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _strip_www(host: str) -> str:
    return host.removeprefix("www.")


def _after_netloc(url: str) -> str:
    """Everything after scheme://host[:port], as written (keeps the embedded URL's ? and #)."""
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//[^/?#]*", url, re.IGNORECASE)
    return url[m.end():] if m else url


def recover_original(raw: str) -> str | None:
    """The archived URL from the tail of an archive link: fix the shapes archives and editors leave."""
    orig = raw.strip()
    if not orig:
        return None
    # percent-encoded scheme separator (arquivo.pt, some Wayback links): http%3A//host/...
    if re.match(r"^https?%3A", orig, re.IGNORECASE):
        orig = urllib.parse.unquote(orig[: orig.lower().index("%3a") + 3]) + orig[orig.lower().index("%3a") + 3:]
    # collapsed slashes (http:/host) left by servers and editors
    orig = re.sub(r"^(https?):/+(?=[^/])", lambda m: m.group(1).lower() + "://", orig, flags=re.IGNORECASE)
    if orig.startswith("//"):
        orig = "http:" + orig
    if not re.match(r"^[a-z][a-z0-9+.-]*://", orig, re.IGNORECASE):
        # no scheme: Wayback treats it as http
        if not re.match(r"^[^/\s?#]+\.[^/\s?#]+", orig):
            return None
        orig = "http://" + orig
    try:
        parts = urllib.parse.urlsplit(orig)
        host = parts.hostname
    except ValueError:
        return None
    if not host or ("." not in host and host != "localhost" and host_address(host) is None):
        return None
    # a default port says nothing: http://host:80/ is http://host/
    netloc = parts.netloc
    if (parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443):
        netloc = netloc.rsplit(":", 1)[0]
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def parse_archive_link(url: str) -> ArchiveLink | None:
    """An ArchiveLink when ``url`` points into a known web archive, else None."""
    host = _host_of(url if "://" in url or url.startswith("//") else "//" + url)
    if not host:
        return None
    rest = _after_netloc(url)
    if host in WAYBACK_HOSTS:
        m = _WAYBACK_PATH.match(rest)
        if not m or not rest.lower().startswith("/web/"):
            return None  # archive.org/details/... is a library item, not a snapshot
        ts = m.group("ts")
        mod = m.group("mod") or ""
        return ArchiveLink(
            url=url,
            service=WAYBACK,
            original=recover_original(m.group("orig")),
            timestamp=ts if ts and ts != "*" else None,
            modifier="" if mod == "*" else mod.lower(),
        )
    bare = _strip_www(host)
    for service, pattern in _WAYBACK_LIKE:
        if bare == service or bare.endswith("." + service):
            m = pattern.match(rest)
            return ArchiveLink(
                url=url,
                service=service,
                original=recover_original(m.group("orig")) if m else None,
                timestamp=m.group("ts") if m else None,
                modifier=(m.group("mod") or "") if m else "",
            )
    if bare in _ARCHIVE_TODAY:
        # archive.today: /{ts}/{original}, /newest/{original}, or a short id /AbCd1
        m = re.match(r"^/(?P<ts>\d{4,14}|newest|oldest)/(?P<orig>.+)$", rest, re.DOTALL)
        return ArchiveLink(
            url=url,
            service="archive.today",
            original=recover_original(m.group("orig")) if m else None,
            timestamp=m.group("ts") if m and m.group("ts").isdigit() else None,
        )
    if bare in _OTHER_ARCHIVES or host in _OTHER_ARCHIVES:
        service = _OTHER_ARCHIVES.get(bare) or _OTHER_ARCHIVES[host]
        original = None
        if service == "webcitation":
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
            original = recover_original(q["url"][0]) if q.get("url") else None
        return ArchiveLink(url=url, service=service, original=original, timestamp=None)
    return None


# --- URLs citecheck builds -----------------------------------------------------------------------------


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def replay_url(original: str, timestamp: str, modifier: str = "id_", base: str = WAYBACK_BASE) -> str:
    """The Wayback URL of the capture of ``original`` nearest ``timestamp``; ``id_`` gives the raw capture."""
    return f"{base}/web/{timestamp}{modifier}/{_without_fragment(original)}"


def snapshot_url(original: str, timestamp: str) -> str:
    """The URL a reader should be given for a capture (view mode, with the banner)."""
    return f"{WAYBACK_BASE}/web/{timestamp}/{_without_fragment(original)}"


def parse_replay_location(location: str) -> tuple[str | None, str, str | None]:
    """(timestamp, modifier, original) from a replay URL or path Wayback redirected to."""
    path = _after_netloc(location) if "://" in location else location
    m = _WAYBACK_PATH.match(path)
    if not m or not path.startswith("/web/"):
        return None, "", None
    ts = m.group("ts")
    return (ts if ts and ts != "*" else None), (m.group("mod") or ""), recover_original(m.group("orig"))
