"""Finding URLs in text and getting their edges right, and comparing URLs.

The extraction rules follow what the peers' own test suites expect (linkify-it, the linkify crate lychee uses,
URLExtract, the GFM spec's autolinks, MediaWiki's parser), and where they disagree, the reading that keeps the
cited URL whole (tests/data/url_cases.json holds the cases, with their sources):

- a URL starts at ``http://``, ``https://`` or ``ftp://`` (any case) not glued to a letter or digit before it
  (``1.http://…`` and ``参见http://…`` start one, ``abchttp://`` does not), or at ``//host`` after an opening
  delimiter (protocol-relative);
- its host is a real one: dot-separated labels, none empty or starting or ending with ``-`` (a trailing ``-``
  is cut off), a numeric host only as a dotted quad, or an ``[IPv6]`` literal; only ``: / ? #`` continue a URL
  after its host;
- whitespace, controls, invisible format characters, ``< > " ` |``, curly quotes, guillemets, ``…`` and CJK
  punctuation end it; brackets inside it are matched as it goes; trailing sentence punctuation, an unmatched
  closer and an odd ``'`` are left out.

Each kind of text has its own reading (``context``): ``prose``; ``markdown`` (link destinations rather than
link text, nothing from code, GFM's rules for bare URLs, backslash escapes undone); ``wikitext`` (MediaWiki's:
comments are invisible, ``[ ] { } ''`` and ``&lt;`` end a free link, a bracketed link ends at its first space,
entities are decoded); ``ris`` (a tagged field's value is the URL as written; several are split only before a
scheme).
"""
from __future__ import annotations

import functools
import html
import ipaddress
import re
import socket
import unicodedata
import urllib.parse
from dataclasses import dataclass

import idna

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
#: the characters of every spelling of an address (IPv6, dotted, and inet_aton's octal and hex forms)
_ADDRESS_CHARS = frozenset("0123456789abcdefx.:")
_NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}", re.IGNORECASE)

CONTEXTS = ("prose", "markdown", "wikitext", "ris")

_SCHEME = re.compile(r"(?:https?|ftp)://", re.IGNORECASE)
_USERINFO = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:%]*@")
_ASCII_STOPS = frozenset(' <>"`|')
_OTHER_STOPS = frozenset("\ufffd«»‹›‘’‚‛“”„‟…")
_KEPT_FORMAT = frozenset("\u200c\u200d\u00ad")  # ZWNJ and ZWJ join letters; a soft hyphen is invisible
_TRAILING = frozenset(".,:;!?*~")
_WIKI_TRAILING = frozenset(".,:;!?")
_OPENER = {")": "(", "]": "[", "}": "{"}
# before a protocol-relative //host (a quote, a bracket, an attribute or template value)
_PROTOCOL_RELATIVE_AFTER = frozenset("'\"(<=[«“‘|")
_WIKI_ENTITY_STOP = re.compile(r"&(?:lt|gt|nbsp|#0*(?:60|62|160)|#x0*(?:3c|3e|a0));", re.IGNORECASE)
_PORT = re.compile(r":(\d*)")
_IP_LITERAL = re.compile(r"\[([0-9A-Fa-f:.]+)\]")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# printable ASCII but for what ends a URL (_ASCII_STOPS), brackets (counted) and what may end a wikitext link
_PLAIN_RUN = re.compile("[" + re.escape("".join(c for c in map(chr, range(0x21, 0x7F)) if c not in "<>\"`|()[]{}'&"))
                        + "]+")


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """Character references with their semicolon decoded (as CommonMark and MediaWiki do); a query's
    ``&copy=1`` or ``&lt=2`` stays as written."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text) if "&" in text else text


@dataclass(frozen=True)
class UrlSpan:
    url: str  # the URL as meant (escapes and entities undone where the context defines them)
    start: int  # offsets of the URL as written in the text
    end: int


@functools.lru_cache(maxsize=8192)
def _stops(ch: str) -> bool:
    """A character that can never be inside a URL written in text."""
    if ch.isascii():
        return ch in _ASCII_STOPS or not ch.isprintable()
    if ch in _OTHER_STOPS or _cjk_punctuation(ch):
        return True
    category = unicodedata.category(ch)
    if category == "Cf":
        return ch not in _KEPT_FORMAT
    return category in ("Cc", "Zs", "Zl", "Zp", "Co", "Cn", "Cs")


def _cjk_punctuation(ch: str) -> bool:
    o = ord(ch)
    return (0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF0F or 0xFF1A <= o <= 0xFF20 or 0xFF3B <= o <= 0xFF40
            or 0xFF5B <= o <= 0xFF65)


@functools.lru_cache(maxsize=8192)
def _label_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch == "-"
    if _stops(ch):
        return ch in _KEPT_FORMAT
    return unicodedata.category(ch)[0] in "LNM" or unicodedata.category(ch) == "So"


def _host_end(text: str, i: int) -> int | None:
    """Where a valid host starting at ``text[i]`` ends, or None when there is none."""
    if text.startswith("[", i):
        m = _IP_LITERAL.match(text, i)
        return m.end() if m and _ip_literal(m.group(1)) else None
    labels = _ascii_labels(text, i)
    if labels is None:
        labels = []
        j = i
        while True:
            k = j
            while k < len(text) and _label_char(text[k]):
                k += 1
            if k == j:
                break
            labels.append((j, k))
            if k + 1 < len(text) and text[k] == "." and _label_char(text[k + 1]):
                j = k + 1
                continue
            break
    if labels:  # a hyphen after the last label ends the host (https://example.org- is example.org)
        a, b = labels[-1]
        while b > a and text[b - 1] == "-":
            b -= 1
        labels[-1] = (a, b)
    names = [text[a:b] for a, b in labels]
    if len(names) < 2 or any(not n or n[0] == "-" or n[-1] == "-" for n in names):
        return None
    if names[-1].isdigit() and not _dotted_quad(names):
        return None
    end = labels[-1][1]
    if text[end:end + 1] == "." and text[end + 1:end + 2] in (":", "/"):
        end += 1  # the DNS root dot of a fully qualified name
    return end


_ASCII_LABELS = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def _ascii_labels(text: str, i: int) -> list[tuple[int, int]] | None:
    """The labels of an all-ASCII host at ``i`` in one regex match (most hosts are), or None when the host goes on
    in other scripts and needs the character-by-character reading."""
    m = _ASCII_LABELS.match(text, i)
    if m is None:
        return None
    end = m.end()
    after = text[end:end + 1]
    if (after == "." and _label_char(text[end + 1:end + 2])) or (after and not after.isascii() and _label_char(after)):
        return None
    labels, a = [], i
    for label in m.group().split("."):
        labels.append((a, a + len(label)))
        a += len(label) + 1
    return labels


def _ip_literal(inside: str) -> bool:
    """An IPv6 address (or a dotted quad) as written between brackets."""
    if ":" not in inside:
        return _dotted_quad(inside.split("."))
    try:
        ipaddress.IPv6Address(inside)
    except ValueError:
        return False
    return True


def _dotted_quad(parts: list[str]) -> bool:
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts)


def _authority_end(text: str, i: int, lenient: bool = False) -> int | None:
    """End of [userinfo@]host[:port] starting at ``i``, or None without a valid host (``lenient``: without
    anything that could be meant as one)."""
    user = _USERINFO.match(text, i)
    end = _host_end(text, user.end()) if user else None
    if end is None:
        end = _host_end(text, i)
    if end is None:
        return _written_authority_end(text, i) if lenient else None
    port = _PORT.match(text, end)
    after = text[port.end():port.end() + 1] if port else ""
    if port and (after in ("/", "?", "#") or (port.group(1) and not (after.isascii() and after.isalnum()))):
        end = port.end()
    return end


def _written_authority_end(text: str, i: int) -> int | None:
    """End of what was written as an authority, real host or not (``-bad-.com``, ``127.1``, ``[::1``,
    ``localhost``): up to the path, or to a character no authority has."""
    j = i
    while j < len(text) and not _stops(text[j]) and (text[j] in "-._~%!$&'*+,;=:@[]" or text[j].isalnum()):
        j += 1
    while j > i and text[j - 1] in ".,;:!'":  # the sentence's punctuation, not the host's
        j -= 1
    return j if any(c.isalnum() for c in text[i:j]) else None


def _wiki_stop(text: str, j: int) -> bool:
    c = text[j]
    return c in "[]{}" or text.startswith("''", j) or (c == "&" and _WIKI_ENTITY_STOP.match(text, j) is not None)


def _scan(text: str, start: int, mode: str, lenient: bool = False) -> tuple[int, str] | None:
    """The URL starting at ``text[start]`` (a scheme or //), as written: (end offset, URL) or None.
    ``mode``: prose, gfm (a bare URL in Markdown), wiki (a free wikitext link), wikilink (a bracketed one).
    ``lenient``: a scheme followed by a host that is no real one is a URL too (a broken one)."""
    scheme = _SCHEME.match(text, start)
    authority = scheme.end() if scheme else start + 2
    host_end = _authority_end(text, authority, lenient and scheme is not None)
    if host_end is None:
        return None
    j = host_end
    if j < len(text) and text[j] in "/?#":
        opened: list[str] = []
        wiki = mode.startswith("wiki")
        while j < len(text):
            run = _PLAIN_RUN.match(text, j)
            if run:  # characters that neither end a URL nor open or close anything: skipped in one step
                j = run.end()
                continue
            c = text[j]
            if _stops(c) or (wiki and _wiki_stop(text, j)):
                break
            if not wiki:
                if c in "([{" and not (mode == "gfm" and c == "("):
                    opened.append(c)
                elif c in ")]}" and not (mode == "gfm" and c == ")"):
                    if not opened or opened[-1] != _OPENER[c]:
                        break
                    opened.pop()
            j += 1
    url = text[start:j]
    if mode != "wikilink":
        url = _trim(url, host_end - start, mode, text, start)
    return start + len(url), url


def _trim(url: str, keep: int, mode: str, text: str, start: int) -> str:
    """``url`` without the punctuation that ends the sentence around it (never into the host)."""
    while len(url) > keep:
        last = url[-1]
        if mode == "wiki":
            if last in _WIKI_TRAILING or (last == ")" and "(" not in url):
                url = url[:-1]
                continue
            break
        if last in _TRAILING:
            entity = re.search(r"&[A-Za-z0-9]+;$", url) if mode == "gfm" and last == ";" else None
            url = url[:entity.start()] if entity else url[:-1]
        elif (last in "([{"  # an opener with nothing after it
              or (last in ")]}" and url.count(last) > url.count(_OPENER[last]))  # a closer the URL did not open
              or (last == "'" and url[keep:].count("'") % 2 == 1)  # a closing quote
              or (last == "_" and mode == "gfm" and _emphasis_open(text, start))):  # the end of an _emphasis_
            url = url[:-1]
        else:
            break
    return url


def _emphasis_open(text: str, pos: int) -> bool:
    """An ``_`` emphasis opened before ``pos`` on its line and not closed: a trailing ``_`` closes it."""
    line = text[text.rfind("\n", 0, pos) + 1:pos]
    balance = 0
    for m in re.finditer(r"_+", line):
        before = line[m.start() - 1] if m.start() else " "
        after = line[m.end()] if m.end() < len(line) else "x"
        if not before.isalnum() and not after.isspace():
            balance += 1
        elif not before.isspace() and not after.isalnum():
            balance -= 1
    return balance > 0


def _starts(text: str) -> list[int]:
    """Offsets where a URL may start, in order: a scheme not glued to a word, or // after an opening."""
    found = [m.start() for m in _SCHEME.finditer(text) if m.start() == 0 or not (text[m.start() - 1].isascii()
                                                                                 and text[m.start() - 1].isalnum())]
    found += [m.start() for m in re.finditer(r"(?<!/)//(?!/)", text)
              if m.start() == 0 or text[m.start() - 1].isspace() or text[m.start() - 1] in _PROTOCOL_RELATIVE_AFTER]
    return sorted(found)


def _bare(text: str, mode: str, *, unescape: bool = False, lenient: bool = False) -> list[UrlSpan]:
    spans: list[UrlSpan] = []
    pos = 0
    for start in _starts(text):
        if start < pos:
            continue
        if text[start - 1:start] == "<" and mode in ("prose", "gfm"):
            autolink = _autolink(text, start, lenient)
            if autolink:
                spans.append(autolink)
                pos = autolink.end
                continue
        if text[max(0, start - 2):start] == "](" and mode == "prose":
            destination = _destination(text, start, lenient)
            if destination:
                spans.append(destination)
                pos = destination.end
                continue
        found = _scan(text, start, mode, lenient)
        if found is None:
            continue
        end, raw = found
        spans.append(UrlSpan(_MARKDOWN_ESCAPE.sub(r"\1", raw) if unescape else raw, start, end))
        pos = end
    return spans


def _autolink(text: str, start: int, lenient: bool = False) -> UrlSpan | None:
    """``<URL>`` taken whole, as written, when nothing in it ends a URL."""
    close = text.find(">", start)
    if close == -1:
        return None
    raw = text[start:close]
    if any(_stops(c) for c in raw) or not _is_url(raw, lenient):
        return None
    return UrlSpan(raw, start, close)


def _destination(text: str, start: int, lenient: bool = False) -> UrlSpan | None:
    """A Markdown link destination starting at ``start`` (just after ``](``): parentheses balanced, backslash
    escapes skipped over and undone."""
    depth, j = 0, start
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text):
            j += 2
            continue
        if c.isspace() or unicodedata.category(c) == "Cc":
            break
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        j += 1
    raw = text[start:j]
    url = decode_entities(_MARKDOWN_ESCAPE.sub(r"\1", raw))
    return UrlSpan(url, start, j) if _is_url(url, lenient) else None


def _is_url(url: str, lenient: bool = False) -> bool:
    """A whole string that is an http(s)/ftp or protocol-relative URL with a valid host (``lenient``: with a
    scheme and something written as its host)."""
    scheme = _SCHEME.match(url)
    if scheme:
        return _authority_end(url, scheme.end(), lenient) is not None
    return url.startswith("//") and not url.startswith("///") and _authority_end(url, 2) is not None


# --- Markdown --------------------------------------------------------------------------------------------------

_CODE = re.compile(r"^[ \t]{0,3}(```+|~~~+)[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)|<(pre|code)\b.*?</\2\s*>|<!--.*?-->|"
                   r"(`+)(?!`).+?(?<!`)\3(?!`)", re.MULTILINE | re.DOTALL | re.IGNORECASE)
# what every match of _CODE starts with
_MAY_HOLD_CODE = re.compile(r"`|~~~|<(?:pre|code)\b|<!--", re.IGNORECASE)
_REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(?:<(?P<angled>[^>\n]*)>|(?P<bare>\S+))[^\n]*",
                                   re.MULTILINE)
_FOOTNOTE_LABEL = re.compile(r"^[ ]{0,3}\[\^[^\]\n]+\]:", re.MULTILINE)
_HTML_LINK = re.compile(r"""<(?:a|img|link|source|iframe)\b[^>]*?\b(?:href|src)\s*=\s*(["'])(?P<url>.*?)\1[^>]*>""",
                        re.IGNORECASE | re.DOTALL)
_WIKILINK = re.compile(r"\[\[(?P<url>[^\[\]\n|#]+)(?:[|#][^\]\n]*)?\]\]")
_AUTOLINK = re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")
_LINK_TEXT_LIMIT = 2000  # link text cannot run on for ever (a stray "[" must not make the scan quadratic)


class _Markdown:
    """Markdown's reading: link destinations (not link text), nothing from code, then GFM's bare URLs."""

    def __init__(self, text: str, lenient: bool = False):
        self.text = text
        self.lenient = lenient
        self.hidden = bytearray(len(text))
        self.spans: list[UrlSpan] = []

    def hide(self, start: int, end: int) -> None:
        self.hidden[start:end] = b"\x01" * (end - start)

    def add(self, url: str, start: int, end: int, *, unescape: bool = True) -> None:
        if unescape:
            url = decode_entities(_MARKDOWN_ESCAPE.sub(r"\1", url))
        if _is_url(url, self.lenient):
            self.spans.append(UrlSpan(url, start, end))

    def read(self) -> list[UrlSpan]:
        text = self.text
        if _MAY_HOLD_CODE.search(text):  # (most entries hold no code: the code pattern is slow to rule out)
            for m in _CODE.finditer(text):
                self.hide(m.start(), m.end())
        for m in _REFERENCE_DEFINITION.finditer(text):
            if not self.hidden[m.start()]:
                group = "angled" if m.group("angled") is not None else "bare"
                self.add(m.group(group), m.start(group), m.end(group))
                self.hide(m.start(), m.end())
        for m in _FOOTNOTE_LABEL.finditer(text):
            self.hide(m.start(), m.end())
        for rx in (_HTML_LINK, _WIKILINK):
            for m in rx.finditer(text):
                if not self.hidden[m.start()]:
                    self.add(m.group("url").strip(), m.start("url"), m.end("url"))
                    self.hide(m.start(), m.end())
        self.inline_links()
        for m in _AUTOLINK.finditer(text):
            if not self.hidden[m.start()]:
                self.add(m.group("url"), m.start("url"), m.end("url"), unescape=False)
                self.hide(m.start(), m.end())
        pieces, pos = [], 0
        for run in re.finditer(rb"\x01+", self.hidden):  # hidden text blanked, its line breaks kept
            hidden = text[run.start():run.end()]
            blank = re.sub(r"[^\r\n]", " ", hidden) if "\n" in hidden or "\r" in hidden else " " * len(hidden)
            pieces += [text[pos:run.start()], blank]
            pos = run.end()
        self.spans += _bare("".join([*pieces, text[pos:]]), "gfm", unescape=True, lenient=self.lenient)
        return sorted(self.spans, key=lambda s: s.start)

    def inline_links(self) -> None:
        text = self.text
        i = text.find("[")
        while i != -1:
            close = -1 if self.hidden[i] else self.bracket_end(i)
            if close != -1 and text.startswith("(", close + 1):
                found = self.destination(close + 2)
                if found is not None:
                    (dest, dest_start, dest_end), end = found
                    self.add(dest, dest_start, dest_end)
                    self.hide(i - 1 if text[i - 1:i] == "!" else i, end)
                    i = text.find("[", end)
                    continue
            i = text.find("[", i + 1)

    def bracket_end(self, i: int) -> int:
        depth = 0
        text = self.text
        for k in range(i, min(len(text), i + _LINK_TEXT_LIMIT)):
            c = text[k]
            if c == "\\":
                continue
            if k > i and text[k - 1] == "\\":
                continue
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return k
            elif c == "\n" and text.startswith("\n", k + 1):
                return -1  # a blank line ends a paragraph, and any link text with it
        return -1

    def destination(self, i: int) -> tuple[tuple[str, int, int], int] | None:
        """((destination, its start, its end), the offset after the closing parenthesis), or None."""
        text = self.text
        while i < len(text) and text[i] in " \t\n":
            i += 1
        if text.startswith("<", i):
            close = text.find(">", i)
            if close == -1 or "\n" in text[i:close]:
                return None
            dest, k = (text[i + 1:close], i + 1, close), close + 1
        else:
            span = _destination(text, i, self.lenient)
            k = span.end if span else i
            while span is None and k < len(text) and not text[k].isspace() and text[k] != ")":
                k += 1  # a destination that is no URL (#cite_ref-1, /wiki/…): skipped over all the same
            dest = (text[i:k], i, k)
        while k < len(text) and text[k] in " \t\n":
            k += 1
        if k < len(text) and text[k] in "\"'(":
            closer = {'"': '"', "'": "'", "(": ")"}[text[k]]
            end = text.find(closer, k + 1)
            if end == -1:
                return None
            k = end + 1
            while k < len(text) and text[k] in " \t\n":
                k += 1
        if k < len(text) and text[k] == ")":
            return dest, k + 1
        return None


# --- wikitext and tagged records ----------------------------------------------------------------------------------

_WIKI_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)|&lt;!--.*?(?:--&gt;|\Z)", re.DOTALL)


def _wikitext(text: str) -> list[UrlSpan]:
    visible = _WIKI_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    spans: list[UrlSpan] = []
    starts = [m.start() for m in _SCHEME.finditer(visible)] + [m.start() + 1 for m in re.finditer(r"(?<!\[)\[//(?!/)",
                                                                                                  visible)]
    pos = 0
    for start in sorted(starts):
        bracketed = visible[start - 1:start] == "[" and visible[start - 2:start] != "[["
        if start < pos or not (bracketed or start == 0 or not (visible[start - 1].isascii()
                                                               and visible[start - 1].isalnum())):
            continue
        found = _scan(visible, start, "wikilink" if bracketed else "wiki")
        if found:
            end, raw = found
            spans.append(UrlSpan(decode_entities(raw), start, end))
            pos = end
    return spans


_TAG_LINE = re.compile(r"^(?:[A-Z][A-Z0-9]  -|%[0-9A-Z@!#$&()*+^>~\]])[ \t]?(?P<value>.*?)[ \t]*$")
_BEFORE_SCHEME = re.compile(r"[;\s]+(?=(?:https?|ftp)://)", re.IGNORECASE)


def field_urls(value: str) -> list[str]:
    """The URLs of a tagged field (RIS ``UR``, EndNote ``%U``): the value as written, split only where ``;`` or
    space comes before a scheme (a path's ``;jsessionid=`` stays, and so does a SICI DOI's ``<…>``)."""
    return [piece.strip() for piece in _BEFORE_SCHEME.split(value.strip()) if _is_url(piece.strip(), lenient=True)]


def _tagged(text: str, lenient: bool = False) -> list[UrlSpan]:
    spans: list[UrlSpan] = []
    for line in re.finditer(r"[^\r\n]+", text):
        m = _TAG_LINE.match(line.group(0))
        if not m:
            spans += [UrlSpan(s.url, s.start + line.start(), s.end + line.start())
                      for s in _bare(line.group(0), "prose", lenient=lenient)]
            continue
        at = line.start() + m.start("value")
        for url in field_urls(m.group("value")) if lenient else [
                u for u in field_urls(m.group("value")) if _is_url(u)]:
            offset = text.index(url, at)
            spans.append(UrlSpan(url, offset, offset + len(url)))
            at = offset + len(url)
    return spans


def extract_urls(text: str, context: str = "prose", *, malformed: bool = False) -> list[UrlSpan]:
    """Every URL in ``text`` in order, each once per occurrence, read as ``context`` (one of CONTEXTS) reads it.

    ``malformed``: also a scheme followed by a host that is no real one (``http://-bad-.com/``,
    ``http://127.1/``, ``http://[::1``, ``http://localhost/``), as written. A link finder passes over these;
    a reference list's link that cannot work is a problem to report, so the parsers keep them."""
    if len(text) > CACHED_TEXT_CHARS:
        return _extract(text, context, malformed)  # (a whole document: read once, and not kept for the run)
    return list(_extracted(text, context, malformed))


#: texts up to this long (an entry, a line) have their URLs remembered; a whole document's are not
CACHED_TEXT_CHARS = 16 * 1024


@functools.lru_cache(maxsize=256)
def _extracted(text: str, context: str, malformed: bool) -> tuple[UrlSpan, ...]:
    # (an entry is read more than once: for its URLs, then for its links' roles)
    return tuple(_extract(text, context, malformed))


def _extract(text: str, context: str, malformed: bool) -> list[UrlSpan]:
    if context == "markdown":
        return _Markdown(text, malformed).read()
    if context == "wikitext":
        return _wikitext(text)
    if context == "ris":
        return _tagged(text, malformed)
    return _bare(text, "prose", lenient=malformed)


def is_url(text: str) -> bool:
    """``text`` is, whole, a web URL with a real host (http, https or ftp)."""
    return _is_url(text.strip())


def absolute(url: str) -> str:
    """A protocol-relative URL made absolute (https, as browsers would for a modern page)."""
    return "https:" + url if url.startswith("//") else url


# --- comparing URLs --------------------------------------------------------------------------------------

_ROOT_PATHS = ("", "/index.html", "/index.htm", "/index.php", "/home", "/default.aspx", "/en", "/ru", "/kk")
_LOGIN_WORDS = ("login", "signin", "sign-in", "sign_in", "logon", "/auth", "/sso", "/account/login", "/session")


def is_root(url: str) -> bool:
    """A site's home page (where dead deep links are often bounced)."""
    try:
        p = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    return p.path.rstrip("/").lower() in _ROOT_PATHS and not p.query


def is_login(url: str) -> bool:
    """A login page (where walled deep links are bounced)."""
    try:
        p = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    low = p.path.lower() + "?" + p.query.lower()
    return any(w in low for w in _LOGIN_WORDS)


def carries_back(target: str, original: str) -> bool:
    """``target`` (a login or consent page) carries ``original`` in its query (continue=, returnUri=, next= …):
    passing it leads back to the page, which is therefore alive behind it."""
    try:
        query = urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query)
        p = urllib.parse.urlsplit(original)
    except ValueError:
        return False
    path = p.path.rstrip("/")
    if len(path) < 2:
        return False
    return any(path in urllib.parse.unquote(value) for _, value in query)


def same_resource(a: str, b: str) -> bool:
    """True when two URLs differ only in ways servers treat as the same page (scheme, www., :port, trailing /)."""
    return url_key(a) == url_key(b)


@functools.lru_cache(maxsize=1 << 15)  # (asked of the same URLs again and again: scheduling, rules, reports)
def url_key(url: str) -> str:
    """A comparison key close to Wayback's SURT canonicalisation."""
    try:
        p = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return url
    hostname = p.hostname or ""
    host = re.sub(r"^www\d*\.", "", request_host(hostname) or hostname.lower())  # (archives answer in ASCII)
    path = urllib.parse.unquote(p.path or "/")
    if path != "/" and path.endswith("/"):
        path = path[:-1]
    query = "&".join(sorted(p.query.split("&"))) if p.query else ""
    return host + path + ("?" + query if query else "")


@functools.lru_cache(maxsize=8192)
def host_of(url: str) -> str:
    """The URL's host name, lower-case ("" when it has none or cannot be read)."""
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)", re.IGNORECASE)


@functools.lru_cache(maxsize=1 << 14)  # (asked of each URL by the parser, the scheduler and the rules)
def url_problem(url: str) -> str | None:
    """Why an http(s) URL cannot be requested as written (a broken host, port or bracket), or None."""
    try:
        p = urllib.parse.urlsplit(url)
        host = p.hostname
        p.port  # noqa: B018 - reading it checks the port's range
    except ValueError as e:
        return f"malformed URL ({e})"
    if p.scheme.lower() not in ("http", "https"):
        return f"not an http(s) URL ({p.scheme or 'no scheme'})"
    if not host:
        return "no host"
    if any(c in url for c in "\x00\r\n\t "):
        return "a space or control character inside the URL"
    if host.startswith("[") or ":" in host:
        return None  # an IPv6 literal: urlsplit checked it
    ascii_host = request_host(host.rstrip("."))
    if ascii_host is None:
        return f"the host {host!r} is not a valid name"
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in ascii_host.split(".")):
        return f"the host {host!r} is not a valid name"
    return None


@functools.lru_cache(maxsize=4096)
def request_host(host: str) -> str | None:
    """``host`` as httpx will request it: lower case, and a name beyond ASCII in IDNA 2008 through the idna package,
    as httpx encodes it (straße.de -> xn--strae-oqa.de; ideographic full stops are dots: 127。0。0。1 -> 127.0.0.1).
    None when it cannot be encoded (httpx refuses such a URL)."""
    if host.isascii():
        return host.lower()
    try:
        return str(idna.encode(host.lower()).decode("ascii"))
    except (idna.IDNAError, UnicodeError):
        return None


def ascii_host(url: str) -> str:
    """The URL with its host in ASCII (IDNA: пример.рф -> xn--e1afmkfd.xn--p1ai), as archives index it; a URL whose
    host is ASCII already, or cannot be encoded, is returned as it is. (Left in Unicode inside another URL's path,
    the host would go percent-encoded, a form the archives' indexes need not know.)"""
    if url.isascii():
        return url
    try:
        p = urllib.parse.urlsplit(url)
        host = p.hostname
        if not host or host.isascii():
            return url
        encoded = request_host(host)
    except ValueError:
        return url
    if encoded is None:
        return url
    netloc = p.netloc
    at = netloc.rfind("@") + 1
    userinfo, hostport = netloc[:at], netloc[at:]
    index = hostport.lower().find(host)
    if index < 0:
        return url
    return urllib.parse.urlunsplit(p._replace(netloc=userinfo + hostport[:index] + encoded
                                              + hostport[index + len(host):]))


def requestable(url: str | None) -> bool:
    """An http(s) URL that can be requested as written."""
    return bool(url) and url_problem(url or "") is None


def host_address(host: str) -> Address | None:
    """The IP address a URL's host names, in any spelling resolvers accept, or None for a name."""
    h = host.strip().strip("[]").rstrip(".").lower()
    if not h or not _ADDRESS_CHARS.issuperset(h.split("%", 1)[0]):
        return None  # a name (most hosts): no need to watch ipaddress fail on it
    try:
        return ipaddress.ip_address(h.split("%", 1)[0])  # an IPv6 zone id names an interface, not an address
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(h):
        # the classic inet_aton forms: short (127.1), decimal (2130706433), octal (0177.0.0.1), hex (0x7f.1)
        try:
            return ipaddress.IPv4Address(socket.inet_aton(h))
        except OSError:
            return None
    return None
