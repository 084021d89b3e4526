"""GitHub Actions workflow commands: an annotation on each reference needing attention, at its line."""
from __future__ import annotations

from ..model import Report
from . import Formatter, View, register
from .common import crosscheck_lines, label, partial_words, severity, what_to_do
from .sarif import rule_id


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, view: View) -> str:
    lines = []
    for r in report.needing_attention:
        ref, v = r.reference, r.verdict
        title = f"citecheck {label(r)}: {rule_id(r)}"
        message = f"original {v.live.state.value} ({v.live.detail}); snapshot {v.archive.state.value} " \
                  f"({v.archive.detail})\n{what_to_do(r)}"
        lines.append(f"::{severity(r).level} file={_escape_property(ref.source)},line={ref.line},"
                     f"title={_escape_property(title)}::{_escape_data(message.strip())}")
    for c in report.crosschecks:
        if c.needs_attention:
            text = "; ".join(line.split(": ", 1)[1] for line in crosscheck_lines([c]))
            lines.append(f"::error file={_escape_property(c.source)},title=citecheck citations::{_escape_data(text)}")
    n, k = len(report.results), len(report.needing_attention)
    if report.partial:
        lines.append(f"::warning title=citecheck::{_escape_data(partial_words(report))}")
    lines.append(f"citecheck: {n} references, {k} need attention")
    return "\n".join(lines) + "\n"


register(Formatter("github", "GitHub Actions annotations", render, ".txt"))
