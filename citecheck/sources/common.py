"""Pieces every parser shares: turning an entry's text into a Reference (URLs, archive links, title, dates)."""
from __future__ import annotations

import datetime as dt
import re

from ..archives import parse_archive_link
from ..dates import find_access_date, find_year
from ..identifiers import clean_doi, find_doi
from ..model import Reference
from ..urls import UrlSpan, absolute, extract_urls
from .roles import assign, clean_title, strip_backlinks

#: the longest entry read: a real reference is a few hundred characters
MAX_ENTRY_CHARS = 16 * 1024
#: the longest title kept (a field a format gives can be anything)
MAX_TITLE_CHARS = 2000
# Opening quote -> closing quotes that may end a quoted title.
_QUOTES = {"‘": "’", "“": "”", "«": "»", "„": "“”", '"': '"', "「": "」", "『": "』", "《": "》"}
_CLOSERS = {opener: re.compile(f"[{re.escape(closers)}]") for opener, closers in _QUOTES.items()}


def quoted_span(text: str) -> tuple[int, int] | None:
    """Where the first quoted stretch of ``text`` (‘…’, “…”, «…», "…", 「…」) lies, quotes excluded; nested
    quotes and apostrophes allowed."""
    best: tuple[int, int] | None = None
    for opener, closers in _QUOTES.items():
        i = text.find(opener)
        if i == -1 or (best and best[0] - 1 < i):
            continue
        body_start = i + 1
        candidates = [m.start() for m in _CLOSERS[opener].finditer(text, body_start + 1)]
        if not candidates:
            continue
        # a closing quote followed by a letter is an apostrophe (people’s), unless nothing better exists
        ends = [j for j in candidates if j + 1 >= len(text) or not text[j + 1].isalpha()]
        if opener == closers:  # straight quotes: take the first closing one
            end = candidates[0]
        else:
            end = _matching_close(text, body_start, opener, set(ends or candidates))
        if len(text[body_start:end].strip()) >= 2:
            best = (body_start, end)
    return best


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Every quoted stretch of ``text``, the first (the title's, as quoted_span finds it) first."""
    spans: list[tuple[int, int]] = []
    offset = 0
    while len(spans) < 20:  # (an entry quotes a few things at most)
        span = quoted_span(text[offset:])
        if span is None:
            break
        spans.append((offset + span[0], offset + span[1]))
        offset += span[1] + 1
    return spans


def quoted_title(text: str) -> str | None:
    span = quoted_span(text)
    return text[span[0]:span[1]].strip() if span else None


def _matching_close(text: str, start: int, opener: str, ends: set[int]) -> int:
    depth = 0
    for j in range(start, len(text)):
        if text[j] == opener:
            depth += 1
        elif j in ends:
            if depth == 0:
                return j
            depth -= 1
    return max(ends)


def markdown_title(text: str) -> str | None:
    m = re.search(r"(?<![\w*])(\*\*|\*|__|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])", text)
    if m and not re.match(r"^(?:https?:)?//", m.group(2)):
        return m.group(2).strip()
    m = re.match(r"^\s*\[([^\]]{3,})\]\((?:https?:)?//", text)
    if m:
        return m.group(1).strip()
    return None


def fallback_title(text: str) -> str | None:
    """APA-like "Author (2019). Title. Site." or, failing that, the text before the first URL."""
    m = re.search(r"\(\s*(?:19|20)\d\d[a-z]?(?:,[^)]*)?\)\.?\s+(.+?)(?:\.\s|\?\s|$)", text)
    if m and len(m.group(1)) > 3 and "://" not in m.group(1):
        return m.group(1).strip()
    head = re.split(r"(?:https?:)?//\S", text, maxsplit=1)[0]
    head = re.sub(r"\[[^\]]*\]\([^)]*\)", "", head)
    head = re.sub(r"\[([^\]]*)\]\($", r"\1", head)  # the text of the link whose URL the split cut off
    head = head.strip(" \t\r\n,.;:-–—<(")
    if 3 <= len(head) <= 300:
        return head
    return None


def best_title(text: str) -> str | None:
    return quoted_title(text) or markdown_title(text) or fallback_title(text)


def unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def without_spans(text: str, spans: list[UrlSpan]) -> str:
    """``text`` with the URLs cut out, so dates and years are not read from inside them."""
    out, pos = [], 0
    for sp in spans:
        out.append(text[pos:sp.start])
        out.append(" ")
        pos = sp.end
    out.append(text[pos:])
    return "".join(out)


def make_reference(
    *,
    number: int | None,
    raw: str,
    line: int,
    source: str,
    key: str | None = None,
    title: str | None = None,
    urls: tuple[str, ...] | None = None,
    access_date: dt.date | None = None,
    url_status: str | None = None,
    problems: tuple[str, ...] = (),
    scan_text: bool = True,
    context: str = "prose",
    doi: str | None = None,
) -> Reference:
    """A Reference from an entry's text; fields a format gives explicitly win over what the text suggests.
    Structured formats pass their URLs (and DOI field) and ``scan_text=False`` so stray links in abstracts do
    not count. A DOI is read from the field, else the text, else the URLs (archived originals included).
    ``context`` is how the entry's text is read (urls.CONTEXTS): a Markdown entry's links get their roles
    (roles.py), so a rendered citation's cited page, snapshot and title are told apart.
    A text entry longer than MAX_ENTRY_CHARS is not a reference: only its start is read, and it says so."""
    if len(raw) > MAX_ENTRY_CHARS:  # (any format: a 50 MB title in a CSL-JSON item is no reference either)
        problems = (*problems, f"the entry is longer than {MAX_ENTRY_CHARS:,} characters; only its start was read")
        raw = raw[:MAX_ENTRY_CHARS]
    if title and len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS] + "…"
    spans = extract_urls(raw, context, malformed=True)  # a link that cannot work is reported, never passed over
    # (Markdown's links are told apart by their roles instead: a quotation mark in a link's text is no quotation)
    quoted = (quoted_spans(raw) if context != "markdown" else [quoted_span(raw)]) if scan_text else []
    quoted = [q for q in quoted if q]
    # a URL quoted inside the title, or in any quotation, is part of the text, never the link the reference cites
    # (unless the entry has no other: then only the title's quote is left out, as ever)
    cited = [s for s in spans if not any(a <= s.start < b for a, b in quoted)] or \
        [s for s in spans if not (quoted and quoted[0][0] <= s.start < quoted[0][1])]
    found_urls: tuple[str, ...] = ()
    if scan_text:
        found_urls = unique([absolute(s.url) for s in cited])
        if context == "markdown":
            roles = assign(raw)
            left_out = {absolute(u) for u in roles.left_out}
            first = [absolute(roles.cited)] if roles.cited else []
            found_urls = unique([u for u in first + list(found_urls) if u not in left_out])
            title = title or roles.title
    all_urls = unique(list(urls or ()) + list(found_urls))
    archives = tuple(a for a in (parse_archive_link(u) for u in all_urls) if a is not None)
    prose = without_spans(raw, spans)
    originals = [a.original for a in archives if a.original]
    found_doi = clean_doi(doi) or find_doi(prose if scan_text else "", list(all_urls) + originals,
                                           raw if scan_text else "")
    if not title and scan_text:
        if context == "markdown":
            title = best_title(strip_backlinks(raw)[0])
            title = clean_title(title) if title else None
        else:
            title = best_title(raw)
    return Reference(
        number=number,
        key=key if key is not None else (str(number) if number is not None else f"L{line}"),
        raw=raw,
        line=line,
        title=title or None,
        urls=all_urls,
        archive_links=archives,
        access_date=access_date or find_access_date(prose),
        year=find_year(prose),
        source=source,
        url_status=url_status,
        problems=problems,
        doi=found_doi,
        urls_from_text=scan_text and not urls,
    )
