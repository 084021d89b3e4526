"""An event loop whose clock jumps instead of waiting: the fake clock of the asynchronous tests.

citecheck takes all its time from the running loop (``loop.time()``, ``asyncio.sleep``, ``asyncio.timeout``), so a
test of pacing, backoff, Retry-After or a hanging server runs in milliseconds on this loop, and can assert exact
durations. When nothing is ready, the loop's selector moves the clock straight to the next timer instead of
sleeping. Only for tests without real sockets (httpx.MockTransport); servers on 127.0.0.1 need the real clock.
"""
from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _JumpingSelector(selectors.DefaultSelector):
    def __init__(self, loop: VirtualTimeLoop):
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None):  # type: ignore[override]
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            return super().select(None)  # nothing scheduled: only I/O can wake us
        self._loop.now += timeout
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self.now


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to the end on a fresh virtual-time loop."""
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(coro)


def now() -> float:
    """The running loop's time (virtual under :func:`run`)."""
    return asyncio.get_running_loop().time()
