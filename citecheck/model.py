"""The data citecheck passes between its stages: references in, observations, verdicts out.

Everything here is a frozen dataclass or an enum, so a stage can never change what an earlier stage saw.
The enum values are the JSON contract (schema ``citecheck/1``); renaming one is a breaking change.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


class LiveState(str, Enum):
    """What became of the original URL."""

    OK = "ok"
    MOVED = "moved"  # permanent redirect to a different working URL
    DEAD = "dead"  # 404/410, name does not resolve, connection refused
    SOFT404 = "soft404"  # answers, but with a "not found" page or a bounce to the home page
    PARKED = "parked"  # domain parked or for sale (usurped)
    BLOCKED = "blocked"  # bot wall, login, 401/403/429...: alive but will not talk to us
    TRANSIENT = "transient"  # 5xx, resets: failing now, not known dead
    TIMEOUT = "timeout"  # no answer in time: inconclusive
    DRIFT = "drift"  # answers, but no longer with what was cited
    NONE = "none"  # the reference has no URL
    SKIPPED = "skipped"  # excluded by the user, or not an http(s) URL


class ArchiveState(str, Enum):
    """What the archive holds for the reference."""

    OK = "ok"  # a good capture at (or near) the cited time
    SHIFTED = "shifted"  # nothing at the cited time; the nearest capture is far from it
    CAPTURED_ERROR = "captured_error"  # the capture is of a 4xx/5xx page
    CAPTURED_REDIRECT = "captured_redirect"  # the capture is of a redirect to a root, login or error page
    MISSING = "missing"  # the cited snapshot does not exist (never archived)
    EXCLUDED = "excluded"  # the archive refuses to show the URL
    SOFT404 = "soft404"  # the capture is itself a not-found, challenge or parked page
    UNCITED_AVAILABLE = "uncited_available"  # no snapshot cited; a good capture exists
    UNCITED_NONE = "uncited_none"  # no snapshot cited; none exists
    NONE = "none"  # the reference has no URL at all
    UNCHECKED = "unchecked"  # could not be checked (archive unreachable, rate-limited, unknown service)


#: Live states an editor must act on whatever the archive says.
LIVE_NEEDS_FIX = frozenset({LiveState.MOVED, LiveState.PARKED, LiveState.DRIFT})
#: Archive states that are a problem with the snapshot (scored as such).
ARCHIVE_PROBLEMS = frozenset(
    {
        ArchiveState.SHIFTED,
        ArchiveState.CAPTURED_ERROR,
        ArchiveState.CAPTURED_REDIRECT,
        ArchiveState.MISSING,
        ArchiveState.EXCLUDED,
        ArchiveState.SOFT404,
    }
)
ARCHIVE_NEEDS_FIX = ARCHIVE_PROBLEMS | {ArchiveState.UNCITED_AVAILABLE, ArchiveState.UNCITED_NONE}


@dataclass(frozen=True)
class ArchiveLink:
    """A link into a web archive, with what it says about the page it preserves."""

    url: str  # as written in the reference
    service: str  # "wayback", "archive.today", "arquivo.pt", ...
    original: str | None  # the archived URL, when the link names it
    timestamp: str | None  # 1-14 digits as written, None for "latest"/"*"/unknown
    modifier: str = ""  # e.g. "id_", "im_"

    @property
    def is_wayback(self) -> bool:
        return self.service == "wayback"

    @property
    def captured_at(self) -> dt.datetime | None:
        from .archives import timestamp_to_datetime

        return timestamp_to_datetime(self.timestamp) if self.timestamp else None


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list, as parsed; no network knowledge."""

    number: int | None  # the entry's number in the list, if it has one
    key: str  # stable identifier: the number as text, or a citation key
    raw: str  # the entry's text as written
    line: int  # 1-based line where the entry starts
    title: str | None = None
    urls: tuple[str, ...] = ()  # every URL in the entry, archive links included, in order
    archive_links: tuple[ArchiveLink, ...] = ()
    access_date: dt.date | None = None  # when the author consulted it, if the format says
    year: int | None = None  # publication year, when written: a fallback time for archive look-ups
    source: str = ""  # file name, "-" for standard input
    url_status: str | None = None  # what the citation itself claims (wikitext url-status: live, dead, usurped…)
    problems: tuple[str, ...] = ()  # errors in the citation as written (e.g. archive-url without archive-date)

    @property
    def original_urls(self) -> tuple[str, ...]:
        archived = {a.url for a in self.archive_links}
        return tuple(u for u in self.urls if u not in archived)

    @property
    def archive_link(self) -> ArchiveLink | None:
        """The snapshot link the reference relies on: a Wayback one first, then any other archive."""
        for a in self.archive_links:
            if a.is_wayback and a.original:
                return a
        return self.archive_links[0] if self.archive_links else None

    @property
    def url(self) -> str | None:
        """The original URL to check: written out, or recovered from the snapshot link."""
        if self.original_urls:
            return self.original_urls[0]
        link = self.archive_link
        return link.original if link else None


# --- observations: what the network said, before any judgement --------------------------------------


@dataclass(frozen=True)
class Hop:
    """One request/response of a redirect chain."""

    method: str
    url: str
    status: int


@dataclass(frozen=True)
class PageFacts:
    """What a capped read of a response body tells us."""

    title: str | None = None
    markers: frozenset[str] = frozenset()  # e.g. "challenge", "parked", "notfound", "excluded", "notarchived"
    bytes_read: int = 0


@dataclass(frozen=True)
class Fetch:
    """A request as it ended: a final response, or a failure, with every hop on the way."""

    url: str
    hops: tuple[Hop, ...] = ()
    status: int | None = None  # final status; None when no response came
    final_url: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # selected response headers, lower-case names
    content_type: str | None = None
    page: PageFacts = PageFacts()
    error: str | None = None  # "dns", "refused", "connect", "timeout", "reset", "protocol", "tls", "proxy"
    error_detail: str | None = None
    attempts: int = 1
    elapsed: float = 0.0
    body: bytes = field(default=b"", repr=False, compare=False)  # kept only for API (JSON) answers

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None


@dataclass(frozen=True)
class LiveObservation:
    url: str
    fetch: Fetch
    head: Fetch | None = None  # the HEAD that was tried first, when one was
    sibling: Fetch | None = None  # probe of a random sibling path, for soft-404 confirmation


@dataclass(frozen=True)
class Capture:
    """One capture the archive holds."""

    timestamp: str  # 14 digits
    status: int | None = None  # the captured status, when known
    url: str | None = None  # replay URL

    @property
    def when(self) -> dt.datetime:
        from .archives import timestamp_to_datetime

        return timestamp_to_datetime(self.timestamp)


@dataclass(frozen=True)
class SnapshotObservation:
    """What the archive said about a cited snapshot link."""

    link: ArchiveLink
    fetch: Fetch | None = None  # the replay of the cited snapshot (raw mode)
    capture: Capture | None = None  # what the link actually lands on, when it lands on a capture
    landing: SnapshotObservation | None = None  # for a captured redirect: what the redirect leads to
    wayback_says: str | None = None  # Wayback's own answer: "notarchived", "excluded", "closest", "ratelimited"


@dataclass(frozen=True)
class LookupResult:
    """The closest good (status 200) capture to a time, from the availability API or CDX."""

    url: str
    target: str  # 14-digit timestamp the lookup aimed at
    capture: Capture | None = None
    source: str = ""  # "availability", "cdx"
    error: str | None = None  # the lookup could not be made


# --- verdicts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A suggested fix: words for a human, and the URL to paste when there is one."""

    text: str
    url: str | None = None
    kind: str = ""  # "replace_snapshot", "add_snapshot", "replace_url", "request_snapshot", "review"


@dataclass(frozen=True)
class LiveVerdict:
    state: LiveState
    rule: str  # the rule that fired, e.g. "live.dead.http404"
    detail: str = ""
    status: int | None = None
    final_url: str | None = None
    chain: tuple[Hop, ...] = ()
    title: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ArchiveVerdict:
    state: ArchiveState
    rule: str
    detail: str = ""
    url: str | None = None  # the snapshot link judged (cited, or the one found)
    requested_timestamp: str | None = None
    capture_timestamp: str | None = None
    captured_status: int | None = None
    distance_days: float | None = None
    chain: tuple[Hop, ...] = ()
    title: str | None = None
    suggestion: Capture | None = None  # closest good capture near the cited time, when we know one


@dataclass(frozen=True)
class Verdict:
    live: LiveVerdict
    archive: ArchiveVerdict
    attention: bool
    actions: tuple[Action, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """One reference with everything learned about it."""

    reference: Reference
    verdict: Verdict
    live: LiveObservation | None = None
    snapshot: SnapshotObservation | None = None
    lookup: LookupResult | None = None
    history: dict | None = None  # the original URL's record across runs (from the cache), when kept


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]
    sources: tuple[str, ...]
    started: dt.datetime
    finished: dt.datetime
    version: str
    settings: dict = field(default_factory=dict)
    crosschecks: tuple = ()  # crosscheck.CrossCheck per input that has in-text markers to compare

    @property
    def needing_attention(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.verdict.attention)

    @property
    def needs_attention(self) -> bool:
        return bool(self.needing_attention) or any(c.needs_attention for c in self.crosschecks)
