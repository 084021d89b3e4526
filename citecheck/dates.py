"""Dates written in references: access dates ("Retrieved 5 March 2020", "2025年5月27日閲覧") and years."""
from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            "january jan janvier janv enero ene januar jänner gennaio января январь қаңтар",
            "february feb février févr febrero febr februar febbraio февраля февраль ақпан",
            "march mar mars marzo märz марта март наурыз",
            "april apr avril abril aprile апреля апрель сәуір",
            "may mai mayo maggio мая май мамыр",
            "june jun juin junio juni giugno июня июнь маусым",
            "july jul juillet julio juli luglio июля июль шілде",
            "august aug août agosto августа август тамыз",
            "september sep sept septembre septiembre settembre сентября сентябрь қыркүйек",
            "october oct octobre octubre oktober ottobre октября октябрь қазан",
            "november nov novembre noviembre ноября ноябрь қараша",
            "december dec décembre déc diciembre dezember dicembre декабря декабрь желтоқсан",
        ]
    )
    for name in names.split()
}

_ACCESS_WORDS = re.compile(
    r"(?:retrieved|accessed|access(?:ed)?[ -]date|last accessed|viewed|consulted|visited|abgerufen(?: am)?|"
    r"consultado(?: el)?|consulté le|consultato il|дата обращения|обращено|проверено|тексерілді|қаралды|"
    r"erişim tarihi|"
    r"閲覧|访问|訪問|查阅|存取)",
    re.IGNORECASE,
)
# a full date alone in square brackets: the access ("cited") date of GB/T 7714 and of zh Wikipedia's citations
# ("[2012-04-07]", "\\[15 July 2016\\]" after a Markdown converter), not a link text
_BRACKETED = re.compile(r"\\?\[\s*([^\[\]\n]{6,30}?)\s*\\?\](?!\()")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASHED = re.compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+([^\W\d_]{3,12})\.?,?\s+(\d{4})\b", re.UNICODE)
_MONTH_DAY_YEAR = re.compile(r"\b([^\W\d_]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.UNICODE)
_YEAR = re.compile(r"(?<![\d/.-])(19[5-9]\d|20[0-4]\d)(?![\d/-])")


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The first full date in ``text``, in any of the common written forms."""
    found: list[tuple[int, dt.date]] = []
    for rx, order in ((_ISO, "ymd"), (_SLASHED, "ymd"), (_CJK, "ymd"), (_DOTTED, "dmy")):
        for m in rx.finditer(text):
            g = dict(zip(order, (int(x) for x in m.groups()), strict=True))
            d = _make(g["y"], g["m"], g["d"])
            if d:
                found.append((m.start(), d))
    for m in _DAY_MONTH_YEAR.finditer(text):
        month = _MONTHS.get(m.group(2).lower())
        d = _make(int(m.group(3)), month, int(m.group(1))) if month else None
        if d:
            found.append((m.start(), d))
    for m in _MONTH_DAY_YEAR.finditer(text):
        month = _MONTHS.get(m.group(1).lower())
        d = _make(int(m.group(3)), month, int(m.group(2))) if month else None
        if d:
            found.append((m.start(), d))
    return min(found)[1] if found else None


def find_access_date(text: str) -> dt.date | None:
    """The date next to an access word ("Retrieved …", "… 閲覧"), if the text has one."""
    for m in _ACCESS_WORDS.finditer(text):
        after = parse_date(text[m.end(): m.end() + 40])
        if after:
            return after
        before = parse_date(text[max(0, m.start() - 20): m.start()])
        if before:
            return before
    for m in _BRACKETED.finditer(text):
        inside = m.group(1)
        date = parse_date(inside)
        if date and re.fullmatch(r"[\w\s,./-]+", inside) and sum(c.isdigit() for c in inside) >= 5:
            return date
    return None


def find_year(text: str) -> int | None:
    """A plausible publication year written in the text (the first one)."""
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None
