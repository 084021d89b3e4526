"""Where the command line's reports go: ``--output [FORMAT:]FILE`` specs (repeatable), each file checked before
any request is made, and the report on standard output coloured and linked as the terminal allows."""
import os
import re
import sys

import typer
from rich.console import Console

from ..errors import InputError
from ..model import Report
from ..output import OutputTarget, prepare_output, write_output
from ..report import FORMATTERS, format_for_path, format_names, render_pieces
from ..report.table import wants_color, wants_hyperlinks
from ..settings import Settings

STDOUT = "-"
OUTPUTS_OPT = typer.Option(
    None, "--output", "-o", metavar="[FORMAT:]FILE", show_default=False,
    help="Write the report to FILE (atomically); repeat for several reports from one run. The format is FORMAT, "
         "else --format, else the file's extension ("
         + ", ".join(f.suffixes[0] for f in sorted(FORMATTERS.values(), key=lambda f: f.name) if f.suffixes)
         + "); '-' is standard output, e.g. -o github:- -o sarif:citecheck.sarif.")


def output_specs(specs: list[str], settings: Settings, explicit_format: bool) -> list[tuple[str, str]]:
    """(format, destination) for each ``--output [FORMAT:]FILE`` ("-" is standard output; none given: the
    terminal). Without a FORMAT, an explicit --format wins, then the file's extension, then the configured format."""
    if not specs:
        return [(settings.format, STDOUT)]
    out: list[tuple[str, str]] = []
    for spec in specs:
        head, sep, rest = spec.partition(":")
        if not spec.strip():
            raise InputError("--output: an empty name names no file ('-' is standard output)")
        if sep and head.lower() in format_names():
            head = head.lower()  # -o JSON:report.json
        elif sep and len(head) != 1 and re.fullmatch(r"[\w-]*", head):
            # "pdf:x.pdf", ":x.json": a format that does not exist, not a file name with a colon in it (one letter
            # before the colon is a Windows drive)
            raise InputError(f"--output {spec!r}: unknown format {head!r} (choose from {', '.join(format_names())}; "
                             f"FORMAT:FILE, or just FILE: a file named so is ./{spec})")
        if sep and head in format_names() and not rest.strip():
            raise InputError(f"--output {spec!r} names no file ({head}:- is standard output)")
        if sep and head in format_names() and rest:
            fmt, dest = head, rest
        else:
            dest = spec
            fmt = settings.format if explicit_format or dest == STDOUT else (format_for_path(dest) or settings.format)
        if any(d == dest for _, d in out):
            raise InputError(f"--output {spec}: {'standard output' if dest == STDOUT else dest} is given twice")
        out.append((fmt, dest))
    return out


def output_targets(outputs: list[tuple[str, str]], files: list[str]) -> list[tuple[str, OutputTarget | None]]:
    """Each output's format and checked file (None: standard output), checked before any work is done."""
    return [(fmt, None if dest == STDOUT else prepare_output(dest, files)) for fmt, dest in outputs]


def print_report(report: Report, fmt: str, settings: Settings) -> None:
    """The report on standard output: coloured and linked as the terminal and NO_COLOR/FORCE_COLOR allow."""
    console = Console(highlight=False)
    tty = sys.stdout.isatty()
    width = console.width if tty else int(os.environ.get("COLUMNS", "") or 120)
    for piece in render_pieces(report, fmt, color=wants_color(os.environ, tty), width=width, fit=tty,
                               hyperlinks=wants_hyperlinks(os.environ, tty), show=settings.show,
                               verbose=settings.verbose):
        sys.stdout.write(piece)
    sys.stdout.flush()


def output_target(output: str | None, files: list[str]) -> OutputTarget | None:
    """The --output path, checked before any work is done."""
    return prepare_output(output, files) if output is not None else None


def write_or_print(text: str, target: OutputTarget | None) -> None:
    if target:
        write_output(target, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
