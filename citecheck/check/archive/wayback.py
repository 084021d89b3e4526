"""The Wayback Machine's probe: replays of cited snapshots, and look-ups of the closest good capture.

One :class:`Wayback` per run holds one pacer per endpoint family (replay; CDX + timemap; availability),
each just under the Internet Archive's published limit. A Wayback 429 (which carries no Retry-After) pauses
its whole family for at least a minute, so a run never keeps sending into 429s.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
from dataclasses import dataclass, field, replace
from typing import Any

from ...archives import WAYBACK_HOSTS, asked_form, parse_replay_location, replay_url, snapshot_url
from ...model import ArchiveLink, Capture, Fetch, LookupResult, SnapshotObservation
from ...urls import is_login, is_root, same_resource, url_key
from ...vocab import WAYBACK, ArchiveAnswer, LookupSource, PageSignal
from ..budget import family_pacer
from ..fetch import ResponseHeaders, fetch
from .base import ProbeKit, Streak, ask_archive, is_archive_429, memento_timestamp, register

FAMILIES = ("replay", "cdx", "availability")


@dataclass
class WaybackStats:
    requests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FAMILIES, 0))
    rate_limited: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FAMILIES, 0))


def _archive_page(headers: ResponseHeaders) -> bool:
    """An answer that is no capture is the Wayback Machine's own page, which says what it means at its end
    ("This URL has been excluded …" comes after 50 KiB of navigation): read it whole."""
    return "memento-datetime" not in headers


class Wayback:
    def __init__(self, kit: ProbeKit):
        settings = self.settings = kit.settings
        self.client = kit.client
        self.policy = kit.policy
        self.guard = kit.guard
        per_min = {"replay": settings.replay_per_min, "cdx": settings.cdx_per_min,
                   "availability": settings.availability_per_min}
        self.pacers = {family: family_pacer(family, per_min[family], settings.budget_folder) for family in FAMILIES}
        # places in flight, one set per endpoint family: a request holds its place while it waits for its family's
        # pace, so slow CDX confirmations must not hold the places replays and look-ups need
        self.places = {family: asyncio.Semaphore(settings.wayback_concurrency if family == "replay" else 2)
                       for family in FAMILIES}
        self.streaks = {family: Streak() for family in FAMILIES}  # 429s in a row: a family is given up after a few
        self.counts = WaybackStats()
        self._pending: list[tuple[str, str, bool, asyncio.Future[LookupResult]]] = []
        self._lookups: dict[tuple[str, str, bool], asyncio.Future[LookupResult]] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._confirmations: list[asyncio.Task[None]] = []
        self._confirm_stop = asyncio.Event()
        self._hurry = asyncio.Event()

    # --- requests under the family limits ------------------------------------------------------------

    async def request(self, family: str, method: str, url: str, *, content: bytes | None = None,
                      headers: dict[str, str] | None = None, keep_body: bool = False) -> Fetch:
        async def send() -> Fetch:
            f = await fetch(self.client, method, url, self.settings, follow_redirects=False,
                            content=content, headers=headers, keep_body=keep_body, guard=self.guard,
                            read_whole=_archive_page)
            self.counts.requests[family] += 1
            return f

        def limited() -> None:
            self.counts.rate_limited[family] += 1

        # a Wayback 429 carries no Retry-After: the whole family waits a minute
        return await ask_archive(send, self.pacers[family], self.policy, lambda f: self.settings.wayback_pause, limited,
                                 slot=lambda: self.places[family], streak=self.streaks[family], url=url)

    def can_replay(self, link: ArchiveLink) -> bool:
        return bool(link.original)  # a link that names no URL cannot be replayed; the rules say so

    def stats(self) -> dict[str, dict[str, int]]:
        return {"requests": dict(self.counts.requests), "rate_limited": dict(self.counts.rate_limited)}

    def close(self) -> None:
        """Stop background look-up work (the run is over) and release anyone still waiting on it."""
        for task in (self._flusher, *self._confirmations):
            if task is not None and not task.done():
                task.cancel()
        for fut in self._lookups.values():
            if not fut.done():
                fut.cancel()

    def _on_base(self, url: str) -> str:
        """A Wayback URL from a Location header, sent to the configured endpoint (a mirror, a test server)."""
        try:
            p = urllib.parse.urlsplit(url)
        except ValueError:
            return url  # requested as it is: the request fails and says so
        if (p.hostname or "").lower() in WAYBACK_HOSTS:
            b = urllib.parse.urlsplit(self.settings.wayback_base)
            return urllib.parse.urlunsplit((b.scheme, b.netloc, p.path, p.query, ""))
        return url

    # --- replay of a cited snapshot ------------------------------------------------------------------

    async def observe(self, link: ArchiveLink, target_ts: str) -> SnapshotObservation:
        """Replay the cited snapshot raw (``id_``) and say what it lands on."""
        assert link.original
        ts = link.timestamp or target_ts
        first = await self.request("replay", "GET", replay_url(link.original, ts, base=self.settings.wayback_base))
        return await self._interpret(link, target_ts, first, hops_left=2)

    async def _interpret(self, link: ArchiveLink, target_ts: str, f: Fetch, hops_left: int) -> SnapshotObservation:
        if f.error:
            answer = ArchiveAnswer.UNREACHABLE if f.error.connection else ArchiveAnswer.ERROR
            return SnapshotObservation(link=link, fetch=f, answer=answer)
        if is_archive_429(f):
            return SnapshotObservation(link=link, fetch=f, answer=ArchiveAnswer.RATE_LIMITED)
        memento = memento_timestamp(f)
        location = f.header("location")
        if memento:
            capture = Capture(memento, f.status, snapshot_url(link.original or "", memento))
            if f.status and 300 <= f.status < 400 and location and hops_left > 0:
                target, _, target_original = parse_replay_location(urllib.parse.urljoin(f.final_url or f.url, location))
                if not target_original or is_root(target_original) or is_login(target_original) or same_resource(
                        target_original, link.original or ""):
                    # a bounce to a home or login page says enough; one to the same URL (http -> https) is
                    # replayed by Wayback from another capture, which the closest-good look-up finds
                    return SnapshotObservation(link=link, fetch=f, capture=capture)
                nxt = await self.request("replay", "GET", self._on_base(urllib.parse.urljoin(f.final_url or f.url, location)))
                followed = await self._interpret(
                    ArchiveLink(url=nxt.url, service=WAYBACK, original=target_original, timestamp=target),
                    target or memento, nxt, hops_left - 1)
                return SnapshotObservation(link=link, fetch=f, capture=capture, landing=followed)
            return SnapshotObservation(link=link, fetch=f, capture=capture)
        if f.status is not None and 300 <= f.status < 400 and location:
            # no capture at that second: Wayback points at the nearest one (of any status)
            near_ts, _, _ = parse_replay_location(urllib.parse.urljoin(f.url, location))
            if near_ts and hops_left > 0:
                # replayed even when the look-up says it is a 200: a 200 can be a parking, not-found or
                # challenge page, and only its content tells (the link sends readers to it)
                nxt = await self.request("replay", "GET", self._on_base(urllib.parse.urljoin(f.url, location)))
                landed = await self._interpret(link, target_ts, nxt, hops_left - 1)
                return SnapshotObservation(link=link, fetch=landed.fetch, capture=landed.capture,
                                           landing=landed.landing,
                                           answer=landed.answer or ArchiveAnswer.CLOSEST)
            return SnapshotObservation(link=link, fetch=f, answer=ArchiveAnswer.CLOSEST)
        signals = f.page.signals
        if PageSignal.WAYBACK_EXCLUDED in signals or PageSignal.WAYBACK_BLOCKED_SITE in signals or (
            f.status == 403 and "blocked site" in (f.header("x-archive-wayback-runtime-error") or "").lower()
        ):
            return SnapshotObservation(link=link, fetch=f, answer=ArchiveAnswer.EXCLUDED)
        if f.status == 404:
            return SnapshotObservation(link=link, fetch=f, answer=ArchiveAnswer.NOT_ARCHIVED)
        if f.status is not None and 200 <= f.status < 300:
            # a replay without Memento-Datetime that still looks like a page: trust the URL's timestamp
            ts = link.timestamp or target_ts
            return SnapshotObservation(link=link, fetch=f, capture=Capture(ts, f.status, link.url))
        return SnapshotObservation(link=link, fetch=f, answer=ArchiveAnswer.ERROR)

    # --- look-ups: the closest good capture -------------------------------------------------------------

    async def closest_good(self, url: str, timestamp: str, *, confirm_empty: bool = False) -> LookupResult:
        """The closest status-200 capture of ``url`` to ``timestamp``. Batched through the availability API;
        an empty answer is confirmed with CDX when ``confirm_empty`` (the availability API misses captures)."""
        key = (url_key(url), timestamp, confirm_empty)
        fut = self._lookups.get(key)
        if fut is None:
            fut = self._lookups[key] = asyncio.get_running_loop().create_future()
            self._pending.append((url, timestamp, confirm_empty, fut))
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.ensure_future(self._flush())
        return await asyncio.shield(fut)

    async def _flush(self) -> None:
        pacer = self.pacers["availability"]
        while self._pending:
            # let look-ups asked for close together travel together: wait a little (and for the family's next
            # free slot) unless a full batch is already waiting, or nothing else can come (hurry)
            if len(self._pending) < self.settings.availability_batch:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.settings.lookup_linger):
                        await self._hurry.wait()
            await asyncio.sleep(pacer.delay())
            batch = self._pending[: self.settings.availability_batch]
            del self._pending[: len(batch)]
            try:
                results = await self._availability_batch([(u, ts) for u, ts, _, _ in batch])
            except Exception as exc:
                results = [LookupResult(url=u, target=ts, source=LookupSource.AVAILABILITY, error=str(exc)[:200])
                           for u, ts, _, _ in batch]
            for (url, ts, confirm, fut), result in zip(batch, results, strict=True):
                if confirm and result.capture is None:
                    # confirmations run at the CDX pace; later batches need not wait for them
                    self._confirmations.append(asyncio.ensure_future(self._confirm(url, ts, result, fut)))
                elif not fut.done():
                    fut.set_result(result)

    def hurry(self, on: bool) -> None:
        if on:
            self._hurry.set()
        else:
            self._hurry.clear()

    def stop_confirming(self) -> None:
        """The rest of the run is done: confirmations still queued at the slow CDX pace give way, and keep
        the availability answer (marked unconfirmed), so a long uncited list does not take 2 s a URL."""
        self._confirm_stop.set()

    async def _confirm(self, url: str, ts: str, first: LookupResult, fut: asyncio.Future[LookupResult]) -> None:
        unconfirmed = replace(first, source=LookupSource.UNCONFIRMED)
        try:
            if self._confirm_stop.is_set():
                result = unconfirmed
            else:
                cdx = asyncio.ensure_future(self.cdx_closest(url, ts))
                stop = asyncio.ensure_future(self._confirm_stop.wait())
                await asyncio.wait({cdx, stop}, return_when=asyncio.FIRST_COMPLETED)
                stop.cancel()
                if cdx.done():
                    result = cdx.result()
                else:
                    cdx.cancel()
                    result = unconfirmed
        except Exception as exc:
            result = LookupResult(url=url, target=ts, source=LookupSource.CDX, error=str(exc)[:200])
        if result.error and first.error is None:
            result = first  # CDX failed; the availability answer is the best we have
        if not fut.done():
            fut.set_result(result)

    async def _availability_batch(self, items: list[tuple[str, str]]) -> list[LookupResult]:
        lines = [
            urllib.parse.urlencode({"url": asked_form(u), "timestamp": ts, "statuscodes": "200", "tag": str(i)})
            for i, (u, ts) in enumerate(items)
        ]
        f, data = await self.api(
            "availability", "POST", self.settings.availability_url, content="\n".join(lines).encode(),
            headers={"Wayback-Api-Version": "2", "Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/json"},
        )
        return _parse_availability(items, f, data)

    async def cdx_closest(self, url: str, ts: str) -> LookupResult:
        query = urllib.parse.urlencode({
            "url": asked_form(url), "output": "json", "fl": "timestamp,original,statuscode", "filter": "statuscode:200",
            "sort": "closest", "closest": ts, "limit": "1",
        })
        f, data = await self.api("cdx", "GET", f"{self.settings.wayback_base}/cdx/search/cdx?{query}")
        if f.status == 403:
            # "Blocked Site Error": the archive will not hold this URL, so there is no capture to find
            return LookupResult(url=url, target=ts, source=LookupSource.CDX)
        if f.error or f.status != 200 or not isinstance(data, list):
            return LookupResult(url=url, target=ts, source=LookupSource.CDX, error=str(f.error or f"HTTP {f.status}"))
        rows = [r for r in data[1:] if isinstance(r, list) and r and _is_timestamp(r[0])]
        if not rows:
            return LookupResult(url=url, target=ts, source=LookupSource.CDX)
        stamp = rows[0][0]
        original = rows[0][1] if len(rows[0]) > 1 and isinstance(rows[0][1], str) and rows[0][1] else url
        return LookupResult(url=url, target=ts, source=LookupSource.CDX, capture=Capture(stamp, 200, snapshot_url(original, stamp)))

    async def api(self, family: str, method: str, url: str, *, content: bytes | None = None,
                  headers: dict[str, str] | None = None) -> tuple[Fetch, object]:
        """A Wayback API call whose whole JSON answer is wanted: (the fetch, the decoded JSON or None)."""
        f = await self.request(family, method, url, content=content, headers=headers, keep_body=True)
        try:
            return f, json.loads(f.body.decode("utf-8")) if f.body else None
        except (UnicodeDecodeError, ValueError):
            return f, None


def _parse_availability(items: list[tuple[str, str]], f: Fetch, data: object) -> list[LookupResult]:
    if f.error or f.status != 200 or not isinstance(data, dict):
        reason = str(f.error or (f"HTTP {f.status}" if f.status != 200 else "unreadable answer"))
        return [LookupResult(url=u, target=ts, source=LookupSource.AVAILABILITY, error=reason) for u, ts in items]
    by_tag: dict[str, dict[str, Any]] = {}
    results = data.get("results")
    for r in results if isinstance(results, list) else []:
        if isinstance(r, dict):
            by_tag[str(r.get("tag", ""))] = r
    out = []
    for i, (u, ts) in enumerate(items):
        r = by_tag.get(str(i))
        if r is None:
            out.append(LookupResult(url=u, target=ts, source=LookupSource.AVAILABILITY, error="no answer for this URL"))
            continue
        snapshots = r.get("archived_snapshots")
        closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
        closest = closest if isinstance(closest, dict) else {}
        stamp = str(closest.get("timestamp") or "")
        if closest.get("available") and _is_timestamp(stamp) and str(closest.get("status", "200")) == "200":
            out.append(LookupResult(url=u, target=ts, source=LookupSource.AVAILABILITY,
                                    capture=Capture(stamp, 200, snapshot_url(u, stamp))))
        else:
            out.append(LookupResult(url=u, target=ts, source=LookupSource.AVAILABILITY))
    return out


def _is_timestamp(value: object) -> bool:
    """A capture's timestamp as the Wayback APIs write it: 14 digits (anything else is no answer to trust)."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 14


register(WAYBACK, Wayback)
