"""The command line run in-process: ``main()`` with its exit-code mapping, streams captured (Typer's CliRunner
isolation), so CLI tests are fast and counted by coverage. A few tests still run a real subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from typer.testing import CliRunner

from citecheck.cli import main


@dataclass
class Ran:
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode()

    @property
    def err(self) -> str:
        return self.stderr.decode()


def run(*args: str, stdin: bytes | None = None) -> Ran:
    with CliRunner().isolation(input=stdin) as streams:
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 0
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return Ran(code, out, err)


def run_process(*args: str, stdin: bytes | None = None, timeout: float = 60) -> Ran:
    """A real ``python -m citecheck`` process: for what only a process shows (the entry point, signals)."""
    proc = subprocess.run([sys.executable, "-m", "citecheck", *args], input=stdin, capture_output=True, timeout=timeout,
                          env=dict(os.environ, NO_PROXY="*"))
    return Ran(proc.returncode, proc.stdout, proc.stderr)


def one_line_error(ran: Ran) -> str:
    err = ran.err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err
