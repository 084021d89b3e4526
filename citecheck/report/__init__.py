"""Output formats: one formatter per format in a registry; the CLI's ``--format`` choices come from it.

Every formatter reads the same Report and the same verdict vocabulary, and returns text; only the CLI
writes it anywhere. How a human-facing format is shown (colour, width, links, which references, evidence)
is a :class:`View`; the machine formats ignore it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..model import Report
from ..registry import Registry
from .scrub import scrubbed


@dataclass(frozen=True)
class View:
    color: bool = False
    width: int = 120
    hyperlinks: bool = False  # OSC 8 links in a terminal (the link is always to the whole URL)
    fit: bool = False  # a terminal: lines fit the width, cited URLs shortened in the middle (files: all whole)
    show: str = "all"  # which references the table lists: "all", "attention", or "auto" (all for short lists)
    verbose: bool = False  # the evidence under each reference


@dataclass(frozen=True)
class Formatter:
    name: str
    description: str
    render: Callable[[Report, View], str]
    extension: str
    suffixes: tuple[str, ...] = ()  # file name endings that mean this format (``-o report.sarif.json``)
    #: the same text in pieces, for formats that can write a long report without holding it whole
    pieces: Callable[[Report, View], Iterable[str]] | None = None


FORMATTERS: Registry[Formatter] = Registry(__name__, __path__)


def register(formatter: Formatter) -> Formatter:
    return FORMATTERS.register(formatter.name, formatter)


def format_names() -> list[str]:
    return sorted(FORMATTERS.names())


def format_for_path(path: str) -> str | None:
    """The format a file name asks for by its ending (the longest ending that names one), or None."""
    name = path.lower()
    endings = [(suffix, f.name) for f in FORMATTERS.values() for suffix in f.suffixes if name.endswith(suffix)]
    return max(endings, key=lambda e: len(e[0]))[1] if endings else None


def _formatter(format: str) -> Formatter:
    formatter = FORMATTERS.get(format)
    if formatter is None:
        raise ValueError(f"unknown report format {format!r} (choose from {', '.join(format_names())})")
    return formatter


def render(report: Report, format: str = "table", *, color: bool = False, width: int = 120,
           hyperlinks: bool = False, fit: bool = False, show: str = "all", verbose: bool = False) -> str:
    """The report as text in one of the registered formats (:func:`format_names`)."""
    return _formatter(format).render(scrubbed(report), View(color, width, hyperlinks, fit, show, verbose))


def render_pieces(report: Report, format: str = "table", *, color: bool = False, width: int = 120,
                  hyperlinks: bool = False, fit: bool = False, show: str = "all",
                  verbose: bool = False) -> Iterator[str]:
    """:func:`render`'s text in pieces that join to it: a file is written as they come, and a format that can
    (JSON) never holds the whole text of a long report at once."""
    formatter = _formatter(format)
    view = View(color, width, hyperlinks, fit, show, verbose)
    if formatter.pieces is None:
        yield formatter.render(scrubbed(report), view)
    else:
        yield from formatter.pieces(scrubbed(report), view)
