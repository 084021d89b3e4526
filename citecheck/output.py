"""Writing what citecheck produces (reports, corrected files) without losing anything the user had."""
from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from .errors import InputError


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


def encode_like(text: str, original: bytes) -> bytes:
    """The corrected text in the original's encoding (a UTF-8 BOM kept; legacy files stay cp1252)."""
    try:
        original.decode("utf-8")
    except UnicodeDecodeError:
        return text.encode("cp1252", errors="replace")
    bom = codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b""
    return bom + text.encode("utf-8")


def write_fixed(path: str, new_text: str, *, output: str | None = None, backup: Path | None = None) -> None:
    """A corrected copy of ``path`` in the original's encoding: to ``output``, or over ``path`` itself after
    keeping the original as ``backup``."""
    raw = Path(path).read_bytes()
    encoded = encode_like(new_text, raw)
    if output:
        write_atomically(output, encoded, [path])
        return
    if backup is not None:
        backup.write_bytes(raw)
    write_atomically(path, encoded, [])
