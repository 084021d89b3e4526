"""Finding URLs in running text and getting their edges right.

Handles ``<…>`` autolinks, Markdown ``[text](url)`` with balanced and backslash-escaped parentheses,
protocol-relative ``//host/…`` links, trailing punctuation (ASCII and full-width), wiki template pipes,
and keeps percent-encoding and non-ASCII paths exactly as written.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

# Where a URL may start: a scheme, or // right after an opening delimiter (protocol-relative).
_START = re.compile(
    r"""(?:(?<![A-Za-z0-9+.-])(?:https?|ftp)://)|(?:(?<=[\s(<\[{"'=|«“‘])//(?=[\w-]+(?:\.[\w-]+)+(?::\d+)?/))""",
    re.IGNORECASE
)
# Characters that can never be inside a URL as written in prose.
_STOP = set(' \t\r\n<>"`|\u00a0\u3000') | set("，。、；：！？）（「」『』【】〈〉《》｛｝［］＜＞　")
# Characters that end a sentence or a list rather than a URL when they come last.
_TRAILING = set(".,;:!?'\"’”»›*") | {"\u2019", "\u201d", "\u00bb"}
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True)
class UrlSpan:
    url: str  # cleaned URL (escapes removed)
    start: int  # offsets of the URL as written in the text
    end: int


def _balanced_end(text: str, i: int) -> int:
    """End of a Markdown link target starting at ``i`` (just after ``](``): the matching ``)``."""
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text):
            j += 2
            continue
        if c in " \t\r\n":
            return j
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return j
            depth -= 1
        j += 1
    return j


def _prose_end(text: str, i: int) -> int:
    j = i
    while j < len(text) and text[j] not in _STOP:
        c = text[j]
        if c in _PAIRS:
            # a closing bracket ends the URL unless the URL opened it
            opened = text[i:j].count(_PAIRS[c]) - text[i:j].count(c)
            if opened <= 0:
                break
        j += 1
    return j


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _PAIRS and url.count(_PAIRS[last]) < url.count(last)):
            url = url[:-1]
        elif url.endswith(("&quot;", "&gt;", "&lt;")):
            url = url[: url.rindex("&")]
        else:
            break
    return url


def _unescape_markdown(url: str) -> str:
    return re.sub(r"\\([()\[\]_*#~\\])", r"\1", url)


def extract_urls(text: str) -> list[UrlSpan]:
    """Every URL in ``text`` in order, each once per occurrence."""
    spans: list[UrlSpan] = []
    pos = 0
    while True:
        m = _START.search(text, pos)
        if not m:
            break
        start = m.start()
        before = text[max(0, start - 2):start]
        if before.endswith("<"):
            close = text.find(">", start)
            end = close if close != -1 else _prose_end(text, start)
            raw = text[start:end].strip()
        elif before == "](":
            end = _balanced_end(text, start)
            raw = text[start:end]
        else:
            end = _prose_end(text, start)
            raw = _trim(text[start:end])
            end = start + len(raw)
        url = _unescape_markdown(raw) if "\\" in raw else raw
        url = url.strip()
        if _looks_like_url(url):
            spans.append(UrlSpan(url, start, start + len(raw)))
        pos = max(end, m.end())
    return spans


def _looks_like_url(url: str) -> bool:
    m = re.match(r"^(?:[a-z]+:)?//([^/?#\s]+)", url, re.IGNORECASE)
    if not m:
        return False
    host = m.group(1).rsplit("@", 1)[-1].split(":", 1)[0]
    return bool(host) and ("." in host or host == "localhost") and not host.startswith(".")


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


def url_key(url: str) -> str:
    """A comparison key close to Wayback's SURT canonicalisation."""
    try:
        p = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return url
    host = re.sub(r"^www\d*\.", "", (p.hostname or "").lower())
    path = urllib.parse.unquote(p.path or "/")
    if path != "/" and path.endswith("/"):
        path = path[:-1]
    query = "&".join(sorted(p.query.split("&"))) if p.query else ""
    return host + path + ("?" + query if query else "")


def host_of(url: str) -> str:
    """The URL's host name, lower-case ("" when it has none or cannot be read)."""
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
