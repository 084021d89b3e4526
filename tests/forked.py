"""Several processes at once, forked from the test: real processes (their own file locks, their own SQLite
connections) without an interpreter start and citecheck's imports each (a second apiece on this machine)."""
from __future__ import annotations

import io
import multiprocessing
import os
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import pytest

from citecheck.cli import main  # imported here, before any fork: a child starts with it

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


class ForkedCli:
    """``citecheck ARGS`` in a forked process: a real process, which a real signal reaches, without an
    interpreter start and citecheck's imports. Its standard error is a pipe; ``wait`` gives the exit status and
    what it said."""

    def __init__(self, *args: str):
        if not FORK:
            pytest.skip("no fork on this platform")
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                os.close(read_end)
                os.dup2(write_end, 2)
                sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True)
                main(list(args))
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(write_end)
        self._stderr = os.fdopen(read_end, "rb")

    def send_signal(self, sig: int) -> None:
        os.kill(self.pid, sig)

    def wait(self, timeout: float = 30) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        said = b""
        while chunk := self._read_until(deadline):  # until the child ends and its end of the pipe closes
            said += chunk
        self._stderr.close()
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status), said.decode()

    def _read_until(self, deadline: float) -> bytes:
        if not select.select([self._stderr], [], [], max(0.0, deadline - time.monotonic()))[0]:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            raise AssertionError("the forked citecheck did not end in time")
        return os.read(self._stderr.fileno(), 65536)
