"""Every web archive but the Wayback Machine, read by the Memento rules (RFC 7089), and the other archives'
TimeMaps asked when the Wayback Machine has no good capture near the cited time.

A cited capture is replayed raw where the archive has a raw mode (``id_``), with redirects followed by hand:
an answer with ``Memento-Datetime`` is a capture, and its status is the captured status (a 3xx is a captured
redirect, whose landing is replayed too); a 3xx without it is a TimeGate pointing at the nearest capture; a 404
without it means never archived. An archive that speaks Memento and answers 200 without ``Memento-Datetime``
shows a CAPTCHA or an interstitial, not a capture (archive.today, Archive-It's session check), and a framed
archive (WebCite) never answers with the capture itself: both are "blocked", never "missing". Archives that do
not speak Memento are trusted for the time their link states.

Each archive host has its own pacer (``archive_per_min``) and goes through the run's host gates, so a host
that does not resolve is asked once. Its own 429 pauses it for the Retry-After (a minute without one).
"""
from __future__ import annotations

import asyncio
import contextlib
import re
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

from ...archives import (
    TIMEMAP,
    Service,
    archives_for,
    asked_form,
    parse_archive_link,
    raw_replay,
    redirect_target,
    service,
    service_for_host,
    timemap_url,
    view_url,
)
from ...model import ArchiveLink, Capture, Fetch, LookupResult, SnapshotObservation
from ...timestamps import distance_days, format_http_date
from ...urls import host_of, is_login, is_root, same_resource, url_key
from ...vocab import ArchiveAnswer, LookupSource, PageSignal
from ..fetch import fetch
from ..politeness import Pacer, retry_after_seconds, settled_earlier
from .base import FALLBACK, ProbeKit, Streak, ask_archive, memento_timestamp, register

BLOCKING_STATUSES = frozenset({401, 403, 407, 451, 999})
FINDS_AT_ONCE = 4  # pages looked for in the other archives at a time: each archive gets a few requests queued, not all


def parse_link_format(text: str) -> list[tuple[str, frozenset[str], dict[str, str]]]:
    """(URI, rels, attributes) of each entry of a Link header or an RFC 6690 TimeMap. Commas split entries only
    outside <…> and "…" (URIs and datetimes hold commas); values may be quoted or bare, rels come in any order."""
    entries: list[str] = []
    buf: list[str] = []
    quoted = in_uri = False
    for ch in text:
        if ch == '"' and not in_uri:
            quoted = not quoted
        elif ch == "<" and not quoted:
            in_uri = True
        elif ch == ">" and not quoted:
            in_uri = False
        if ch == "," and not quoted and not in_uri:
            entries.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    entries.append("".join(buf))
    out = []
    for entry in entries:
        m = re.match(r"\s*<([^>]*)>\s*(.*)$", entry, re.DOTALL)
        if not m:
            continue
        attrs = {k.lower(): (v[1:-1] if v.startswith('"') else v)
                 for k, v in re.findall(r';\s*([A-Za-z\-*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]+)', m.group(2))}
        out.append((m.group(1).strip(), frozenset(attrs.get("rel", "").lower().split()), attrs))
    return out


def stated_original(f: Fetch) -> str | None:
    """The archived URL a Memento answer names in its Link header (rel="original"), if it is a web URL."""
    value = f.header("link")
    if not value:
        return None
    for uri, rels, _ in parse_link_format(value):
        if "original" in rels and uri.lower().startswith(("http://", "https://")):
            return uri
    return None


def timemap_mementos(text: str) -> list[tuple[str, str]]:
    """(timestamp, URI-M) of each memento a TimeMap lists (entries whose datetime cannot be read are skipped)."""
    out = []
    for uri, rels, attrs in parse_link_format(text):
        if "memento" in rels and attrs.get("datetime"):
            stamp = memento_timestamp(Fetch(url=uri, headers=(("memento-datetime", attrs["datetime"]),)))
            if stamp:
                out.append((stamp, uri))
    return out


@dataclass
class _Host:
    """One archive host's politeness: its pacer, what it was asked, and whether its TimeMaps are usable."""

    pacer: Pacer
    semaphore: asyncio.Semaphore
    requests: int = 0
    rate_limited: int = 0
    no_timemaps: bool = False  # answered a TimeMap with something else (a wall, an error): not asked again
    streak: Streak = field(default_factory=Streak)  # its 429s in a row: given up after a few


class MementoProbe:
    def __init__(self, kit: ProbeKit):
        self.kit = kit
        self._hosts: dict[str, _Host] = {}
        self._finds: dict[tuple[str, str], asyncio.Future[LookupResult]] = {}
        self._finding = asyncio.Semaphore(FINDS_AT_ONCE)
        self._stop = asyncio.Event()

    # --- requests, one pacer per archive host ------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        # one archive's hosts (archive.today's mirrors) share its pace and its patience
        svc = service_for_host(host_of(url))
        host = svc.id if svc else host_of(url)
        if host not in self._hosts:
            s = self.kit.settings
            self._hosts[host] = _Host(Pacer(s.archive_per_min), asyncio.Semaphore(s.archive_per_host))
        return self._hosts[host]

    @contextlib.asynccontextmanager
    async def _gate(self, url: str) -> AsyncIterator[None]:
        host = self._host(url)
        async with host.semaphore:
            # a 429 met while this request waited for its turn paused the host: wait that out too
            pause = host.pacer.paused_until - asyncio.get_running_loop().time()
            if pause > 0:
                await asyncio.sleep(pause)
            async with self.kit.gates.slot(url):
                yield

    def _pause(self, f: Fetch) -> float | None:
        """How long the archive's 429 pauses its host: its Retry-After (a minute without one); None when it
        asks for longer than citecheck waits (archive.today's walls ask for an hour)."""
        after = retry_after_seconds(f.header("retry-after"))
        wait = after if after is not None else 60.0
        return wait if wait <= self.kit.settings.max_retry_after else None

    async def request(self, url: str, *, headers: dict[str, str] | None = None, keep_body: bool = False) -> Fetch:
        k, host = self.kit, self._host(url)

        async def send() -> Fetch:
            f = await fetch(k.client, "GET", url, k.settings, follow_redirects=False, gate=self._gate, headers=headers,
                            keep_body=keep_body, guard=k.guard)
            if not settled_earlier(f):
                k.gates.record(url, f)
                host.requests += 1
            return f

        def limited() -> None:
            host.rate_limited += 1

        return await ask_archive(send, host.pacer, k.policy, self._pause, limited, streak=host.streak, url=url)

    # --- a cited capture -----------------------------------------------------------------------------------------

    def can_replay(self, link: ArchiveLink) -> bool:
        return True  # the link itself can always be asked: an id (archive.ph/AbCd1) names a capture too

    async def observe(self, link: ArchiveLink, target_ts: str) -> SnapshotObservation:
        svc = service(link.service)
        headers = None
        first = raw_replay(link) or link.url
        if link.kind == TIMEMAP and link.original and svc and svc.timegate:
            # a list of captures: ask the archive's TimeGate for the one nearest the cited time
            first = svc.timegate.format(url=asked_form(link.original))
            headers = {"Accept-Datetime": format_http_date(target_ts)}
        obs = await self._interpret(link, target_ts, await self.request(first, headers=headers), svc, hops_left=3)
        if obs.answer is ArchiveAnswer.NOT_ARCHIVED and first != link.url:
            # the archive may not know the raw mode (it is a convention): ask the link as cited before saying so
            obs = await self._interpret(link, target_ts, await self.request(link.url), svc, hops_left=3)
        return obs

    async def _interpret(self, link: ArchiveLink, target_ts: str, f: Fetch, svc: Service | None,
                         hops_left: int) -> SnapshotObservation:
        def said(answer: ArchiveAnswer) -> SnapshotObservation:
            return SnapshotObservation(link=link, fetch=f, answer=answer)

        if f.error:
            return said(ArchiveAnswer.UNREACHABLE if f.error.connection else ArchiveAnswer.ERROR)
        status = f.status or 0
        stamp = memento_timestamp(f)
        location = f.header("location")
        here = f.final_url or f.url
        if stamp:
            capture = Capture(stamp, f.status, view_url(here))
            if not link.original:
                original = stated_original(f)
                if original:
                    # read as if the link had named it (a captured redirect to that same page is none), and
                    # kept beside the cited link, which stays as written
                    return replace(await self._interpret(replace(link, original=original), target_ts, f, svc,
                                                         hops_left), link=link, original=original)
            if 300 <= status < 400 and location and hops_left > 0:
                to_ts, target = redirect_target(location, here)
                if not target or is_root(target) or is_login(target) or same_resource(target, link.original or ""):
                    return SnapshotObservation(link=link, fetch=f, capture=capture)  # says enough as it is
                next_url = urllib.parse.urljoin(here, location)
                landed = await self._interpret(
                    ArchiveLink(url=next_url, service=link.service, original=target, timestamp=to_ts),
                    to_ts or stamp, await self.request(next_url), svc, hops_left - 1)
                return SnapshotObservation(link=link, fetch=f, capture=capture, landing=landed)
            return SnapshotObservation(link=link, fetch=f, capture=capture)
        if 300 <= status < 400 and location and hops_left > 0:
            # a TimeGate (or a plain redirect on the way): follow it to the capture it chooses
            landed = await self._interpret(link, target_ts, await self.request(urllib.parse.urljoin(here, location)),
                                           svc, hops_left - 1)
            moved = landed.capture is not None and landed.capture.timestamp != (link.timestamp or "").ljust(14, "0")
            return SnapshotObservation(link=link, fetch=landed.fetch, capture=landed.capture, landing=landed.landing,
                                       answer=landed.answer or (ArchiveAnswer.CLOSEST if moved else None),
                                       original=landed.original)
        if status == 429:
            return said(ArchiveAnswer.RATE_LIMITED)
        if status in (404, 410):
            return said(ArchiveAnswer.NOT_ARCHIVED)
        if status in BLOCKING_STATUSES or f.header("cf-mitigated") or PageSignal.CHALLENGE in f.page.signals:
            return said(ArchiveAnswer.BLOCKED)
        if 200 <= status < 300:
            if svc is not None and (svc.framed or svc.compliant):
                # a Memento archive's capture always carries Memento-Datetime: this is a CAPTCHA or an
                # interstitial; a framed archive's answer is the frame, never the capture
                return said(ArchiveAnswer.BLOCKED)
            # an archive that does not speak Memento: trust the time its link states
            return SnapshotObservation(link=link, fetch=f, capture=Capture(link.timestamp or target_ts, f.status, link.url))
        return said(ArchiveAnswer.ERROR)

    # --- captures in other archives -------------------------------------------------------------------------------

    async def closest_good(self, url: str, timestamp: str, *, confirm_empty: bool = False) -> LookupResult:
        """The capture of ``url`` nearest ``timestamp`` in the other Memento archives worth asking (the general ones
        and the page's national archive), read from their TimeMaps in parallel and replayed to confirm it is a good
        (2xx) capture. Gives way when the rest of the run is over (:meth:`stop_confirming`)."""
        key = (url_key(url), timestamp)
        fut = self._finds.get(key)
        if fut is None:
            fut = self._finds[key] = asyncio.ensure_future(self._find(url, timestamp))
        stop = asyncio.ensure_future(self._stop.wait())
        either: list[asyncio.Future[Any]] = [fut, stop]
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if fut.done() and not fut.cancelled():
            return fut.result()
        return LookupResult(url=url, target=timestamp, source=LookupSource.TIMEMAP,
                            error="the other archives had not answered when the rest of the run was over")

    async def _find(self, url: str, timestamp: str) -> LookupResult:
        async with self._finding:
            return await self._find_now(url, timestamp)

    async def _find_now(self, url: str, timestamp: str) -> LookupResult:
        archives = [s for s in archives_for(url) if not self._host(timemap_url(s.id, url) or "").no_timemaps]
        listed = await asyncio.gather(*(self._timemap(s, url) for s in archives))
        answered = [entries for entries in listed if entries is not None]
        if not answered:
            return LookupResult(url=url, target=timestamp, source=LookupSource.TIMEMAP,
                                error="no other archive could be asked")
        candidates = sorted((distance_days(timestamp, ts), ts, svc_id, uri)
                            for entries in answered for svc_id, ts, uri in entries)
        for _, ts, svc_id, uri in candidates[: self.kit.settings.timemap_candidates]:
            link = parse_archive_link(uri) or ArchiveLink(url=uri, service=svc_id, original=url, timestamp=ts)
            obs = await self.observe(link, ts)
            cap = obs.capture
            if cap and cap.status and 200 <= cap.status < 300 and obs.landing is None:
                return LookupResult(url=url, target=timestamp, capture=cap, source=LookupSource.TIMEMAP)
        return LookupResult(url=url, target=timestamp, source=LookupSource.TIMEMAP)

    async def _timemap(self, svc: Service, url: str) -> list[tuple[str, str, str]] | None:
        """(service, timestamp, URI-M) of the captures one archive lists; None when it could not be asked."""
        where = timemap_url(svc.id, url)
        if where is None:
            return None
        f = await self.request(where, headers={"Accept": "application/link-format"}, keep_body=True)
        if f.status in (404, 410) and not f.error:
            return []  # the archive holds no capture of this page
        ctype = (f.content_type or "").lower()
        if f.error or f.status != 200 or not ("link-format" in ctype or "text/plain" in ctype):
            self._host(where).no_timemaps = True  # a wall, an outage: ask it no more this run
            return None
        text = f.body.decode("utf-8", errors="replace")
        return [(svc.id, ts, uri) for ts, uri in timemap_mementos(text)]

    # --- the run's end ---------------------------------------------------------------------------------------------

    def stop_confirming(self) -> None:
        self._stop.set()

    def hurry(self, on: bool) -> None:
        """(Memento look-ups are not batched: nothing waits to be hurried.)"""

    def close(self) -> None:
        for task in self._finds.values():
            if not task.done():
                task.cancel()

    def stats(self) -> dict[str, dict[str, int]]:
        return {"requests": {h: s.requests for h, s in self._hosts.items() if s.requests},
                "rate_limited": {h: s.rate_limited for h, s in self._hosts.items() if s.rate_limited}}


register(FALLBACK, MementoProbe)
