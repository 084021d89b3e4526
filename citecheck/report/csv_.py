"""CSV: one row per reference, for spreadsheets."""
from __future__ import annotations

import csv
import io

from ..model import Report
from . import Formatter, register
from .common import what_to_do

COLUMNS = ("number", "key", "source", "line", "title", "url", "archive_url", "live_state", "live_detail",
           "live_status", "live_final_url", "archive_state", "archive_detail", "capture_timestamp",
           "suggested_snapshot", "attention", "actions", "live_rule", "archive_rule", "doi", "doi_state",
           "doi_registry_title", "doi_resolves_to")


def render(report: Report, *, color: bool = False, width: int = 120) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in report.results:
        ref, v = r.reference, r.verdict
        link = ref.archive_link
        w.writerow([
            ref.number if ref.number is not None else "", ref.key, ref.source, ref.line, ref.title or "", ref.url or "",
            link.url if link else "", v.live.state.value, v.live.detail, v.live.status or "", v.live.final_url or "",
            v.archive.state.value, v.archive.detail, v.archive.capture_timestamp or "",
            v.archive.suggestion.url if v.archive.suggestion else "", "yes" if v.attention else "no",
            what_to_do(r).replace("\n", " | "), v.live.rule, v.archive.rule,
            *((ident.value, ident.state.value, ident.registry_title or "", ident.resolves_to or "")
              if (ident := v.identifier) else ("", "", "", "")),
        ])
    return buf.getvalue()


register(Formatter("csv", "CSV, one row per reference", render, ".csv"))
