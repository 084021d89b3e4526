"""Tagged bibliographic records: RIS (``UR``, ``L1``, ``DO``, ``Y2``/``DA``) and EndNote tagged (``%U``)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..dates import parse_date
from ..model import Reference
from ..textlines import iter_lines
from ..urls import extract_urls, field_urls
from . import Parser, register
from .common import make_reference, unique

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_ENW_LINE = re.compile(r"^%([0-9A-Z@!#$&()*+^>~\]])\s?(.*)$")


Record = list[tuple[str, str]]
Tags = tuple[str, ...]


def _records(text: str, line_re: re.Pattern[str], start_tag: str | None,
             end_tag: str | None) -> Iterator[tuple[int, Record]]:
    """Yield (first line number, [(tag, value)]) per record."""
    record: list[tuple[str, str]] = []
    first = 0
    for n, raw in enumerate(iter_lines(text), 1):
        line = raw.rstrip()
        m = line_re.match(line)
        if not m:
            if not line.strip() and record and end_tag is None:
                yield first, record
                record = []
            elif record and line.strip() and not line.startswith(("Provider:", "Database:", "Content:")):
                tag, value = record[-1]
                record[-1] = (tag, value + " " + line.strip())  # a value continued on the next line
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if start_tag and tag == start_tag and record:
            yield first, record
            record = []
        if not record:
            first = n
        if end_tag and tag == end_tag:
            record.append((tag, value))
            yield first, record
            record = []
            continue
        record.append((tag, value))
    if record:
        yield first, record


def _urls(values: list[str]) -> list[str]:
    out = []
    for v in values:
        # the field's value is the URL as written (a SICI DOI keeps its <…>); ";" separates several
        urls = field_urls(v)
        out += urls if urls else [s.url for s in extract_urls(v, malformed=True)]
    return out


def _reference(first: int, record: Record, source: str, title_tags: Tags, url_tags: Tags, doi_tags: Tags,
               date_tags: Tags, id_tags: Tags, n: int) -> Reference:
    def get(tags: Tags) -> list[str]:
        return [v for t, v in record if t in tags and v]

    urls = _urls(get(url_tags))
    for doi in get(doi_tags):
        urls.append(doi if doi.lower().startswith("http") else f"https://doi.org/{doi}")
    access = None
    for d in get(date_tags):
        access = parse_date(d.replace("/", "-").strip("-")) or parse_date(d)
        if access:
            break
    titles = get(title_tags)
    ids = get(id_tags)
    raw = "\n".join(f"{t}  - {v}" for t, v in record)
    return make_reference(number=None, key=ids[0] if ids else str(n), raw=raw, line=first, source=source,
                          title=titles[0] if titles else None, urls=tuple(unique(urls)), access_date=access,
                          scan_text=False)


def parse_ris(text: str, source: str) -> list[Reference]:
    refs = []
    for n, (first, record) in enumerate(_records(text, _RIS_LINE, "TY", "ER"), 1):
        if not any(t == "TY" for t, _ in record):
            continue
        refs.append(_reference(first, record, source, ("TI", "T1", "CT", "BT", "T2"), ("UR", "L1", "L2", "LK"),
                               ("DO",), ("Y2", "DA"), ("ID",), n))
    return refs


def parse_endnote(text: str, source: str) -> list[Reference]:
    refs = []
    for n, (first, record) in enumerate(_records(text, _ENW_LINE, "0", None), 1):
        refs.append(_reference(first, record, source, ("T",), ("U",), ("R",), ("8",), ("F", "M"), n))
    return refs


def _sniff_ris(text: str) -> float:
    return 0.9 if re.search(r"^TY  - ", text, re.MULTILINE) and re.search(r"^ER  -", text, re.MULTILINE) else 0.0


def _sniff_enw(text: str) -> float:
    return 0.9 if re.search(r"^%0 ", text, re.MULTILINE) and re.search(r"^%[TAU] ", text, re.MULTILINE) else 0.0


register(Parser("ris", "RIS tagged records", (".ris",), parse_ris, _sniff_ris, context="ris"))
register(Parser("endnote", "EndNote tagged (.enw)", (".enw",), parse_endnote, _sniff_enw, context="ris"))
