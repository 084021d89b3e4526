"""The command line's frame: the Typer app, its options generated from the settings' own metadata (settings.py,
so a new option is one field there), help laid out as a reader expects, and ``main``, which maps every outcome to a
documented exit code and every error to one line on stderr.

Exit codes: 0 nothing fails the --fail-on level; 2 something does; 3 bad input or usage;
1 unexpected failure (or the network is down); 130 interrupted.
"""
import contextlib
import functools
import gc
import inspect
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperCommand

try:  # Typer carries its own copy of click from 0.2x on
    from typer import _click as click
except ImportError:  # pragma: no cover - older Typer, with click beside it
    import click  # type: ignore[no-redef,import-not-found,unused-ignore]

from .. import __version__
from ..config import load_settings
from ..errors import CitecheckError, InputError
from ..report import format_names
from ..report.scrub import plain
from ..settings import OPTIONS, Settings, default_text, parse_duration
from ..sources import format_names as input_format_names

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


def say(message: str) -> None:
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


def settings_for(command: str, files: list[str], config: str | None, given: dict[str, Any]) -> Settings:
    settings = load_settings(files, config, given)
    for name, names in CHOICES.items():
        value = getattr(settings, name)
        if command in OPTIONS[name].commands and value not in names():
            raise InputError(f"{OPTIONS[name].flag}: unknown {name} {value!r} (choose from {', '.join(names())})")
    return settings


def duration_option(option: str, value: str | None) -> float | None:
    try:
        return parse_duration(value) if value else None
    except ValueError as e:
        raise InputError(f"{option} {e}") from None


def check_choice(value: str | None, choices: list[str], option: str) -> None:
    if value is not None and value not in choices:
        raise InputError(f"{option}: unknown format {value!r} (choose from {', '.join(choices)})")


FILES_ARG = typer.Argument(..., metavar="INPUT", show_default=False,
                           help="Reference lists: files, folders, glob patterns ('docs/**/*.md'), the URL of a "
                           "published article, or '-' for standard input.")
INPUT_FORMAT_OPT = typer.Option(None, "--input-format", "-i", metavar="FORMAT", show_default=False,
                                help=f"Input format: {', '.join(input_format_names())} (default: by extension "
                                "and content).")
CONFIG_OPT = typer.Option(None, "--config", metavar="FILE", help="Configuration file (default: citecheck.toml or "
                          "pyproject.toml [tool.citecheck], found upward from the first input).")
QUIET_OPT = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr.")


@functools.cache
def _command() -> click.Command:
    """The click command behind the app, built once: building it reads every command's signature."""
    return typer.main.get_command(app)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a CI job cancelled (SIGTERM) stops as Ctrl-C does: partial report, exit 130


_UNSET = object()


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps every outcome to a documented exit code, and errors to one line on stderr."""
    previous: Any = _UNSET
    with contextlib.suppress(ValueError):  # not the main thread (an embedding application): its handlers stand
        previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        code = _run_command(argv)
    finally:
        if previous is not _UNSET and previous is not None:  # (None: a handler not set from Python)
            signal.signal(signal.SIGTERM, previous)  # the caller's handler again, once the run is over
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _run_command(argv: list[str] | None) -> Any:
    """The command's exit code, every outcome mapped to a documented one."""
    try:
        code = _command().main(args=argv, prog_name="citecheck", standalone_mode=False)
    except typer.Exit as e:
        code = e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        say("citecheck: interrupted")
        code = EXIT_INTERRUPTED
    except CitecheckError as e:
        say(f"citecheck: error: {e}")
        code = e.exit_code
    except Exception as e:
        format_message = getattr(e, "format_message", None)
        if callable(format_message) and getattr(e, "exit_code", None) == 2:
            # the command-line parser's usage errors (exit 2 there) are our exit 3: 2 means "attention"
            message = format_message()
            if message:  # (no message: the help was shown for a bare `citecheck`)
                say(f"citecheck: error: {message}")
            code = EXIT_USAGE
        else:
            say(f"citecheck: unexpected failure: {type(e).__name__}: {e}")
            if os.environ.get("CITECHECK_DEBUG"):
                raise
            code = EXIT_FAILURE
    return code


def program() -> None:
    """The ``citecheck`` program: :func:`main` in a process of its own, with the collector tuned for a run. The
    objects imports made live as long as the process, and a run keeps its results to the end, so the cyclic
    collector's passes over them are waste: they are frozen out of its view, and young objects are collected less
    often. On 3,000 links, collections take 0.07 s of CPU so, and 0.25 s with Python's defaults. (Not done by
    ``main``: a process embedding citecheck keeps its own collector settings.)"""
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)
    main()
