"""The terminal table (rich): one row per reference, colour per state, the fixes, and summary counts."""
from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..model import Report
from . import Formatter, register
from .common import TONE_STYLE, crosscheck_lines, history_words, identifier_words, label, what_to_do


def render(report: Report, *, color: bool = False, width: int = 120) -> str:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False,
                      color_system="standard" if color else None)
    table = Table(show_lines=True, expand=True, header_style="bold")
    table.add_column("Ref", no_wrap=True, min_width=4)
    table.add_column("Original", ratio=4, overflow="fold")
    table.add_column("Snapshot", ratio=4, overflow="fold")
    table.add_column("What to do", ratio=5, overflow="fold")
    for r in report.results:
        v = r.verdict
        ref_cell = Text(label(r), style="bold red" if v.attention else "")
        live = Text(v.live.state.value, style=TONE_STYLE[v.live.state.tone])
        if v.live.detail and v.live.state.value not in ("none",):
            live.append(f"\n{v.live.detail}", style="dim")
        if history_words(r):
            live.append(f"\n{history_words(r)}", style="yellow")
        if r.reference.url:
            live.append(f"\n{r.reference.url}", style="dim")
        if v.identifier:
            live.append(f"\n{identifier_words(r)}", style=TONE_STYLE[v.identifier.state.tone])
        arch = Text(v.archive.state.value, style=TONE_STYLE[v.archive.state.tone])
        if v.archive.detail and v.archive.state.value not in ("none",):
            arch.append(f"\n{v.archive.detail}", style="dim")
        todo = Text(what_to_do(r) or "—", style="" if v.attention else "dim")
        table.add_row(ref_cell, live, arch, todo)
    console.print(table)
    n = len(report.results)
    attention = len(report.needing_attention)
    live_counts = Counter(r.verdict.live.state.value for r in report.results)
    arch_counts = Counter(r.verdict.archive.state.value for r in report.results)
    console.print(
        Text.assemble(
            (f"{n} references, ", "bold"),
            (f"{attention} need attention", "bold red" if attention else "bold green"),
        )
    )
    console.print("original: " + ", ".join(f"{k} {c}" for k, c in live_counts.most_common()))
    console.print("snapshot: " + ", ".join(f"{k} {c}" for k, c in arch_counts.most_common()))
    doi_counts = Counter(r.verdict.identifier.state.value for r in report.results if r.verdict.identifier)
    if doi_counts:
        console.print("DOI: " + ", ".join(f"{k} {c}" for k, c in doi_counts.most_common()))
    for line in crosscheck_lines(report.crosschecks):
        console.print(line, style="red" if "missing" in line or "more than once" in line else "yellow")
    return buf.getvalue()


register(Formatter("table", "rich table for a terminal (default)", render, ".txt"))
