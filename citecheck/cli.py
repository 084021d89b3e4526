"""The command line: a thin Typer layer. The only place that prints and exits.

Exit codes: 0 nothing needs attention; 2 some reference needs attention; 3 bad input or usage;
1 unexpected failure (or the network is down).
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from . import __version__
from .errors import CitecheckError, InputError
from .model import Reference
from .report import format_names, render
from .settings import Settings
from .sources import format_names as input_format_names
from .sources import read_references

EXIT_OK, EXIT_FAILURE, EXIT_ATTENTION, EXIT_USAGE = 0, 1, 2, 3
EXIT_CODES_HELP = (
    "Exit codes: 0 nothing needs attention; 2 some reference needs attention; "
    "3 bad input or usage; 1 unexpected failure or no network."
)

app = typer.Typer(
    name="citecheck",
    help="Verify the web links of a reference list: each original URL and its archive snapshot together, "
    "one verdict per reference. " + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False)


def _say(message: str) -> None:
    """One line on stderr, never wrapped or styled."""
    typer.echo(message.replace("\n", " "), err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"citecheck {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """citecheck: verify references' original URLs and archive snapshots together."""


def _read_all(files: List[str], input_format: Optional[str]) -> tuple[list[Reference], tuple]:
    """Every input's references, and the in-text citation cross-check of those that have markers."""
    from .crosscheck import FORMATS, crosscheck
    from .sources import read_document

    refs: list[Reference] = []
    checks = []
    stdin_data: bytes | None = None
    for f in files:
        if f == "-" and stdin_data is None:
            stdin_data = sys.stdin.buffer.read()
        doc = read_document(f, input_format, stdin=stdin_data if f == "-" else None)
        refs.extend(doc.references)
        if doc.format in FORMATS:
            checks.append(crosscheck(doc.text, list(doc.references), doc.name))
    return refs, tuple(c for c in checks if c.markers or c.duplicates or c.gaps)


def _check_choice(value: str | None, choices: list[str], option: str) -> None:
    if value is not None and value not in choices:
        raise InputError(f"{option}: unknown format {value!r} (choose from {', '.join(choices)})")


def write_atomically(path: str, text: str, inputs: list[str]) -> None:
    """Write ``text`` to ``path`` through a temporary file, never over one of the inputs."""
    target = Path(path)
    for f in inputs:
        if f != "-" and Path(f).exists() and target.exists() and target.resolve() == Path(f).resolve():
            raise InputError(f"--output {path} is one of the input files; refusing to overwrite it")
    if target.is_dir():
        raise InputError(f"--output {path} is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"--output {path}: folder {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


FILES_ARG = typer.Argument(..., help="Reference list files; '-' reads standard input.", show_default=False)
INPUT_FORMAT_OPT = typer.Option(None, "--input-format", "-i", help="Input format (default: by extension and content).",
                                show_default=False)


@app.command(help="Check every reference's original URL and archive snapshot. " + EXIT_CODES_HELP)
def check(
    files: List[str] = FILES_ARG,
    output_format: str = typer.Option("table", "--format", "-f", help="Report format: " + ", ".join(
        ["table", "json", "csv", "markdown", "junit"]) + "."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the report to FILE (atomically)."),
    input_format: Optional[str] = INPUT_FORMAT_OPT,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary on stderr."),
    timeout: float = typer.Option(15.0, "--timeout", help="Read timeout per request, seconds."),
    connect_timeout: float = typer.Option(10.0, "--connect-timeout", help="Connect timeout, seconds."),
    retries: int = typer.Option(2, "--retries", help="Extra attempts after 5xx, resets, empty replies."),
    concurrency: int = typer.Option(32, "--concurrency", help="Requests in flight to ordinary hosts."),
    per_host: int = typer.Option(2, "--per-host", help="Requests in flight to one host."),
    window_days: float = typer.Option(180.0, "--window-days",
                                      help="A capture farther than this from the cited time is 'shifted'."),
    no_live: bool = typer.Option(False, "--no-live", help="Do not check the original URLs."),
    no_archive: bool = typer.Option(False, "--no-archive", help="Do not check snapshots or look up captures."),
    replay_per_min: float = typer.Option(590.0, "--replay-per-min",
                                         help="Wayback replay requests per minute (the archive allows 600)."),
    cdx_per_min: float = typer.Option(29.0, "--cdx-per-min",
                                      help="CDX + timemap requests per minute (the archive allows 30)."),
    availability_per_min: float = typer.Option(50.0, "--availability-per-min",
                                               help="Availability API requests per minute."),
    wayback_url: str = typer.Option("https://web.archive.org", "--wayback-url",
                                    help="Wayback Machine endpoint (for mirrors and tests)."),
    availability_url: str = typer.Option("https://archive.org/wayback/available", "--availability-url",
                                         help="Availability API endpoint (for mirrors and tests)."),
) -> None:
    _check_choice(output_format, format_names(), "--format")
    _check_choice(input_format, input_format_names(), "--input-format")
    for name, value in (("--timeout", timeout), ("--connect-timeout", connect_timeout), ("--concurrency", concurrency),
                        ("--per-host", per_host)):
        if value <= 0:
            raise InputError(f"{name} must be positive")
    if min(replay_per_min, cdx_per_min, availability_per_min) <= 0:
        raise InputError("the --*-per-min rates must be positive")
    if retries < 0 or window_days < 0:
        raise InputError("--retries and --window-days cannot be negative")
    refs, crosschecks = _read_all(files, input_format)
    settings = replace(
        Settings(), read_timeout=timeout, connect_timeout=connect_timeout, retries=retries, concurrency=concurrency,
        per_host=per_host, window_days=window_days, check_live=not no_live, check_archive=not no_archive,
        attempt_timeout=max(2 * timeout, timeout + connect_timeout), wayback_base=wayback_url.rstrip("/"),
        availability_url=availability_url, replay_per_min=replay_per_min, cdx_per_min=cdx_per_min,
        availability_per_min=availability_per_min,
    )
    from .run import check_references

    show_progress = not quiet and err.is_terminal
    if show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("refs", total=len(refs))
            report = check_references(refs, settings, sources=tuple(files), crosschecks=crosschecks,
                                      progress=lambda done, total: bar.update(task, completed=done))
    else:
        report = check_references(refs, settings, sources=tuple(files), crosschecks=crosschecks)
    _emit(report, output_format, output, files, quiet)
    raise typer.Exit(EXIT_ATTENTION if report.needs_attention else EXIT_OK)


def _emit(report, output_format: str, output: Optional[str], files: List[str], quiet: bool) -> None:
    if output:
        write_atomically(output, render(output_format, report, color=False, width=120), files)
        if not quiet:
            err.print(f"wrote {output}: {len(report.results)} references, "
                      f"{len(report.needing_attention)} need attention")
        return
    console = Console(highlight=False)
    color = console.is_terminal and output_format == "table"
    sys.stdout.write(render(output_format, report, color=color, width=console.width if console.is_terminal else 160))
    sys.stdout.flush()


@app.command(help="List the parsed references without any network access. Exit codes: 0 ok; 3 bad input.")
def parse(
    files: List[str] = FILES_ARG,
    output_format: str = typer.Option("table", "--format", "-f", help="table or json."),
    input_format: Optional[str] = INPUT_FORMAT_OPT,
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write to FILE (atomically)."),
) -> None:
    _check_choice(output_format, ["table", "json"], "--format")
    _check_choice(input_format, input_format_names(), "--input-format")
    refs, crosschecks = _read_all(files, input_format)
    from .report.parsed import render_parsed

    text = render_parsed(refs, output_format, crosschecks)
    if output:
        write_atomically(output, text, files)
    else:
        sys.stdout.write(text)


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps every outcome to a documented exit code, and errors to one line on stderr."""
    try:
        code = app(args=argv, prog_name="citecheck", standalone_mode=False)
    except typer.Exit as e:
        code = e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("citecheck: interrupted")
        code = 130
    except CitecheckError as e:
        _say(f"citecheck: error: {e}")
        code = e.exit_code
    except Exception as e:  # noqa: BLE001 - last resort: one line, not a traceback
        if callable(getattr(e, "format_message", None)) and getattr(e, "exit_code", None) == 2:
            # the command-line parser's usage errors (exit 2 there) are our exit 3: 2 means "attention"
            message = e.format_message()
            if message:  # (no message: the help was shown for a bare `citecheck`)
                _say(f"citecheck: error: {message}")
            code = EXIT_USAGE
        else:
            _say(f"citecheck: unexpected failure: {type(e).__name__}: {e}")
            if os.environ.get("CITECHECK_DEBUG"):
                raise
            code = EXIT_FAILURE
    sys.exit(code if isinstance(code, int) else EXIT_OK)
