"""CI policy on the command line: --fail-on levels, several outputs from one run, formats from file names,
files without a reference list skipped in multi-file runs, and the Action and pre-commit hook built on them.
The check itself is canned (the sample report), so these run without any server."""
from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
from clirun import one_line_error, run
from rich.console import Console
from samples import sample_report

from citecheck.cli import run as cli_run
from citecheck.model import LiveVerdict, Report
from citecheck.settings import Settings
from citecheck.vocab import FailOn, IdentifierState, LiveState

ROOT = Path(__file__).parent.parent
REFS = "[1] ‘A page’, https://a.example/x\n"


def uncited_only() -> Report:
    """The sample without its misleading reference: what remains needs attention, but nothing is broken."""
    report = sample_report()
    return dataclasses.replace(report, results=tuple(r for r in report.results if not r.verdict.misleads))


@pytest.fixture
def canned(monkeypatch, tmp_path):
    """The check answers with a given report; returns the input file to name on the command line."""
    state = {"report": sample_report()}

    def check(refs, settings, *, sources=(), crosschecks=(), progress=None, on_result=None, **_):
        report = state["report"] if refs else dataclasses.replace(state["report"], results=())
        for i, r in enumerate(report.results):
            if on_result:
                on_result(i, r)
            if progress:
                progress(i + 1, len(report.results))
        return report

    monkeypatch.setattr("citecheck.api.check", check)
    refs = tmp_path / "refs.txt"
    refs.write_text(REFS, encoding="utf-8")
    return state, refs


def test_every_part_of_the_verdict_joins_broken_by_its_states_policy():
    fine = sample_report().results[0].verdict
    assert not fine.misleads and fine.identifier is not None and fine.identifier.state is IdentifierState.OK
    wrong_doi = dataclasses.replace(fine, identifier=dataclasses.replace(fine.identifier,
                                                                         state=IdentifierState.MISMATCH))
    assert wrong_doi.misleads and IdentifierState.MISMATCH in wrong_doi.states
    later = dataclasses.replace(fine, live=LiveVerdict(LiveState.MOVED, "live.moved"))
    assert later.misleads and LiveState.MOVED in later.states


def test_the_levels():
    broken, uncited = sample_report(), uncited_only()
    assert broken.fails(FailOn.BROKEN) and broken.fails(FailOn.ATTENTION) and not broken.fails(FailOn.NEVER)
    assert not uncited.fails(FailOn.BROKEN) and uncited.fails(FailOn.ATTENTION)
    assert [r.reference.key for r in broken.failing(FailOn.BROKEN)] == ["2", "5"]  # a broken snapshot, a wrong DOI


@pytest.mark.parametrize("report,level,code", [
    (sample_report, None, 2), (uncited_only, None, 0),  # the default: broken
    (uncited_only, "attention", 2), (sample_report, "never", 0), (sample_report, "broken", 2),
])
def test_fail_on_sets_the_exit_code(canned, report, level, code):
    state, refs = canned
    state["report"] = report()
    proc = run("check", str(refs), "-q", *(["--fail-on", level] if level else []))
    assert proc.returncode == code, proc.err


def test_fail_on_from_the_configuration(canned):
    state, refs = canned
    state["report"] = uncited_only()
    (refs.parent / "citecheck.toml").write_text('fail_on = "attention"\n')
    assert run("check", str(refs), "-q").returncode == 2
    assert run("check", str(refs), "-q", "--fail-on", "broken").returncode == 0  # the flag wins


def test_one_run_writes_several_outputs_with_formats_from_their_names(canned, tmp_path):
    _, refs = canned
    out = {name: tmp_path / name for name in ("r.json", "r.html", "r.sarif.json", "annotations.log", "r.csv")}
    proc = run("check", str(refs), "-o", str(out["r.json"]), "-o", str(out["r.html"]), "-o", str(out["r.sarif.json"]),
               "-o", f"github:{out['annotations.log']}", "-o", str(out["r.csv"]), "-o", "markdown:-")
    assert proc.returncode == 2, proc.err
    assert json.loads(out["r.json"].read_text())["schema"] == "citecheck/1"
    assert out["r.html"].read_text().startswith("<!DOCTYPE html>")
    assert json.loads(out["r.sarif.json"].read_text())["version"] == "2.1.0"
    assert out["annotations.log"].read_text().startswith("::error file=refs.txt,line=5")
    assert out["r.csv"].read_text().startswith("number,key,")
    assert proc.out.startswith("# citecheck report")  # '-' is standard output
    assert proc.err.count("wrote ") == 5


def test_an_explicit_format_wins_over_the_extension(canned, tmp_path):
    _, refs = canned
    out = tmp_path / "report.txt"
    assert run("check", str(refs), "-q", "-f", "json", "-o", str(out)).returncode == 2
    assert json.loads(out.read_text())["summary"]["references"] == 5
    run("check", str(refs), "-q", "-o", str(out))
    assert out.read_text().lstrip().startswith("✓ [1]")  # .txt: the terminal report, without escape codes


@pytest.mark.parametrize("args,message", [
    (("-o", "-", "-o", "json:-"), "standard output is given twice"),
    # a mistyped format is said, not written into a file named "yaml:r.yaml" that a CI step then misses
    (("-o", "yaml:r.yaml"), "unknown format 'yaml'"),  # (and how to name such a file: ./yaml:r.yaml)
    (("-o", "report:v2.json"), "a file named so is ./report:v2.json"),
    (("-o", ":r.json"), "unknown format ''"),
    (("-o", "JSON:r.json"), None),  # a format in capitals is the format
])
def test_output_mistakes(canned, tmp_path, monkeypatch, args, message):
    _, refs = canned
    monkeypatch.chdir(tmp_path)
    proc = run("check", str(refs), "-q", *args)
    if message:
        assert proc.returncode == 3 and message in one_line_error(proc)
        assert [p.name for p in tmp_path.iterdir()] == [refs.name]  # nothing written
    else:
        assert proc.returncode == 2 and json.loads((tmp_path / "r.json").read_text())["summary"]["references"] == 5


def test_no_color_and_force_color_on_standard_output(canned, monkeypatch):
    _, refs = canned
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in run("check", str(refs), "-q").out  # coloured although it is not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run("check", str(refs), "-q").out


def test_force_color_never_puts_the_progress_bar_into_a_log(canned, monkeypatch):
    _, refs = canned
    monkeypatch.setenv("FORCE_COLOR", "1")
    err = run("check", str(refs)).err  # stderr is no terminal here, as in CI
    assert "\x1b[?25l" not in err and "\r" not in err and "checking" not in err


def test_files_without_a_reference_list_are_skipped_in_a_multi_file_run(canned, tmp_path):
    _, refs = canned
    readme, package = tmp_path / "README.md", tmp_path / "package.json"
    readme.write_text("# A project\n\nProse, and no list of references.\n")
    package.write_text('{"name": "x", "version": "1.0.0"}\n')
    proc = run("check", str(readme), str(package), str(refs), "-o", str(tmp_path / "r.json"))
    assert proc.returncode == 2
    assert proc.err.count("citecheck: note: skipped ") == 2 and "README.md: no references found" in proc.err
    notes = json.loads((tmp_path / "r.json").read_text())["run"]["notes"]
    assert len(notes) == 2 and "package.json" in notes[1]
    strict = run("check", str(readme), str(package), str(refs), "--strict")
    assert strict.returncode == 3 and "README.md: no references found" in one_line_error(strict)
    alone = run("check", str(readme))  # one file named on its own: strict unless told otherwise
    assert alone.returncode == 3
    assert run("check", str(readme), "--no-strict", "-q").returncode == 0
    # parse reads a folder as check does
    parsed = run("parse", str(tmp_path), "-f", "json")
    assert parsed.returncode == 0 and "note: skipped" in parsed.err and json.loads(parsed.out)["references"]
    assert run("parse", str(tmp_path), "--strict").returncode == 3


def test_the_pre_commit_hook_passes_on_files_without_a_reference_list(canned, tmp_path):
    hook = (ROOT / ".pre-commit-hooks.yaml").read_text()
    entry = re.search(r"^\s*entry: (.*)$", hook, re.M).group(1).split()
    pattern = re.search(r"^\s*files: (.*)$", hook, re.M).group(1).strip()
    readme, package = tmp_path / "README.md", tmp_path / "package.json"
    readme.write_text("# A project\n")
    package.write_text('{"name": "x"}\n')
    assert re.search(pattern, "README.md") and re.search(pattern, "package.json")  # the hook hands them over
    for files in ([readme], [package], [readme, package]):
        proc = run(*entry[1:], *map(str, files))
        assert proc.returncode == 0, proc.err


def test_the_action_checks_once_and_writes_sarif_from_the_same_run():
    action = (ROOT / "action.yml").read_text()
    script = action.split("run: |", 2)[-1]
    assert script.count("citecheck check") == 1
    assert '--output "sarif:$SARIF"' in script and '--output "$FORMAT:-"' in script and "--no-strict" in script
    assert "fail-on:" in action and '--fail-on "$FAIL_ON"' in script


def test_the_progress_bar_counts_problems_as_they_are_found(canned, monkeypatch):
    _, refs = canned
    buf = io.StringIO()
    monkeypatch.setattr(cli_run, "err", Console(file=buf, force_terminal=True, width=120))
    monkeypatch.setattr(cli_run, "_stderr_is_a_terminal", lambda: True)  # as at a terminal
    references, _, _, _ = cli_run.read_references([str(refs)], None, Settings())
    report = cli_run.check_with_progress(references, Settings(), [str(refs)], quiet=False)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    assert report.results and "3 need attention (2 broken)" in shown and "eta" in shown
