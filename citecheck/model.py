"""The data citecheck passes between its stages: references in, observations, verdicts out.

Everything here is a frozen dataclass, so a stage can never change what an earlier stage saw. The words
they carry (states, error kinds, signals, answers) are the enums of vocab.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from .timestamps import timestamp_to_datetime
from .urls import url_key
from .vocab import (
    WAYBACK,
    ActionKind,
    ArchiveAnswer,
    ArchiveState,
    ErrorKind,
    FailOn,
    IdentifierState,
    LiveState,
    LookupSource,
    PageSignal,
    SaveStatus,
    _PolicyEnum,
)


@dataclass(frozen=True, slots=True)
class ArchiveLink:
    """A link into a web archive, with what it says about the page it preserves."""

    url: str  # as written in the reference
    service: str  # "wayback", "archive.today", "arquivo.pt", ... (archives.py)
    original: str | None  # the archived URL, when the link names it
    timestamp: str | None  # 1-14 digits as written, None for "latest"/"*"/unknown
    modifier: str = ""  # e.g. "id_", "im_"
    kind: str = "memento"  # "memento" (one capture), "timegate" (the latest), "timemap" (a list): archives.py

    @property
    def captured_at(self) -> dt.datetime | None:
        return timestamp_to_datetime(self.timestamp) if self.timestamp else None


@dataclass(frozen=True, slots=True)
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
    doi: str | None = None  # its DOI, as written (identifiers.py finds it in fields, text and URLs)
    # the URLs were found in running text (no url field says which is cited): a snapshot link's original is then
    # the cited page, and a bare URL that is not the same page is one more URL of the entry (a URL in a title)
    urls_from_text: bool = False

    # derived once from the fields above (the rules and the reports ask them many times): fields of the instance
    # rather than cached properties, whose entries would cost each Reference a dictionary four times the size
    original_urls: tuple[str, ...] = field(init=False, repr=False, compare=False)
    #: the snapshot link the reference relies on: a Wayback one first, then any other archive
    archive_link: ArchiveLink | None = field(init=False, repr=False, compare=False)
    #: the original URL to check: written out, or recovered from the snapshot link
    url: str | None = field(init=False, repr=False, compare=False)
    #: the entry's URLs beside the two its verdict is about (the original and its snapshot link): further
    #: originals, then further snapshot links; checked and reported, never deciding the verdict
    other_urls: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        archived = {a.url for a in self.archive_links}
        originals = tuple(u for u in self.urls if u not in archived)
        link = next((a for a in self.archive_links if a.service == WAYBACK and a.original),
                    self.archive_links[0] if self.archive_links else None)
        main = originals[0] if originals else link.original if link else None
        if self.urls_from_text and link and link.original and originals and \
                url_key(link.original) not in {url_key(u) for u in originals}:
            main = link.original
        seen = {url_key(main)} if main else set()
        others = []
        for u in originals:
            if url_key(u) not in seen:
                seen.add(url_key(u))
                others.append(u)
        for name, value in (("original_urls", originals), ("archive_link", link), ("url", main),
                            ("other_urls", tuple(others) + tuple(a.url for a in self.archive_links if a is not link))):
            object.__setattr__(self, name, value)


# --- observations: what the network said, before any judgement --------------------------------------


@dataclass(frozen=True, slots=True)
class Hop:
    """One request/response of a redirect chain."""

    method: str
    url: str
    status: int


@dataclass(frozen=True, slots=True)
class SignatureMatch:
    """One signature of the table (signatures.tsv) found in a response: which one, where, and the words it matched."""

    name: str  # e.g. "cloudflare.just-a-moment"
    kind: str  # the page kind it supports: challenge, parked, notfound, login, consent, maintenance, article …
    where: str  # the part of the response: header, cookie, url, src, title, heading, text, page, markup
    text: str = ""  # what matched, shortened
    strong: bool = True


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the read of a response tells us: the head's facts, the page's kind (signals), and the evidence."""

    title: str | None = None  # <title>, else og:title
    signals: frozenset[PageSignal] = frozenset()
    bytes_read: int = 0
    heading: str | None = None  # the first h1 (else h2)
    site_name: str | None = None  # og:site_name / application-name
    og_title: str | None = None
    canonical: str | None = None  # <link rel=canonical>, else og:url
    refresh: str | None = None  # the target of a meta refresh
    lang: str | None = None
    charset: str | None = None  # the encoding the page was decoded with
    text_chars: int = 0  # visible text read, in characters
    complete: bool = True  # the read reached the page's end (else its text may go on beyond what was read)
    article: bool = False  # evidence of a real article (og:type article, Article JSON-LD, prose paragraphs)
    matches: tuple[SignatureMatch, ...] = ()  # the signatures behind ``signals``, named

    def evidence(self, *kinds: str) -> tuple[SignatureMatch, ...]:
        """The matches of these kinds (all kinds when none is named)."""
        return tuple(m for m in self.matches if not kinds or m.kind in kinds)


@dataclass(frozen=True, slots=True)
class Fetch:
    """A request as it ended: a final response, or a failure, with every hop on the way."""

    url: str
    hops: tuple[Hop, ...] = ()
    status: int | None = None  # final status; None when no response came
    final_url: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # selected response headers, lower-case names
    content_type: str | None = None
    page: PageFacts = PageFacts()
    error: ErrorKind | None = None
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

    @property
    def answered_ok(self) -> bool:
        """A 2xx answer, as opposed to an error, a failure or no answer."""
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class LiveObservation:
    url: str
    fetch: Fetch
    head: Fetch | None = None  # the HEAD that was tried first, when one was
    sibling: Fetch | None = None  # probe of a random sibling path, for soft-404 confirmation


@dataclass(frozen=True, slots=True)
class Capture:
    """One capture the archive holds."""

    timestamp: str  # 14 digits
    status: int | None = None  # the captured status, when known
    url: str | None = None  # replay URL

    @property
    def when(self) -> dt.datetime:
        return timestamp_to_datetime(self.timestamp)


@dataclass(frozen=True, slots=True)
class SnapshotObservation:
    """What the archive said about a cited snapshot link."""

    link: ArchiveLink
    fetch: Fetch | None = None  # the replay of the cited snapshot (raw mode)
    capture: Capture | None = None  # what the link actually lands on, when it lands on a capture
    landing: SnapshotObservation | None = None  # for a captured redirect: what the redirect leads to
    answer: ArchiveAnswer | None = None  # the archive's own answer, apart from any capture
    original: str | None = None  # the archived URL as the archive states it (Link rel="original"), for a link
    #                              that names none (archive.ph/AbCd1): its original can still be checked


@dataclass(frozen=True, slots=True)
class LookupResult:
    """The closest good (status 200) capture to a time, from the availability API or CDX."""

    url: str
    target: str  # 14-digit timestamp the lookup aimed at
    capture: Capture | None = None
    source: LookupSource = LookupSource.AVAILABILITY
    error: str | None = None  # the lookup could not be made
    #: the closest capture the index called good, replayed and found to show no work (a not-found or parking
    #: page answered 200), so not offered: what it shows, and its time
    passed_over: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class IdentifierObservation:
    """What the DOI system said about a reference's DOI, without asking the publisher: the Handle record, the
    registration agency, and the agency's metadata. Facts only; the rules judge them."""

    value: str  # the DOI as found in the reference
    scheme: str = "doi"
    registered: bool | None = None  # the Handle System: True (responseCode 1), False (100, unknown), None: unclear
    resolves_to: str | None = None  # the Handle record's URL value
    agency: str | None = None  # the registration agency (doiRA): "Crossref", "DataCite", "mEDRA" …
    agency_unknown: bool = False  # doiRA answered "DOI does not exist"
    record: bool | None = None  # the agency's metadata API: True found, False not found, None not asked / no answer
    title: str | None = None  # the agency's main title, markup kept
    subtitle: str | None = None
    other_titles: tuple[str, ...] = ()  # alternative, translated, original-language titles
    asked: tuple[Hop, ...] = ()  # every request made, for the evidence
    problems: tuple[str, ...] = ()  # what could not be asked, in words


@dataclass(frozen=True, slots=True)
class Observed:
    """Everything the checking stage learned about one reference: what the rules judge."""

    reference: Reference
    live: LiveObservation | None = None
    snapshot: SnapshotObservation | None = None
    lookup: LookupResult | None = None
    cached: frozenset[str] = frozenset()  # which of "live", "snapshot", "lookup" the cache answered
    # the entry's other URLs (Reference.other_urls): further originals as fetched, further snapshot links replayed
    other_live: tuple[LiveObservation, ...] = ()
    other_snapshots: tuple[SnapshotObservation, ...] = ()
    elsewhere: LookupResult | None = None  # the closest good capture in the other archives, when they were asked
    identifier: IdentifierObservation | None = None  # the DOI system's answers, when the reference has a DOI


# --- verdicts ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """A suggested fix: words for a human, and the URL to paste when there is one."""

    text: str
    url: str | None = None
    kind: ActionKind = ActionKind.REVIEW


@dataclass(frozen=True, slots=True)
class LiveVerdict:
    state: LiveState
    rule: str  # the rule that fired, e.g. "live.dead.http404"
    detail: str = ""
    status: int | None = None
    final_url: str | None = None
    chain: tuple[Hop, ...] = ()
    title: str | None = None
    error: ErrorKind | None = None
    signatures: tuple[SignatureMatch, ...] = ()  # the page signatures the rule relied on


@dataclass(frozen=True, slots=True)
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
    signatures: tuple[SignatureMatch, ...] = ()  # the page signatures the rule relied on


@dataclass(frozen=True, slots=True)
class OtherVerdict:
    """One of the entry's other URLs (Reference.other_urls), judged: reported beside the verdict, never part of it."""

    url: str
    live: LiveVerdict | None = None  # a further original: what it answers today
    archive: ArchiveVerdict | None = None  # a further snapshot link: what it captured

    @property
    def state(self) -> str:
        return self.live.state.value if self.live else self.archive.state.value if self.archive else "unchecked"

    @property
    def detail(self) -> str:
        return self.live.detail if self.live else self.archive.detail if self.archive else ""


@dataclass(frozen=True, slots=True)
class IdentifierVerdict:
    """The reference's persistent identifier as the registry knows it (JSON ``identifier``)."""

    value: str
    state: IdentifierState
    rule: str
    detail: str = ""
    scheme: str = "doi"
    registry_title: str | None = None  # the agency's title (and subtitle), markup kept
    resolves_to: str | None = None
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    live: LiveVerdict
    archive: ArchiveVerdict
    attention: bool
    actions: tuple[Action, ...] = ()
    notes: tuple[str, ...] = ()
    identifier: IdentifierVerdict | None = None
    others: tuple[OtherVerdict, ...] = ()  # the entry's other URLs, each with what was found

    @property
    def states(self) -> tuple[_PolicyEnum, ...]:
        """Each part's state: the original's, the snapshot's, and that of any part added later with a ``state``."""
        parts = (getattr(self, f.name) for f in fields(self))
        return tuple(p.state for p in parts if isinstance(getattr(p, "state", None), _PolicyEnum))

    @property
    def misleads(self) -> bool:
        """The cited link or snapshot sends readers to the wrong thing (a state whose policy says so)."""
        return any(s.misleads for s in self.states)


@dataclass(frozen=True, slots=True)
class Result:
    """One reference with everything learned about it."""

    reference: Reference
    verdict: Verdict
    live: LiveObservation | None = None
    snapshot: SnapshotObservation | None = None
    lookup: LookupResult | None = None
    elsewhere: LookupResult | None = None
    identifier: IdentifierObservation | None = None
    history: dict[str, Any] | None = None  # the original URL's record across runs (from the cache), when kept
    cached: frozenset[str] = frozenset()  # which observations came from the cache ("live", "snapshot", "lookup")

    @classmethod
    def of(cls, observed: Observed, verdict: Verdict, history: dict[str, Any] | None = None) -> Result:
        """The result of judging ``observed``: the verdict with every observation it was judged from."""
        o = observed
        return cls(o.reference, verdict, live=o.live, snapshot=o.snapshot, lookup=o.lookup, elsewhere=o.elsewhere,
                   identifier=o.identifier, history=history, cached=o.cached)


@dataclass(frozen=True, slots=True)
class CrossCheck:
    source: str
    cited_missing: tuple[str, ...] = ()  # markers in the text with no entry in the list
    never_cited: tuple[str, ...] = ()  # entries no marker points to
    duplicates: tuple[str, ...] = ()  # numbers or labels defined more than once
    gaps: tuple[int, ...] = ()  # numbers skipped in a numbered list (the first crosscheck.MAX_GAPS of them)
    markers: int = 0  # how many markers the text has
    gaps_total: int = 0  # how many numbers the list skips in all

    @property
    def needs_attention(self) -> bool:
        return bool(self.cited_missing or self.duplicates)


@dataclass(frozen=True, repr=False)
class Report:
    results: tuple[Result, ...]
    sources: tuple[str, ...]
    started: dt.datetime
    finished: dt.datetime
    version: str
    settings: dict[str, Any] = field(default_factory=dict)
    crosschecks: tuple[CrossCheck, ...] = ()  # per input that has in-text markers to compare
    partial: bool = False  # the run was interrupted: only the references in results were checked
    total: int | None = None  # how many references the run was given (when partial)
    offline: bool = False  # --offline: no request was made, the results come from the cache, none is fresh
    notes: tuple[str, ...] = ()  # about the run as a whole (e.g. inputs skipped for having no reference list)

    @property
    def needing_attention(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.verdict.attention)

    @property
    def needs_attention(self) -> bool:
        return bool(self.needing_attention) or any(c.needs_attention for c in self.crosschecks)

    def __repr__(self) -> str:
        # short: asyncio computes the repr of a finished task's result in places (signal handling after
        # asyncio.run), and the full repr of 10,000 results is a 130 MB string
        return (f"Report({len(self.results)} results, {len(self.needing_attention)} need attention, "
                f"sources={self.sources!r}{', partial' if self.partial else ''})")
    def failing(self, level: FailOn) -> tuple[Result, ...]:
        """The references that fail a run at ``level`` (the CI policy, ``--fail-on``)."""
        if level is FailOn.NEVER:
            return ()
        if level is FailOn.ATTENTION:
            return self.needing_attention
        return tuple(r for r in self.results if r.verdict.misleads)

    def fails(self, level: FailOn) -> bool:
        """Should a run at ``level`` fail? Also when an in-text citation points to no entry (or to two)."""
        return level is not FailOn.NEVER and (bool(self.failing(level)) or
                                              any(c.needs_attention for c in self.crosschecks))


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """How a Save Page Now request for one URL ended."""

    url: str
    status: SaveStatus
    timestamp: str | None = None  # the capture's, on success
    status_ext: str | None = None  # Save Page Now's error code, on error
    message: str = ""
    resumed: bool = False  # settled by an earlier run (from the journal)
    snapshot: str | None = None  # the new capture's URL, on success
