"""The archive-probe interface, and the registry of probes keyed by archive service.

A probe replays a cited snapshot and says what it lands on (a :class:`SnapshotObservation` in the one
vocabulary); a probe that can also find captures answers ``closest_good``. Each service's probe registers
itself; a service without one is checked by the generic probe.
"""
from __future__ import annotations

import asyncio
import contextlib
import email.utils
import os
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

import httpx

from ...model import ArchiveLink, Fetch, LookupResult, SnapshotObservation
from ...registry import Registry
from ...settings import Settings
from ..guard import TargetGuard
from ..politeness import Attempts, HostGates, Paces, RetryPolicy, settled_earlier


@dataclass(frozen=True)
class ProbeKit:
    """What every probe of a run shares: the client, the settings, the host gates, the retry policy, the guard."""

    client: httpx.AsyncClient
    settings: Settings
    gates: HostGates
    policy: RetryPolicy
    guard: TargetGuard


class ArchiveProbe(Protocol):
    def can_replay(self, link: ArchiveLink) -> bool:
        """Whether this link can be asked about at all (a Wayback link must name the archived URL)."""

    async def observe(self, link: ArchiveLink, target_ts: str) -> SnapshotObservation:
        """Replay the cited snapshot and say what it lands on."""

    async def closest_good(self, url: str, timestamp: str, *, confirm_empty: bool = False) -> LookupResult | None:
        """The closest good capture of ``url`` to ``timestamp``; None when this archive cannot look one up."""

    def stop_confirming(self) -> None:
        """The rest of the run is done: slow background confirmations give way."""

    def hurry(self, on: bool) -> None:
        """``on``: every reference still being judged waits on a look-up, so none can join a batch still being
        gathered: send what is waiting now. (``off`` again when one of them moves on.)"""

    def close(self) -> None:
        """Stop background work: the run is over."""

    def stats(self) -> dict[str, dict[str, int]]:
        """Requests sent and rate limits met, by endpoint family, for the report."""


ProbeFactory = Callable[[ProbeKit], ArchiveProbe]
PROBES: Registry[ProbeFactory] = Registry(__name__.rpartition(".")[0], [os.path.dirname(__file__)])
FALLBACK = "*"  # the probe for services without their own


def register(service: str, factory: ProbeFactory) -> None:
    PROBES.register(service, factory)


def memento_timestamp(f: Fetch) -> str | None:
    """The capture time a Memento answer states (``Memento-Datetime``), as a 14-digit timestamp."""
    value = f.header("memento-datetime")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.strftime("%Y%m%d%H%M%S") if when else None


def is_archive_429(f: Fetch) -> bool:
    """The archive's own rate limit, not a captured 429 page (which carries Memento-Datetime)."""
    return f.status == 429 and f.header("memento-datetime") is None


#: an archive's 429s in a row (each waited out) after which it is not asked again in the run
GIVE_UP_AFTER = 3


@dataclass
class Streak:
    """An archive's 429s in a row, across the run's requests to it. A run that keeps sending into 429s is what
    gets an address firewalled (and each wait costs a minute): after GIVE_UP_AFTER the archive is left alone, and
    what was not asked says so."""

    count: int = 0

    def met(self, rate_limited: bool) -> None:
        self.count = self.count + 1 if rate_limited else 0

    @property
    def given_up(self) -> bool:
        return self.count >= GIVE_UP_AFTER


async def ask_archive(send: Callable[[], Awaitable[Fetch]], pacer: Paces, policy: RetryPolicy,
                      pause: Callable[[Fetch], float | None], limited: Callable[[], None],
                      slot: Callable[[], AbstractAsyncContextManager[object]] = contextlib.nullcontext,
                      streak: Streak | None = None, url: str = "") -> Fetch:
    """One request to an archive, as archives want them: at the pacer's pace, taken once the request holds its
    ``slot`` (a place among the requests in flight) so that it is sent the moment the pace allows, never queued
    behind other requests after it (sends bunched that way would crowd a minute); the archive's own 429 pauses the
    pacer (every request behind it waits too) and is tried twice more, so a run never keeps sending into 429s
    (``pause`` None: the archive wants us gone for longer than we wait, so the 429 is the answer); a capture is
    what it is, whatever its status; anything else is retried as the one retry policy says. ``streak``: the
    archive's 429s in a row; once it gave up, the answer is a 429 at once, nothing sent (``url`` names it)."""
    attempts = Attempts()
    times_limited = 0
    while True:
        async with slot():
            await pacer.wait()
            # (asked after the wait: requests queued behind the 429s that gave the archive up are not sent either)
            if streak is not None and streak.given_up:
                return Fetch(url=url, status=429, error_detail=f"not asked: the archive answered {GIVE_UP_AFTER} "
                             "requests in a row with 429 (rate limited) earlier in this run")
            f = await send()
        if streak is not None and not settled_earlier(f):
            streak.met(is_archive_429(f))
        if is_archive_429(f):
            limited()
            times_limited += 1
            wait = pause(f)
            if wait is None:
                return f
            pacer.pause(wait)
            if times_limited <= 2:
                continue  # wait out the pause, then try again
            return f
        if f.header("memento-datetime") is not None or settled_earlier(f):
            return f
        retrying = policy.next(f, attempts)
        if retrying is None:
            return f
        await asyncio.sleep(retrying.delay)
