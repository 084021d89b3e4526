"""Archives without a probe of their own: one ordinary GET says whether the copy is there."""
from __future__ import annotations

from ...model import ArchiveLink, LookupResult, SnapshotObservation
from ..politeness import fetch_politely
from .base import FALLBACK, ProbeKit, register


class GenericProbe:
    def __init__(self, kit: ProbeKit):
        self.kit = kit

    def can_replay(self, link: ArchiveLink) -> bool:
        return True

    async def observe(self, link: ArchiveLink, target_ts: str) -> SnapshotObservation:
        k = self.kit
        f = await fetch_politely(k.client, "GET", link.url, k.settings, gates=k.gates, policy=k.policy,
                                guard=k.guard)
        return SnapshotObservation(link=link, fetch=f)

    async def closest_good(self, url: str, timestamp: str, *, confirm_empty: bool = False) -> LookupResult | None:
        return None

    def stop_confirming(self) -> None:
        pass

    def close(self) -> None:
        pass

    def stats(self) -> dict[str, dict[str, int]]:
        return {}


register(FALLBACK, GenericProbe)
