"""MediaWiki wikitext through mwparserfromhell: ``<ref>`` bodies, cite templates (any language's name and
the legacy parameter names), ``{{Webarchive}}``/``{{Wayback}}``, bare ``[url label]`` links, and dumps whose
markup is HTML-entity-escaped. CS1 archive errors are reported: archive-url without archive-date, and an
archive-date that disagrees with the snapshot's own timestamp.
"""
from __future__ import annotations

import html
import re

import mwparserfromhell
from mwparserfromhell.nodes import Template

from ..archives import parse_archive_link, snapshot_url
from ..dates import parse_date
from ..model import Reference
from ..urls import extract_urls
from . import Parser, register
from .common import make_reference, unique

ARCHIVE_URL = ("archive-url", "archiveurl", "archive_url", "url-arquivo", "arquivourl", "archivo-url", "urlarchivio",
               "archiv-url", "lưu trữ url")
ARCHIVE_DATE = ("archive-date", "archivedate", "archive_date", "data-arquivo", "arquivodata", "fecha-archivo",
                "dataarchivio", "archiv-datum", "ngày lưu trữ")
ACCESS_DATE = ("access-date", "accessdate", "access_date", "ngày truy cập", "acceso", "fechaacceso",
               "accesso", "zugriff", "abruf", "data-acesso", "дата обращения", "تاریخ بازدید", "閲覧日")
TITLE = ("title", "tựa đề", "titolo", "titre", "título", "titel", "заглавие", "عنوان", "タイトル")
URL = ("url", "URL", "نشانی", "адрес", "ссылка")
URL_STATUS = ("url-status", "url_status")
DEAD_URL = ("dead-url", "deadurl", "dead_url")
DEAD_URL_VALUES = {"yes": "dead", "true": "dead", "y": "dead", "no": "live", "false": "live", "n": "live",
                    "unfit": "unfit", "usurped": "usurped", "bot: unknown": "dead"}


def template_param(template: Template, names: tuple[str, ...]) -> str | None:
    for name in names:
        if template.has(name):
            value = str(template.get(name).value)
            value = re.sub(r"<!--.*?-->", "", value, flags=re.DOTALL).strip()
            if value:
                return value
    return None


def is_citation(name: str) -> bool:
    n = name.strip().lower()
    return n.startswith(("cite", "citation", "chú thích", "cita", "cytuj", "citar", "вебкниги", "статья", "книга")) \
        or n in ("cite web", "web cite", "ref-web", "lien web", "internetquelle", "يادکرد وب", "یادکرد وب")


def _archive_template(template: Template) -> tuple[str | None, str | None]:
    """{{Webarchive|url=…|date=…}} and {{Wayback|url=ORIGINAL|date=TS}} as (archive URL, its date text)."""
    name = str(template.name).strip().lower()
    if name in ("webarchive", "web archive"):
        return template_param(template, ("url", "url1")), template_param(template, ("date", "date1"))
    if name == "wayback":
        original, ts = template_param(template, ("url",)), template_param(template, ("date",))
        if original and ts and ts.isdigit():
            return snapshot_url(original, ts), ts
    return None, None


def _cs1_problems(archive_url: str | None, archive_date: str | None) -> list[str]:
    problems = []
    if archive_url and not archive_date:
        problems.append("archive-url without archive-date")
    if archive_url and archive_date:
        link = parse_archive_link(archive_url)
        stated = parse_date(archive_date)
        if link and link.timestamp and len(link.timestamp) >= 8 and stated:
            ts_date = link.captured_at.date() if link.captured_at else None
            if ts_date and abs((ts_date - stated).days) > 1:
                problems.append(f"archive-date {archive_date} disagrees with the snapshot's timestamp "
                                f"{ts_date.isoformat()}")
    return problems


def _ref_reference(body: str, number: int, key: str, line: int, source: str) -> Reference | None:
    code = mwparserfromhell.parse(body)
    urls: list[str] = []
    title = access = url_status = doi = None
    problems: list[str] = []
    for template in code.filter_templates(recursive=True):
        if is_citation(str(template.name)):
            url = template_param(template, URL)
            archive_url = template_param(template, ARCHIVE_URL)
            archive_date = template_param(template, ARCHIVE_DATE)
            title = title or template_param(template, TITLE)
            doi = doi or template_param(template, ("doi", "DOI"))
            access = access or parse_date(template_param(template, ACCESS_DATE) or "")
            status = template_param(template, URL_STATUS)
            dead_url = template_param(template, DEAD_URL)
            if status is None and dead_url:
                status = DEAD_URL_VALUES.get(dead_url.lower())
            url_status = url_status or (status.lower() if status else None)
            urls += [link_url(u) for u in (url, archive_url) if u]
            problems += _cs1_problems(archive_url, archive_date)
        else:
            archive_url, _ = _archive_template(template)
            if archive_url:
                urls.append(archive_url)
    for link in code.filter_external_links(recursive=True):
        # inside a citation template, its url and archive-url say what is cited: a link in its quote or title
        # is part of the text, never the cited page
        if any(isinstance(a, Template) and is_citation(str(a.name)) for a in code.get_ancestors(link)):
            continue
        urls.append(link_url(str(link.url), bracketed=bool(link.brackets)))
    if not urls:
        urls = [s.url for s in extract_urls(code.strip_code(), "wikitext")]
    if title:
        title = mwparserfromhell.parse(title).strip_code().strip()
    urls = [u for u in urls if u.lower().startswith(("http://", "https://", "//"))]
    if not urls and not body.strip():
        return None
    return make_reference(number=number, key=key, raw=body.strip(), line=line, source=source,
                          title=title or mwparserfromhell.parse(body).strip_code().strip()[:200] or None,
                          urls=tuple(unique(urls)), access_date=access, url_status=url_status,
                          problems=tuple(problems), scan_text=False, doi=doi)


def link_url(value: str, bracketed: bool = True) -> str:
    """The URL a parameter value or link holds, cut where MediaWiki ends it: a value runs on past its URL
    ("…/x[1]", "…/a&lt;b"), and a free link leaves out the sentence's punctuation. The value as written when
    MediaWiki would not read a URL there."""
    value = value.strip()
    spans = extract_urls("[" + value if bracketed else value, "wikitext")
    return spans[0].url if spans and spans[0].start <= 1 else value


_REF = re.compile(r"<ref(?P<attrs>\s[^>]*?)?(?<!/)>(?P<body>.*?)</ref\s*>", re.DOTALL | re.IGNORECASE)


def parse_wikitext(text: str, source: str) -> list[Reference]:
    if "&lt;ref" in text or "&lt;/ref&gt;" in text:
        # an XML dump: the markup itself is entity-escaped
        text = html.unescape(text)
    refs: list[Reference] = []
    for n, m in enumerate(_REF.finditer(text), 1):
        attrs = m.group("attrs") or ""
        name = re.search(r"""name\s*=\s*["']?([^"'>/]+?)["']?\s*(?:/|$|\s\w+=)""", attrs + " ")
        line = text.count("\n", 0, m.start()) + 1
        ref = _ref_reference(m.group("body"), n, name.group(1).strip() if name else str(n), line, source)
        if ref is not None:
            refs.append(ref)
    return refs


def _sniff(text: str) -> float:
    score = 0.0
    if re.search(r"<ref[\s>]|&lt;ref[\s&]", text):
        score += 0.5
    if re.search(r"\{\{\s*(?:cite|citation|webarchive)", text, re.IGNORECASE):
        score += 0.4
    return min(score, 0.95)


register(Parser("wikitext", "MediaWiki wikitext (<ref>, cite templates)", (".wiki", ".wikitext", ".mediawiki"),
                parse_wikitext, _sniff, context="wikitext"))
