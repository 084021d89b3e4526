"""Slow outside work a test waits for (a browser, a fresh interpreter), started as soon as the tests are known.

A module-level ``Background`` is started by conftest.py at the end of collection, when one of its module's tests
is selected, and that module's tests run last: the work has the whole run to finish beside the other tests. A
test calls ``result()``, which starts the work if nothing did (under xdist every worker collects every test, so
nothing starts early there) and re-raises what the work raised (an assertion, a skip)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    def __init__(self, work: Callable[[], T]):
        self._work = work
        self._future: Future[T] = Future()
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name=getattr(self._work, "__name__", "background"), daemon=True).start()

    def _run(self) -> None:
        try:
            self._future.set_result(self._work())
        except BaseException as exc:  # the test that waits re-raises it
            self._future.set_exception(exc)

    def result(self, timeout: float = 120) -> T:
        self.start()
        return self._future.result(timeout)
