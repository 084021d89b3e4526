"""HTML reference lists: ``<ol><li>`` entries (the last list with links, or the one after a references
heading) and Robust Links (``data-originalurl``, ``data-versionurl``, ``data-versiondate``)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..dates import parse_date
from ..model import Reference
from . import Parser, register
from .common import make_reference, unique


@dataclass
class _Item:
    line: int
    text: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    date: dt.date | None = None


class _Lists(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lists: list[list[_Item]] = []  # each <ol>/<ul>, as it closes
        self.stack: list[list[_Item]] = []
        self.items_open: list[_Item] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in ("ol", "ul"):
            self.stack.append([])
        elif tag == "li" and self.stack:
            item = _Item(self.getpos()[0])
            self.stack[-1].append(item)
            self.items_open.append(item)
        elif tag == "a" and self.items_open:
            item = self.items_open[-1]
            for name in ("data-originalurl", "href", "data-versionurl"):
                if a.get(name, "").strip().lower().startswith(("http://", "https://", "//")):
                    item.urls.append(a[name].strip())
            if a.get("data-versiondate"):
                item.date = item.date or parse_date(a["data-versiondate"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.items_open:
            self.items_open.pop()
        elif tag in ("ol", "ul") and self.stack:
            self.lists.append(self.stack.pop())

    def handle_data(self, data: str) -> None:
        if self.items_open:
            self.items_open[-1].text.append(data)


def parse_html(text: str, source: str) -> list[Reference]:
    p = _Lists()
    p.feed(text)
    p.close()
    linked = [lst for lst in p.lists if any(i.urls for i in lst)]
    if not linked:
        return []
    chosen = max(linked, key=lambda lst: (sum(1 for i in lst if i.urls), p.lists.index(lst)))
    refs = []
    for n, item in enumerate(chosen, 1):
        raw = re.sub(r"\s+", " ", "".join(item.text)).strip()
        refs.append(make_reference(number=n, raw=raw, line=item.line, source=source,
                                   urls=tuple(unique(item.urls)), access_date=item.date, scan_text=False,
                                   title=None))
    return refs


def _sniff(text: str) -> float:
    head = text[:4000].lower()
    return 0.8 if ("<html" in head or "<!doctype html" in head or "<ol" in head) and "<li" in text.lower() else 0.0


register(Parser("html", "HTML <ol>/<ul> lists, Robust Links attributes", (".html", ".htm", ".xhtml"), parse_html, _sniff))
