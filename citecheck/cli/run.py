"""The command line's run: the inputs read (folders and patterns expanded, files without a reference list
skipped in a multi-file run), and the library's check with a progress bar on a terminal and Ctrl-C kept as a
partial report."""
import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

from .. import __version__, api
from ..errors import InputError, NoReferences
from ..model import Reference, Report, Result
from ..settings import Settings
from ..sources import format_names as input_format_names
from ..sources import read_stdin
from .app import check_choice, err


def _standard_input() -> BinaryIO:
    stream = getattr(sys.stdin, "buffer", None)  # (None when the shell closed it: `citecheck check - <&-`)
    if stream is None:
        raise InputError("-: standard input is closed; pipe the reference list in, or name its file")
    return stream  # type: ignore[no-any-return]


def read_references(files: list[str], input_format: str | None,
                    settings: Settings, strict: bool | None = True,
                    ) -> tuple[list[Reference], tuple[Any, ...], list[str], list[str]]:
    """The references of every input (folders and patterns expanded, pages fetched), the citation cross-checks,
    the inputs as read (their names), and notes: on the inputs skipped for holding no reference list (only when
    not ``strict``; None: strict for a single input), and on links left out for being outside a reference list."""
    check_choice(input_format, input_format_names(), "--input-format")
    stdin = read_stdin(_standard_input()) if "-" in files else None
    skipped: list[str] = []
    lenient = strict is False or (strict is None and (len(files) > 1 or any(is_many(f) for f in files)))

    def skip(e: NoReferences) -> None:
        skipped.append(f"skipped {e}")

    documents, crosschecks = api.read_inputs(files, input_format, stdin, settings=settings,
                                             on_skip=skip if lenient else None)
    for d in documents:
        if d.links_outside:
            n = d.links_outside
            skipped.append(f"{d.name}: {n} link{'s' if n > 1 else ''} outside its reference list not checked "
                           "(--all-links checks them)")
    return [r for d in documents for r in d.references], crosschecks, [d.name for d in documents], skipped


def is_many(path: str) -> bool:
    """A folder or a glob pattern: an input that stands for several files."""
    return path != "-" and (os.path.isdir(path) or any(c in path for c in "*?["))


class Interrupted(Exception):
    """Ctrl-C during a check: the references judged so far, as a report marked partial."""

    def __init__(self, report: Report):
        super().__init__("interrupted")
        self.report = report


def check_with_progress(refs: list[Reference], settings: Settings, files: list[str], quiet: bool,
           crosschecks: tuple[Any, ...] = ()) -> Report:
    """The library's check, with a progress bar (problems found so far, time left) when stderr is a terminal;
    Ctrl-C raises Interrupted with what was done."""
    done: dict[int, Result] = {}
    started = dt.datetime.now(dt.UTC)
    try:
        return _run_with_progress(refs, settings, files, quiet, crosschecks, lambda i, r: done.__setitem__(i, r))
    except KeyboardInterrupt:
        results = tuple(done[i] for i in sorted(done))
        raise Interrupted(Report(results, tuple(files), started, dt.datetime.now(dt.UTC), __version__,
                                 settings.as_dict(), crosschecks, partial=True, total=len(refs))) from None


def _stderr_is_a_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced, or closed
        return False


def _run_with_progress(refs: list[Reference], settings: Settings, files: list[str], quiet: bool,
               crosschecks: tuple[Any, ...], on_result: Callable[[int, Result], None]) -> Report:
    # stderr itself must be a terminal: rich calls any console a terminal under FORCE_COLOR, and a CI log would
    # fill with the bar's cursor codes
    if quiet or not _stderr_is_a_terminal() or not refs:
        return api.check(refs, settings, sources=tuple(files), crosschecks=crosschecks, on_result=on_result)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    found = {"attention": 0, "broken": 0}

    def problems() -> str:
        a, b = found["attention"], found["broken"]
        return f"{a} need attention ({b} broken)" if a else "no problem so far"

    with Progress(TextColumn("checking"), BarColumn(bar_width=24), MofNCompleteColumn(), TextColumn("·"),
                  TextColumn("{task.fields[problems]}"), TextColumn("· eta"), TimeRemainingColumn(), TextColumn("·"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("refs", total=len(refs), problems=problems())

        def judged(index: int, result: Result) -> None:
            on_result(index, result)
            found["attention"] += result.verdict.attention
            found["broken"] += result.verdict.misleads
            bar.update(task, problems=problems())

        return api.check(refs, settings, sources=tuple(files), crosschecks=crosschecks,
                         progress=lambda done, total: bar.update(task, completed=done), on_result=judged)
