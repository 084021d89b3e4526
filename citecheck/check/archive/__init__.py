"""Archive probes behind one interface (base.py): the Wayback Machine's (wayback.py), and the Memento probe
(memento.py) for every other archive; made once per run by :class:`Probes`."""
from __future__ import annotations

from ...model import ArchiveLink
from ...vocab import WAYBACK
from .base import FALLBACK, PROBES, ArchiveProbe, ProbeFactory, ProbeKit


class Probes:
    """The run's probes: one per archive service, made when first needed."""

    def __init__(self, kit: ProbeKit):
        self.kit = kit
        self._made: dict[str, ArchiveProbe] = {}

    def _probe(self, service: str) -> ArchiveProbe:
        key = service if service in PROBES else FALLBACK
        if key not in self._made:
            factory: ProbeFactory | None = PROBES.get(key)
            assert factory is not None, "the generic probe is always registered"
            self._made[key] = factory(self.kit)
        return self._made[key]

    def for_link(self, link: ArchiveLink) -> ArchiveProbe:
        return self._probe(link.service)

    @property
    def finder(self) -> ArchiveProbe:
        """The archive asked first for the closest good capture: for references that cite none, or whose cited
        capture is not a good one."""
        return self._probe(WAYBACK)

    @property
    def elsewhere(self) -> ArchiveProbe:
        """The other archives, asked when the finder has no good capture near the cited time."""
        return self._probe(FALLBACK)

    def stop_confirming(self) -> None:
        for probe in self._made.values():
            probe.stop_confirming()

    def hurry(self, on: bool) -> None:
        for probe in self._made.values():
            probe.hurry(on)

    def close(self) -> None:
        for probe in self._made.values():
            probe.close()

    def stats(self) -> dict[str, dict[str, dict[str, int]]]:
        return {"memento" if service == FALLBACK else service: probe.stats() for service, probe in self._made.items()}


__all__ = ["ArchiveProbe", "ProbeKit", "Probes"]
