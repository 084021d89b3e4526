"""The checking stage: every reference's original and snapshot observed, concurrently, with one client.

Scheduling: the Wayback budget is the long pole, so snapshot replays are queued first and run at the
replay pace while live checks of the originals overlap them. Each unique URL is requested once per run
(apart from HEAD→GET and retries); references that share a URL share its observation.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Awaitable, Callable

import httpx

from ..archives import datetime_to_timestamp, url_key
from ..cache import Cache
from ..errors import NetworkDown
from ..model import ArchiveLink, LiveObservation, LookupResult, Reference, SnapshotObservation
from ..settings import Settings, url_excluded
from ..textsim import titles_disagree
from .http import HostGates, build_client, fetch_with_retries, host_of
from .live import LiveProber
from .wayback import CONNECTION_ERRORS, Wayback

Progress = Callable[[int, int], None]
NETWORK_DOWN = ("no host could be reached, web.archive.org included: check the network connection or the proxy "
                "settings (HTTP_PROXY/HTTPS_PROXY)")


@dataclass(frozen=True)
class Observed:
    reference: Reference
    live: LiveObservation | None = None
    snapshot: SnapshotObservation | None = None
    lookup: LookupResult | None = None


@dataclass(frozen=True)
class RunStats:
    wayback_requests: dict
    wayback_rate_limited: dict


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


def _is_http(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def _snapshot_key(link: ArchiveLink) -> tuple[str, str]:
    """References citing the same capture of the same page share one replay."""
    return (url_key(link.original) if link.original else link.url, link.timestamp or "")


def _needs_lookup(obs: SnapshotObservation) -> bool:
    """A snapshot that is not an exact good capture: find the closest good one to suggest."""
    cap = obs.capture
    if obs.wayback_says in ("excluded", "ratelimited", "unreachable"):
        return False
    if cap is None or not cap.status or not (200 <= cap.status < 300):
        return True
    if obs.landing is not None or obs.wayback_says == "closest":
        return True
    markers = obs.fetch.page.markers if obs.fetch else frozenset()
    return bool(markers & {"notfound_title", "challenge", "parked"})


def _round_robin_by_host(urls: list[str]) -> list[str]:
    """URLs reordered so that consecutive ones are on different hosts: workers spread over hosts instead of
    queueing on one host's limit."""
    by_host: dict[str, list[str]] = {}
    for u in urls:
        by_host.setdefault(host_of(u), []).append(u)
    columns = list(by_host.values())
    return [c[i] for i in range(max(map(len, columns), default=0)) for c in columns if i < len(c)]


def _pool(jobs: dict, size: int) -> tuple[dict, list[asyncio.Task]]:
    """Run ``jobs`` (key -> coroutine factory) with ``size`` workers, in order; returns a future per key."""
    loop = asyncio.get_running_loop()
    futures = {key: loop.create_future() for key in jobs}
    queue = iter(jobs.items())

    async def worker() -> None:
        for key, make in queue:
            fut = futures[key]
            try:
                result = await make()
            except asyncio.CancelledError:
                fut.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - handed to whoever awaits this job
                fut.set_exception(exc)
            else:
                fut.set_result(result)

    return futures, [asyncio.ensure_future(worker()) for _ in range(min(size, len(jobs)))]


def _suspect_drift(ref: Reference, lv: LiveObservation, snap: SnapshotObservation | None) -> bool:
    snapshot_title = snap.fetch.page.title if snap and snap.fetch and snap.capture else None
    return titles_disagree(lv.fetch.page.title, snapshot_title, ref.title) is not None


class _Monitor:
    """Notices when nothing at all can be reached, so the run stops instead of calling everything dead."""

    def __init__(self, threshold: int = 12):
        self.threshold = threshold
        self.failures = 0
        self.answers = 0
        self.wayback_failures = 0
        self.down = asyncio.Event()

    def note(self, error: str | None, status: int | None, wayback: bool = False) -> None:
        if status is not None and error not in CONNECTION_ERRORS:
            self.answers += 1
        elif error in CONNECTION_ERRORS:
            self.failures += 1
            self.wayback_failures += wayback
        if self.answers == 0 and self.wayback_failures > 0 and self.failures >= self.threshold:
            self.down.set()


async def observe(
    refs: list[Reference],
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    cache: Cache | None = None,
) -> tuple[list[Observed], RunStats]:
    now = settings.now or dt.datetime.now(dt.timezone.utc)
    def skip(url: str | None) -> bool:
        return url_excluded(url, settings.exclude)

    refs_to_check = [r for r in refs if not (skip(r.url) or (r.archive_link and skip(r.archive_link.url)))]
    async with build_client(settings, transport) as client:
        gates = HostGates(settings.per_host, settings.host_interval, asyncio.Semaphore(settings.concurrency))
        wayback = Wayback(client, settings)
        prober = LiveProber(client, settings, gates)
        monitor = _Monitor()

        snapshot_jobs: dict[tuple[str, str], Callable[[], Awaitable[SnapshotObservation]]] = {}
        live_jobs: dict[str, Callable[[], Awaitable[LiveObservation]]] = {}
        lookup_tasks: dict[tuple[str, str], asyncio.Task] = {}

        async def snapshot(ref: Reference) -> SnapshotObservation:
            link = ref.archive_link
            assert link is not None
            key = Cache.key("snapshot", link.timestamp or target_timestamp(ref, now), link.original or link.url)
            cached = cache.get(key) if cache else None
            if cached is not None:
                return cached
            obs = await _snapshot(ref, link)
            if cache and obs.wayback_says not in ("ratelimited", "unreachable"):
                cache.put(key, obs)
            return obs

        async def _snapshot(ref: Reference, link) -> SnapshotObservation:
            if link.is_wayback and link.original:
                obs = await wayback.observe(link, target_timestamp(ref, now))
                f = obs.fetch
                monitor.note(f.error if f else None, f.status if f else None, wayback=True)
                return obs
            # another archive: one ordinary GET says whether the copy is there
            f = await fetch_with_retries(client, "GET", link.url, settings, gates=gates)
            monitor.note(f.error, f.status)
            return SnapshotObservation(link=link, fetch=f)

        async def live(url: str) -> LiveObservation:
            cached = cache.get(Cache.key("live", url)) if cache else None
            if cached is not None:
                return cached
            obs = await prober.check(url)
            monitor.note(obs.fetch.error, obs.fetch.status)
            return obs

        async def lookup(url: str, ts: str, confirm: bool) -> LookupResult:
            key = Cache.key("lookup", ts, str(confirm), url)
            cached = cache.get(key) if cache else None
            if cached is not None:
                return cached
            result = await wayback.closest_good(url, ts, confirm_empty=confirm)
            if cache and not result.error:
                cache.put(key, result)
            return result

        # snapshots first: they run at the archive's pace and set the run's length
        if settings.check_archive:
            for ref in refs_to_check:
                link = ref.archive_link
                if link is None or (link.is_wayback and not link.original):
                    continue  # a Wayback link that names no URL cannot be replayed; classify says so
                key = _snapshot_key(link)
                if key not in snapshot_jobs:
                    snapshot_jobs[key] = functools.partial(snapshot, ref)
        if settings.check_live:
            for url in _round_robin_by_host([r.url for r in refs_to_check if _is_http(r.url)]):
                if url not in live_jobs:
                    live_jobs[url] = functools.partial(live, url)
        # a few workers per kind walk the jobs in order (snapshots at the archive's pace, originals host by
        # host in turn), so a 10,000-reference list does not hold 20,000 waiting tasks
        snapshot_tasks, snapshot_workers = _pool(snapshot_jobs, settings.wayback_concurrency + 8)
        live_tasks, live_workers = _pool(live_jobs, settings.concurrency * 2)
        if settings.check_archive and settings.lookup_uncited:
            for ref in refs_to_check:
                if ref.archive_link is None and _is_http(ref.url):
                    key = (url_key(ref.url), target_timestamp(ref, now))
                    if key not in lookup_tasks:
                        lookup_tasks[key] = asyncio.ensure_future(lookup(ref.url, key[1], True))

        async def one(ref: Reference) -> Observed:
            if skip(ref.url) or (ref.archive_link and skip(ref.archive_link.url)):
                return Observed(ref)
            link = ref.archive_link
            snap = None
            look = None
            if link is not None and settings.check_archive and not (link.is_wayback and not link.original):
                snap = await snapshot_tasks[_snapshot_key(link)]
                if link.is_wayback and link.original and _needs_lookup(snap):
                    look = await lookup(link.original, target_timestamp(ref, now), False)
            elif ref.url and settings.check_archive and settings.lookup_uncited and _is_http(ref.url):
                look = await lookup_tasks[(url_key(ref.url), target_timestamp(ref, now))]
            lv = await live_tasks[ref.url] if ref.url in live_tasks else None
            if lv is not None and _suspect_drift(ref, lv, snap):
                lv = await prober.confirm_with_sibling(lv)
            if lv is not None and cache:
                cache.put(Cache.key("live", ref.url), lv)
            return Observed(ref, lv, snap, look)

        results: list[Observed | None] = [None] * len(refs)
        done = 0

        pending = iter(enumerate(refs))

        async def worker() -> None:
            # a few workers walk the references in order; the requests themselves are already scheduled,
            # so a task per reference would only cost memory on long lists
            nonlocal done
            for i, ref in pending:
                results[i] = await one(ref)
                done += 1
                if progress:
                    progress(done, len(refs))

        async def close_confirmations() -> None:
            # CDX confirmations may run on while the replays and live checks last, and a little longer
            await asyncio.gather(*snapshot_workers, *live_workers, return_exceptions=True)
            await asyncio.sleep(settings.confirm_grace)
            wayback.stop_confirming()

        closer = asyncio.ensure_future(close_confirmations())
        work = asyncio.ensure_future(asyncio.gather(*(worker() for _ in range(min(64, len(refs))))))
        down = asyncio.ensure_future(monitor.down.wait())
        everything = [work, down, closer, *snapshot_workers, *live_workers, *lookup_tasks.values()]
        try:
            await asyncio.wait({work, down}, return_when=asyncio.FIRST_COMPLETED)
            if not work.done() or (monitor.answers == 0 and monitor.wayback_failures > 0):
                raise NetworkDown(NETWORK_DOWN)
            work.result()
        finally:
            # whatever ended the run, no task is left behind to complain later
            for t in everything:
                t.cancel()
            await asyncio.gather(*everything, return_exceptions=True)
            for fut in [*snapshot_tasks.values(), *live_tasks.values()]:
                if not fut.done():
                    fut.cancel()
            wayback.close()
        stats = RunStats(dict(wayback.stats.requests), dict(wayback.stats.rate_limited))
        return [r for r in results if r is not None], stats
