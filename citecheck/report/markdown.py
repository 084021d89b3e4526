"""Markdown: a table to paste into an issue or a pull request, references needing attention first."""
from __future__ import annotations

from ..model import Report
from . import Formatter, register
from .common import archive_words, crosscheck_lines, identifier_words, label, live_words, what_to_do


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def render(report: Report, *, color: bool = False, width: int = 120) -> str:
    n, k = len(report.results), len(report.needing_attention)
    out = ["# citecheck report", "", f"{n} references, **{k} need attention**.", ""]
    out += ["| Ref | Attention | Original | Snapshot | What to do |", "|---|---|---|---|---|"]
    ordered = sorted(report.results, key=lambda r: (not r.verdict.attention, r.reference.line))
    for r in ordered:
        original = live_words(r) + (f"<br>{r.reference.url}" if r.reference.url else "") + (
            f"<br>{identifier_words(r)}" if r.verdict.identifier else "")
        out.append("| " + " | ".join([
            _cell(label(r)), "**yes**" if r.verdict.attention else "no", _cell(original), _cell(archive_words(r)),
            _cell(what_to_do(r) or "—"),
        ]) + " |")
    problems = crosscheck_lines(report.crosschecks)
    if problems:
        out += ["", "## In-text citations", ""] + [f"- {line}" for line in problems]
    return "\n".join(out) + "\n"


register(Formatter("markdown", "Markdown table", render, ".md"))
