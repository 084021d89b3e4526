"""One Wayback budget for every citecheck process of the user: slots from one schedule, one pause for all."""
from __future__ import annotations

import asyncio
import time

import pytest
from forked import in_processes

from citecheck.check import budget
from citecheck.check.budget import SharedPacer
from citecheck.check.politeness import spacing

pytestmark = pytest.mark.skipif(not budget.AVAILABLE, reason="no file locks on this platform")


class WallClock:
    """A wall clock the test moves."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_two_pacers_on_one_file_share_one_schedule(tmp_path):
    clock = WallClock()
    a = SharedPacer(60, tmp_path / "budget", clock)  # one a second
    b = SharedPacer(60, tmp_path / "budget", clock)
    assert a.delay() == 0
    asyncio.run(a.wait())  # takes the slot at t=0
    assert b.delay() == pytest.approx(spacing(60))  # the other process's next slot is a second later
    b.pause(61)  # a 429 met by one pauses both
    assert a.delay() == pytest.approx(61.0)


def take_slots(folder, n=20):
    """In its own process: ``n`` slots of one budget at 200 a second, and when each was taken."""
    pacer = SharedPacer(12_000, folder)

    async def go():
        stamps = []
        for _ in range(n):
            await pacer.wait()
            stamps.append(time.time())
        return stamps

    return asyncio.run(go())


def test_two_processes_together_keep_one_pace(tmp_path):
    stamps = sorted(t for taken in in_processes(take_slots, (tmp_path / "budget",), (tmp_path / "budget",))
                    for t in taken)
    assert len(stamps) == 40
    # 40 slots at 200 a second: together they cannot have been faster than one process alone
    assert stamps[-1] - stamps[0] >= 39 * spacing(12_000) * 0.95
