"""Archive-link grammar: which URLs point into a web archive, and what they say about the page they keep.

All knowledge of archive URL shapes lives here, in one table (:data:`SERVICES`): every archive that
InternetArchiveBot and MemGator know, each with its hosts, the shapes of its links (memento, TimeGate, TimeMap),
its Memento endpoints and its raw-replay modifier. ``parse_archive_link`` turns a link into an
:class:`ArchiveLink` (service, original URL, timestamp, modifier); ``memento_url`` builds a link back from them;
``replay_url`` builds the Wayback URL citecheck fetches.

How a link is matched: the host (lower-case, port dropped) picks the service from its exact host list (never a
substring: ``wayback.archive-it.org`` and ``blog.archive.org`` are not the Wayback Machine); the path and query,
raw and without the fragment, are matched against the service's shapes in order. A host that matches but no
shape does is an archive's page, not a snapshot (a search page, a collection), and is checked like any page.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import urllib.parse
from dataclasses import dataclass, field

from .model import ArchiveLink
from .timestamps import datetime_to_timestamp, timestamp_to_datetime
from .urls import ascii_host, host_address
from .vocab import WAYBACK, WAYBACK_BASE

# --- the grammar's pieces ------------------------------------------------------------------------------------

MEMENTO, TIMEGATE, TIMEMAP, CACHE = "memento", "timegate", "timemap", "cache"
#: Kinds of link that name no fixed capture: they open the latest one, or a list of them.
UNPINNED = frozenset({TIMEGATE, TIMEMAP})

# the archived URL at the end of a link: with a scheme (maybe %-encoded, maybe protocol-relative), or a bare host
_ORIGINAL = (r"(?P<original>(?i:https?:|ftp:|https?%3a|//|www\.)\S*"
             r"|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?::\d+)?(?:[/?]\S*)?)")
# a 4-14 digit timestamp (a prefix of YYYYMMDDhhmmss, UTC) and an optional rewrite modifier (id_, mp_, im_ …)
_STAMP = r"(?P<ts>\d{4,14})(?P<mod>[a-z]{2}_)?"


@dataclass(frozen=True)
class Shape:
    """One shape of link a service writes. ``regex`` is matched in full against path + "?query" (raw, no
    fragment). Groups: ts, mod, original, and sometimes collection or id. ``ts_format`` says how the ts group
    reads (digits, dotted, pandora-dash, pandora-month, webcite-id, epoch10). ``query``: (field, key) pairs for
    a timestamp or an original carried in the query string (perma.cc's long form, WebCite's query form)."""

    regex: re.Pattern[str]
    kind: str = MEMENTO
    ts_format: str = "digits"
    query: tuple[tuple[str, str], ...] = ()
    decode: bool = False  # the original is always percent-encoded (Google cache's q=cache:…)


def _shape(pattern: str, kind: str = MEMENTO, *, ts_format: str = "digits",
           query: tuple[tuple[str, str], ...] = (), decode: bool = False) -> Shape:
    text = pattern.replace("{STAMP}", _STAMP).replace("{ORIGINAL}", _ORIGINAL)
    return Shape(re.compile(text, re.DOTALL), kind, ts_format, query, decode)


def _prefixed(*prefixes: str) -> tuple[Shape, ...]:
    """The common OpenWayback/pywb memento shape, {prefix}/{ts}{mod}/{original}, under each prefix."""
    return tuple(_shape(f"^{p}/{{STAMP}}/{{ORIGINAL}}$") for p in prefixes)


@dataclass(frozen=True)
class Service:
    """One web archive. ``memento``: the template of a memento link ({ts}, {mod}, {url}, {collection}), None when
    its links need an id we cannot make up; ``collection``: its default. ``timegate``/``timemap``: Memento
    endpoint templates ({url} appended verbatim, as archives expect); ``compliant``: it answers with Memento
    headers (listed active by MemGator, or verified by a dated probe). ``raw``: the modifier that replays a
    capture as it was crawled (real 3xx, no banner). ``replay_at``: where its captures are replayed now, when the
    archive moved (PRONI and the European Archive went to Archive-It). ``domains``: the national web it keeps,
    as domain suffixes: where to look for a page under those domains that the Wayback Machine lacks."""

    id: str
    name: str
    hosts: frozenset[str]
    shapes: tuple[Shape, ...]
    memento: str | None = None
    collection: str = ""
    timegate: str | None = None
    timemap: str | None = None
    compliant: bool = False
    raw: str = ""
    replay_at: str | None = None
    domains: tuple[str, ...] = ()
    general: bool = False  # keeps pages from anywhere (asked for any URL the Wayback Machine lacks)
    framed: bool = False  # shows its captures only inside a browser frame: its answer is never the capture itself
    host_pattern: re.Pattern[str] | None = field(default=None, compare=False)


def _hosts(*names: str) -> frozenset[str]:
    return frozenset(names)


def _www(*names: str) -> frozenset[str]:
    return frozenset(n for name in names for n in (name, "www." + name))


SERVICES: tuple[Service, ...] = (
    Service(WAYBACK, "the Wayback Machine", _hosts(
        "web.archive.org", "wayback.archive.org", "www.archive.org", "archive.org", "www.web.archive.org",
        "web-beta.archive.org", "www.web-beta.archive.org", "classic-web.archive.org", "replay.web.archive.org",
        "replay-web.archive.org", "replayweb.archive.org", "replay.archive.org", "web.wayback.archive.org",
        "liveweb.archive.org", "waybackmachine.org", "www.waybackmachine.org", "web.waybackmachine.org"), (
        _shape("^(?:/web)?/{STAMP}(?:/_embed)?/{ORIGINAL}$"),
        _shape("^/web/\\d{1,3}(?:[a-z]{2}_)?/{ORIGINAL}$", TIMEGATE),  # /web/2/…: "latest", not a time
        _shape("^/web/timemap/(?:link|json|cdx)/(?P<original>\\S+)$", TIMEMAP),
        _shape("^/web/(?:\\d{0,14}\\*|\\*)/(?P<original>\\S+?)\\*?$", TIMEMAP),  # a calendar: a list of captures
        _shape("^/web/(?:_embed/)?(?P<original>(?i:https?:|https?%3a|ftp:|www\\.)\\S*)$", TIMEGATE),
        # a dated /web/ link whose archived URL is missing or mangled: a snapshot link that names nothing
        _shape("^/web/(?P<ts>\\d{4,14})(?P<mod>[a-z]{2}_)?(?:/(?P<original>.*))?$"),
    ), "https://web.archive.org/web/{ts}{mod}/{url}", timegate="https://web.archive.org/web/{url}",
        timemap="https://web.archive.org/web/timemap/link/{url}", compliant=True, raw="id_", general=True),
    Service("archive-it", "Archive-It", _www("archive-it.org") | {"wayback.archive-it.org"}, (
        _shape("^/(?P<collection>\\d+|all)/{STAMP}/{ORIGINAL}$"),
        _shape("^/(?P<collection>\\d+|all)/timemap/(?:link|json|cdxj)/(?P<original>\\S+)$", TIMEMAP),
        _shape("^/(?P<collection>\\d+|all)/(?P<original>(?i:https?:|www\\.)\\S*)$", TIMEGATE),
    ), "https://wayback.archive-it.org/{collection}/{ts}{mod}/{url}", "all",
        "https://wayback.archive-it.org/all/{url}", "https://wayback.archive-it.org/all/timemap/link/{url}",
        compliant=True, raw="id_", general=True),
    Service("archive.today", "archive.today", _www("archive.today", "archive.is", "archive.ph", "archive.md",
                                                   "archive.li", "archive.fo", "archive.vn"), (
        _shape("^/(?P<ts>\\d{4}(?:[.\\-:]?\\d{2}){0,5})/{ORIGINAL}$", ts_format="dotted"),
        _shape("^/(?!(?:faq|wip|search|submit|newest|oldest|timegate|timemap)$)(?P<id>[A-Za-z0-9]{4,6})$"),
        _shape("^/(?:newest|oldest|timegate)/{ORIGINAL}$", TIMEGATE),
        _shape("^/timemap/(?P<original>\\S+)$", TIMEMAP),
    ), "https://archive.today/{ts}/{url}", timegate="https://archive.today/timegate/{url}",
        timemap="https://archive.today/timemap/{url}", compliant=True, general=True),
    Service("webcite", "WebCite", _www("webcitation.org"), (
        # an id is nine base-62 characters (with a digit: /contact and /getfile are pages) or the number itself
        _shape("^/(?P<ts>(?=[0-9A-Za-z]*\\d)[0-9A-Za-z]{9}|\\d{6,16})(?:\\?(?:url=)?(?P<original>\\S+))?$",
               ts_format="webcite-id"),
        _shape("^/query\\?(?P<query>\\S+)$", ts_format="webcite-id", query=(("ts", "id"), ("original", "url"))),
    ), "https://www.webcitation.org/query?id={webcite_id}&url={quoted_url}", framed=True),
    Service("wikiwix", "Wikiwix", _www("wikiwix.com") | {"archive.wikiwix.com"}, (
        _shape("^/cache/(?P<ts>\\d{14})/{ORIGINAL}$"),
        _shape("^/cache/(?:(?:index2?|display)\\.php)?\\?(?:[^#]*?&)?url=(?P<original>.+?)"
               "(?:&(?:title|apiresponse|lang)=[^&]*)*$"),
    ), "https://archive.wikiwix.com/cache/{ts14}/{url}"),
    Service("vefsafn.is", "the Icelandic Web Archive (Vefsafn)", _www("vefsafn.is") | {"wayback.vefsafn.is"},
            _prefixed("/wayback", ""), "https://vefsafn.is/{ts}{mod}/{url}", timegate="https://vefsafn.is/{url}",
            timemap="https://vefsafn.is/timemap/link/{url}", compliant=True, raw="id_", domains=(".is",)),
    Service("arquivo.pt", "Arquivo.pt", _www("arquivo.pt"), (
        *_prefixed("/wayback(?:/wayback)?", "/noFrame/replay"),
        _shape("^/wayback/timemap/(?:link|json|cdxj|\\*)/(?P<original>\\S+)$", TIMEMAP),
        _shape("^/wayback/(?P<original>(?i:https?:)\\S*)$", TIMEGATE),
    ), "https://arquivo.pt/wayback/{ts}{mod}/{url}", timegate="https://arquivo.pt/wayback/{url}",
        timemap="https://arquivo.pt/wayback/timemap/link/{url}", compliant=True, raw="id_", general=True),
    Service("loc", "the Library of Congress Web Archives", _hosts("webarchive.loc.gov", "webarchive-beta.loc.gov"), (
        _shape("^/(?P<collection>all|legacy|lcwa\\d{4})/{STAMP}/{ORIGINAL}$"),
        *_prefixed("/playback-services/general"),
        _shape("^/(?:all|legacy)/(?P<original>(?i:https?:)\\S*)$", TIMEGATE),
    ), "https://webarchive.loc.gov/{collection}/{ts}{mod}/{url}", "all",
        "https://webarchive-beta.loc.gov/playback-services/general/{url}",
        "https://webarchive-beta.loc.gov/playback-services/general/timemap/link/{url}", raw="id_"),
    Service("ukwa", "the UK Web Archive", _www("webarchive.org.uk"), (
        _shape("^/wayback/(?:[a-z]{2}/)?archive/{STAMP}/{ORIGINAL}$"),
        _shape("^/wayback/archive/timemap/(?:link|json|cdxj)/(?P<original>\\S+)$", TIMEMAP),
        _shape("^/wayback/archive/(?:mp_/)?(?P<original>(?i:https?:)\\S*)$", TIMEGATE),
    ), "https://www.webarchive.org.uk/wayback/archive/{ts}{mod}/{url}",
        timegate="https://www.webarchive.org.uk/wayback/archive/{url}",
        timemap="https://www.webarchive.org.uk/wayback/archive/timemap/link/{url}", compliant=True, raw="id_",
        domains=(".uk",)),
    Service("ukgwa", "the UK Government Web Archive",
            _hosts("webarchive.nationalarchives.gov.uk", "yourarchives.nationalarchives.gov.uk"), (
        _shape("^/(?:ukgwa/)?{STAMP}/{ORIGINAL}$"),
        _shape("^/(?:ukgwa/)?timemap/(?:link/)?(?P<original>\\S+)$", TIMEMAP),
        _shape("^/(?:ukgwa/|timegate/)(?P<original>(?i:https?:)\\S*)$", TIMEGATE),
    ), "https://webarchive.nationalarchives.gov.uk/ukgwa/{ts}{mod}/{url}",
        timegate="https://webarchive.nationalarchives.gov.uk/timegate/{url}",
        timemap="https://webarchive.nationalarchives.gov.uk/timemap/{url}", raw="id_"),
    Service("parliament.uk", "the UK Parliament Web Archive", _hosts("webarchive.parliament.uk"), _prefixed(""),
            "http://webarchive.parliament.uk/{ts}{mod}/{url}", timegate="http://webarchive.parliament.uk/timegate/{url}",
            timemap="http://webarchive.parliament.uk/timemap/link/{url}", compliant=True,
            domains=("parliament.uk",)),
    Service("stanford", "the Stanford Web Archive", _hosts(
        "swap.stanford.edu", "sul-swap.stanford.edu", "swap-prod.stanford.edu", "sul-swap-prod.stanford.edu"),
        _prefixed(""), "https://swap.stanford.edu/{ts}{mod}/{url}", timegate="https://swap.stanford.edu/{url}",
        timemap="https://swap.stanford.edu/timemap/link/{url}", raw="id_"),
    Service("bibalex", "the Bibliotheca Alexandrina Internet Archive", _hosts(
        "web.archive.bibalex.org", "archive.bibalex.org", "web.petabox.bibalex.org", "petabox.bibalex.org"),
        _prefixed("(?:/web)?"), "http://web.archive.bibalex.org/web/{ts}{mod}/{url}",
        timegate="http://web.archive.bibalex.org/web/{url}",
        timemap="http://web.archive.bibalex.org/web/timemap/link/{url}"),
    Service("ghostarchive", "Ghostarchive", _www("ghostarchive.org"), (
        _shape("^/archive/(?P<ts>\\d{4,14})/{ORIGINAL}$"),
        _shape("^/v?archive/(?P<id>[A-Za-z0-9]{4,8})$"),
        _shape("^/varchive/youtube/(?P<ts>\\d{8})/(?P<id>[\\w-]{11})$"),  # a YouTube video, by its id
    ), "https://ghostarchive.org/archive/{ts}/{url}"),
    Service("perma.cc", "Perma.cc", _www("perma.cc", "perma-archives.org"), (
        _shape("^/(?P<id>[0-9A-Za-z]{4}-[0-9A-Za-z]{4})/?(?:\\?(?P<query>\\S*))?$",
               query=(("original", "url"), ("ts", "ts"))),
        *_prefixed("/warc"),
        _shape("^/warc/(?P<id>[0-9A-Za-z]{4}-[0-9A-Za-z]{4})/{ORIGINAL}$"),
        _shape("^(?:/warc)?/timegate/(?P<original>\\S+)$", TIMEGATE),
        _shape("^(?:/warc)?/timemap/(?:link|json|\\*)/(?P<original>\\S+)$", TIMEMAP),
    ), "https://perma-archives.org/warc/{ts}{mod}/{url}", timegate="https://perma.cc/timegate/{url}",
        timemap="https://perma.cc/timemap/link/{url}", compliant=True),
    Service("europarchive", "the European Archive", _hosts(
        "collection.europarchive.org", "collections.europarchive.org", "collections.internetmemory.org",
        "collection.internetmemory.org"), (_shape("^/(?P<collection>[a-z]+)/{STAMP}/{ORIGINAL}$"),),
        "http://collection.europarchive.org/{collection}/{ts}{mod}/{url}", "nli",
        replay_at="https://wayback.archive-it.org/10702/{ts}/{url}"),
    Service("nla", "the Australian Web Archive (Trove)", _hosts(
        "pandora.nla.gov.au", "webarchive.nla.gov.au", "content.webarchive.nla.gov.au", "trove.nla.gov.au",
        "nla.gov.au", "web.archive.org.au"), (
        _shape("^/pan/(?P<collection>\\d{4,7})/(?P<ts>\\d{8}-\\d{4})/{ORIGINAL}$", ts_format="pandora-dash"),
        _shape("^/nph-arch/\\d{4}/[A-Za-z](?P<ts>\\d{4}-(?:[A-Za-z]{3,9}|\\d{1,2})-\\d{1,2})/{ORIGINAL}$",
               ts_format="pandora-month"),
        *_prefixed("/(?:nph-wb|gov(?:/wayback)?|awa|wayback)"),
    ), "https://webarchive.nla.gov.au/awa/{ts}{mod}/{url}", timegate="https://web.archive.org.au/awa/mp_/{url}",
        timemap="https://web.archive.org.au/awa/timemap/link/{url}", compliant=True, raw="id_", domains=(".au",)),
    Service("freezepage", "FreezePage", _www("freezepage.com"), (
        _shape("^/(?P<ts>\\d{10})(?P<id>[A-Z]{10})(?:\\?url=(?P<original>\\S+))?$", ts_format="epoch10"),)),
    Service("yorku", "the York University Libraries Wayback", _hosts("digital.library.yorku.ca"),
            _prefixed("/wayback"), "https://digital.library.yorku.ca/wayback/{ts}{mod}/{url}",
            timegate="https://digital.library.yorku.ca/wayback/{url}"),
    Service("nlb", "the National Library Board Singapore Web Archive", _hosts("eresources.nlb.gov.sg"),
            _prefixed("/webarchives/wayback"), "https://eresources.nlb.gov.sg/webarchives/wayback/{ts}{mod}/{url}"),
    Service("webharvest.gov", "the NARA Web Harvest", _www("webharvest.gov"),
            (_shape("^/(?P<collection>[A-Za-z][A-Za-z0-9]*)/{STAMP}/{ORIGINAL}$"),),
            "https://www.webharvest.gov/{collection}/{ts}{mod}/{url}", "congress112th"),
    Service("proni", "the PRONI Web Archive", _hosts("webarchive.proni.gov.uk"), _prefixed(""),
            "http://webarchive.proni.gov.uk/{ts}{mod}/{url}",
            replay_at="https://wayback.archive-it.org/11112/{ts}/{url}"),
    Service("bac-lac", "Library and Archives Canada", _hosts(
        "webarchiveweb.wayback.bac-lac.canada.ca", "webarchive.bac-lac.gc.ca") | _www(
        "collectionscanada.gc.ca", "collectionscanada.ca"), (
        *_prefixed("/web", "/wayback"),
        _shape("^/(?:archivesweb|webarchives)/(?P<ts>\\d{4,14})/{ORIGINAL}$"),
    ), "https://webarchiveweb.wayback.bac-lac.canada.ca/web/{ts}{mod}/{url}",
        timegate="https://webarchiveweb.wayback.bac-lac.canada.ca/web/{url}",
        timemap="https://webarchiveweb.wayback.bac-lac.canada.ca/web/timemap/link/{url}", compliant=True,
        domains=(".ca",)),
    Service("veebiarhiiv", "the Estonian Web Archive", _hosts("veebiarhiiv.digar.ee"), (
        *_prefixed("/a"),
        _shape("^/a/timemap/link/(?P<original>\\S+)$", TIMEMAP),
    ), "https://veebiarhiiv.digar.ee/a/{ts}{mod}/{url}", timegate="https://veebiarhiiv.digar.ee/a/{url}",
        timemap="https://veebiarhiiv.digar.ee/a/timemap/link/{url}", compliant=True, domains=(".ee",)),
    Service("padicat", "PADICAT, the Catalan Web Archive", _www("padi.cat", "padicat.cat") | {"wayback.padicat.cat"},
            _prefixed("/wayback"), "https://wayback.padicat.cat/wayback/{ts}{mod}/{url}",
            timegate="https://wayback.padicat.cat/wayback/{url}"),
    Service("spletni", "the Slovenian Web Archive", _hosts(
        "nukrobi2.nuk.uni-lj.si", "nukrobia.nuk.uni-lj.si", "arhiv.nuk.uni-lj.si"), _prefixed("/wayback"),
        "https://arhiv.nuk.uni-lj.si/wayback/{ts}{mod}/{url}", timegate="https://arhiv.nuk.uni-lj.si/wayback/{url}"),
    Service("memento-timetravel", "the Memento Time Travel service", _hosts("timetravel.mementoweb.org"), (
        _shape("^/(?:memento|api/json)/(?P<ts>\\d{4,14})/{ORIGINAL}$"),
        _shape("^/(?:timegate/|timemap/(?:link|json)/)(?P<original>\\S+)$", TIMEGATE),
    ), "http://timetravel.mementoweb.org/memento/{ts}/{url}"),
    Service("google-cache", "Google's cache", _hosts("webcache.googleusercontent.com"), (
        _shape("^/search\\?(?:[^#]*?&)?q=cache:(?:(?P<id>[A-Za-z0-9_\\-]{8,16}):)?(?P<original>[^&+ ]+)(?:[+&].*)?$",
               CACHE, decode=True),
    ), "http://webcache.googleusercontent.com/search?q=cache:{quoted_url}"),
    Service("webrecorder", "Webrecorder / Conifer", _hosts("webrecorder.io", "conifer.rhizome.org"),
            (_shape("^/(?P<collection>[^/]+/[^/]+)/{STAMP}/{ORIGINAL}$"),),
            "https://conifer.rhizome.org/{collection}/{ts}{mod}/{url}"),
    Service("banq", "BAnQ, the Quebec web archive", _hosts("waext.banq.qc.ca"), _prefixed("/wayback"),
            "https://waext.banq.qc.ca/wayback/{ts}{mod}/{url}", timegate="https://waext.banq.qc.ca/wayback/{url}",
            timemap="https://waext.banq.qc.ca/wayback/timemap/link/{url}", compliant=True, domains=(".qc.ca",)),
    Service("warp", "WARP, the National Diet Library's archive", _hosts("warp.ndl.go.jp", "warp.da.ndl.go.jp"), (
        _shape("^/info:ndljp/pid/(?P<collection>\\d+)/{ORIGINAL}$"),
        *_prefixed("/collections"),
    ), "https://warp.da.ndl.go.jp/collections/{ts}{mod}/{url}", timegate="https://warp.da.ndl.go.jp/collections/{url}",
        timemap="https://warp.da.ndl.go.jp/collections/timemap/{url}", compliant=True, domains=(".jp",)),
    Service("nrscotland", "the National Records of Scotland Web Archive", _hosts("webarchive.nrscotland.gov.uk"),
            _prefixed(""), "https://webarchive.nrscotland.gov.uk/{ts}{mod}/{url}",
            timegate="https://webarchive.nrscotland.gov.uk/timegate/{url}",
            timemap="https://webarchive.nrscotland.gov.uk/timemap/link/{url}", compliant=True,
            domains=(".scot", "gov.scot", "scotland.gov.uk")),
    Service("nli.org.il", "the National Library of Israel web archive", _hosts("wayback.nli.org.il"), _prefixed(""),
            "https://wayback.nli.org.il/{ts}{mod}/{url}", timegate="https://wayback.nli.org.il/{url}",
            timemap="https://wayback.nli.org.il/timemap/link/{url}"),
    Service("pastpages", "PastPages", _www("pastpages.org"), (
        _shape("^/timegate/(?P<original>\\S+)$", TIMEGATE),
        _shape("^/timemap/link/(?P<original>\\S+)$", TIMEMAP),
    ), timegate="http://www.pastpages.org/timegate/{url}", timemap="http://www.pastpages.org/timemap/link/{url}"),
    Service("haw.nsk.hr", "the Croatian Web Archive", _hosts("haw.nsk.hr"), _prefixed("/wayback"),
            "https://haw.nsk.hr/wayback/{ts}{mod}/{url}", timegate="https://haw.nsk.hr/wayback/{url}",
            timemap="https://haw.nsk.hr/wayback/timemap/json/{url}", raw="id_"),
    Service("webarchiv.cz", "the Czech Web Archive", _hosts("wayback.webarchiv.cz"), _prefixed("/wayback"),
            "https://wayback.webarchiv.cz/wayback/{ts}{mod}/{url}"),
    Service("aueb.gr", "the AUEB web archive", _hosts("archive.aueb.gr"), _prefixed("/services/web"),
            "https://archive.aueb.gr/services/web/{ts}{mod}/{url}"),
    Service("archiefweb", "Archiefweb", frozenset(), (
        *_prefixed("/archives/archiefweb"),
        _shape("^/(?P<collection>[a-z0-9\\-]+)/{STAMP}/{ORIGINAL}$"),
    ), "https://archief.archiefweb.eu/archives/archiefweb/{ts}{mod}/{url}",
        host_pattern=re.compile(r"(?:[a-z0-9\-]+\.)*archiefweb\.eu")),
)
_BY_HOST: dict[str, Service] = {h: s for s in SERVICES for h in s.hosts}
_BY_ID: dict[str, Service] = {s.id: s for s in SERVICES}
WAYBACK_HOSTS = _BY_ID[WAYBACK].hosts


def service(service_id: str) -> Service | None:
    return _BY_ID.get(service_id)


def is_framed(service_id: str) -> bool:
    s = _BY_ID.get(service_id)
    return bool(s and s.framed)


def names_capture(url: str) -> bool:
    """The link names a capture: by the archived URL, or by the archive's own id (archive.ph/AbCd1)."""
    m = match_archive_link(url)
    return bool(m and (m.original or m.id))


def service_name(service_id: str) -> str:
    """How reports name an archive ("the Wayback Machine", "Arquivo.pt"); the id itself for an unknown one."""
    s = _BY_ID.get(service_id)
    return s.name if s else service_id


@functools.lru_cache(maxsize=4096)  # (most hosts are no archive's: the patterns are tried once per host)
def service_for_host(host: str) -> Service | None:
    """The archive a host belongs to (any of its mirrors and old names), or None."""
    found = _BY_HOST.get(host)
    if found is None:
        found = next((s for s in SERVICES if s.host_pattern and s.host_pattern.fullmatch(host)), None)
    return found


# --- reading links -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkMatch:
    """Everything a link's shape says: an ArchiveLink's fields, and the collection or id it names."""

    service: Service
    kind: str
    original: str | None
    timestamp: str | None
    modifier: str = ""
    collection: str | None = None
    id: str | None = None


def _split(link: str) -> tuple[str, str]:
    """(host, target): the host lower-case without port or trailing dot; path + "?query", raw, no fragment."""
    s = link.strip()
    if s.startswith("//"):
        s = "http:" + s
    elif not re.match(r"^[a-z][a-z0-9+.\-]*://", s, re.IGNORECASE):
        s = "http://" + s
    try:
        p = urllib.parse.urlsplit(s)
        host = (p.hostname or "").lower().rstrip(".")
    except ValueError:
        return "", ""
    return host, (p.path or "/") + ("?" + p.query if p.query else "")


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), 1)}


def _epoch_stamp(seconds: int) -> str | None:
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y%m%d%H%M%S")
    except (OverflowError, OSError, ValueError):
        return None


def read_timestamp(raw: str | None, ts_format: str) -> str | None:
    """A link's timestamp as digits (a prefix of YYYYMMDDhhmmss, UTC), whatever way the archive writes it."""
    if not raw:
        return None
    if ts_format == "digits":
        return raw[:14] if raw.isdigit() else None
    if ts_format in ("dotted", "pandora-dash"):
        return re.sub(r"\D", "", raw)[:14] or None
    if ts_format == "pandora-month":
        year, month, day = raw.split("-")
        number = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 0)
        return f"{year}{number:02d}{int(day):02d}" if 1 <= number <= 12 else year
    if ts_format == "epoch10":
        return _epoch_stamp(int(raw[:10]))
    if ts_format == "webcite-id":
        # WebCite's id is microseconds since the epoch, written in base 62 (or as the number itself)
        number = int(raw) if raw.isdigit() else 0
        if not raw.isdigit():
            for c in raw:
                if c not in _BASE62:
                    return None
                number = number * 62 + _BASE62.index(c)
        return _epoch_stamp(int(str(number)[:10]))
    raise ValueError(f"unknown timestamp format {ts_format!r}")


def recover_original(raw: str, decode: bool = False) -> str | None:
    """The archived URL from the tail of an archive link: fix the shapes archives and editors leave."""
    orig = raw.strip()
    if not orig:
        return None
    if decode or re.match(r"^https?%3A%2F%2F", orig, re.IGNORECASE):
        orig = urllib.parse.unquote(orig)  # fully encoded: http%3A%2F%2Fhost%2Fpath
    elif re.match(r"^https?%3A", orig, re.IGNORECASE):
        # only the colon encoded (http%3A//host/…): the rest keeps its own escapes
        colon = orig.lower().index("%3a")
        orig = orig[:colon] + ":" + orig[colon + 3:]
    # collapsed slashes (http:/host) left by servers and editors
    orig = re.sub(r"^(https?):/+(?=[^/])", lambda m: m.group(1).lower() + "://", orig, flags=re.IGNORECASE)
    if orig.startswith("//"):
        orig = "http:" + orig
    other = re.match(r"^([a-z][a-z0-9+.-]*):(?!//|\d)", orig, re.IGNORECASE)
    if other and other.group(1).lower() not in ("http", "https", "ftp"):
        return None  # mailto:, javascript:, data: …: no page was archived
    if not re.match(r"^[a-z][a-z0-9+.-]*://", orig, re.IGNORECASE):
        # no scheme: Wayback treats it as http
        if not re.match(r"^[^/\s?#]+\.[^/\s?#]+", orig):
            return None
        orig = "http://" + orig
    try:
        parts = urllib.parse.urlsplit(orig)
        host = parts.hostname
        port = parts.port  # (a port out of range or not a number raises here: no original to recover)
    except ValueError:
        return None
    if not host or ("." not in host and host != "localhost" and host_address(host) is None):
        return None
    # a default port says nothing: http://host:80/ is http://host/
    netloc = parts.netloc
    if (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443):
        netloc = netloc.rsplit(":", 1)[0]
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


@functools.lru_cache(maxsize=4096)
def match_archive_link(url: str, _depth: int = 0) -> LinkMatch | None:
    """What a link into a known web archive says, or None for any other URL (archive pages that are not
    snapshots included). (Remembered: a link is asked about by the parser, the roles of its entry and the
    scheduler, and the answer, a frozen LinkMatch, depends on the text alone.)"""
    host, target = _split(url)
    svc = service_for_host(host) if host else None
    if svc is None:
        return None
    for shape in svc.shapes:
        m = shape.regex.fullmatch(target)
        if not m:
            continue
        groups = m.groupdict()
        raw_ts, raw_original = groups.get("ts"), groups.get("original")
        if shape.query and groups.get("query") is not None:
            fields = dict(urllib.parse.parse_qsl(groups["query"], keep_blank_values=True))
            wanted = dict(shape.query)
            raw_ts = fields.get(wanted.get("ts", ""), raw_ts)
            raw_original = fields.get(wanted.get("original", ""), raw_original)
        original = recover_original(raw_original, shape.decode) if raw_original else None
        stamp = read_timestamp(raw_ts, shape.ts_format)
        if original and _depth < 3:
            inner = match_archive_link(original, _depth + 1)
            if inner and inner.kind == MEMENTO and inner.original:
                original = inner.original  # an archive of an archive: the page is the inner one's
        return LinkMatch(svc, shape.kind, original, stamp, (groups.get("mod") or "").lower(),
                         groups.get("collection"), groups.get("id"))
    return None


def parse_archive_link(url: str) -> ArchiveLink | None:
    """An ArchiveLink when ``url`` points at a capture (or the captures) of a page in a known web archive."""
    m = match_archive_link(url)
    if m is None:
        return None
    return ArchiveLink(url=url, service=m.service.id, original=m.original, timestamp=m.timestamp,
                       modifier=m.modifier, kind=m.kind)


# --- URLs citecheck builds -----------------------------------------------------------------------------------


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def asked_form(original: str) -> str:
    """A page's URL as the archives are asked about it: without its fragment (never sent), its host in ASCII
    (IDNA), as their indexes hold it. Readers are given the link as written (:func:`snapshot_url`)."""
    return ascii_host(_without_fragment(original))


def memento_url(service_id: str, original: str, timestamp: str | None, modifier: str = "",
                collection: str | None = None) -> str | None:
    """The link to the capture of ``original`` at ``timestamp`` in an archive; None when its links need an id."""
    svc = _BY_ID.get(service_id)
    if svc is None or svc.memento is None:
        return None
    url = _without_fragment(original)
    when = timestamp_to_datetime(timestamp) if timestamp else None
    return svc.memento.format(ts=timestamp, ts14=datetime_to_timestamp(when) if when else "", mod=modifier, url=url,
                              collection=collection or svc.collection, quoted_url=urllib.parse.quote(url, safe=""),
                              webcite_id=calendar.timegm(when.timetuple()) * 1_000_000 if when else "")


def replay_url(original: str, timestamp: str, modifier: str = "id_", base: str = WAYBACK_BASE) -> str:
    """The Wayback URL of the capture of ``original`` nearest ``timestamp``; ``id_`` gives the raw capture."""
    return f"{base}/web/{timestamp}{modifier}/{asked_form(original)}"


def snapshot_url(original: str, timestamp: str) -> str:
    """The URL a reader should be given for a Wayback capture (view mode, with the banner)."""
    return f"{WAYBACK_BASE}/web/{timestamp}/{_without_fragment(original)}"


def raw_replay(link: ArchiveLink) -> str | None:
    """The cited capture replayed as crawled (the archive's raw modifier in place of any other), at its
    current home when the archive moved; None when the archive has no raw mode and did not move."""
    m = match_archive_link(link.url)
    if m is None or m.kind != MEMENTO or not m.original or not m.timestamp:
        return None
    svc = m.service
    if svc.replay_at:
        return svc.replay_at.format(ts=m.timestamp, url=asked_form(m.original))
    if not svc.raw or svc.memento is None or m.modifier == svc.raw:
        return None
    return memento_url(svc.id, asked_form(m.original), m.timestamp, svc.raw, m.collection)


def view_url(url: str) -> str:
    """A capture's URL as a reader should get it: without the raw modifier citecheck asked with."""
    m = match_archive_link(url)
    if m and m.kind == MEMENTO and m.modifier and m.modifier == m.service.raw and m.original and m.timestamp:
        return memento_url(m.service.id, m.original, m.timestamp, "", m.collection) or url
    return url


def timemap_url(service_id: str, original: str) -> str | None:
    svc = _BY_ID.get(service_id)
    return svc.timemap.format(url=asked_form(original)) if svc and svc.timemap else None


def archives_for(original: str) -> tuple[Service, ...]:
    """The Memento archives worth asking for captures of ``original`` besides the Wayback Machine: the
    general-purpose ones, and the national archive of the page's domain."""
    host, _ = _split(original)
    return tuple(s for s in SERVICES if s.id != WAYBACK and s.compliant and s.timemap and (
        s.general or any(host == d.lstrip(".") or host.endswith(d if d.startswith(".") else "." + d)
                         for d in s.domains)))


def parse_replay_location(location: str) -> tuple[str | None, str, str | None]:
    """(timestamp, modifier, original) from a Wayback replay URL or path the archive redirected to."""
    path = _split(location)[1] if "://" in location or location.startswith("//") else location
    m = re.match(r"^/web/(?P<ts>\d{1,14})(?P<mod>[a-z]{2}_)?/(?P<orig>.+)$", path, re.DOTALL)
    if not m:
        return None, "", None
    return m.group("ts"), (m.group("mod") or ""), recover_original(m.group("orig"))


def redirect_target(location: str, base: str) -> tuple[str | None, str | None]:
    """(timestamp, original) of where an archive's redirect leads: another capture in any archive (or in a
    Wayback replay path), or a plain URL outside the archives (no timestamp)."""
    absolute = urllib.parse.urljoin(base, location)
    m = match_archive_link(absolute)
    if m is not None:
        return m.timestamp, m.original
    ts, _, original = parse_replay_location(location if location.startswith("/") else absolute)
    if original:
        return ts, original
    return None, absolute if absolute.lower().startswith(("http://", "https://")) else None
