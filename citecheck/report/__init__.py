"""Output formats: one formatter per format in a registry; the CLI's ``--format`` choices come from it.

Every formatter reads the same Report and the same verdict vocabulary, and returns text; only the CLI
writes it anywhere.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Report
from ..registry import Registry
from .scrub import scrubbed


@dataclass(frozen=True)
class Formatter:
    name: str
    description: str
    render: Callable[..., str]  # (report, *, color: bool, width: int) -> text
    extension: str


FORMATTERS: Registry[Formatter] = Registry(__name__, __path__)


def register(formatter: Formatter) -> Formatter:
    return FORMATTERS.register(formatter.name, formatter)


def format_names() -> list[str]:
    return sorted(FORMATTERS.names())


def render(report: Report, format: str = "table", *, color: bool = False, width: int = 120) -> str:
    """The report as text in one of the registered formats (:func:`format_names`)."""
    formatter = FORMATTERS.get(format)
    if formatter is None:
        raise ValueError(f"unknown report format {format!r} (choose from {', '.join(format_names())})")
    return formatter.render(scrubbed(report), color=color, width=width)
