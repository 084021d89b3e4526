"""Every link of a document as a reference (``--all-links``, the coverage of a link checker such as lychee):
the links outside the reference list too, such as a Markdown "Additional resources" list of archived links.

Each line's links become references: a snapshot link goes with the original it keeps when that original is
on the same line (``[Project](http://a.org/) ([archived](https://web.archive.org/web/…/http://a.org/))``),
every other link is a reference of its own. A URL the reference list already cites, or an earlier line
already gave, is not repeated.
"""
from __future__ import annotations

import bisect
import re

from ..archives import parse_archive_link
from ..model import Reference
from ..urls import absolute, extract_urls, same_resource
from .common import make_reference
from .roles import clean_title, markdown_links


def _groups(urls: list[str]) -> list[list[str]]:
    """A line's URLs grouped: each original with the snapshot links of it, every other URL alone."""
    archives = {u: parse_archive_link(u) for u in urls}
    originals = [u for u in urls if archives[u] is None]
    snapshots = len(urls) - len(originals)
    groups: dict[str, list[str]] = {u: [u] for u in originals}
    ordered: list[list[str]] = []
    for u in urls:
        link = archives[u]
        if link is None:
            ordered.append(groups[u])
            continue
        partner = next((o for o in originals if link.original and same_resource(o, link.original)), None)
        if partner is None and len(originals) == 1 and snapshots == 1:
            partner = originals[0]  # one page and one snapshot on a line: a snapshot of it (even if cut short)
        if partner is None:
            ordered.append([u])
        else:
            groups[partner].append(u)
    return ordered


def _fresh(text: str, context: str, cited: list[Reference]) -> list[tuple[int, str]]:
    """The links of ``text`` that ``cited`` (or an earlier link) does not already hold, with their offsets, in
    order."""
    seen = {u for r in cited for u in r.urls} | {a.original for r in cited for a in r.archive_links if a.original}
    fresh = []
    for span in extract_urls(text, context):
        url = absolute(span.url)
        if url not in seen:
            seen.add(url)
            fresh.append((span.start, url))
    return fresh


def count_links_outside(text: str, context: str, cited: list[Reference]) -> int:
    """How many links of ``text`` ``cited`` does not cover: what link_references would add, without making them."""
    return len(_fresh(text, context, cited))


def link_references(text: str, context: str, source: str, cited: list[Reference],
                    source_lines: list[int] | None = None) -> list[Reference]:
    """References for the links of ``text`` (read as ``context``) that ``cited`` does not cover.
    ``source_lines`` maps the text's lines to the document's, when the text is a rendering of it (HTML)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]  # where each line begins
    by_line: dict[int, list[str]] = {}
    for offset, url in _fresh(text, context, cited):
        by_line.setdefault(bisect.bisect_right(starts, offset), []).append(url)
    refs: list[Reference] = []
    for line, fresh in by_line.items():
        line_text = text[starts[line - 1]:starts[line] - 1 if line < len(starts) else len(text)]
        number = source_lines[line - 1] if source_lines and line <= len(source_lines) else line
        titles = {absolute(link.url): clean_title(link.text) for link in markdown_links(line_text)} \
            if context == "markdown" else {}
        for i, group in enumerate(_groups(fresh)):
            refs.append(make_reference(number=None, key=f"L{number}" + (f".{i + 1}" if i else ""),
                                       raw=line_text.strip(), line=number, source=source,
                                       title=titles.get(group[0]) or None, urls=tuple(group), scan_text=False))
    return refs
