"""How `citecheck save` reports what it did: a line per URL (table) or JSON."""
from __future__ import annotations

import json

from ..model import Result, SaveOutcome
from ..vocab import SaveStatus
from .common import label

SAVE_FORMATS = ("table", "json")


def render_saves(rows: list[tuple[Result, SaveOutcome]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"schema": "citecheck/1-save", "saved": [
            {"number": r.reference.number, "key": r.reference.key, "source": r.reference.source,
             "line": r.reference.line, "url": o.url, "status": o.status, "snapshot": o.snapshot,
             "timestamp": o.timestamp, "status_ext": o.status_ext, "message": o.message, "resumed": o.resumed}
            for r, o in rows]}, ensure_ascii=False, indent=2) + "\n"
    lines = []
    for r, o in rows:
        what = o.snapshot if o.status is SaveStatus.SUCCESS else f"{o.status} {o.status_ext or ''} {o.message}".strip()
        lines.append(f"{label(r)} {o.url}\n    {what}")
    ok = sum(1 for _, o in rows if o.status is SaveStatus.SUCCESS)
    return "\n".join([*lines, f"{ok} of {len(rows)} saved"]) + "\n"


def render_candidates(results: list[Result]) -> str:
    """What `save --dry-run` would save."""
    lines = [f"{label(r)} {r.reference.url} (snapshot: {r.verdict.archive.state.value})" for r in results]
    return "\n".join(["would save:", *lines] if lines else ["nothing to save"]) + "\n"
