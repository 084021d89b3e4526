"""The command line: a thin Typer layer. The only place that prints and exits.

Exit codes: 0 nothing needs attention; 2 some reference needs attention; 3 bad input or usage;
1 unexpected failure (or the network is down).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from . import __version__
from .errors import CitecheckError, InputError
from .model import Reference
from .report import format_names, render
from .report.common import label
from .config import options_for, settings_from
from .sources import format_names as input_format_names

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


def write_atomically(path: str, data: str | bytes, inputs: list[str]) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file, never over one of the inputs."""
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
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
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
    output_format: Optional[str] = typer.Option(None, "--format", "-f", help="Report format: table (default), json, "
                                                "csv, markdown, junit, sarif, github, html."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the report to FILE (atomically)."),
    input_format: Optional[str] = INPUT_FORMAT_OPT,
    config: Optional[str] = typer.Option(None, "--config", help="Configuration file (default: citecheck.toml or "
                                         "pyproject.toml [tool.citecheck], found upward from the first input)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary on stderr."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Read timeout per request, seconds [15]."),
    connect_timeout: Optional[float] = typer.Option(None, "--connect-timeout", help="Connect timeout, seconds [10]."),
    retries: Optional[int] = typer.Option(None, "--retries", help="Extra attempts after 5xx, resets, empty replies [2]."),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", help="Requests in flight to ordinary hosts [32]."),
    per_host: Optional[int] = typer.Option(None, "--per-host", help="Requests in flight to one host [2]."),
    window_days: Optional[float] = typer.Option(None, "--window-days",
                                                help="A capture farther than this from the cited time is 'shifted' [180]."),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Regex of URLs not to check (repeatable)."),
    no_live: bool = typer.Option(False, "--no-live", help="Do not check the original URLs."),
    no_archive: bool = typer.Option(False, "--no-archive", help="Do not check snapshots or look up captures."),
    replay_per_min: Optional[float] = typer.Option(None, "--replay-per-min",
                                                   help="Wayback replay requests per minute [590; the archive allows 600]."),
    cdx_per_min: Optional[float] = typer.Option(None, "--cdx-per-min",
                                                help="CDX + timemap requests per minute [29; the archive allows 30]."),
    availability_per_min: Optional[float] = typer.Option(None, "--availability-per-min",
                                                         help="Availability API requests per minute [50]."),
    cache_dir: Optional[str] = typer.Option(None, "--cache-dir", help="Cache folder [the platform cache directory]."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    max_cache_age: Optional[str] = typer.Option(None, "--max-cache-age",
                                                help="Trust cached successes this long, e.g. 12h, 7d [24h]; "
                                                     "failures a quarter of it."),
    wayback_url: str = typer.Option("https://web.archive.org", "--wayback-url",
                                    help="Wayback Machine endpoint (for mirrors and tests)."),
    availability_url: str = typer.Option("https://archive.org/wayback/available", "--availability-url",
                                         help="Availability API endpoint (for mirrors and tests)."),
) -> None:
    flags = {"format": output_format, "timeout": timeout, "connect_timeout": connect_timeout, "retries": retries,
             "concurrency": concurrency, "per_host": per_host, "window_days": window_days,
             "replay_per_min": replay_per_min, "cdx_per_min": cdx_per_min, "availability_per_min": availability_per_min,
             "cache_dir": cache_dir, "max_cache_age": max_cache_age, "exclude": exclude or None,
             "no_cache": no_cache or None}
    options = options_for(files, config, flags)
    output_format = options.get("format", "table")
    _check_choice(output_format, format_names(), "--format")
    _check_choice(input_format, input_format_names(), "--input-format")
    settings = settings_from(options, wayback_url, availability_url, not no_live, not no_archive)
    refs, crosschecks = _read_all(files, input_format)
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


@app.command(help="Request Save Page Now captures for references whose original works but that have no good "
                  "snapshot. Needs Internet Archive keys (IA_ACCESS_KEY_ID / IA_SECRET_ACCESS_KEY, or ia.ini). "
                  "Resumable: a journal remembers submitted jobs. Exit codes: 0 all saved (or nothing to save); "
                  "2 some could not be saved yet; 3 bad input, usage or no keys; 1 unexpected failure.")
def save(
    files: List[str] = FILES_ARG,
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be saved; submit nothing."),
    refresh_older_than: Optional[str] = typer.Option(None, "--refresh-older-than",
                                                     help="Also re-capture references whose newest good capture is "
                                                          "older than this (e.g. 365d)."),
    journal: Optional[str] = typer.Option(None, "--journal", help="Journal file [the platform data folder]."),
    output_format: str = typer.Option("table", "--format", "-f", help="table or json."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the save report to FILE."),
    input_format: Optional[str] = INPUT_FORMAT_OPT,
    config: Optional[str] = typer.Option(None, "--config", help="Configuration file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
    cache_dir: Optional[str] = typer.Option(None, "--cache-dir", help="Cache folder."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    wayback_url: str = typer.Option("https://web.archive.org", "--wayback-url",
                                    help="Wayback Machine and Save Page Now endpoint (for mirrors and tests)."),
    availability_url: str = typer.Option("https://archive.org/wayback/available", "--availability-url",
                                         help="Availability API endpoint (for mirrors and tests)."),
) -> None:
    import asyncio

    from platformdirs import user_data_dir

    from .cache import parse_age
    from .run import check_references
    from .save import Journal, SaveSettings, eligible, find_credentials, save_all

    _check_choice(output_format, ["table", "json"], "--format")
    refresh = parse_age(refresh_older_than) if refresh_older_than else None
    creds = None if dry_run else find_credentials()  # before any checking: no keys, no run
    options = options_for(files, config, {"cache_dir": cache_dir, "no_cache": no_cache or None})
    settings = settings_from(options, wayback_url, availability_url, True, True)
    refs, _ = _read_all(files, input_format)
    report = check_references(refs, settings, sources=tuple(files))
    todo = eligible(report.results, refresh)
    if dry_run:
        lines = [f"{label(r)} {r.reference.url} (snapshot: {r.verdict.archive.state.value})" for r in todo]
        _write_or_print("\n".join(["would save:"] + lines if lines else ["nothing to save"]) + "\n", output, files)
        raise typer.Exit(EXIT_OK)
    if not todo:
        _write_or_print("nothing to save\n", output, files)
        raise typer.Exit(EXIT_OK)
    jpath = Path(journal) if journal else Path(user_data_dir("citecheck")) / "save-journal.sqlite3"
    j = Journal(jpath)
    try:
        if not quiet:
            _say(f"citecheck: saving {len(todo)} URL(s) with Save Page Now (about 12 a minute); journal {jpath}")
        outcomes = asyncio.run(save_all([r.reference.url for r in todo], creds, j, settings,
                                        SaveSettings(base=settings.wayback_base)))
    finally:
        j.close()
    by_url = {o.url: o for o in outcomes}
    rows = [(r, by_url[r.reference.url]) for r in todo]
    _write_or_print(render_saves(rows, output_format), output, files)
    stopped = next((o.message for o in outcomes if o.status == "skipped"), None)
    if stopped and not quiet:
        _say(f"citecheck: {stopped}")
    raise typer.Exit(EXIT_OK if all(o.status == "success" for o in outcomes) else EXIT_ATTENTION)


@app.command(help="Write the fixes into a corrected copy of a reference list: the best snapshot link for broken, "
                  "missing or uncited snapshots (found by check or made by save), the new URL for moved originals. "
                  "Shows a unified diff by default. Exit codes: 0 done; 3 bad input or usage; 1 unexpected failure.")
def fix(
    file: str = typer.Argument(..., help="The reference list to fix.", show_default=False),
    diff: bool = typer.Option(False, "--diff", help="Show a unified diff (the default when neither --output nor "
                              "--in-place is given)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the corrected copy to FILE."),
    in_place: bool = typer.Option(False, "--in-place", help="Rewrite the file, keeping the original as FILE.bak."),
    journal: Optional[str] = typer.Option(None, "--journal", help="Save Page Now journal to take new snapshots from."),
    input_format: Optional[str] = INPUT_FORMAT_OPT,
    config: Optional[str] = typer.Option(None, "--config", help="Configuration file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary on stderr."),
    cache_dir: Optional[str] = typer.Option(None, "--cache-dir", help="Cache folder."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    wayback_url: str = typer.Option("https://web.archive.org", "--wayback-url", help="Wayback endpoint (tests)."),
    availability_url: str = typer.Option("https://archive.org/wayback/available", "--availability-url",
                                         help="Availability API endpoint (tests)."),
) -> None:
    import difflib

    from platformdirs import user_data_dir

    from . import fix as fixing
    from .run import check_references
    from .save import Journal
    from .sources import read_document

    if file == "-":
        raise InputError("fix needs a file, not standard input")
    if in_place and output:
        raise InputError("--in-place and --output cannot be used together")
    if diff and (in_place or output):
        raise InputError("--diff shows the changes; it cannot be combined with --output or --in-place")
    # everything that can refuse the job is checked before any request is made
    backup = Path(file + ".bak")
    if in_place and backup.exists():
        raise InputError(f"{backup} already exists; move it away first (nothing was changed)")
    if output and Path(output).exists() and Path(file).exists() and Path(output).resolve() == Path(file).resolve():
        raise InputError(f"--output {output} is the input file; use --in-place to rewrite it (a .bak is kept)")
    options = options_for([file], config, {"cache_dir": cache_dir, "no_cache": no_cache or None})
    settings = settings_from(options, wayback_url, availability_url, True, True)
    doc = read_document(file, input_format)
    report = check_references(list(doc.references), settings, sources=(file,))
    jpath = Path(journal) if journal else Path(user_data_dir("citecheck")) / "save-journal.sqlite3"
    saved: dict[str, str] = {}
    if jpath.is_file():
        j = Journal(jpath)
        saved = j.successes()
        j.close()
    plan = fixing.plan(doc, list(report.results), saved)
    raw = Path(file).read_bytes()
    encoded = _encode_like(plan.new_text, raw)
    if output:
        write_atomically(output, encoded, [file])
    elif in_place:
        backup.write_bytes(raw)
        write_atomically(file, encoded, [])
    else:
        sys.stdout.writelines(difflib.unified_diff(doc.text.splitlines(keepends=True),
                                                   plan.new_text.splitlines(keepends=True),
                                                   fromfile=f"a/{file.lstrip('/')}", tofile=f"b/{file.lstrip('/')}"))
    if not quiet:
        for c in plan.applied:
            _say(f"fixed [{c.key}] (line {c.line}): {c.what}")
        for c in plan.skipped:
            _say(f"not fixed [{c.key}] (line {c.line}): {c.what}")
    raise typer.Exit(EXIT_OK)


def _encode_like(text: str, original: bytes) -> bytes:
    """The corrected text in the original's encoding (a UTF-8 BOM kept; legacy files stay cp1252)."""
    import codecs

    try:
        original.decode("utf-8")
        bom = codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b""
        return bom + text.encode("utf-8")
    except UnicodeDecodeError:
        return text.encode("cp1252", errors="replace")


def render_saves(rows, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps({"schema": "citecheck/1-save", "saved": [
            {"number": r.reference.number, "key": r.reference.key, "source": r.reference.source,
             "line": r.reference.line, "url": o.url, "status": o.status, "snapshot": o.snapshot,
             "timestamp": o.timestamp, "status_ext": o.status_ext, "message": o.message, "resumed": o.resumed}
            for r, o in rows]}, ensure_ascii=False, indent=2) + "\n"
    lines = []
    for r, o in rows:
        what = o.snapshot if o.status == "success" else f"{o.status} {o.status_ext or ''} {o.message}".strip()
        lines.append(f"{label(r)} {o.url}\n    {what}")
    ok = sum(1 for _, o in rows if o.status == "success")
    return "\n".join(lines + [f"{ok} of {len(rows)} saved"]) + "\n"


def _write_or_print(text: str, output: Optional[str], files: List[str]) -> None:
    if output:
        write_atomically(output, text, files)
    else:
        sys.stdout.write(text)


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
