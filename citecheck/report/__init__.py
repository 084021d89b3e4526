"""Output formats: one formatter per format in a registry; the CLI's ``--format`` choices come from it.

Every formatter reads the same Report and the same verdict vocabulary, and returns text; only the CLI
writes it anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..model import Report


@dataclass(frozen=True)
class Formatter:
    name: str
    description: str
    render: Callable[..., str]  # (report, *, color: bool, width: int) -> text
    extension: str


FORMATTERS: dict[str, Formatter] = {}


def register(formatter: Formatter) -> Formatter:
    FORMATTERS[formatter.name] = formatter
    return formatter


def _load() -> None:
    from . import csv_, github, html, json_, junit, markdown, sarif, table  # noqa: F401  (registration)


def format_names() -> list[str]:
    _load()
    return list(FORMATTERS)


def render(name: str, report: Report, *, color: bool = False, width: int = 120) -> str:
    _load()
    return FORMATTERS[name].render(report, color=color, width=width)
