"""SARIF 2.1.0 for code-scanning dashboards: one result per reference needing attention, at its line."""
from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

from ..model import Report, Result
from ..vocab import ArchiveState, IdentifierState, LiveState
from . import Formatter, View, register
from .common import identifier_words, label, problem_state, severity, state_kind, what_to_do

INFO_URI = "https://pypi.org/project/citecheck/"
CITATION_RULES = {
    "citation/missing": "Cited in the text but missing from the reference list",
    "citation/duplicate": "Defined more than once in the reference list",
}
RULE_TEXT = {f"{state_kind(s)}/{s.value}": s.summary
             for s in [*ArchiveState, *LiveState, *IdentifierState] if s.needs_fix or s.policy.unvouched} | CITATION_RULES


def rule_id(r: Result) -> str:
    state = problem_state(r)
    return f"{state_kind(state)}/{state.value}"


def artifact_uri(source: str) -> str:
    """A source file as a SARIF artifact URI: relative to the working folder when it lies within it (code
    scanning resolves relative URIs against the repository's root, where CI runs), percent-encoded ("sp dir/a#1.txt"
    is "sp%20dir/a%231.txt"); a file elsewhere as a file: URI; standard input as "-"."""
    if not source or source == "-":
        return "-"
    path = Path(source)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return urllib.parse.quote(path.as_posix(), safe="/")


def _location(uri: str, line: int | None) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(uri)}}}
    if line:
        loc["physicalLocation"]["region"] = {"startLine": line}
    return loc


def sarif_dict(report: Report) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for r in report.needing_attention:
        ref, v = r.reference, r.verdict
        text = f"{label(r)} {ref.url or ''}: original {v.live.state.value} ({v.live.detail}); snapshot " \
               f"{v.archive.state.value} ({v.archive.detail}){'; ' + identifier_words(r) if v.identifier else ''}. " \
               f"{what_to_do(r)}".strip()
        results.append({
            "ruleId": rule_id(r), "level": severity(r).level, "message": {"text": text},
            "locations": [_location(ref.source, ref.line)],
            "partialFingerprints": {"citecheck/v1": f"{ref.key}|{ref.url or ''}"},
            "properties": {"reference": ref.key, "live": v.live.state.value, "archive": v.archive.state.value,
                           "liveRule": v.live.rule, "archiveRule": v.archive.rule,
                           "identifier": v.identifier.state.value if v.identifier else None,
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
    used = sorted({str(res["ruleId"]) for res in results})
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "citecheck", "version": report.version, "informationUri": INFO_URI,
                                "rules": [{"id": rid, "shortDescription": {"text": RULE_TEXT.get(rid, rid)}}
                                          for rid in used]}},
            "results": results,
            "invocations": [{"executionSuccessful": not report.partial,
                             "startTimeUtc": report.started.isoformat(timespec="seconds").replace("+00:00", "Z"),
                             "endTimeUtc": report.finished.isoformat(timespec="seconds").replace("+00:00", "Z")}],
        }],
    }


def render(report: Report, view: View) -> str:
    return json.dumps(sarif_dict(report), ensure_ascii=False, indent=2) + "\n"


register(Formatter("sarif", "SARIF 2.1.0 (code scanning)", render, ".sarif", (".sarif", ".sarif.json")))
