"""Input formats: one parser per format, chosen by extension or by sniffing content, all yielding References.

A parser is registered with :func:`register`; the CLI's ``--input-format`` choices come from this registry.
"""
from __future__ import annotations

import codecs
import errno
import fnmatch
import glob as globmodule
import itertools
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..charsets import legacy_encoding
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
    context: str = "prose"  # how its text's links are read (urls.CONTEXTS), for --all-links
    # the text as a reader sees it, with each line's line in the document (HTML: rendered), for --all-links
    rendering: Callable[[str, str], list[tuple[int, str]]] | None = None


PARSERS: Registry[Parser] = Registry(__name__, __path__)


def register(parser: Parser) -> Parser:
    return PARSERS.register(parser.name, parser)


def format_names() -> list[str]:
    return sorted(PARSERS.names())


#: how much of a text the format sniffers read: a format shows itself in its first pages
SNIFF_CHARS = 256 * 1024


def choose_parser(text: str, filename: str | None, requested: str | None = None) -> Parser:
    if requested:
        chosen = PARSERS.get(requested)
        if chosen is None:
            raise InputError(f"unknown input format {requested!r} (choose from {', '.join(format_names())})")
        return chosen
    suffix = Path(filename).suffix.lower() if filename and filename != "-" else ""
    text = text[:SNIFF_CHARS]
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
        # legacy single-byte files: windows-1251 or KOI8-R for Cyrillic text, else windows-1252
        return data.decode(legacy_encoding(data), errors="replace")


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
    links_outside: int = 0  # links of the text outside its reference list, left unchecked (without all_links)


#: the largest input read (a reference list of a million entries is well under it)
MAX_INPUT_BYTES = 100 * 1024 * 1024


def read_input_file(path: str) -> bytes:
    """A regular file's bytes; a missing file, a folder, a device, a FIFO, a symlink loop or an oversized file is
    one clear InputError (a FIFO would otherwise wait forever for a writer)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        why = "a symlink loop" if e.errno == errno.ELOOP else e.strerror or str(e)
        raise InputError(f"{path}: cannot read ({why})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory, not a reference list")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file (a device, FIFO or socket); pipe it in with '-' instead")
    if st.st_size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: {st.st_size // 2**20} MiB is more than a reference list ({MAX_INPUT_BYTES // 2**20} "
                         "MiB at most)")
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_INPUT_BYTES + 1)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None


def read_stdin(stream: BinaryIO) -> bytes:
    """Standard input, up to the same limit as a file."""
    data = stream.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"standard input: more than a reference list ({MAX_INPUT_BYTES // 2**20} MiB at most)")
    return data


def read_document(path: str, requested: str | None = None, stdin: bytes | None = None,
                  data: bytes | None = None, *, all_links: bool = False) -> Document:
    """Parse one input (a path, or "-" for standard input); InputError when it has no references. ``data`` is
    the input's content when it was read already (a page fetched by its URL: ``path`` is then the URL).
    ``all_links``: every link of the document is a reference, those outside its reference list too."""
    if path == "-":
        data = stdin if stdin is not None else b""
        name = "<stdin>"
    elif data is not None:
        name = path
    else:
        data = read_input_file(path)
        name = path
    if not data.strip():
        raise NoReferences(f"{name}: empty file")
    text = decode(data, name)
    del data  # (a big input is held once, as text)
    parser = choose_parser(text, name if path != "-" else None, requested)
    refs = parser.parse(text, name if path != "-" else "-")
    if any(r.number is None for r in refs):
        # keyed formats (BibTeX, CSL-JSON, RIS, named footnotes): the entry's position is its number
        from dataclasses import replace

        refs = [r if r.number is not None else replace(r, number=i) for i, r in enumerate(refs, 1)]
    outside = 0
    source = name if path != "-" else "-"
    if all_links:
        from .links import link_references

        shown, context, lines = _as_read(parser, text, source)
        refs += link_references(shown, context, source, refs, lines)
    elif len(text) <= COUNT_OUTSIDE_CHARS:
        from .links import count_links_outside

        # the links a reader sees that no reference holds are counted, so leaving them unchecked is said, not silent
        shown, context, _ = _as_read(parser, text, source)
        outside = count_links_outside(shown, context, refs)
    if not refs:
        raise NoReferences(f"{name}: no references found (read as {parser.name}: {parser.description})")
    return Document(name, parser.name, text, tuple(refs), outside)


#: links outside the reference list are counted in texts up to this size (a pathological 50 MB line would take
#: seconds; no reference list is near it)
COUNT_OUTSIDE_CHARS = 8 * 1024 * 1024


def _as_read(parser: Parser, text: str, source: str) -> tuple[str, str, list[int] | None]:
    """The text whose links a reader sees, how its links are read, and (for a rendering, such as HTML's) the
    document's line of each of its lines."""
    if parser.rendering is None:
        return text, parser.context, None
    lines = parser.rendering(text, source)
    return "\n".join(t for _, t in lines), "markdown", [n for n, _ in lines]


# folders a walk never enters: version control, dependencies, caches, build output
_NOT_WALKED = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache",
                         ".pytest_cache", "site-packages", "_build", "_site", "dist", "build"})
_GLOB_CHARS = re.compile(r"[*?\[]")


def is_page_url(path: str) -> bool:
    """An input naming a published page (http:// or https://) rather than a file."""
    return path.lower().startswith(("http://", "https://"))


def expand_inputs(paths: list[str], exclude: tuple[str, ...] = ()) -> list[str]:
    """The inputs as given, with folders and glob patterns (``docs/**/*.md``, quoted so the shell leaves them)
    turned into the files they hold, in order. A folder gives the files whose extension an input format reads,
    hidden ones and those under dependency or build folders left out; ``exclude`` globs leave out more (matched
    against the path, relative to the folder or pattern, and against the file's name). A file named
    explicitly is always read."""
    out: list[str] = []
    for path in paths:
        if not path.strip():
            raise InputError("an empty input name names no file (a folder is named, '.' for this one)")
        is_dir = _is(Path.is_dir, path)
        if path == "-" or is_page_url(path) or _is(Path.is_file, path) or is_dir is None:
            out.append(path)  # (a name the system refuses, such as one too long: reading it says why)
            continue
        if is_dir:
            root = Path(path)
            found = _walk(root)
        elif _GLOB_CHARS.search(path):
            root = _glob_root(path)
            found = sorted(Path(p) for p in globmodule.glob(path, recursive=True) if Path(p).is_file()
                           and not _NOT_WALKED.intersection(Path(p).parts[len(root.parts):]))
            if not found:
                raise InputError(f"{path}: no file matches this pattern")
        else:
            out.append(path)  # reading it says what is wrong with it
            continue
        kept = [f for f in found if not _excluded(f, root, exclude) and not _own_report(f)]
        if not kept:
            raise InputError(f"{path}: no reference files here" + (" (all excluded)" if found else ""))
        out += [str(f) for f in kept]
    return list(dict.fromkeys(out))


#: how citecheck's own HTML and Markdown reports begin: a report saved beside the lists it checked is not a list
#: (read as one, its links would be checked as references on the next run)
_OWN_REPORT = re.compile(rb'<meta name="generator" content="citecheck|<title>citecheck report</title>|\A# citecheck report\n')


def _own_report(path: Path) -> bool:
    try:
        if not path.is_file():
            return False  # a FIFO would block the open; reading it says what it is
        with path.open("rb") as f:
            start = f.read(1024)
    except OSError:
        return False  # reading it says why
    return _OWN_REPORT.search(start) is not None


def _is(test: Callable[[Path], bool], path: str) -> bool | None:
    """``test`` of the path; None when the system will not say (a name too long, say)."""
    try:
        return test(Path(path))
    except OSError:
        return None


def _walk(folder: Path) -> list[Path]:
    readable = {ext for p in PARSERS.values() for ext in p.extensions if ext}
    found = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_WALKED)
        found += [Path(here) / f for f in sorted(files) if not f.startswith(".") and _walked(f, readable)]
    return found


def _walked(name: str, readable: set[str]) -> bool:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":  # package.json and friends are JSON too: only CSL-JSON by its name
        return name.lower().endswith((".csl.json", ".csljson.json"))
    return suffix in readable


def _glob_root(pattern: str) -> Path:
    """The folder a pattern starts from: its parts before the first wildcard."""
    fixed = list(itertools.takewhile(lambda part: not _GLOB_CHARS.search(part), Path(pattern).parts))
    return Path(*fixed) if fixed else Path(".")


def _excluded(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        relative = path.as_posix()
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(path.as_posix(), p)
               or (p.endswith("/**") and (relative + "/").startswith(p[:-2])) for p in patterns)


def read_references(path: str, requested: str | None = None, stdin: bytes | None = None) -> list[Reference]:
    return list(read_document(path, requested, stdin).references)
