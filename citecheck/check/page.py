"""Reading a page: how much of it to read, in which encoding, and what its head and first text say.

A page is read until its head is complete (title, meta refresh, og:title / og:site_name, canonical, lang,
charset) and a window of its body beyond that (``max_body_bytes``: where a not-found, parking or challenge page
says what it is), never more than ``max_page_bytes``. Most heads end within a few KiB, so most pages cost what
they did with a fixed cap; a page whose ``<title>`` sits 300 KiB down is still read far enough. What the page is
(a bot wall, a not-found page …) is decided by signals.py from the signature table; this module only prepares
what the signatures look at.
"""
from __future__ import annotations

import codecs
import html
import re

from ..charsets import legacy_encoding
from ..model import PageFacts
from ..signals import ARTICLE_PROSE, PageView, read_page
from ..textsim import fold, segments
from ..vocab import PageSignal

_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.IGNORECASE)
_HTMLISH = re.compile(rb"<(?:!doctype|html|head|title|meta)[\s>]", re.IGNORECASE)
#: How much of the visible text the "text" signatures look at (a page says what it is near its top).
LEAD_CHARS = 2500
#: How much markup after the head the "markup" signatures look at (walls and parking pages are small; an
#: article's evidence is in its head or where its body starts).
MARKUP_BODY_CHARS = 16384


class PageReader:
    """Says, as the bytes of a page arrive, how many of them are worth reading."""

    def __init__(self, window: int, cap: int):
        self.window = window
        self.cap = max(cap, window)
        self.head_end: int | None = None
        self._scanned = 0

    def want(self, sink: bytes | bytearray) -> int:
        """How many bytes to read in all, given what has arrived: the head and a window of body after it; the
        window alone for something that is no page with a head."""
        n = len(sink)
        if self.head_end is None and n > self._scanned:
            m = _HEAD_END.search(sink, max(0, self._scanned - 16))
            self._scanned = n
            if m:
                self.head_end = m.start()
        if self.head_end is not None:
            return min(self.cap, self.head_end + self.window)
        if n < self.window or not _HTMLISH.search(sink, 0, 4096):
            return self.window
        return self.cap


# --- encodings ---------------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# labels as pages write them, to the codec a browser would use (WHATWG Encoding: latin-1 is windows-1252 …)
_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "x-user-defined": "cp1252",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "big5": "big5hkscs",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "tis-620": "cp874", "iso-8859-11": "cp874",
    "iso-8859-9": "cp1254", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    # a page that says utf-16 without a byte-order mark was saved as something ASCII-compatible
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8", "unicode": "utf-8",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    name = _ALIASES.get(label, label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a read cut in the middle of a character is still UTF-8
        return exc.start >= len(body) - 3 and "end of data" in exc.reason
    return True


def encoding_of(body: bytes, content_type: str | None) -> str:
    """The page's encoding: a byte-order mark; else UTF-8 when the bytes are valid UTF-8 (a declared single-byte
    label is wrong far more often than other text happens to be valid UTF-8); else the Content-Type charset, the
    meta charset, or a guess between windows-1251, KOI8-R and windows-1252."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if _is_utf8(body):
        return "utf-8"
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body, 0, 65536)
    for label in (header.group(1) if header else None, meta.group(1).decode("ascii", "ignore") if meta else None):
        declared = _codec(label)
        if declared and declared != "utf-8":
            return declared
    return legacy_encoding(body)


# --- the head and the text ---------------------------------------------------------------------------------

_HEAD_END_TEXT = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_META = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<link\s[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<html\s[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_HIDDEN = re.compile(r"<(script|style|template|svg)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<(h[12])\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.IGNORECASE | re.DOTALL)
_SOURCE = re.compile(r"""<(?:script|iframe|frame|embed)\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)"""
                     r"""|<form\b[^>]*?\baction\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_REFRESH_URL = re.compile(r"""url\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_DOC_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_PROSE_CHARS = 80  # a paragraph this long is prose, not a button or a caption
_ARTICLE_TAG = re.compile(r"<article[\s>]", re.IGNORECASE)


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v.strip("\"'")) for k, v in _ATTR.findall(tag)}


def clean(s: str) -> str:
    """Markup to plain text: tags dropped, entities decoded, spaces collapsed. (str.split splits on the
    whitespace ``\\s`` matches, five times faster than a substitution on a page of words.)"""
    return " ".join(html.unescape(_TAGS.sub(" ", s)).split())


def _head_facts(head: str) -> dict[str, str]:
    """The head's meta, link and html facts that matter: og:*, application-name, refresh, canonical, lang."""
    facts: dict[str, str] = {}
    for tag in _META.findall(head):
        a = _attrs(tag)
        key = (a.get("property") or a.get("name") or a.get("http-equiv") or "").lower()
        if key in ("og:title", "og:site_name", "og:url", "og:type", "application-name", "twitter:title", "refresh") \
                and a.get("content") and key not in facts:
            facts[key] = a["content"].strip()
    for tag in _LINK.findall(head):
        a = _attrs(tag)
        if "canonical" in a.get("rel", "").lower().split() and a.get("href") and "canonical" not in facts:
            facts["canonical"] = a["href"].strip()
    html_tag = _HTML_TAG.search(head)
    if html_tag:
        lang = _attrs(html_tag.group(0)).get("lang")
        if lang:
            facts["lang"] = lang.strip()
    return facts


def _prose(markup: str) -> int:
    """Paragraphs of prose, counted up to the three that make an article (the rules ask no more). A paragraph's
    text is never longer than its markup, so short ones are passed over without cleaning them."""
    prose = 0
    for inner in _PARAGRAPH.findall(markup):
        if len(inner) >= _PROSE_CHARS and len(clean(inner)) >= _PROSE_CHARS:
            prose += 1
            if prose == ARTICLE_PROSE:
                return prose
    if prose == ARTICLE_PROSE - 1 and _ARTICLE_TAG.search(markup):
        prose += 1  # paragraphs inside an <article> element: an article even when short
    return prose


def _title_variants(title: str) -> tuple[str, ...]:
    folded = fold(title)
    variants = [folded]
    slug = folded.replace("_", " ").replace("-", " ")
    if slug != folded:
        variants.append(slug)  # "pagina_niet_gevonden"
    parts = segments(folded)
    if len(parts) > 1:
        variants.extend(parts)
    return tuple(variants)


def analyse(body: bytes, content_type: str | None, *, url: str = "", status: int | None = None,
            headers: tuple[tuple[str, str], ...] = (), cookies: tuple[str, ...] = (), read: bool = False) -> PageFacts:
    """The facts of a response: the head's title and metadata, and the page's kind with the signatures behind it.
    Non-HTML bodies yield only their size (and a PDF's kind); headers and the URL are read whatever the body.
    ``read``: the body was asked for (a GET of a page), so an empty one is a page with nothing in it, not one
    left unread."""
    ctype = (content_type or "").lower()
    header_lines = tuple(fold(f"{k}: {v}") for k, v in headers)
    if body.startswith(b"%PDF"):
        return PageFacts(signals=frozenset({PageSignal.PDF}), bytes_read=len(body))
    if not body or (ctype and not any(t in ctype for t in ("html", "xml", "text/plain"))):
        reading = read_page(PageView(status=status, url=url.lower(), headers=header_lines, cookies=cookies))
        blank = read and not body and (not ctype or any(t in ctype for t in ("html", "xml", "text/plain")))
        return PageFacts(signals=reading.signals, bytes_read=len(body), matches=reading.matches,
                         charset="utf-8" if blank else None)
    charset = encoding_of(body, content_type)
    doc = body.decode(charset, errors="replace")
    end = _HEAD_END_TEXT.search(doc)
    head, rest = (doc[:end.start()], doc[end.start():]) if end else (doc, doc)
    facts = _head_facts(head)
    title_match = _TITLE.search(head) or (None if end else _TITLE.search(doc))
    title = clean(title_match.group(1))[:500] if title_match else ""
    og_title = facts.get("og:title") or facts.get("twitter:title")
    title = title or clean(og_title or "")[:500]
    visible_markup = _HIDDEN.sub(" ", rest)
    headings = [clean(h) for _, h in _HEADING.findall(visible_markup)[:4]]
    text = clean(visible_markup)
    prose = _prose(visible_markup)
    sources = [a or b for a, b in _SOURCE.findall(doc)]
    refresh = facts.get("refresh")
    refresh_url = _REFRESH_URL.search(refresh) if refresh else None
    if refresh_url:
        sources.append(refresh_url.group(1))
    folded_text = fold(text)
    # NULs and other controls are no text (a binary body); a printable text has none
    visible_chars = len(text) if text.isprintable() else len(text) - len(_CONTROL.findall(text))
    complete = _DOC_END.search(doc, max(0, len(doc) - 4096)) is not None  # the read reached the page's end
    view = PageView(
        status=status, url=url.lower(), headers=header_lines, cookies=cookies,
        sources=tuple(s.lower() for s in sources[:200]), titles=_title_variants(title) if title else (),
        headings=tuple(fold(h) for h in headings if h), text=folded_text[:LEAD_CHARS], page=folded_text,
        markup=(head + rest[:MARKUP_BODY_CHARS] if end else doc).lower(), text_chars=visible_chars, prose=prose,
        complete=complete)
    reading = read_page(view)
    return PageFacts(
        title=title or None, signals=reading.signals, bytes_read=len(body), heading=headings[0][:300] if headings else None,
        site_name=facts.get("og:site_name") or facts.get("application-name"), og_title=og_title,
        canonical=facts.get("canonical") or facts.get("og:url"), refresh=refresh_url.group(1) if refresh_url else None,
        lang=facts.get("lang"), charset=charset, text_chars=visible_chars, article=reading.article,
        complete=complete, matches=reading.matches)
