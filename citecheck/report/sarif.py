"""SARIF 2.1.0 for code-scanning dashboards: one result per reference needing attention, at its line."""
from __future__ import annotations

import json

from ..model import ARCHIVE_NEEDS_FIX, ArchiveState, LiveState, Report, Result
from . import Formatter, register
from .common import label, what_to_do

INFO_URI = "https://pypi.org/project/citecheck/"
ERRORS = {ArchiveState.MISSING, ArchiveState.CAPTURED_ERROR, ArchiveState.CAPTURED_REDIRECT, ArchiveState.SOFT404,
          ArchiveState.EXCLUDED, ArchiveState.UNCITED_NONE}
RULE_TEXT = {
    "archive/shifted": "The snapshot is far from the cited time",
    "archive/captured_error": "The snapshot captured an error page",
    "archive/captured_redirect": "The snapshot captured a redirect to a home, login or error page",
    "archive/missing": "The cited snapshot does not exist",
    "archive/excluded": "The archive excludes the URL",
    "archive/soft404": "The snapshot shows a not-found, challenge or parked page",
    "archive/uncited_available": "No snapshot is cited, but a good capture exists",
    "archive/uncited_none": "No snapshot is cited and none exists",
    "live/moved": "The original moved permanently",
    "live/parked": "The original's domain is parked or usurped",
    "live/drift": "The original no longer shows the cited work",
    "citation/missing": "Cited in the text but missing from the reference list",
    "citation/duplicate": "Defined more than once in the reference list",
}


def rule_id(r: Result) -> str:
    a, lv = r.verdict.archive.state, r.verdict.live.state
    if a in ARCHIVE_NEEDS_FIX:
        return f"archive/{a.value}"
    return f"live/{lv.value}"


def _level(r: Result) -> str:
    return "error" if r.verdict.archive.state in ERRORS or r.verdict.live.state is LiveState.PARKED else "warning"


def _location(uri: str, line: int | None) -> dict:
    loc: dict = {"physicalLocation": {"artifactLocation": {"uri": uri or "-"}}}
    if line:
        loc["physicalLocation"]["region"] = {"startLine": line}
    return loc


def sarif_dict(report: Report) -> dict:
    results = []
    for r in report.needing_attention:
        ref, v = r.reference, r.verdict
        text = f"{label(r)} {ref.url or ''}: original {v.live.state.value} ({v.live.detail}); snapshot " \
               f"{v.archive.state.value} ({v.archive.detail}). {what_to_do(r)}".strip()
        results.append({
            "ruleId": rule_id(r), "level": _level(r), "message": {"text": text},
            "locations": [_location(ref.source, ref.line)],
            "partialFingerprints": {"citecheck/v1": f"{ref.key}|{ref.url or ''}"},
            "properties": {"reference": ref.key, "live": v.live.state.value, "archive": v.archive.state.value,
                           "liveRule": v.live.rule, "archiveRule": v.archive.rule,
                           "fixes": [a.url for a in v.actions if a.url]},
        })
    for c in report.crosschecks:
        for key in c.cited_missing:
            results.append({"ruleId": "citation/missing", "level": "error",
                            "message": {"text": f"[{key}] is cited in the text but missing from the list"},
                            "locations": [_location(c.source, None)]})
        for key in c.duplicates:
            results.append({"ruleId": "citation/duplicate", "level": "error",
                            "message": {"text": f"[{key}] is defined more than once"},
                            "locations": [_location(c.source, None)]})
    used = sorted({res["ruleId"] for res in results})
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "citecheck", "version": report.version, "informationUri": INFO_URI,
                                "rules": [{"id": rid, "shortDescription": {"text": RULE_TEXT.get(rid, rid)}}
                                          for rid in used]}},
            "results": results,
            "invocations": [{"executionSuccessful": True,
                             "startTimeUtc": report.started.isoformat(timespec="seconds").replace("+00:00", "Z"),
                             "endTimeUtc": report.finished.isoformat(timespec="seconds").replace("+00:00", "Z")}],
        }],
    }


def render(report: Report, *, color: bool = False, width: int = 120) -> str:
    return json.dumps(sarif_dict(report), ensure_ascii=False, indent=2) + "\n"


register(Formatter("sarif", "SARIF 2.1.0 (code scanning)", render, ".sarif"))
