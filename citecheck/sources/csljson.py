"""CSL-JSON (Zotero, Pandoc): URL, DOI, accessed date-parts (strings or numbers), archive, archive_location."""
from __future__ import annotations

import datetime as dt
import json
import re

from ..errors import InputError
from ..identifiers import clean_doi, doi_link
from ..model import Reference
from ..urls import extract_urls
from . import Parser, register
from .common import make_reference, unique


def _date(value: object) -> dt.date | None:
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts") or []
    if parts and isinstance(parts[0], list) and parts[0]:
        try:
            nums = [int(str(p).strip()) for p in parts[0][:3]] + [1, 1]
            return dt.date(nums[0], max(1, nums[1]), max(1, nums[2]))
        except (ValueError, TypeError, OverflowError):  # (a year of 10**30 is no date)
            return None
    raw = value.get("raw") or value.get("literal")
    if isinstance(raw, str):
        from ..dates import parse_date

        return parse_date(raw)
    return None


def _item_line(text: str, item_id: str | None, fallback: int) -> int:
    if item_id:
        i = text.find(json.dumps(str(item_id), ensure_ascii=False))
        if i == -1:
            i = text.find(f'"{item_id}"')
        if i != -1:
            return text.count("\n", 0, i) + 1
    return fallback


def parse_csljson(text: str, source: str) -> list[Reference]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{source}: not valid CSL-JSON ({e.msg} at line {e.lineno})") from None
    items = data.get("items", data.get("references", [])) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(f"{source}: CSL-JSON must be a list of items")
    refs = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            continue
        urls = []
        if item.get("URL"):
            urls.append(str(item["URL"]).strip())
        doi = clean_doi(str(item.get("DOI") or ""))
        if doi:
            urls.append(doi_link(doi))
        for name in ("archive_location", "archive-location", "archive"):
            value = item.get(name)
            if isinstance(value, str):
                urls += [s.url for s in extract_urls(value, malformed=True)]
        title = re.sub(r"<[^>]+>", "", str(item.get("title") or "")).strip() or None
        item_id = str(item.get("id")) if item.get("id") is not None else None
        refs.append(make_reference(
            number=None, key=item_id or str(i), raw=json.dumps(item, ensure_ascii=False), source=source,
            line=_item_line(text, item_id, 1), title=title, urls=tuple(unique(urls)),
            access_date=_date(item.get("accessed")), scan_text=False, doi=doi,
        ))
    return refs


def _sniff(text: str) -> float:
    head = text.lstrip()[:2000]
    if head.startswith(("[", "{")) and re.search(r'"(?:type|title|URL|DOI|issued)"\s*:', head):
        return 0.95
    return 0.0


register(Parser("csljson", "CSL-JSON (Zotero, Pandoc)", (".json",), parse_csljson, _sniff))
