"""How `citecheck parse` shows parsed references (no network): a table, or JSON."""
from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..model import CrossCheck, Reference
from .scrub import scrubbed


def reference_dict(ref: Reference) -> dict[str, Any]:
    return {
        "number": ref.number,
        "key": ref.key,
        "source": ref.source,
        "line": ref.line,
        "title": ref.title,
        "url": ref.url,
        "urls": list(ref.urls),
        "archive_links": [
            {"url": a.url, "service": a.service, "kind": a.kind, "original": a.original, "timestamp": a.timestamp,
             "modifier": a.modifier or None}
            for a in ref.archive_links
        ],
        "doi": ref.doi,
        "access_date": ref.access_date.isoformat() if ref.access_date else None,
        "year": ref.year,
        "url_status": ref.url_status,
        "problems": list(ref.problems),
        "raw": ref.raw,
    }


def render_parsed(refs: list[Reference], fmt: str, crosschecks: tuple[CrossCheck, ...] = ()) -> str:
    refs, crosschecks = scrubbed(refs), scrubbed(crosschecks)
    if fmt == "json":
        from .json_ import crosscheck_dict

        return json.dumps({"schema": "citecheck/1-parse", "references": [reference_dict(r) for r in refs],
                           "crosscheck": [crosscheck_dict(c) for c in crosschecks]},
                          ensure_ascii=False, indent=2) + "\n"
    buf = io.StringIO()
    console = Console(file=buf, width=160, no_color=True, highlight=False)
    table = Table(show_lines=False)
    for col in ("Ref", "Line", "Title", "Original URL", "Snapshot"):
        table.add_column(col, overflow="fold")
    for r in refs:
        link = r.archive_link
        snap = f"{link.service} {link.timestamp or ''}".strip() if link else ""
        # (Text: a title such as "[link=…]x[/link]" is shown, never read as rich markup)
        table.add_row(*(Text(cell) for cell in (r.key, str(r.line), (r.title or "")[:80], r.url or "", snap)))
    console.print(table)
    console.print(f"{len(refs)} references, {sum(1 for r in refs if r.url)} with URLs, "
                  f"{sum(1 for r in refs if r.archive_links)} with archive links, {sum(1 for r in refs if r.doi)} with DOIs")
    from .common import crosscheck_lines

    for line in crosscheck_lines(crosschecks):
        console.print(Text(line))
    return buf.getvalue()
