"""Several processes at once, forked from the test: real processes (their own file locks, their own SQLite
connections) without an interpreter start and citecheck's imports each (a second apiece on this machine)."""
from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any

import pytest

FORK = "fork" in multiprocessing.get_all_start_methods()


def _child(fn: Callable[..., Any], args: tuple[Any, ...], conn: Any) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException:  # the test shows the child's traceback
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def in_processes(fn: Callable[..., Any], *arg_lists: tuple[Any, ...], timeout: float = 60) -> list[Any]:
    """``fn(*args)`` in a process of its own for each of ``arg_lists``, all started together; their results."""
    if not FORK:
        pytest.skip("no fork on this platform")
    ctx = multiprocessing.get_context("fork")
    started = []
    for args in arg_lists:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(fn, args, child))
        proc.start()
        child.close()
        started.append((proc, parent))
    results = []
    for proc, conn in started:
        if not conn.poll(timeout):
            proc.kill()
            raise AssertionError(f"a child process gave no answer within {timeout} s")
        status, value = conn.recv()
        proc.join(timeout)
        assert status == "ok", value
        assert proc.exitcode == 0
        results.append(value)
    return results
