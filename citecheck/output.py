"""Writing what citecheck produces (reports, corrected files) without losing anything the user had.

An output path is checked before any network request (:func:`prepare_output`), so a typo costs nothing. A
regular file is replaced atomically (a temporary file beside it, then a rename) and keeps the replaced file's
mode; a new file gets the umask's. A symlink is written through to its target. A device or a FIFO (/dev/null,
/dev/stdout, a pipe) is written to directly, never replaced.
"""
from __future__ import annotations

import codecs
import errno
import os
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .charsets import legacy_encoding
from .errors import InputError


@dataclass(frozen=True)
class OutputTarget:
    """A checked output path: ``path`` is where the bytes go (symlinks followed), ``shown`` what the user wrote."""

    path: Path
    shown: str
    special: bool = False  # a device or FIFO: written to, never replaced
    mode: int | None = None  # the replaced regular file's permission bits


def _resolve(path: Path, shown: str, option: str) -> Path:
    try:
        return path.resolve(strict=False)
    except (RuntimeError, OSError) as e:  # a symlink loop
        raise InputError(f"{option} {shown}: cannot follow the path ({getattr(e, 'strerror', None) or e})") from None


def prepare_output(path: str, inputs: Sequence[str] = (), option: str = "--output") -> OutputTarget:
    """Check an output path before any work is done; InputError (exit 3) names what is wrong with it."""
    if not path.strip():
        raise InputError(f"{option}: an empty name names no file")
    try:
        return _prepare(path, inputs, option)
    except OSError as e:  # whatever else the system refuses to say about the path (a name too long …)
        raise InputError(f"{option} {path}: {e.strerror or e}") from None


def _prepare(path: str, inputs: Sequence[str], option: str) -> OutputTarget:
    given = Path(path)
    try:  # what the path names now, links followed: /dev/stdout to a pipe names a pipe no resolved path reaches
        named = os.stat(given)
    except OSError:
        named = None
    if named is not None and not stat.S_ISREG(named.st_mode) and not stat.S_ISDIR(named.st_mode):
        return _special(given, path, option, named)
    real = _resolve(given, path, option)
    for f in inputs:
        if f != "-" and os.path.exists(f) and real.exists() and os.path.samefile(f, real):
            raise InputError(f"{option} {path} is one of the input files; refusing to overwrite it")
    try:
        st = real.stat()
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise InputError(f"{option} {path}: {e.strerror or e}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{option} {path} is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        return _special(real, path, option, st)
    folder = real.parent
    if not folder.is_dir():
        raise InputError(f"{option} {path}: folder {folder} does not exist")
    # no write bit at all means "keep this", even for root, who could write it anyway
    if st is not None and (not os.access(real, os.W_OK) or not st.st_mode & 0o222):
        raise InputError(f"{option} {path}: the file is read-only")
    try:  # a real attempt: permissions, read-only file systems and the like all show here
        fd, probe = _temporary(folder, real.name)
        os.close(fd)
        probe.unlink()
    except OSError as e:
        raise InputError(f"{option} {path}: cannot write in {folder} ({e.strerror or e})") from None
    return OutputTarget(real, path, mode=stat.S_IMODE(st.st_mode) if st is not None else None)


def _special(where: Path, shown: str, option: str, st: os.stat_result) -> OutputTarget:
    """A device, pipe or FIFO: written into, never replaced."""
    if not os.access(where, os.W_OK):
        raise InputError(f"{option} {shown}: not writable")
    return OutputTarget(where, shown, special=True)


#: how long a report waits for something to read the FIFO it is written to
FIFO_WAIT = 10.0


def _open_special(path: Path) -> int:
    """A device or pipe opened for writing. A FIFO nothing reads is waited for a while, not forever (a plain
    open would block the end of the run for good)."""
    if not stat.S_ISFIFO(os.stat(path).st_mode):
        return os.open(path, os.O_WRONLY)
    deadline = time.monotonic() + FIFO_WAIT
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as e:
            if e.errno != errno.ENXIO or time.monotonic() > deadline:
                raise OSError(e.errno, "nothing reads the FIFO" if e.errno == errno.ENXIO else e.strerror) from None
            time.sleep(0.02)
            continue
        os.set_blocking(fd, True)
        return fd


def _temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new file beside the target, opened for writing; 0o666 through the umask, so a new output gets the
    user's usual permissions (not mkstemp's 0600)."""
    for n in range(100):
        tmp = folder / f".{name}.{os.getpid()}.{n}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "no free temporary name")


def write_output(target: OutputTarget, data: str | bytes | Iterable[str]) -> None:
    """Write ``data`` (text as UTF-8; pieces of text as they come) to a prepared target."""
    chunks: Iterable[bytes] = (
        [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes)
        else (piece.encode("utf-8") for piece in data))
    try:
        if target.special:
            with os.fdopen(_open_special(target.path), "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            return
        _replace(target, chunks)
    except OSError as e:
        raise InputError(f"cannot write {target.shown}: {e.strerror or e}") from None


def _replace(target: OutputTarget, chunks: Iterable[bytes]) -> None:
    fd, tmp = _temporary(target.path.parent, target.path.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if target.mode is not None:
            os.chmod(tmp, target.mode)
        os.replace(tmp, target.path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def encode_like(text: str, original: bytes) -> bytes:
    """The corrected text in the original's encoding (a UTF-8 BOM kept; a legacy file in the single-byte encoding
    it was read in)."""
    try:
        original.decode("utf-8")
    except UnicodeDecodeError:
        return text.encode(legacy_encoding(original), errors="replace")
    bom = codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b""
    return bom + text.encode("utf-8")


def write_fixed(path: str, new_text: str, *, output: OutputTarget | None = None, backup: Path | None = None) -> None:
    """A corrected copy of ``path`` in the original's encoding: to ``output``, or over ``path`` itself (its mode
    kept) after keeping the original as ``backup``."""
    raw = Path(path).read_bytes()
    encoded = encode_like(new_text, raw)
    if output is not None:
        write_output(output, encoded)
        return
    target = prepare_output(path, [], "--in-place")
    if backup is not None:
        write_output(replace(prepare_output(str(backup), [path], "--in-place backup"), mode=target.mode), raw)
    write_output(target, encoded)
