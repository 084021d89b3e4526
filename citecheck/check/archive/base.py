"""The archive-probe interface, and the registry of probes keyed by archive service.

A probe replays a cited snapshot and says what it lands on (a :class:`SnapshotObservation` in the one
vocabulary); a probe that can also find captures answers ``closest_good``. Each service's probe registers
itself; a service without one is checked by the generic probe.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from ...model import ArchiveLink, LookupResult, SnapshotObservation
from ...registry import Registry
from ...settings import Settings
from ..guard import TargetGuard
from ..politeness import HostGates, RetryPolicy


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

    def close(self) -> None:
        """Stop background work: the run is over."""

    def stats(self) -> dict[str, dict[str, int]]:
        """Requests sent and rate limits met, by endpoint family, for the report."""


ProbeFactory = Callable[[ProbeKit], ArchiveProbe]
PROBES: Registry[ProbeFactory] = Registry(__name__.rpartition(".")[0], [os.path.dirname(__file__)])
FALLBACK = "*"  # the probe for services without their own


def register(service: str, factory: ProbeFactory) -> None:
    PROBES.register(service, factory)
