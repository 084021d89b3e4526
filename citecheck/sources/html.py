"""HTML: a page's reference list, read as a reader sees it.

The page is rendered to the Markdown a reader would write down (headings, numbered items, paragraphs, links as
``[text](url)``), leaving out what is no part of a citation: styles and scripts, navigation, Wikipedia's
back-links, print-only copies and edit links. That text is then read as Markdown, so an article's
``<ol>`` after a "References" heading, its ``<p>[1] …</p>`` paragraphs and a Wikipedia page's
``ol.references`` (title, cited page, "Archived from the original", "Retrieved …") are read by the same rules
as a page saved as Markdown. Robust Links (``data-originalurl``, ``data-versionurl``, ``data-versiondate``)
give the original, its snapshot and the time it was linked. Bulleted lists count when no numbered list does.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from ..model import Reference
from . import Parser, register

_BLOCKS = frozenset({"p", "div", "li", "ol", "ul", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                     "table", "blockquote", "section", "article", "aside", "header", "footer", "main", "figure",
                     "figcaption", "pre", "hr", "br", "body"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "base", "col", "embed",
                   "param", "track"})
_SKIPPED_TAGS = frozenset({"style", "script", "noscript", "template", "head", "svg", "math", "nav", "button",
                           "select", "textarea"})
# Wikipedia's back-links, print-only duplicates, COinS, edit links and navigation boxes
_SKIPPED_CLASSES = frozenset({"mw-cite-backlink", "printonly", "mw-editsection", "Z3988", "navbox", "catlinks",
                              "noprint", "mw-jump-link", "sr-only", "visually-hidden"})
_REFERENCE_LIST = re.compile(r"""<ol\b[^>]*\bclass\s*=\s*["'][^"']*\breferences\b""", re.IGNORECASE)


@dataclass
class _Element:
    tag: str
    skipped: bool = False
    references: bool = False


@dataclass
class _Anchor:
    href: str
    titled: bool
    original: str = ""
    version: str = ""
    version_date: str = ""
    start: int = 0  # where its text starts in the current line's pieces


class _Render(HTMLParser):
    """The page as Markdown-like lines, each with the source line it comes from."""

    def __init__(self, base: str | None, only_references: bool, number_bullets: bool):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.only_references = only_references
        self.number_bullets = number_bullets
        self.lines: list[tuple[int, str]] = []  # (source line, rendered line)
        self.stack: list[_Element] = []
        self.pieces: list[str] = []
        self.line = 1
        self.lists: list[list[int | str]] = []  # [kind, next number] per open list
        self.anchors: list[_Anchor] = []

    # --- state -------------------------------------------------------------------------------------------------

    @property
    def skipping(self) -> bool:
        return any(e.skipped for e in self.stack)

    @property
    def shown(self) -> bool:
        if self.skipping:
            return False
        return not self.only_references or any(e.references for e in self.stack)

    def flush(self, blank: bool = False) -> None:
        text = re.sub(r"[ \t\r\n\f\v]+", " ", "".join(self.pieces)).strip()
        if text:
            self.lines.append((self.line, text))
        if blank and self.lines and self.lines[-1][1]:
            self.lines.append((self.line, ""))
        self.pieces = []
        self.anchors = []

    # --- the parser's callbacks -----------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        classes = set(a.get("class", "").split())
        if tag in _BLOCKS and self.shown:
            self.flush(blank=tag not in ("li", "br", "tr", "dd", "dt"))
        if tag == "base" and a.get("href"):
            self.base = urllib.parse.urljoin(self.base or "", a["href"])
        if tag in _VOID:
            return
        skipped = tag in _SKIPPED_TAGS or bool(classes & _SKIPPED_CLASSES) or "mw:referencedBy" in a.get("rel", "") \
            or a.get("role") == "navigation" or a.get("aria-hidden") == "true"
        element = _Element(tag, skipped, tag == "ol" and "references" in classes)
        self.stack.append(element)
        if not self.pieces:  # the line a rendered line comes from: where its block starts
            self.line = self.getpos()[0]
        if tag in ("ol", "ul"):
            start = a.get("start", "1")
            self.lists.append([tag, int(start) if start.isdigit() else 1])
        elif tag == "li" and self.lists and self.shown:
            kind = self.lists[-1]
            if kind[0] == "ol" or self.number_bullets:
                self.pieces.append(f"{kind[1]}. ")
                kind[1] = int(kind[1]) + 1
            else:
                self.pieces.append("- ")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.shown:
            self.pieces.append("#" * int(tag[1]) + " ")
        elif tag == "a" and self.shown:
            self.anchors.append(_Anchor(self._absolute(a.get("href", "")), bool(a.get("title")),
                                        self._absolute(a.get("data-originalurl", "")),
                                        self._absolute(a.get("data-versionurl", "")), a.get("data-versiondate", ""),
                                        len(self.pieces)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(e.tag == tag for e in self.stack):
            return
        if tag == "a" and self.anchors and self.shown:
            self._close_anchor(self.anchors.pop())
        while self.stack:
            element = self.stack.pop()
            if element.tag in ("ol", "ul") and self.lists:
                self.lists.pop()
            if element.tag == tag:
                break
        if tag in _BLOCKS and (self.shown or not self.skipping):
            self.flush(blank=tag not in ("li", "tr", "dd", "dt"))

    def handle_data(self, data: str) -> None:
        if self.shown:
            if not self.pieces:
                self.line = self.getpos()[0]
            self.pieces.append(data)

    # --- links --------------------------------------------------------------------------------------------------

    def _absolute(self, href: str) -> str:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            return href
        if self.base and not href.lower().startswith(("http://", "https://", "ftp://", "//")):
            return urllib.parse.urljoin(self.base, href)
        return href

    def _close_anchor(self, anchor: _Anchor) -> None:
        text = re.sub(r"\s+", " ", "".join(self.pieces[anchor.start:])).strip()
        del self.pieces[anchor.start:]
        target = anchor.original or anchor.href
        if not _linkable(target):
            self.pieces.append(text)
            return
        label = re.sub(r"([\[\]])", r"\\\1", text)
        title = ' "title"' if anchor.titled else ""  # the page's link title: the mark of a wiki-internal link
        self.pieces.append(f"[{label}]({_destination(target)}{title})")
        version = anchor.version or (anchor.href if anchor.original and anchor.href != anchor.original else "")
        if _linkable(version):
            self.pieces.append(f" [archived]({_destination(version)})")
        if anchor.version_date:
            self.pieces.append(f" (linked; accessed {anchor.version_date})")


def _linkable(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "ftp://", "//"))


def _destination(url: str) -> str:
    """A URL as a Markdown destination that reads back as the same URL."""
    url = url.replace("&", "&amp;")
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def render(text: str, base: str | None = None, *, number_bullets: bool = False,
           whole: bool = False) -> list[tuple[int, str]]:
    """The page as (source line, Markdown line) pairs; only its reference lists when it marks them (Wikipedia),
    unless ``whole``."""
    renderer = _Render(base, not whole and bool(_REFERENCE_LIST.search(text)), number_bullets)
    renderer.feed(text)
    renderer.close()
    renderer.flush()
    return renderer.lines


def parse_html(text: str, source: str) -> list[Reference]:
    """The page's references; relative links are resolved against its <base>, or against ``source`` when that
    is the page's URL (an article checked by its URL)."""
    from .labelled import parse_markdown

    base = _base(source)
    for number_bullets in (False, True):
        lines = render(text, base, number_bullets=number_bullets)
        refs = parse_markdown("\n".join(line for _, line in lines), source)
        if any(r.urls for r in refs):
            # each reference keeps the line of the page it starts on
            return [replace(r, line=lines[r.line - 1][0] if 0 < r.line <= len(lines) else r.line) for r in refs]
    return []


def _base(source: str) -> str | None:
    return source if source.lower().startswith(("http://", "https://")) else None


def rendered_page(text: str, source: str) -> list[tuple[int, str]]:
    """The whole page as a reader sees it (every link, for --all-links)."""
    return render(text, _base(source), whole=True)


def _sniff(text: str) -> float:
    head = text[:4000].lower()
    if "<html" in head or "<!doctype html" in head or "<body" in head:
        return 0.8
    return 0.8 if "<ol" in head and "<li" in text.lower() else 0.0


register(Parser("html", "HTML pages: reference lists (<ol>, Wikipedia's references), Robust Links",
                (".html", ".htm", ".xhtml"), parse_html, _sniff, rendering=rendered_page))
