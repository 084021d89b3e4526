"""The command line: exit codes, one-line errors, stdin, and never overwriting the input."""
from __future__ import annotations

import json
import os

import pytest
from background import Background
from clirun import one_line_error, run, run_process

SEED = os.path.join(os.path.dirname(__file__), "fixtures", "seed-refs.txt")


def test_version():
    proc = run("--version")
    assert proc.returncode == 0 and proc.out.startswith("citecheck ")


def test_main_leaves_an_embedding_process_collector_and_signal_handlers_alone():
    # only the program (its own process) tunes the cyclic collector; main() is also called by applications
    import gc
    import signal
    before = gc.get_threshold(), gc.get_freeze_count(), signal.getsignal(signal.SIGTERM)
    assert run("--version").returncode == 0
    assert (gc.get_threshold(), gc.get_freeze_count(), signal.getsignal(signal.SIGTERM)) == before


# a fresh interpreter takes most of a second to start and import citecheck: it does so beside the other tests
USAGE_ERROR = Background(lambda: run_process("check", SEED, "--bogus"))


def test_a_usage_error_through_the_real_entry_point_is_one_line_and_exit_3():
    proc = USAGE_ERROR.result()
    assert proc.returncode == 3
    one_line_error(proc)


def test_help_documents_exit_codes():
    proc = run("check", "--help")
    assert proc.returncode == 0
    assert "Exit codes" in proc.out
    assert "--window-days DAYS" in proc.out and "[default: 180]" in proc.out  # generated from the settings


@pytest.mark.parametrize("content,needle", [
    (None, "no such file"),
    (b"", "empty file"),
    (b"\x00\x01\x02binary\xff" * 20, "binary"),
    (b"A paragraph of prose with no list.\n", "no references found"),
])
def test_bad_input_exit_3(tmp_path, content, needle):
    path = tmp_path / "refs.txt"
    if content is not None:
        path.write_bytes(content)
    for command in ("check", "parse"):
        proc = run(command, str(path))
        assert proc.returncode == 3
        assert needle in one_line_error(proc)


@pytest.mark.parametrize("args", [
    ("check", SEED, "--format", "yaml"),
    ("check", SEED, "--bogus"),
    ("check", SEED, "--timeout", "-1"),
    ("parse", SEED, "--input-format", "docx"),
    ("frobnicate",),
])
def test_usage_errors_exit_3(args):
    proc = run(*args)
    assert proc.returncode == 3
    one_line_error(proc)


def test_parse_json_offline():
    proc = run("parse", SEED, "--format", "json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert len(data["references"]) == 13
    assert data["references"][0]["archive_links"][0]["timestamp"] == "20230919065839"


def test_parse_from_stdin():
    proc = run("parse", "-", "--format", "json", stdin=b"[1] https://a.example/x\n[2] https://b.example/y\n")
    assert proc.returncode == 0
    assert [r["url"] for r in json.loads(proc.stdout)["references"]] == ["https://a.example/x", "https://b.example/y"]


def test_output_never_overwrites_an_input(tmp_path):
    src = tmp_path / "refs.txt"
    src.write_text("[1] https://a.example/x\n")
    before = src.read_bytes()
    proc = run("parse", str(src), "--format", "json", "--output", str(src))
    assert proc.returncode == 3
    assert "input" in one_line_error(proc)
    assert src.read_bytes() == before


def test_output_written_atomically(tmp_path):
    out = tmp_path / "parsed.json"
    out.write_text("old")
    proc = run("parse", SEED, "--format", "json", "--output", str(out))
    assert proc.returncode == 0
    assert json.loads(out.read_text())["references"][12]["number"] == 13
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args,needle", [
    (("--no-live", "--no-archive"), "nothing to check"),
    (("--timeout", "nan"), "finite"),
    (("--window-days", "inf"), "finite"),
    (("--deadline", "-5"), "positive"),
])
def test_runs_that_would_check_nothing_or_wait_forever_are_refused(args, needle):
    proc = run("check", SEED, "--no-cache", *args)
    assert proc.returncode == 3 and needle in one_line_error(proc)


LONG = "x" * 5000  # longer than any file name the system takes


@pytest.mark.parametrize("args,needle", [
    (("check", ""), "an empty input name names no file"),
    (("check", LONG), "cannot read (File name too long)"),
    (("parse", LONG + "/*.txt"), "File name too long"),
    (("check", SEED, "--config", LONG), "--config"),
    (("check", SEED, "-o", LONG), "File name too long"),
    (("check", SEED, "-o", LONG + "/r.json"), "File name too long"),
    (("fix", SEED, "-o", LONG), "File name too long"),
])
def test_names_the_system_refuses_are_one_line_and_exit_3(args, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # ('' would otherwise have named this folder, and checked what it holds)
    (tmp_path / "refs.txt").write_text("[1] ‘t’, https://example.org/\n", encoding="utf-8")
    proc = run(*args)
    assert proc.returncode == 3 and needle in one_line_error(proc)


@pytest.mark.parametrize("args,needle", [
    (("check", SEED, "-o", ""), "an empty name names no file"),
    (("check", SEED, "-o", "json:"), "'json:' names no file (json:- is standard output)"),
    (("parse", SEED, "-o", ""), "an empty name names no file"),
    (("fix", SEED, "-o", ""), "an empty name names no file"),
    (("check", SEED, "--user-agent", ""), "--user-agent must not be empty"),
    (("check", SEED, "--user-agent", "Bot/1\r\nX-Evil: 1"), "without control characters"),
])
def test_outputs_and_headers_that_name_nothing_are_refused_before_any_request(args, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    proc = run(*args)
    assert proc.returncode == 3 and needle in one_line_error(proc)
    assert list(tmp_path.iterdir()) == []  # no file named "json:" or "."
@pytest.mark.parametrize("command", ["check", "parse", "save", "fix"])
def test_help_reads_as_written_for_people(command):
    out = run(command, "--help").out
    for odd in ("<list[str]>", "<str>", "<bool>", "{FILE}", "{file}", "Cache folder ."):
        assert odd not in out, odd
    assert ("INPUT..." if command != "fix" else "FILE") in out
    if command == "check":
        for flag in ("--accept [HOST=]CODES", "--user-agent TEXT", "--header 'NAME: VALUE'", "--all-links",
                     "--exclude-path GLOB"):
            assert flag in out, flag


def test_parse_a_folder_with_every_link(tmp_path):
    (tmp_path / "a.md").write_text("# Refs\n\n1. [One](https://a.example.org/x)\n\nSee also https://b.example.org/y\n")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "b.txt").write_text("[1] https://c.example.org/\n")
    proc = run("parse", str(tmp_path), "--all-links", "--exclude-path", "drafts/*", "--format", "json")
    assert proc.returncode == 0, proc.err
    refs = json.loads(proc.out)["references"]
    assert [(r["key"], r["url"]) for r in refs] == [("1", "https://a.example.org/x"), ("L5", "https://b.example.org/y")]


def test_fix_refuses_a_page_by_url():
    proc = run("fix", "https://example.org/article")
    assert proc.returncode == 3 and "fix needs a file" in proc.err


def test_a_closed_standard_input_is_one_line_and_exit_3():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "citecheck", "parse", "-"], capture_output=True, timeout=60,
                          preexec_fn=lambda: os.close(0), env=dict(os.environ, NO_PROXY="*"))
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "standard input is closed" in lines[0]
