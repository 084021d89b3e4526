"""BibTeX / BibLaTeX through bibtexparser 2: url, urldate, howpublished/note \\url{…}, "Archived at" notes,
eprint + eprinttype (arXiv, hdl, JSTOR, PubMed, Google Books) and doi turned into URLs, @string macros,
LaTeX markup in titles."""
from __future__ import annotations

import datetime as dt
import logging
import re

import bibtexparser

from ..dates import parse_date
from ..model import Reference
from ..urls import absolute, extract_urls
from . import Parser, register
from .common import make_reference, unique

EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "hdl": "https://hdl.handle.net/{}",
    "handle": "https://hdl.handle.net/{}",
    "jstor": "https://www.jstor.org/stable/{}",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "googlebooks": "https://books.google.com/books?id={}",
    "doi": "https://doi.org/{}",
}
URL_FIELDS = ("url", "howpublished", "note", "addendum", "archiveurl", "archive_url", "archive-url", "urlarchive",
              "webarchive", "eprint_url", "discussion_url")
_LATEX_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
                  ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328"}


def latex_to_text(value: str) -> str:
    """Titles as a reader sees them: accents composed, markup commands dropped, braces gone."""
    import unicodedata

    def accent(m: re.Match[str]) -> str:
        return unicodedata.normalize("NFC", m.group(2) + _LATEX_ACCENTS[m.group(1)])

    v = re.sub(r"\\([`'^\"~=.cvuHk])\s*\{?\s*([A-Za-z])\s*\}?", accent, value)
    v = re.sub(r"\\(?:emph|textit|textbf|textsc|textrm|texttt|mkbibquote|enquote|url|mbox|textsuperscript)\s*\{", "{", v)
    v = v.replace("\\&", "&").replace("\\%", "%").replace("\\_", "_").replace("\\$", "$").replace("\\#", "#")
    v = re.sub(r"\\(?:ss)\b", "ß", v)
    v = re.sub(r"--", "–", v)
    v = re.sub(r"[{}]", "", v)
    v = re.sub(r"\\[a-zA-Z]+\s*", "", v)
    return re.sub(r"\s+", " ", v).strip()


def _field_urls(value: str) -> list[str]:
    inner = re.findall(r"\\url\{([^}]*)\}", value)
    found = [u.strip() for u in inner] + [s.url for s in extract_urls(re.sub(r"\\url\{[^}]*\}", " ", value),
                                                                       malformed=True)]
    return [absolute(u) for u in found if u]


def entry_urls(fields: dict[str, str]) -> list[str]:
    urls: list[str] = []
    for name in URL_FIELDS:
        if name in fields:
            urls += _field_urls(fields[name])
    doi = fields.get("doi", "").strip()
    if doi:
        urls.append(doi if doi.lower().startswith("http") else EPRINT_URLS["doi"].format(re.sub(r"^doi:\s*", "", doi, flags=re.IGNORECASE)))
    eprint, kind = fields.get("eprint", "").strip(), fields.get("eprinttype", fields.get("archiveprefix", "")).strip().lower()
    if eprint:
        if eprint.lower().startswith("http"):
            urls.append(eprint)
        elif kind in EPRINT_URLS:
            urls.append(EPRINT_URLS[kind].format(eprint))
    return list(unique(urls))


def _access_date(fields: dict[str, str]) -> dt.date | None:
    for name in ("urldate", "accessed", "access-date", "lastchecked"):
        if fields.get(name):
            d = parse_date(fields[name]) or parse_date(fields[name].replace(".", "-"))
            if d:
                return d
    note = fields.get("note", "")
    m = re.search(r"(?:accessed|retrieved|visited)[:\s]*([^.;,}]+\d{4}[^.;}]*)", note, re.IGNORECASE)
    return parse_date(m.group(1)) if m else None


# bibtexparser logs each block it cannot parse; those blocks become references with a problem instead
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def parse_bibtex(text: str, source: str, line_offset: int = 0) -> list[Reference]:
    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]  # (not in its __all__)
    refs = []
    for failed in library.failed_blocks:
        # nothing silently lost: a broken entry is still checked for the links it holds, and says it is broken
        raw = str(failed.raw or "").strip()
        key = re.match(r"@\w+\s*[{(]\s*([^,\s=]+)", raw)
        refs.append(make_reference(number=None, key=key.group(1) if key else f"L{(failed.start_line or 0) + 1}",
                                   raw=raw, line=(failed.start_line or 0) + 1 + line_offset, source=source,
                                   problems=("BibTeX syntax error: the entry could not be parsed",)))
    for entry in library.entries:
        fields = {k.lower(): str(f.value) for k, f in entry.fields_dict.items()}
        title = latex_to_text(fields.get("title", "")) or None
        raw = entry.raw if isinstance(entry.raw, str) else ""
        refs.append(make_reference(
            number=None, key=entry.key, raw=raw.strip(), line=(entry.start_line or 0) + 1 + line_offset, source=source,
            title=title, urls=tuple(entry_urls(fields)), access_date=_access_date(fields), scan_text=False,
        ))
    return sorted(refs, key=lambda r: r.line)


def _sniff(text: str) -> float:
    return 0.9 if re.search(r"^\s*@[A-Za-z]+\s*[{(]", text, re.MULTILINE) else 0.0


register(Parser("bibtex", "BibTeX / BibLaTeX", (".bib", ".bibtex", ".biblatex"), parse_bibtex, _sniff))
