"""Markdown: a table to paste into an issue or a pull request, references needing attention first."""
from __future__ import annotations

import html

from ..model import Report
from . import Formatter, View, register
from .common import archive_words, crosscheck_lines, identifier_words, label, live_words, partial_words, what_to_do


def _cell(text: str) -> str:
    """Text in a table cell: HTML in it is shown, not rendered (a page title is a stranger's text)."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", "<br>")


def render(report: Report, view: View) -> str:
    n, k = len(report.results), len(report.needing_attention)
    out = ["# citecheck report", "", f"{n} references, **{k} need attention**.", ""]
    if report.partial:
        out[2:2] = [f"**{partial_words(report)}**", ""]
    out += ["| Ref | Attention | Original | Snapshot | What to do |", "|---|---|---|---|---|"]
    ordered = sorted(report.results, key=lambda r: (not r.verdict.attention, r.reference.line))
    for r in ordered:
        original = _cell(live_words(r)) + (f"<br>{_cell(r.reference.url)}" if r.reference.url else "") + (
            f"<br>{_cell(identifier_words(r))}" if r.verdict.identifier else "")
        out.append("| " + " | ".join([
            _cell(label(r)), "**yes**" if r.verdict.attention else "no", original, _cell(archive_words(r)),
            _cell(what_to_do(r) or "—"),
        ]) + " |")
    problems = crosscheck_lines(report.crosschecks)
    if problems:
        out += ["", "## In-text citations", ""] + [f"- {line}" for line in problems]
    if report.notes:
        out += ["", "## Notes", ""] + [f"- {_cell(note)}" for note in report.notes]
    return "\n".join(out) + "\n"


register(Formatter("markdown", "Markdown table", render, ".md", (".md", ".markdown")))
