"""Scheduling a run: what to ask (each unique URL once), in what order, by how many workers, from the cache
when it knows, and when to give up because nothing at all can be reached.

The Wayback budget is the long pole, so snapshot replays are queued first and run at the replay pace while
live checks of the originals overlap them. References that share a URL share its observation.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeGuard, TypeVar

import httpx

from ..archives import parse_archive_link
from ..cache import Cache
from ..errors import NetworkDown
from ..model import (
    ArchiveLink,
    IdentifierObservation,
    LiveObservation,
    LookupResult,
    Observed,
    Reference,
    SnapshotObservation,
)
from ..settings import Settings
from ..timestamps import datetime_to_timestamp
from ..urls import host_of, requestable, url_key
from ..vocab import WAYBACK, ErrorKind
from .archive import ProbeKit, Probes
from .archive.wayback import FAMILIES
from .client import open_client
from .fetch import fetch
from .guard import TargetGuard
from .identifier import IdentifierProbe
from .live import LiveProber
from .politeness import HostGates, RetryPolicy

#: called as each reference's observations are complete: (its index in the list, what was observed)
OnObserved = Callable[[int, Observed], None]
NETWORK_DOWN = ("no host could be reached, web.archive.org included: check the network connection or the proxy "
                "settings (HTTP_PROXY/HTTPS_PROXY); --offline judges from the cache alone")
T = TypeVar("T")


#: one empty set for every reference answered fresh (10,000 empty frozensets are 2 MB)
NOTHING_CACHED: frozenset[str] = frozenset()


class Judgements(Protocol):
    """What the checking stage asks the rules while it runs (the rules answer; check never judges)."""

    def needs_lookup(self, snapshot: SnapshotObservation) -> bool:
        """Should the closest good capture be looked up for this snapshot?"""

    def suspect_drift(self, reference: Reference, live: LiveObservation,
                      snapshot: SnapshotObservation | None) -> bool:
        """Does the live page look like something else than the cited work (worth a sibling probe)?"""

    def wants_other_archives(self, snapshot: SnapshotObservation | None, lookup: LookupResult | None,
                             window_days: float) -> bool:
        """Should the other archives be asked for a capture (the Wayback Machine has none good near)?"""

    def shows_no_work(self, snapshot: SnapshotObservation) -> str | None:
        """What a replayed capture shows instead of a work (a not-found, parking, challenge … or blank page)."""


@dataclass(frozen=True)
class RunStats:
    archive: dict[str, dict[str, dict[str, int]]]  # per archive service: requests and rate limits by family
    registries: dict[str, dict[str, int]] | None = None  # the DOI registries: requests and 429s by host

    @property
    def wayback_requests(self) -> dict[str, int]:
        return self.archive.get(WAYBACK, {}).get("requests") or dict.fromkeys(FAMILIES, 0)

    @property
    def wayback_rate_limited(self) -> dict[str, int]:
        return self.archive.get(WAYBACK, {}).get("rate_limited") or dict.fromkeys(FAMILIES, 0)


def target_timestamp(ref: Reference, now: dt.datetime) -> str:
    """The time a reference's snapshot should be near: the cited capture, else the access date, else the
    publication year, else now."""
    link = ref.archive_link
    if link and link.timestamp:
        return link.timestamp
    if ref.access_date:
        return datetime_to_timestamp(ref.access_date)
    if ref.year and ref.year <= now.year:
        return f"{ref.year}0701000000" if ref.year < now.year else datetime_to_timestamp(now)
    return datetime_to_timestamp(now)


def snapshot_key(link: ArchiveLink) -> tuple[str, str]:
    """References citing the same capture of the same page share one replay."""
    return (url_key(link.original) if link.original else link.url, link.timestamp or "")


def round_robin_by_host(urls: list[str], window: int) -> list[str]:
    """URLs reordered so that consecutive ones are on different hosts (workers spread over hosts instead of
    queueing on one host's limit), taking ``window`` hosts at a time: a host's URLs stay close together, so its
    connections are reused instead of closed and opened again."""
    by_host: dict[str, deque[str]] = {}
    for u in urls:
        by_host.setdefault(host_of(u), deque()).append(u)
    waiting = iter(by_host.values())
    active: list[deque[str]] = [c for _, c in zip(range(window), waiting, strict=False)]
    order: list[str] = []
    while active:
        still: list[deque[str]] = []
        for column in active:
            order.append(column.popleft())
            if column:
                still.append(column)
            else:
                still.extend(c for _, c in zip(range(1), waiting, strict=False))  # a new host takes its place
        active = still
    return order


def pool(jobs: dict[Any, Callable[[], Awaitable[T]]], size: int) -> tuple[dict[Any, asyncio.Future[T]],
                                                                           list[asyncio.Task[None]]]:
    """Run ``jobs`` (key -> coroutine factory) with ``size`` workers, in order; returns a future per key."""
    loop = asyncio.get_running_loop()
    futures: dict[Any, asyncio.Future[T]] = {key: loop.create_future() for key in jobs}
    queue = iter(jobs.items())

    async def worker() -> None:
        for key, make in queue:
            fut = futures[key]
            try:
                result = await make()
            except asyncio.CancelledError:
                fut.cancel()
                raise
            except Exception as exc:
                fut.set_exception(exc)
            else:
                fut.set_result(result)

    return futures, [asyncio.ensure_future(worker()) for _ in range(min(size, len(jobs)))]


class NetworkMonitor:
    """Notices when nothing at all answers, so the run asks whether the network itself is down (instead of
    calling everything dead): at once after ``threshold`` failures on a long list, else at the end."""

    def __init__(self, threshold: int = 12):
        self.threshold = threshold
        self.failures = 0
        self.answers = 0
        self.suspicious = asyncio.Event()

    def note(self, error: ErrorKind | None, status: int | None) -> None:
        if status is not None and not (error and error.connection):
            self.answers += 1
        elif error and error.connection:
            self.failures += 1
        if self.nothing_answered and self.failures >= self.threshold:
            self.suspicious.set()

    @property
    def nothing_answered(self) -> bool:
        return self.answers == 0 and self.failures > 0


class _Run:
    """One run's state: the probes, the jobs and their futures, the cache."""

    def __init__(self, refs: list[Reference], settings: Settings, client: httpx.AsyncClient,
                 judgements: Judgements, cache: Cache | None, guard: TargetGuard):
        self.refs = refs
        self.settings = settings
        self.judgements = judgements
        self.cache = cache
        self.now = settings.now or dt.datetime.now(dt.UTC)
        policy = RetryPolicy(settings)
        gates = HostGates.for_settings(settings)
        self.client = client
        self.guard = guard
        kit = ProbeKit(client, settings, gates, policy, guard)
        self.probes = Probes(kit)
        self.prober = LiveProber(client, settings, gates, policy, guard)
        self.identifiers = IdentifierProbe(kit)
        self.monitor = NetworkMonitor()
        # what each capture shows instead of a work (None: it may be the work), by (timestamp, page): vetted once
        self._verifying: dict[tuple[str, str], asyncio.Future[str | None]] = {}
        self.from_cache: dict[int, object] = {}  # observations the cache answered, by identity (kept alive here)

    def cached(self, obs: T) -> T:
        self.from_cache[id(obs)] = obs
        return obs

    def skipped(self, ref: Reference) -> bool:
        return self.settings.excludes(ref.url) or bool(ref.archive_link and self.settings.excludes(ref.archive_link.url))

    def archivable(self, url: str | None) -> TypeGuard[str]:
        """Worth asking the archives about: a public http(s) URL. A private or loopback address (refused by the
        guard) is in no public archive, and its URL is not sent to one."""
        return bool(url) and requestable(url) and self.guard.refusal(url or "") is None

    def other_originals(self, ref: Reference) -> list[str]:
        archived = {a.url for a in ref.archive_links}
        return [u for u in ref.other_urls if u not in archived and requestable(u) and not self.settings.excludes(u)]

    def other_snapshot_links(self, ref: Reference) -> list[ArchiveLink]:
        others = set(ref.other_urls)
        return [a for a in ref.archive_links if a.url in others and self.replayable(a)
                and not self.settings.excludes(a.url)]

    def replayable(self, link: ArchiveLink | None) -> bool:
        return link is not None and self.settings.check_archive and self.probes.for_link(link).can_replay(link)

    # --- one observation of each kind, from the cache when it knows ---------------------------------------

    async def snapshot(self, ref: Reference, link: ArchiveLink | None = None) -> SnapshotObservation | None:
        """A replay of the reference's snapshot link (or of ``link``, another of its snapshot links); offline,
        only what the cache knows (None when it does not)."""
        link = link or ref.archive_link
        assert link is not None
        target = target_timestamp(ref, self.now)
        key = Cache.key("snapshot", link.timestamp or target, link.original or link.url)
        cached = self.cache.get(key) if self.cache else None
        if isinstance(cached, SnapshotObservation):
            return self.cached(cached)
        if self.settings.offline:
            return None
        obs = await self.probes.for_link(link).observe(link, target)
        f = obs.fetch
        self.monitor.note(f.error if f else None, f.status if f else None)
        self._remember_what_it_shows(obs)
        if self.cache and not (obs.answer and obs.answer.inconclusive):
            self.cache.put(key, obs)
        return obs

    def _remember_what_it_shows(self, obs: SnapshotObservation) -> None:
        """A capture replayed for a snapshot link need not be replayed again to vet it as a suggestion (a link that
        lands near a capture is often answered with that same capture by the look-up)."""
        cap, original = obs.capture, obs.link.original or obs.original
        if cap is None or not original or not cap.status or not 200 <= cap.status < 300 or \
                not self.judgements.needs_lookup(obs):
            return  # (only where a look-up follows: at 10,000 references the others would be memory for nothing)
        key = (cap.timestamp, url_key(original))
        if key not in self._verifying:
            known: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
            known.set_result(self.judgements.shows_no_work(obs))
            self._verifying[key] = known

    async def identifier(self, doi: str) -> IdentifierObservation | None:
        """What the DOI system says about ``doi``; offline, only what the cache knows."""
        key = Cache.key("identifier", doi.lower())
        cached = self.cache.get(key) if self.cache else None
        if isinstance(cached, IdentifierObservation) and cached.value == doi:
            return self.cached(cached)
        if self.settings.offline:
            return None
        obs = await self.identifiers.observe(doi)
        if self.cache and not obs.problems:
            self.cache.put(key, obs)
        return obs

    async def live(self, url: str) -> LiveObservation | None:
        key = Cache.key("live", url)
        cached = self.cache.get(key) if self.cache else None
        if isinstance(cached, LiveObservation):
            return self.cached(cached)
        if self.settings.offline:
            return None
        obs = await self.prober.check(url)
        self.monitor.note(obs.fetch.error, obs.fetch.status)
        return obs

    async def lookup(self, url: str, ts: str, confirm: bool, *, elsewhere: bool = False) -> LookupResult | None:
        """The closest good capture: in the Wayback Machine, or (``elsewhere``) in the other archives."""
        key = Cache.key("elsewhere" if elsewhere else "lookup", ts, str(confirm), url)
        cached = self.cache.get(key) if self.cache else None
        if isinstance(cached, LookupResult):
            return self.cached(cached)
        if self.settings.offline:
            return None
        probe = self.probes.elsewhere if elsewhere else self.probes.finder
        result = await probe.closest_good(url, ts, confirm_empty=confirm)
        if result is not None and not elsewhere:  # (the other archives' probe replays what it finds itself)
            result = await self.verified(result)
        if self.cache and result is not None and not result.error:
            self.cache.put(key, result)
        return result

    async def verified(self, result: LookupResult) -> LookupResult:
        """The look-up's capture, replayed before it is offered: the index knows its status, not what it shows.
        Each capture is replayed once a run, however many references it would serve."""
        capture = result.capture
        link = parse_archive_link(capture.url) if capture and capture.url else None
        if capture is None or link is None or not self.replayable(link):
            return result
        key = (capture.timestamp, url_key(link.original or link.url))
        if key not in self._verifying:
            self._verifying[key] = asyncio.ensure_future(self._shows(link, capture.timestamp))
        shows = await self._verifying[key]
        return replace(result, capture=None, passed_over=(shows, capture.timestamp)) if shows else result

    async def _shows(self, link: ArchiveLink, timestamp: str) -> str | None:
        """What the replayed capture shows instead of a work; None when it may be the work, or when it could not
        be read as the index says (a 2xx), in which case the look-up's word stands. (Only this is kept, not the
        replay: at 10,000 references the replays would be memory for nothing.)"""
        obs = await self.probes.for_link(link).observe(link, timestamp)
        if obs.capture is None or not obs.capture.status or not 200 <= obs.capture.status < 300:
            return None
        return self.judgements.shows_no_work(obs)

    async def network_answers(self) -> bool:
        """Nothing has answered: does the archive's home answer? If so, these hosts are down, not the network."""
        f = await fetch(self.client, "HEAD", self.settings.wayback_base + "/", self.settings, follow_redirects=False,
                        guard=self.guard)
        return f.status is not None and not (f.error and f.error.connection)

    # --- the plan ---------------------------------------------------------------------------------------------

    async def execute(self, on_observed: OnObserved) -> None:
        settings = self.settings
        to_check = [r for r in self.refs if not self.skipped(r)]
        snapshot_jobs: dict[tuple[str, str], Callable[[], Awaitable[SnapshotObservation | None]]] = {}
        for ref in to_check:
            if ref.archive_link and self.replayable(ref.archive_link):
                snapshot_jobs.setdefault(snapshot_key(ref.archive_link), functools.partial(self.snapshot, ref))
        # the entries' other URLs are checked after every reference's own (they never decide a verdict)
        for ref in to_check:
            for link in self.other_snapshot_links(ref):
                snapshot_jobs.setdefault(snapshot_key(link), functools.partial(self.snapshot, ref, link))
        live_jobs: dict[str, Callable[[], Awaitable[LiveObservation | None]]] = {}
        if settings.check_live:
            window = settings.concurrency  # hosts taken at a time: enough for every slot of the run
            for url in round_robin_by_host([r.url for r in to_check if r.url and requestable(r.url)], window):
                live_jobs.setdefault(url, functools.partial(self.live, url))
            for url in round_robin_by_host([u for r in to_check for u in self.other_originals(r)], window):
                live_jobs.setdefault(url, functools.partial(self.live, url))
        identifier_jobs: dict[str, Callable[[], Awaitable[IdentifierObservation | None]]] = {}
        if settings.check_identifiers:
            for ref in to_check:
                if ref.doi:
                    identifier_jobs.setdefault(ref.doi.lower(), functools.partial(self.identifier, ref.doi))
        # a few workers per kind walk the jobs in order (snapshots at the archive's pace, originals host by
        # host in turn), so a 10,000-reference list does not hold 20,000 waiting tasks
        snapshots, snapshot_workers = pool(snapshot_jobs, settings.wayback_concurrency + 8)
        lives, live_workers = pool(live_jobs, settings.concurrency * 2)
        # a few DOIs at a time: each registry host paces itself, so more workers would only queue
        identifiers, identifier_workers = pool(identifier_jobs, 8)
        uncited: dict[tuple[str, str], asyncio.Future[LookupResult | None]] = {}
        if settings.check_archive and settings.lookup_uncited:
            for ref in to_check:
                if ref.archive_link is None and self.archivable(ref.url):
                    key = (url_key(ref.url), target_timestamp(ref, self.now))
                    if key not in uncited:
                        uncited[key] = asyncio.ensure_future(self.lookup(ref.url, key[1], True))

        judging = 0  # workers judging a reference and not waiting on a look-up

        def moving(delta: int) -> None:
            # when every reference still being judged waits on a look-up, no other can join a batch: send it
            nonlocal judging
            judging += delta
            self.probes.hurry(judging == 0)

        async def looked_up(lookup: Awaitable[LookupResult | None]) -> LookupResult | None:
            moving(-1)
            try:
                return await lookup
            finally:
                moving(+1)

        async def one(ref: Reference) -> Observed:
            if self.skipped(ref):
                return Observed(ref)
            link, snap, look = ref.archive_link, None, None
            # a link that names no page (archive.ph/AbCd1): the page its capture says it preserves
            stated = None
            if link is not None and self.replayable(link):
                snap = await snapshots[snapshot_key(link)]
                stated = snap.original if snap is not None and not ref.url else None
                archived = link.original or stated
                if snap is not None and self.archivable(archived) and self.judgements.needs_lookup(snap):
                    look = await looked_up(self.lookup(archived, target_timestamp(ref, self.now), False))
            elif link is None and ref.url:
                key = (url_key(ref.url), target_timestamp(ref, self.now))
                if key in uncited:
                    look = await looked_up(uncited[key])
            elsewhere = None
            page = (link.original if link else ref.url) or stated
            if settings.other_archives and settings.check_archive and self.archivable(page) and \
                    self.judgements.wants_other_archives(snap, look, settings.window_days):
                elsewhere = await looked_up(self.lookup(page, target_timestamp(ref, self.now), False, elsewhere=True))
            lv = await lives[ref.url] if ref.url in lives else None
            if stated and settings.check_live and requestable(stated) and not settings.excludes(stated):
                if stated not in lives:  # (asked once however many references cite its snapshots)
                    lives[stated] = asyncio.ensure_future(self.live(stated))
                lv = await lives[stated]
            if lv is not None and not settings.offline and self.judgements.suspect_drift(ref, lv, snap):
                lv = await self.prober.confirm_with_sibling(lv)
            # (a cached answer is not stored again: that would make it look fresh, and keep it past its age)
            if lv is not None and self.cache and id(lv) not in self.from_cache:
                self.cache.put(Cache.key("live", ref.url or lv.url), lv)
            other_live = tuple(o for o in [await lives[u] for u in self.other_originals(ref) if u in lives] if o)
            other_snaps = tuple(o for o in [await snapshots[snapshot_key(a)] for a in self.other_snapshot_links(ref)]
                                if o)
            if self.cache:
                for o in other_live:
                    if id(o) not in self.from_cache:
                        self.cache.put(Cache.key("live", o.url), o)
            doi = ref.doi.lower() if ref.doi else ""
            ident = await identifiers[doi] if doi in identifiers else None
            parts = (("live", lv), ("snapshot", snap), ("lookup", look), ("elsewhere", elsewhere), ("identifier", ident))
            cached = frozenset(k for k, o in parts if o is not None and id(o) in self.from_cache) or NOTHING_CACHED
            return Observed(ref, lv, snap, look, cached, other_live, other_snaps, elsewhere=elsewhere, identifier=ident)

        pending = iter(enumerate(self.refs))

        async def worker() -> None:
            # a few workers walk the references in order; the requests themselves are already scheduled,
            # so a task per reference would only cost memory on long lists
            moving(+1)
            try:
                for i, ref in pending:
                    on_observed(i, await one(ref))
            finally:
                moving(-1)

        async def close_confirmations() -> None:
            # CDX confirmations may run on while the replays and live checks last, and a little longer
            await asyncio.gather(*snapshot_workers, *live_workers, return_exceptions=True)
            await asyncio.sleep(settings.confirm_grace)
            self.probes.stop_confirming()

        closer = asyncio.ensure_future(close_confirmations())
        workers = [asyncio.ensure_future(worker()) for _ in range(min(64, len(self.refs)))]
        work = asyncio.ensure_future(asyncio.gather(*workers))
        suspicious = asyncio.ensure_future(self.monitor.suspicious.wait())
        everything: list[asyncio.Future[Any]] = [work, suspicious, closer, *workers, *snapshot_workers,
                                                 *live_workers, *identifier_workers, *uncited.values()]
        try:
            first: list[asyncio.Future[Any]] = [work, suspicious]
            await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
            if (not work.done() or self.monitor.nothing_answered) and not await self.network_answers():
                raise NetworkDown(NETWORK_DOWN)
            await work
        finally:
            # whatever ended the run, no task is left behind to complain later
            for t in everything:
                t.cancel()
            await asyncio.gather(*everything, return_exceptions=True)
            jobs: list[asyncio.Future[Any]] = [*snapshots.values(), *lives.values(), *identifiers.values()]
            for fut in jobs:
                if not fut.done():
                    fut.cancel()
            self.probes.close()


async def observe(
    refs: list[Reference],
    settings: Settings,
    *,
    judgements: Judgements,
    on_observed: OnObserved,
    transport: httpx.AsyncBaseTransport | None = None,
    cache: Cache | None = None,
) -> RunStats:
    """Every reference's original and snapshot observed, concurrently, with one client; each reference is handed
    to ``on_observed`` as soon as it is complete (nothing is held here)."""
    guard = TargetGuard.for_settings(settings)
    async with open_client(settings, transport, guard) as client:
        run = _Run(refs, settings, client, judgements, cache, guard)
        await run.execute(on_observed)
        return RunStats(run.probes.stats(), run.identifiers.stats())
