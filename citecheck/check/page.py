"""What the first bytes of a page say: its title, and its signals (signals.py)."""
from __future__ import annotations

import html
import re

from ..model import PageFacts
from ..signals import page_signals
from ..vocab import PageSignal

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_TAGS = re.compile(r"<script.*?</script\s*>|<style.*?</style\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def _charset(content_type: str | None, head: bytes) -> str:
    if content_type:
        declared = re.search(r"charset=\"?([\w-]+)", content_type, re.IGNORECASE)
        if declared:
            return declared.group(1)
    meta = _META_CHARSET.search(head[:4096])
    return meta.group(1).decode("ascii", "ignore") if meta else "utf-8"


def _text(raw: bytes, charset: str) -> str:
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def clean(s: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAGS.sub(" ", s))).strip()


def analyse(body: bytes, content_type: str | None) -> PageFacts:
    """Title and signals of a (capped) body; non-HTML bodies yield only their size (and a PDF's kind)."""
    ctype = (content_type or "").lower()
    if body.startswith(b"%PDF"):
        return PageFacts(title=None, signals=frozenset({PageSignal.PDF}), bytes_read=len(body))
    if ctype and not any(t in ctype for t in ("html", "xml", "text/plain")):
        return PageFacts(bytes_read=len(body))
    charset = _charset(content_type, body)
    title = None
    m = _TITLE.search(body)
    if m:
        title = clean(_text(m.group(1), charset))[:500] or None
    h1 = _H1.search(body)
    heading = clean(_text(h1.group(1), charset))[:300] if h1 else ""
    raw_lower = _text(body, charset).casefold()
    return PageFacts(title=title, signals=page_signals(title, heading, raw_lower, clean(raw_lower)),
                     bytes_read=len(body))
