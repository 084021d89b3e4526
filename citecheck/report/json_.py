"""JSON report, schema ``citecheck/1``: the machine contract every other format is a view of."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from json.encoder import encode_basestring  # (the C function, where there is one)
from typing import Any

from ..model import (
    Action,
    ArchiveVerdict,
    Capture,
    CrossCheck,
    Hop,
    IdentifierVerdict,
    LiveVerdict,
    LookupResult,
    OtherVerdict,
    Report,
    Result,
    SignatureMatch,
)
from . import Formatter, View, register

SCHEMA = "citecheck/1"


def _chain(hops: tuple[Hop, ...]) -> list[dict[str, Any]]:
    return [{"method": h.method, "url": h.url, "status": h.status} for h in hops]


def _capture(c: Capture | None) -> dict[str, Any] | None:
    return None if c is None else {"timestamp": c.timestamp, "status": c.status, "url": c.url}


def _signatures(matches: tuple[SignatureMatch, ...]) -> list[dict[str, Any]]:
    return [{"name": m.name, "kind": m.kind, "where": m.where, "text": m.text, "strong": m.strong} for m in matches]


def live_dict(v: LiveVerdict) -> dict[str, Any]:
    return {"state": v.state.value, "rule": v.rule, "detail": v.detail, "status": v.status, "final_url": v.final_url,
            "title": v.title, "error": v.error, "chain": _chain(v.chain), "signatures": _signatures(v.signatures)}


def archive_dict(v: ArchiveVerdict) -> dict[str, Any]:
    return {"state": v.state.value, "rule": v.rule, "detail": v.detail, "url": v.url,
            "requested_timestamp": v.requested_timestamp, "capture_timestamp": v.capture_timestamp,
            "captured_status": v.captured_status, "distance_days": v.distance_days, "title": v.title,
            "suggestion": _capture(v.suggestion), "chain": _chain(v.chain), "signatures": _signatures(v.signatures)}


def other_dict(o: OtherVerdict) -> dict[str, Any]:
    """One of the entry's other URLs: the verdict of the page (live) or of the snapshot link (archive)."""
    return {"url": o.url, "kind": "original" if o.live else "snapshot",
            "live": live_dict(o.live) if o.live else None, "archive": archive_dict(o.archive) if o.archive else None}
def identifier_dict(v: IdentifierVerdict | None) -> dict[str, Any] | None:
    """The reference's persistent identifier (null when it has none): the contract of ``identifier``."""
    if v is None:
        return None
    return {"scheme": v.scheme, "value": v.value, "state": v.state.value, "registry_title": v.registry_title,
            "resolves_to": v.resolves_to}


def _lookup(found: LookupResult | None) -> dict[str, Any] | None:
    return None if found is None else {"source": found.source, "target": found.target,
                                       "capture": _capture(found.capture), "error": found.error}


def _action(a: Action) -> dict[str, Any]:
    return {"kind": a.kind, "text": a.text, "url": a.url}


def result_dict(r: Result) -> dict[str, Any]:
    ref, v = r.reference, r.verdict
    link = ref.archive_link
    return {
        "number": ref.number,
        "key": ref.key,
        "source": ref.source,
        "line": ref.line,
        "title": ref.title,
        "url": ref.url,
        "archive_url": link.url if link else None,
        "access_date": ref.access_date.isoformat() if ref.access_date else None,
        "live": live_dict(v.live),
        "archive": archive_dict(v.archive),
        "identifier": identifier_dict(v.identifier),
        "attention": v.attention,
        "misleads": v.misleads,
        "cached": sorted(r.cached),
        "actions": [_action(a) for a in v.actions],
        "evidence": {
            "live_rule": v.live.rule,
            "archive_rule": v.archive.rule,
            "urls": list(ref.urls),
            "archive_service": link.service if link else None,
            "lookup": _lookup(r.lookup),
            "elsewhere": _lookup(r.elsewhere),
            "identifier": None if v.identifier is None else {
                "rule": v.identifier.rule, "detail": v.identifier.detail, "agency": v.identifier.agency},
            "registry_requests": [f"{h.method} {h.url} → {h.status}" for h in r.identifier.asked] if r.identifier else [],
            "notes": list(v.notes),
            "other_urls": [other_dict(o) for o in v.others],
            "history": r.history,
        },
    }


def crosscheck_dict(c: CrossCheck) -> dict[str, Any]:
    return {"source": c.source, "markers": c.markers, "cited_missing": list(c.cited_missing),
            "never_cited": list(c.never_cited), "duplicates": list(c.duplicates), "gaps": list(c.gaps),
            "gaps_total": c.gaps_total, "attention": c.needs_attention}


def summary(report: Report) -> dict[str, Any]:
    return {
        "references": len(report.results),
        "attention": len(report.needing_attention),
        "misleading": sum(1 for r in report.results if r.verdict.misleads),
        "cached": sum(1 for r in report.results if r.cached),
        "citation_problems": sum(1 for c in report.crosschecks if c.needs_attention),
        "live": dict(Counter(r.verdict.live.state.value for r in report.results)),
        "archive": dict(Counter(r.verdict.archive.state.value for r in report.results)),
        "identifier": dict(Counter(r.verdict.identifier.state.value for r in report.results if r.verdict.identifier)),
    }


def report_dict(report: Report, references: bool = True) -> dict[str, Any]:
    """The whole report as JSON-ready data (``references=False``: without its references)."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "citecheck", "version": report.version},
        "run": {
            "started": report.started.isoformat(timespec="seconds"),
            "finished": report.finished.isoformat(timespec="seconds"),
            "duration_s": round((report.finished - report.started).total_seconds(), 2),
            "sources": list(report.sources),
            "settings": report.settings,
            "partial": report.partial,
            "references_given": report.total if report.partial else len(report.results),
            "offline": report.offline,
            "notes": list(report.notes),
        },
        "summary": summary(report),
        "crosscheck": [crosscheck_dict(c) for c in report.crosschecks],
        "references": [result_dict(r) for r in report.results] if references else [],
    }


def render(report: Report, view: View) -> str:
    return "".join(pieces(report, view))


def pieces(report: Report, view: View) -> Iterator[str]:
    """The report's JSON as ``json.dumps(report_dict(report), indent=2)`` writes it, one reference at a time:
    a 10,000-reference report is never held whole, as a dict or as text."""
    head = json.dumps(dict(report_dict(report, references=False), references=[]), ensure_ascii=False, indent=2)
    cut = head.rindex('"references": []')
    yield head[:cut] + '"references": ['
    for i, r in enumerate(report.results):
        yield ("," if i else "") + "\n    " + indented(result_dict(r), "\n    ")
    yield ("\n  ]" if report.results else "]") + head[cut + len('"references": []'):] + "\n"


def indented(value: Any, newline: str = "\n") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` with every line but the first after ``newline`` (a line
    break and the indentation the value sits at). With an indent, the json module encodes in Python, a generator
    per container; this builds a list of strings, twice as fast on a long report."""
    out: list[str] = []
    _emit(value, newline, out)
    return "".join(out)


def _emit(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None or value is True or value is False or isinstance(value, (int, float)):
        out.append(_scalar(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner, opening = newline + "  ", "{"
        for key, item in value.items():
            out.append(opening + inner + encode_basestring(key if isinstance(key, str) else _scalar(key)) + ": ")
            opening = ","
            _emit(item, inner, out)
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner, opening = newline + "  ", "["
        for item in value:
            out.append(opening + inner)
            opening = ","
            _emit(item, inner, out)
        out.append(newline + "]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _scalar(value: Any) -> str:
    """A number, a boolean or null as the json module writes it (as a key too: keys are strings)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        return "Infinity" if value == _INFINITY else "-Infinity" if value == -_INFINITY else float.__repr__(value)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(value).__name__}")


_INFINITY = float("inf")


register(Formatter("json", "JSON (schema citecheck/1)", render, ".json", (".json",), pieces))
