"""Writing outputs: checked before any work, atomic for regular files with their mode kept, through symlinks,
directly into devices and FIFOs, never over an input or a read-only file."""
from __future__ import annotations

import os
import stat
import threading

import pytest
from clirun import one_line_error, run

from citecheck import output
from citecheck.errors import InputError
from citecheck.output import prepare_output, write_fixed, write_output

SEED = os.path.join(os.path.dirname(__file__), "fixtures", "seed-refs.txt")


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    old = tmp_path / "report.json"
    old.write_text("old")
    old.chmod(0o640)
    write_output(prepare_output(str(old)), "new")
    assert old.read_text() == "new" and stat.S_IMODE(old.stat().st_mode) == 0o640
    mask = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.json"
        write_output(prepare_output(str(fresh)), "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_output(prepare_output(str(link)), "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read)
    reader.start()
    write_output(prepare_output(str(fifo)), "through the pipe")
    reader.join(5)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_stays_a_device(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device
    write_output(prepare_output(str(null)), "discarded")
    assert stat.S_ISCHR(null.stat().st_mode)


@pytest.mark.parametrize("setup,needle", [
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: (p.write_text("keep"), p.chmod(0o444)), "read-only"),
    (lambda p: None, "does not exist"),  # (its folder is missing: see below)
])
def test_bad_output_paths_are_refused_before_anything_is_done(tmp_path, setup, needle):
    target = tmp_path / "out.json" if needle != "does not exist" else tmp_path / "missing" / "out.json"
    setup(target)
    with pytest.raises(InputError, match=needle):
        prepare_output(str(target))


def test_a_symlink_loop_is_refused(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(InputError, match="cannot follow"):
        prepare_output(str(a))


def test_the_cli_refuses_a_bad_output_before_any_request(tmp_path):
    ran = run("check", SEED, "--output", str(tmp_path / "no" / "such" / "folder.json"), "--wayback-url",
              "http://127.0.0.1:9", "--no-cache")
    assert ran.returncode == 3 and "does not exist" in one_line_error(ran)
    ro = tmp_path / "ro.json"
    ro.write_text("x")
    ro.chmod(0o444)
    ran = run("check", SEED, "--output", str(ro), "--no-cache")
    assert ran.returncode == 3 and "read-only" in one_line_error(ran) and ro.read_text() == "x"


def test_fix_in_place_keeps_the_mode_and_a_backup(tmp_path):
    src = tmp_path / "refs.txt"
    src.write_text("[1] https://a.example/x\n")
    src.chmod(0o604)
    write_fixed(str(src), "[1] https://a.example/y\n", backup=tmp_path / "refs.txt.bak")
    assert src.read_text() == "[1] https://a.example/y\n" and stat.S_IMODE(src.stat().st_mode) == 0o604
    assert (tmp_path / "refs.txt.bak").read_text() == "[1] https://a.example/x\n"


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_a_path_that_names_a_pipe_is_written_into(tmp_path):
    """/dev/stdout when standard output is a pipe: the link leads to "pipe:[…]", which no resolved path reaches."""
    r, w = os.pipe()
    try:
        target = prepare_output(f"/proc/self/fd/{w}")
        assert target.special
        write_output(target, "report\n")
        assert os.read(r, 100) == b"report\n"
    finally:
        os.close(r)
        os.close(w)


def test_a_fifo_nothing_reads_is_refused_not_waited_for_forever(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "FIFO_WAIT", 0.05)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    target = prepare_output(str(fifo))
    with pytest.raises(InputError, match="nothing reads the FIFO"):
        write_output(target, "report\n")
