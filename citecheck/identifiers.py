"""Persistent identifiers: where a reference's DOI is written, and the URLs citecheck builds from it.

All knowledge of DOI shapes lives here. A DOI is ``10.{registrant}/{suffix}``; the suffix may hold almost any
character (``()<>;:/#[]`` included: SICI DOIs such as ``…3.0.CO;2-#``), and DOIs are case-insensitive.
:func:`find_doi` reads one from a doi.org link, a publisher's ``/doi/`` path or query, ``doi:`` in the text, or a
DOI field (BibTeX, CSL-JSON, RIS); :func:`doi_link` is the link readers get; :func:`api_path` the form registries'
APIs are asked with (every reserved character percent-encoded, upper-case hex).
"""
from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterable

DOI_RESOLVER = "https://doi.org/"
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org", "hdl.handle.net"})
# a DOI's start: the directory indicator 10, a registrant code of digits (maybe dotted), a slash
_DOI_START = re.compile(r"10\.\d{4,9}(?:\.\d+)*/", re.IGNORECASE)
# in running text a DOI runs to the next space; "doi:", "DOI " or "doi.org/" may precede it
_TEXT_DOI = re.compile(r"(?:(?<![\w/.])doi\s*:?\s*|(?<![\w/.:%-]))(?P<doi>10\.\d{4,9}(?:\.\d+)*/[^\s\"'«»“”‘’]+)",
                       re.IGNORECASE)
# publisher paths that end in a DOI plus a word naming the view (…/10.3389/fpsyg.2020.01234/full)
_VIEW_WORDS = frozenset({"full", "abstract", "abs", "pdf", "epdf", "fulltext", "html", "summary", "references",
                         "figures", "citedby", "meta", "metrics", "epub", "reader", "tables", "suppl"})
_CLOSERS = {")": "(", "]": "[", ">": "<", "}": "{"}


def clean_doi(raw: str | None) -> str | None:
    """A DOI as written, percent-decoded and without the punctuation that surrounds it in prose (a trailing
    period or comma, an unbalanced closing bracket, LaTeX's ``\\_``); None when it is not a DOI."""
    if not raw:
        return None
    # LaTeX's escapes and braces (BibTeX: {\_}, \#, {{10.…}}): no DOI holds a brace
    value = re.sub(r"\\([_&%#$])", r"\1", raw.strip()).replace("{", "").replace("}", "")
    value = re.sub(r"^(?:(?:https?:)?(?://)?(?:dx\.|www\.)?doi\.org/|doi\s*:\s*|info:doi/|urn:doi:)", "", value,
                   flags=re.IGNORECASE)
    if "%" in value:
        value = urllib.parse.unquote(value)
    while value:
        last = value[-1]
        if last in ".,;:…" or (last in _CLOSERS and value.count(_CLOSERS[last]) < value.count(last)):
            value = value[:-1]
        else:
            break
    m = _DOI_START.match(value)
    if not m or len(value) == m.end():
        return None
    return value


def doi_from_url(url: str) -> str | None:
    """The DOI a URL carries: a doi.org link's path, a publisher's /doi/… path, /article/10.…, a doi:10.… path
    segment, or a query value (?doi=10.…, ?id=10.…)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path
    if host in _DOI_HOSTS:
        return clean_doi(_doi_after_resolver(re.sub(r"^(?:[a-z]+:)?//[^/]*/", "", url.strip(), flags=re.IGNORECASE)))
    m = re.search(r"(?:^|/|doi:)(10\.\d{4,9}(?:\.\d+)*/.+)$", path, re.IGNORECASE)
    if m and ("/doi/" in path.lower() or "doi:" in path.lower() or re.search(r"/(?:article|chapter|book)s?/10\.", path)):
        found = m.group(1)
        head, _, tail = found.rpartition("/")
        if tail.lower() in _VIEW_WORDS and _DOI_START.match(head + "/") and head.count("/") >= 1:
            found = head
        return clean_doi(found)
    for key, value in urllib.parse.parse_qsl(parts.query):
        if key.lower() in ("doi", "id", "rft_id", "pid") and _DOI_START.match(value.removeprefix("info:doi/")):
            return clean_doi(value.removeprefix("info:doi/"))
    return None


def _doi_after_resolver(rest: str) -> str:
    """What follows doi.org/ without what a browser or a mailer added: a query of key=value pairs (?utm_source=…),
    a fragment (#.X1abc) and a trailing slash. A # at the very end is a SICI DOI's check character (…CO;2-#)."""
    rest = re.sub(r"\?[\w.-]+=[^\s]*$", "", rest)
    if "#" in rest[:-1]:
        rest = rest[:rest.index("#")] if not rest.endswith("#") else rest
    return rest.rstrip("/")


# a doi.org link in running text, read to the next space: a URL finder stops at "<", which SICI DOIs hold
_DOI_LINK = re.compile(r"(?<![\w.-])(?:https?://)?(?:dx\.|www\.)?doi\.org/(?P<rest>10\.\d{4,9}(?:\.\d+)*/\S+)",
                       re.IGNORECASE)


_RESOLVER_NAMED = re.compile(r"doi\.org", re.IGNORECASE)  # (what _DOI_LINK needs, found at C speed)


def dois_in_links(text: str) -> list[str]:
    """Every DOI of a doi.org link written in ``text`` (with or without its scheme), read whole."""
    found: list[str] = []
    if not _RESOLVER_NAMED.search(text):
        return found  # (most entries: no need to try the link's pattern at every character)
    for m in _DOI_LINK.finditer(text):
        doi = clean_doi(_doi_after_resolver(m.group("rest")))
        if doi:
            found.append(doi)
    return found


def dois_in_text(text: str) -> list[str]:
    """Every DOI written in running text (``doi:10.…``, ``DOI: 10.…``, a bare ``10.…/…``)."""
    found: list[str] = []
    if "10." not in text:
        return found  # (every DOI starts so)
    for m in _TEXT_DOI.finditer(text):
        doi = clean_doi(m.group("doi"))
        if doi:
            found.append(doi)
    return found


def find_doi(text: str, urls: Iterable[str], raw: str = "") -> str | None:
    """The reference's DOI: one written in its text (beside the URL it cites), else a doi.org link's in the
    entry as written (``raw``: read whole, where a URL finder stops early), else one its URLs carry (doi.org links
    first)."""
    in_text = dois_in_text(text) or dois_in_links(raw)
    if in_text:
        return in_text[0]
    urls = list(urls)
    ordered = [u for u in urls if _host(u) in _DOI_HOSTS] + [u for u in urls if _host(u) not in _DOI_HOSTS]
    for url in ordered:
        doi = doi_from_url(url)
        if doi:
            return doi
    return None


def same_doi(a: str, b: str) -> bool:
    """DOIs are case-insensitive (ASCII)."""
    return a.lower() == b.lower()


@functools.lru_cache(maxsize=4096)  # (each link of an entry is asked about its DOI more than once)
def _host(url: str) -> str:
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def doi_link(doi: str) -> str:
    """The doi.org link readers should get: characters a URL path cannot hold raw are percent-encoded."""
    return DOI_RESOLVER + urllib.parse.quote(doi, safe="/:;()@!$&'*+,=")


def api_path(doi: str) -> str:
    """The DOI as a registry API path segment: lower-case (DOIs are case-insensitive), every reserved
    character percent-encoded with upper-case hex, the prefix's slash kept."""
    return urllib.parse.quote(doi.lower(), safe="/")


def prefix(doi: str) -> str:
    """The registrant prefix (10.1177): one registration agency serves all its DOIs."""
    return doi.split("/", 1)[0].lower()
