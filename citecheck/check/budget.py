"""One Wayback budget for every citecheck process of the user on this machine.

The Internet Archive's limits are per IP address, so two citecheck runs at once (parallel CI jobs, an archivist's
batches) must share them. A :class:`SharedPacer` keeps each endpoint family's next free slot and pause in a small
file in the user's cache folder, read and updated under an exclusive lock: every process takes its slots from the
same schedule, so together they keep to one pace, and a 429 seen by one pauses them all. Where file locks are
not available (Windows), the in-process :class:`~citecheck.check.politeness.Pacer` is used instead.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from .politeness import LATE, Pacer, Paces, spacing

AVAILABLE = fcntl is not None


class SharedPacer:
    """A Pacer whose schedule lives in ``path``, shared with every process that paces by the same file.
    Time is the wall clock (``clock``), the only one processes share."""

    def __init__(self, per_minute: float, path: Path, clock: Callable[[], float] = time.time):
        self.interval = spacing(per_minute)
        self.path = path
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def _state(self) -> Iterator[list[float]]:
        """[next free slot, paused until], locked for the block; what the block leaves in it is written back."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.read(fd, 200).decode("ascii", "ignore").split()
            try:
                state = [float(raw[0]), float(raw[1])]
            except (IndexError, ValueError):
                state = [0.0, 0.0]
            before = list(state)
            yield state
            if state != before:
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                os.write(fd, f"{state[0]:.6f} {state[1]:.6f}\n".encode())
        finally:
            os.close(fd)  # (closing releases the lock)

    async def wait(self) -> None:
        while True:
            with self._state() as state:
                now = self.clock()
                start = max(now, state[0], state[1])
                state[0] = start + self.interval
            if start > now:
                await asyncio.sleep(start - now)
            with self._state() as state:
                paused_until = state[1]
            woke = self.clock()
            if woke + 1e-3 >= paused_until and woke <= start + LATE:
                return
            # another process (or this one) met a 429 while this request waited, or the slot went by while the
            # loop was busy: queue again

    def delay(self) -> float:
        with self._state() as state:
            now = self.clock()
            return max(0.0, state[0] - now, state[1] - now)

    def pause(self, seconds: float) -> None:
        with self._state() as state:
            state[1] = max(state[1], self.clock() + seconds)


def family_pacer(family: str, per_minute: float, folder: str | None) -> Paces:
    """The pacer of one Wayback endpoint family: shared through ``folder`` when there is one and file locks work."""
    if folder and AVAILABLE:
        return SharedPacer(per_minute, Path(folder) / f"wayback-budget-{family}")
    return Pacer(per_minute)
