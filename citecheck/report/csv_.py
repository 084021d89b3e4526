"""CSV: one row per reference, for spreadsheets."""
from __future__ import annotations

import csv
import io

from ..model import IdentifierVerdict, Report
from . import Formatter, View, register
from .common import what_to_do

COLUMNS = ("number", "key", "source", "line", "title", "url", "archive_url", "live_state", "live_detail",
           "live_status", "live_final_url", "archive_state", "archive_detail", "capture_timestamp",
           "suggested_snapshot", "attention", "actions", "live_rule", "archive_rule",
           "cached", "doi", "doi_state", "doi_registry_title", "doi_resolves_to")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (OWASP's advice
    against CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _identifier_cells(ident: IdentifierVerdict | None) -> tuple[str, str, str, str]:
    if ident is None:
        return "", "", "", ""
    return ident.value, ident.state.value, ident.registry_title or "", ident.resolves_to or ""


def render(report: Report, view: View) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in report.results:
        ref, v = r.reference, r.verdict
        link = ref.archive_link
        w.writerow([_cell(c) for c in [
            ref.number if ref.number is not None else "", ref.key, ref.source, ref.line, ref.title or "", ref.url or "",
            link.url if link else "", v.live.state.value, v.live.detail, v.live.status or "", v.live.final_url or "",
            v.archive.state.value, v.archive.detail, v.archive.capture_timestamp or "",
            v.archive.suggestion.url if v.archive.suggestion else "", "yes" if v.attention else "no",
            what_to_do(r).replace("\n", " | "), v.live.rule, v.archive.rule, " ".join(sorted(r.cached)),
            *_identifier_cells(v.identifier),
        ]])
    if report.partial:  # (a spreadsheet shows no header or footer: a last row says so)
        w.writerow(["", "(partial)", "", "", f"interrupted: {len(report.results)} of {report.total} references checked"]
                   + [""] * (len(COLUMNS) - 5))
    return buf.getvalue()


register(Formatter("csv", "CSV, one row per reference", render, ".csv", (".csv",)))
