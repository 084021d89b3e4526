"""The command line's commands: check, save, fix and parse, each a thin client of the library API (api.py)."""
import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

import typer

from .. import api
from ..errors import InputError
from ..output import prepare_output, write_output
from ..report import format_names, render_pieces
from ..sources import format_names as input_format_names
from ..vocab import SaveStatus
from .app import (
    CONFIG_OPT,
    EXIT_ATTENTION,
    EXIT_CODES_HELP,
    EXIT_INTERRUPTED,
    EXIT_OK,
    FILES_ARG,
    INPUT_FORMAT_OPT,
    QUIET_OPT,
    check_choice,
    command,
    duration_option,
    err,
    say,
    settings_for,
)
from .outputs import OUTPUTS_OPT, STDOUT, output_specs, output_target, output_targets, print_report, write_or_print
from .run import Interrupted, check_with_progress, read_references


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
    settings = settings_for("check", files, config, given)
    outputs = output_specs(output or [], settings, given.get("format") is not None)
    for fmt, dest in outputs:
        if fmt not in format_names():
            raise InputError(f"--output {dest}: unknown format {fmt!r} (choose from {', '.join(format_names())})")
    output_targets(outputs, files)
    refs, crosschecks, files, skipped = read_references(files, input_format, settings, settings.strict)
    targets = output_targets(outputs, files)  # (again: folders and patterns are expanded now)
    # (the terminal report ends with its notes: said here only when the report goes elsewhere)
    if not quiet and not any(target is None and fmt == "table" for fmt, target in targets):
        for note in skipped:
            say(f"citecheck: note: {note}")
    try:
        report = dataclasses.replace(check_with_progress(refs, settings, files, quiet, crosschecks), notes=tuple(skipped))
    except Interrupted as stop:
        # what was done is not lost: the partial report goes where the report would have gone
        partial = dataclasses.replace(stop.report, notes=tuple(skipped))
        for fmt, target in targets:
            if target:
                write_output(target, render_pieces(partial, fmt, show=settings.show, verbose=settings.verbose))
        written = [dest for fmt, dest in outputs if dest != STDOUT]
        say(f"citecheck: interrupted after {len(partial.results)} of {len(refs)} references"
             + (f"; partial report written to {', '.join(written)}" if written else ""))
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)  # not waiting for name lookups still running in threads
    for fmt, target in targets:
        if target is None:
            print_report(report, fmt, settings)
            continue
        write_output(target, render_pieces(report, fmt, show=settings.show, verbose=settings.verbose))
        if not quiet:
            err.print(f"wrote {target.shown} ({fmt}): {len(report.results)} references, "
                      f"{len(report.needing_attention)} need attention", highlight=False, markup=False)
    failing = report.fails(settings.fail_on)
    # why the run fails, when no terminal report shows it (every report went to a file), and always when only
    # in-text citations fail it (the report would say "0 need attention")
    count = len(report.failing(settings.fail_on))
    citations = sum(len(c.cited_missing) + len(c.duplicates) for c in report.crosschecks)
    if not quiet and failing and (not count or all(target is not None for _, target in targets)):
        why = [f"{count} reference{'' if count == 1 else 's'} fail{'s' if count == 1 else ''} "
               f"--fail-on {settings.fail_on}"] if count else []
        if citations:
            why.append(f"{citations} in-text citation{'' if citations == 1 else 's'} "
                       f"point{'s' if citations == 1 else ''} to no entry or to two")
        say("citecheck: " + "; ".join(why))
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
    from ..report.saves import SAVE_FORMATS, render_candidates, render_saves
    from ..rules import save_candidates
    from ..save import find_credentials

    check_choice(output_format, list(SAVE_FORMATS), "--format")
    refresh = duration_option("--refresh-older-than", refresh_older_than)
    credentials = None if dry_run else find_credentials()  # before any checking: no keys, no run
    settings = settings_for("save", files, config, given)
    target = output_target(output, files)
    refs, _, files, _ = read_references(files, input_format, settings)
    report = check_with_progress(refs, settings, files, quiet=True)
    if credentials is None:
        write_or_print(render_candidates(save_candidates(report.results, settings, refresh)), target)
        raise typer.Exit(EXIT_OK)
    if not quiet:
        say(f"citecheck: saving with Save Page Now (about 12 a minute); journal {settings.journal_file}")
    rows = api.save_snapshots(report, settings, credentials, refresh_older_than=refresh)
    write_or_print(render_saves(rows, output_format) if rows else "nothing to save\n", target)
    stopped = next((o.message for _, o in rows if o.status is SaveStatus.SKIPPED), None)
    if stopped and not quiet:
        say(f"citecheck: {stopped}")
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
    from ..fix import unified_diff
    from ..output import write_fixed
    from ..sources import read_document

    if file == "-":
        raise InputError("fix needs a file, not standard input")
    if file.lower().startswith(("http://", "https://")):
        raise InputError(f"fix needs a file it can rewrite, not a page ({file}); save the page's source and fix that")
    if in_place and output is not None:
        raise InputError("--in-place and --output cannot be used together")
    if diff and (in_place or output is not None):
        raise InputError("--diff shows the changes; it cannot be combined with --output or --in-place")
    # everything that can refuse the job is checked before any request is made
    backup = Path(file + ".bak")
    if in_place and backup.exists():
        raise InputError(f"{backup} already exists; move it away first (nothing was changed)")
    target = prepare_output(output, [file]) if output is not None else None
    if in_place:
        prepare_output(file, [], "--in-place")  # the file itself must be writable
    settings = settings_for("fix", [file], config, given)
    check_choice(input_format, input_format_names(), "--input-format")
    doc = read_document(file, input_format)
    api.require_fixable(doc)
    plan = api.fix_document(doc, check_with_progress(list(doc.references), settings, [file], quiet=True), settings)
    if output is not None or in_place:
        write_fixed(file, plan.new_text, output=target, backup=backup if in_place else None)
    else:
        sys.stdout.writelines(unified_diff(doc, plan))
    if not quiet:
        for c in plan.applied:
            say(f"fixed [{c.key}] (line {c.line}): {c.what}")
        for c in plan.skipped:
            say(f"not fixed [{c.key}] (line {c.line}): {c.what}")
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
    from ..report.parsed import render_parsed

    check_choice(output_format, ["table", "json"], "--format")
    settings = settings_for("parse", files, config, given)
    target = output_target(output, files)
    refs, crosschecks, files, notes = read_references(files, input_format, settings, settings.strict)
    for note in notes:  # (as check: a run over several files skips one with no reference list, unless --strict)
        say(f"citecheck: note: {note}")
    write_or_print(render_parsed(refs, output_format, crosschecks), target)
