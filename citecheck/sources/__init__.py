"""Input formats: one parser per format, chosen by extension or by sniffing content, all yielding References.

A parser is registered with :func:`register`; the CLI's ``--input-format`` choices come from this registry.
"""
from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, NoReferences
from ..model import Reference
from ..registry import Registry


@dataclass(frozen=True)
class Parser:
    name: str
    description: str
    extensions: tuple[str, ...]
    parse: Callable[[str, str], list[Reference]]  # (text, source name) -> references
    sniff: Callable[[str], float]  # confidence 0..1 that text is in this format


PARSERS: Registry[Parser] = Registry(__name__, __path__)


def register(parser: Parser) -> Parser:
    return PARSERS.register(parser.name, parser)


def format_names() -> list[str]:
    return sorted(PARSERS.names())


def choose_parser(text: str, filename: str | None, requested: str | None = None) -> Parser:
    if requested:
        chosen = PARSERS.get(requested)
        if chosen is None:
            raise InputError(f"unknown input format {requested!r} (choose from {', '.join(format_names())})")
        return chosen
    suffix = Path(filename).suffix.lower() if filename and filename != "-" else ""
    by_ext = [p for p in PARSERS.values() if suffix and suffix in p.extensions]
    if len(by_ext) == 1 and by_ext[0].sniff(text) > 0.1:
        return by_ext[0]
    return max(PARSERS.values(), key=lambda p: (p.sniff(text), p.name))


def decode(data: bytes, name: str) -> str:
    """Bytes of a reference file as text; binary data is refused with a clear message."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    sample = data[:8192]
    if b"\x00" in sample or _control_ratio(sample) > 0.1:
        raise NoReferences(f"{name}: looks like a binary file, not a reference list")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # legacy single-byte files: cp1252 decodes every byte, so nothing is lost silently
        return data.decode("cp1252", errors="replace")


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return bad / len(sample)


def parse_text(text: str, source: str, requested: str | None = None) -> list[Reference]:
    return choose_parser(text, source, requested).parse(text, source)


@dataclass(frozen=True)
class Document:
    """One input as read: its name, format, text and references."""

    name: str
    format: str
    text: str
    references: tuple[Reference, ...]


def read_document(path: str, requested: str | None = None, stdin: bytes | None = None) -> Document:
    """Parse one input (a path, or "-" for standard input); InputError when it has no references."""
    if path == "-":
        data = stdin if stdin is not None else b""
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a reference list")
        try:
            data = p.read_bytes()
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
        name = path
    if not data.strip():
        raise NoReferences(f"{name}: empty file")
    text = decode(data, name)
    parser = choose_parser(text, name if path != "-" else None, requested)
    refs = parser.parse(text, name if path != "-" else "-")
    if any(r.number is None for r in refs):
        # keyed formats (BibTeX, CSL-JSON, RIS, named footnotes): the entry's position is its number
        from dataclasses import replace

        refs = [r if r.number is not None else replace(r, number=i) for i, r in enumerate(refs, 1)]
    if not refs:
        raise NoReferences(f"{name}: no references found (read as {parser.name}: {parser.description})")
    return Document(name, parser.name, text, tuple(refs))


def read_references(path: str, requested: str | None = None, stdin: bytes | None = None) -> list[Reference]:
    return list(read_document(path, requested, stdin).references)
