"""The command line: a thin Typer client of the library API (api.py). The only place that prints and exits.

The options that tune a run are not written here: they are generated from the settings' own metadata
(settings.py), so a new option is one field there.

Exit codes: 0 nothing fails the --fail-on level; 2 something does; 3 bad input or usage;
1 unexpected failure (or the network is down); 130 interrupted.
"""
import dataclasses
import datetime as dt
import functools
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperCommand

try:  # Typer carries its own copy of click from 0.2x on
    from typer import _click as click
except ImportError:  # pragma: no cover - older Typer, with click beside it
    import click  # type: ignore[no-redef,import-not-found,unused-ignore]

from . import __version__, api
from .config import load_settings
from .errors import CitecheckError, InputError, NoReferences
from .model import Reference, Report, Result
from .output import OutputTarget, prepare_output, write_output
from .report import format_for_path, format_names, render_pieces
from .report.scrub import plain
from .report.table import wants_color, wants_hyperlinks
from .settings import OPTIONS, Settings, default_text, parse_duration
from .sources import format_names as input_format_names
from .sources import read_stdin
from .vocab import SaveStatus

EXIT_OK, EXIT_FAILURE, EXIT_ATTENTION, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CODES_HELP = (
    "Exit codes: 0 nothing fails the --fail-on level; 2 something does (by default: a cited link or snapshot "
    "misleads readers); 3 bad input or usage; 1 unexpected failure or no network."
)

app = typer.Typer(
    name="citecheck",
    help="Verify the web links of a reference list: each original URL and its archive snapshot together, "
    "one verdict per reference. " + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # help texts are plain: "[default: 15]" is not markup
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False)
#: settings whose values must be one of a registry's names
CHOICES: dict[str, Callable[[], list[str]]] = {"format": format_names}


def _say(message: str) -> None:
    """One line on stderr, never wrapped or styled; a file name's control characters shown, never obeyed."""
    typer.echo(plain(message).replace("\n", " "), err=True)


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


class _Command(TyperCommand):
    """Help as a reader expects it: an argument shown as ``FILE...`` (not ``{FILE}...`` and ``<list[str]>``),
    options with their metavar and no type names."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_argument_name(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        arguments = [(_argument_name(p), getattr(p, "help", None) or "") for p in self.get_params(ctx)
                     if p.param_type_name == "argument"]
        options = [record for p in self.get_params(ctx) if p.param_type_name == "option"
                   for record in [p.get_help_record(ctx)] if record]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _argument_name(param: click.Parameter) -> str:
    name = param.metavar or (param.name or "").upper()
    name += "..." if param.nargs != 1 else ""
    return name if param.required else f"[{name}]"


# --- options generated from the settings ---------------------------------------------------------------------


def _setting_parameters(command: str) -> list[inspect.Parameter]:
    params = []
    for name, opt in OPTIONS.items():
        if command not in opt.commands or not opt.flag:
            continue
        names = [opt.flag] + ([opt.short] if opt.short else [])
        help_text = opt.help
        if name in CHOICES:
            help_text = f"{help_text.rstrip('.')}: {', '.join(CHOICES[name]())}."
        shown = default_text(name)
        if shown:
            help_text += f" [default: {shown}]"
        annotation: Any
        if not opt.metavar:
            annotation, info = bool | None, typer.Option(None, *names, help=help_text, show_default=False)
        else:
            annotation = list[str] | None if opt.repeat else str | None
            info = typer.Option(None, *names, help=help_text, metavar=opt.metavar, show_default=False)
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=annotation))
    return params


def command(name: str, help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A Typer command taking the run settings' options for ``name`` on top of its own; the function gets them,
    as given, in ``given`` (field name -> value, None when not given)."""

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        own = [p for p in inspect.signature(fn).parameters.values() if p.name != "given"]
        extra = _setting_parameters(name)

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> None:
            given = {p.name: kwargs.pop(p.name) for p in extra}
            fn(**kwargs, given=given)

        del wrapper.__wrapped__  # Typer must read the signature below, not the function's own
        wrapper.__signature__ = inspect.Signature(own + extra)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in own + extra}
        app.command(name=name, help=help, cls=_Command)(wrapper)
        return fn

    return decorate


def _settings(command: str, files: list[str], config: str | None, given: dict[str, Any]) -> Settings:
    settings = load_settings(files, config, given)
    for name, names in CHOICES.items():
        value = getattr(settings, name)
        if command in OPTIONS[name].commands and value not in names():
            raise InputError(f"{OPTIONS[name].flag}: unknown {name} {value!r} (choose from {', '.join(names())})")
    return settings


def _duration(option: str, value: str | None) -> float | None:
    try:
        return parse_duration(value) if value else None
    except ValueError as e:
        raise InputError(f"{option} {e}") from None


def _check_choice(value: str | None, choices: list[str], option: str) -> None:
    if value is not None and value not in choices:
        raise InputError(f"{option}: unknown format {value!r} (choose from {', '.join(choices)})")


def _read(files: list[str], input_format: str | None,
          settings: Settings, strict: bool | None = True) -> tuple[list[Reference], tuple[Any, ...], list[str], list[str]]:
    """The references of every input (folders and patterns expanded, pages fetched), the citation cross-checks,
    the inputs as read (their names), and notes on the inputs skipped for holding no reference list (only when
    not ``strict``; None: strict for a single input)."""
    _check_choice(input_format, input_format_names(), "--input-format")
    stdin = read_stdin(sys.stdin.buffer) if "-" in files else None
    skipped: list[str] = []
    lenient = strict is False or (strict is None and (len(files) > 1 or any(_is_many(f) for f in files)))

    def skip(e: NoReferences) -> None:
        skipped.append(f"skipped {e}")

    documents, crosschecks = api.read_inputs(files, input_format, stdin, settings=settings,
                                             on_skip=skip if lenient else None)
    return [r for d in documents for r in d.references], crosschecks, [d.name for d in documents], skipped


def _is_many(path: str) -> bool:
    """A folder or a glob pattern: an input that stands for several files."""
    return path != "-" and (os.path.isdir(path) or any(c in path for c in "*?["))


class Interrupted(Exception):
    """Ctrl-C during a check: the references judged so far, as a report marked partial."""

    def __init__(self, report: Report):
        super().__init__("interrupted")
        self.report = report


def _check(refs: list[Reference], settings: Settings, files: list[str], quiet: bool,
           crosschecks: tuple[Any, ...] = ()) -> Report:
    """The library's check, with a progress bar (problems found so far, time left) when stderr is a terminal;
    Ctrl-C raises Interrupted with what was done."""
    done: dict[int, Result] = {}
    started = dt.datetime.now(dt.UTC)
    try:
        return _run_check(refs, settings, files, quiet, crosschecks, lambda i, r: done.__setitem__(i, r))
    except KeyboardInterrupt:
        results = tuple(done[i] for i in sorted(done))
        raise Interrupted(Report(results, tuple(files), started, dt.datetime.now(dt.UTC), __version__,
                                 settings.as_dict(), crosschecks, partial=True, total=len(refs))) from None


def _run_check(refs: list[Reference], settings: Settings, files: list[str], quiet: bool,
               crosschecks: tuple[Any, ...], on_result: Callable[[int, Result], None]) -> Report:
    if quiet or not err.is_terminal or not refs:
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


def _target(output: str | None, files: list[str]) -> OutputTarget | None:
    """The --output path, checked before any work is done."""
    return prepare_output(output, files) if output else None


def _write_or_print(text: str, target: OutputTarget | None) -> None:
    if target:
        write_output(target, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


FILES_ARG = typer.Argument(..., metavar="INPUT", show_default=False,
                           help="Reference lists: files, folders, glob patterns ('docs/**/*.md'), the URL of a "
                           "published article, or '-' for standard input.")
INPUT_FORMAT_OPT = typer.Option(None, "--input-format", "-i", metavar="FORMAT", show_default=False,
                                help="Input format (default: by extension and content).")
CONFIG_OPT = typer.Option(None, "--config", metavar="FILE", help="Configuration file (default: citecheck.toml or "
                          "pyproject.toml [tool.citecheck], found upward from the first input).")
QUIET_OPT = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr.")


# --- the commands -----------------------------------------------------------------------------------------------


STDOUT = "-"
OUTPUTS_OPT = typer.Option(
    None, "--output", "-o", metavar="[FORMAT:]FILE", show_default=False,
    help="Write the report to FILE (atomically); repeat for several reports from one run. The format is FORMAT, "
         "else --format, else the file's extension (.json, .html, .sarif, .csv, .md, .xml, .txt); '-' is standard "
         "output, e.g. -o github:- -o sarif:citecheck.sarif.")


def _outputs(specs: list[str], settings: Settings, explicit_format: bool) -> list[tuple[str, str]]:
    """(format, destination) for each ``--output [FORMAT:]FILE`` ("-" is standard output; none given: the
    terminal). Without a FORMAT, an explicit --format wins, then the file's extension, then the configured format."""
    if not specs:
        return [(settings.format, STDOUT)]
    out: list[tuple[str, str]] = []
    for spec in specs:
        head, sep, rest = spec.partition(":")
        if sep and head in format_names() and rest:
            fmt, dest = head, rest
        else:
            dest = spec
            fmt = settings.format if explicit_format or dest == STDOUT else (format_for_path(dest) or settings.format)
        if any(d == dest for _, d in out):
            raise InputError(f"--output {spec}: {'standard output' if dest == STDOUT else dest} is given twice")
        out.append((fmt, dest))
    return out


def _targets(outputs: list[tuple[str, str]], files: list[str]) -> list[tuple[str, OutputTarget | None]]:
    """Each output's format and checked file (None: standard output), checked before any work is done."""
    return [(fmt, None if dest == STDOUT else prepare_output(dest, files)) for fmt, dest in outputs]


def _print(report: Report, fmt: str, settings: Settings) -> None:
    """The report on standard output: coloured and linked as the terminal and NO_COLOR/FORCE_COLOR allow."""
    console = Console(highlight=False)
    tty = sys.stdout.isatty()
    width = console.width if tty else int(os.environ.get("COLUMNS", "") or 120)
    for piece in render_pieces(report, fmt, color=wants_color(os.environ, tty), width=width, fit=tty,
                               hyperlinks=wants_hyperlinks(os.environ, tty), show=settings.show,
                               verbose=settings.verbose):
        sys.stdout.write(piece)
    sys.stdout.flush()


@command("check", "Check every reference's original URL and archive snapshot. " + EXIT_CODES_HELP)
def check(
    files: list[str] = FILES_ARG,
    output: list[str] | None = OUTPUTS_OPT,
    input_format: str | None = INPUT_FORMAT_OPT,
    config: str | None = CONFIG_OPT,
    quiet: bool = QUIET_OPT,
    *,
    given: dict[str, Any],
) -> None:
    settings = _settings("check", files, config, given)
    outputs = _outputs(output or [], settings, given.get("format") is not None)
    for fmt, dest in outputs:
        if fmt not in format_names():
            raise InputError(f"--output {dest}: unknown format {fmt!r} (choose from {', '.join(format_names())})")
    _targets(outputs, files)
    refs, crosschecks, files, skipped = _read(files, input_format, settings, settings.strict)
    targets = _targets(outputs, files)  # (again: folders and patterns are expanded now)
    if not quiet:
        for note in skipped:
            _say(f"citecheck: note: {note}")
    try:
        report = dataclasses.replace(_check(refs, settings, files, quiet, crosschecks), notes=tuple(skipped))
    except Interrupted as stop:
        # what was done is not lost: the partial report goes where the report would have gone
        partial = dataclasses.replace(stop.report, notes=tuple(skipped))
        for fmt, target in targets:
            if target:
                write_output(target, render_pieces(partial, fmt, show=settings.show, verbose=settings.verbose))
        written = [dest for fmt, dest in outputs if dest != STDOUT]
        _say(f"citecheck: interrupted after {len(partial.results)} of {len(refs)} references"
             + (f"; partial report written to {', '.join(written)}" if written else ""))
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)  # not waiting for name lookups still running in threads
    for fmt, target in targets:
        if target is None:
            _print(report, fmt, settings)
            continue
        write_output(target, render_pieces(report, fmt, show=settings.show, verbose=settings.verbose))
        if not quiet:
            err.print(f"wrote {target.shown} ({fmt}): {len(report.results)} references, "
                      f"{len(report.needing_attention)} need attention", highlight=False, markup=False)
    failing = report.fails(settings.fail_on)
    if not quiet and failing and all(target is not None for _, target in targets):
        _say(f"citecheck: {len(report.failing(settings.fail_on))} references fail --fail-on {settings.fail_on}")
    raise typer.Exit(EXIT_ATTENTION if failing else EXIT_OK)


@command("save", "Request Save Page Now captures for references whose original works but that have no good "
                 "snapshot. Needs Internet Archive keys (IA_ACCESS_KEY_ID / IA_SECRET_ACCESS_KEY, or ia.ini). "
                 "Resumable: a journal remembers submitted jobs. Exit codes: 0 all saved (or nothing to save); "
                 "2 some could not be saved yet; 3 bad input, usage or no keys; 1 unexpected failure.")
def save(
    files: list[str] = FILES_ARG,
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be saved; submit nothing."),
    refresh_older_than: str | None = typer.Option(None, "--refresh-older-than", metavar="DURATION",
                                                     help="Also re-capture references whose newest good capture is "
                                                          "older than this (e.g. 365d)."),
    output_format: str = typer.Option("table", "--format", "-f", metavar="FORMAT", help="table or json."),
    output: str | None = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the save report to FILE."),
    input_format: str | None = INPUT_FORMAT_OPT,
    config: str | None = CONFIG_OPT,
    quiet: bool = QUIET_OPT,
    *,
    given: dict[str, Any],
) -> None:
    from .report.saves import SAVE_FORMATS, render_candidates, render_saves
    from .rules import save_candidates
    from .save import find_credentials

    _check_choice(output_format, list(SAVE_FORMATS), "--format")
    refresh = _duration("--refresh-older-than", refresh_older_than)
    credentials = None if dry_run else find_credentials()  # before any checking: no keys, no run
    settings = _settings("save", files, config, given)
    target = _target(output, files)
    refs, _, files, _ = _read(files, input_format, settings)
    report = _check(refs, settings, files, quiet=True)
    if credentials is None:
        _write_or_print(render_candidates(save_candidates(report.results, settings, refresh)), target)
        raise typer.Exit(EXIT_OK)
    if not quiet:
        _say(f"citecheck: saving with Save Page Now (about 12 a minute); journal {settings.journal_file}")
    rows = api.save_snapshots(report, settings, credentials, refresh_older_than=refresh)
    _write_or_print(render_saves(rows, output_format) if rows else "nothing to save\n", target)
    stopped = next((o.message for _, o in rows if o.status is SaveStatus.SKIPPED), None)
    if stopped and not quiet:
        _say(f"citecheck: {stopped}")
    raise typer.Exit(EXIT_OK if all(o.status is SaveStatus.SUCCESS for _, o in rows) else EXIT_ATTENTION)


@command("fix", "Write the fixes into a corrected copy of a reference list: the best snapshot link for broken, "
                "missing or uncited snapshots (found by check or made by save), the new URL for moved originals. "
                "Shows a unified diff by default. Exit codes: 0 done; 3 bad input or usage; 1 unexpected failure.")
def fix(
    file: str = typer.Argument(..., metavar="FILE", help="The reference list to fix.", show_default=False),
    diff: bool = typer.Option(False, "--diff", help="Show a unified diff (the default when neither --output nor "
                              "--in-place is given)."),
    output: str | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write the corrected copy to FILE."),
    in_place: bool = typer.Option(False, "--in-place", help="Rewrite the file, keeping the original as FILE.bak."),
    input_format: str | None = INPUT_FORMAT_OPT,
    config: str | None = CONFIG_OPT,
    quiet: bool = QUIET_OPT,
    *,
    given: dict[str, Any],
) -> None:
    from .fix import unified_diff
    from .output import write_fixed
    from .sources import read_document

    if file == "-":
        raise InputError("fix needs a file, not standard input")
    if file.lower().startswith(("http://", "https://")):
        raise InputError(f"fix needs a file it can rewrite, not a page ({file}); save the page's source and fix that")
    if in_place and output:
        raise InputError("--in-place and --output cannot be used together")
    if diff and (in_place or output):
        raise InputError("--diff shows the changes; it cannot be combined with --output or --in-place")
    # everything that can refuse the job is checked before any request is made
    backup = Path(file + ".bak")
    if in_place and backup.exists():
        raise InputError(f"{backup} already exists; move it away first (nothing was changed)")
    target = prepare_output(output, [file]) if output else None
    if in_place:
        prepare_output(file, [], "--in-place")  # the file itself must be writable
    settings = _settings("fix", [file], config, given)
    _check_choice(input_format, input_format_names(), "--input-format")
    doc = read_document(file, input_format)
    plan = api.fix_document(doc, _check(list(doc.references), settings, [file], quiet=True), settings)
    if output or in_place:
        write_fixed(file, plan.new_text, output=target, backup=backup if in_place else None)
    else:
        sys.stdout.writelines(unified_diff(doc, plan))
    if not quiet:
        for c in plan.applied:
            _say(f"fixed [{c.key}] (line {c.line}): {c.what}")
        for c in plan.skipped:
            _say(f"not fixed [{c.key}] (line {c.line}): {c.what}")
    raise typer.Exit(EXIT_OK)


@command("parse", "List the parsed references without checking them (the only request made is for a page "
                  "named by its URL). Exit codes: 0 ok; 3 bad input.")
def parse(
    files: list[str] = FILES_ARG,
    output_format: str = typer.Option("table", "--format", "-f", metavar="FORMAT", help="table or json."),
    input_format: str | None = INPUT_FORMAT_OPT,
    output: str | None = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to FILE (atomically)."),
    config: str | None = CONFIG_OPT,
    *,
    given: dict[str, Any],
) -> None:
    from .report.parsed import render_parsed

    _check_choice(output_format, ["table", "json"], "--format")
    settings = _settings("parse", files, config, given)
    target = _target(output, files)
    refs, crosschecks, files, _ = _read(files, input_format, settings)
    _write_or_print(render_parsed(refs, output_format, crosschecks), target)


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps every outcome to a documented exit code, and errors to one line on stderr."""
    try:
        code = app(args=argv, prog_name="citecheck", standalone_mode=False)
    except typer.Exit as e:
        code = e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("citecheck: interrupted")
        code = EXIT_INTERRUPTED
    except CitecheckError as e:
        _say(f"citecheck: error: {e}")
        code = e.exit_code
    except Exception as e:
        format_message = getattr(e, "format_message", None)
        if callable(format_message) and getattr(e, "exit_code", None) == 2:
            # the command-line parser's usage errors (exit 2 there) are our exit 3: 2 means "attention"
            message = format_message()
            if message:  # (no message: the help was shown for a bare `citecheck`)
                _say(f"citecheck: error: {message}")
            code = EXIT_USAGE
        else:
            _say(f"citecheck: unexpected failure: {type(e).__name__}: {e}")
            if os.environ.get("CITECHECK_DEBUG"):
                raise
            code = EXIT_FAILURE
    sys.exit(code if isinstance(code, int) else EXIT_OK)
