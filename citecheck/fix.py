"""Writing the fixes back: a corrected copy of the input where only the fixed links change, byte for byte.

For a broken, missing or uncited snapshot the best snapshot link goes in (one found by check, or one made
by save); for a moved original, the new URL. Each format keeps its conventions:
- plain text / reST: a snapshot link written like the seed's (the snapshot URL, which carries the original);
- Markdown: `` [archived](snapshot)`` after the original link, or the old snapshot link replaced;
- BibTeX: ``note = {Archived at \\url{…}}`` (``addendum`` when ``note`` is taken), ``urldate`` when missing;
- wikitext: ``archive-url``, ``archive-date`` and ``url-status`` on the cite template, or ``{{Webarchive}}``
  after a bare link.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import Template

from .archives import parse_archive_link
from .model import Result
from .rules import snapshot_to_write
from .settings import Settings
from .sources import Document
from .sources.wikitext import (
    ACCESS_DATE,
    ARCHIVE_DATE,
    ARCHIVE_URL,
    DEAD_URL,
    DEAD_URL_VALUES,
    URL,
    URL_STATUS,
    is_citation,
    template_param,
)
from .vocab import ActionKind, ArchiveState, LiveState


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Change:
    key: str
    line: int
    what: str


@dataclass(frozen=True)
class FixPlan:
    new_text: str
    applied: tuple[Change, ...]
    skipped: tuple[Change, ...]





def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for m in re.finditer(r"\n", text):
        offsets.append(m.end())
    return offsets


def _region(text: str, offsets: list[int], results: list[Result], i: int) -> tuple[int, int]:
    start = offsets[min(results[i].reference.line, len(offsets)) - 1]
    later = [r.reference.line for r in results if r.reference.line > results[i].reference.line]
    end = offsets[min(later) - 1] if later and min(later) - 1 < len(offsets) else len(text)
    return start, end


def _find(text: str, needle: str, start: int, end: int, *, outside: str | None = None) -> int:
    """Position of ``needle`` in text[start:end], not inside an occurrence of ``outside``."""
    pos = text.find(needle, start, end)
    while pos != -1 and outside:
        o = text.find(outside, max(start, pos - len(outside)), end)
        if o != -1 and o <= pos < o + len(outside):
            pos = text.find(needle, pos + 1, end)
            continue
        break
    return pos


# formats whose fix also writes what the check found when there is no link to put in (url-status, {{dead link}})
_RECORDS_FINDINGS = frozenset({"wikitext"})


def plan(doc: Document, results: list[Result], saved: dict[str, str], settings: Settings,
         today: dt.date | None = None) -> FixPlan:
    """The corrected text; ``today`` dates what fix adds (a {{dead link}}'s month, a BibTeX urldate)."""
    today = today or dt.date.today()
    text = doc.text
    mine = sorted([r for r in results if r.reference.source in (doc.name, "-")], key=lambda r: r.reference.line)
    offsets = _line_offsets(text)
    edits: list[Edit] = []
    applied: list[Change] = []
    skipped: list[Change] = []
    for i, r in enumerate(mine):
        snap, why_not = snapshot_to_write(r, saved, settings)
        moved = moved_to(r)
        if why_not:
            skipped.append(Change(r.reference.key, r.reference.line, f"snapshot not written: {why_not}"))
        if not snap and not moved and doc.format not in _RECORDS_FINDINGS:
            if r.verdict.attention and not why_not:
                advice = next((a.text for a in r.verdict.actions), "")
                skipped.append(Change(r.reference.key, r.reference.line,
                                      "nothing to write in" + (f"; {advice}" if advice else "")))
            continue
        start, end = _region(text, offsets, mine, i)
        fixer = FIXERS[doc.format]  # (api.require_fixable refused the others)
        new_edits, notes = fixer(text, start, end, r, snap, moved, today)
        edits += new_edits
        if new_edits:
            applied.extend(Change(r.reference.key, r.reference.line, n) for n in notes)
        elif snap or moved or r.verdict.attention:
            advice = next((a.text for a in r.verdict.actions), "")
            notes = [n for n in notes if n != "nothing to change"] or ["nothing to write in" + (f"; {advice}" if advice else "")]
            skipped.extend(Change(r.reference.key, r.reference.line, n) for n in notes)
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        if e.start < pos:
            continue  # overlapping edits: keep the first
        out += [text[pos:e.start], e.text]
        pos = e.end
    out.append(text[pos:])
    return FixPlan("".join(out), tuple(applied), tuple(skipped))


# --- per format --------------------------------------------------------------------------------------------


Edits = tuple[list[Edit], list[str]]  # the edits, and what they do in words


def moved_to(r: Result) -> str | None:
    """A moved original's new address, as the check found it: a redirect's end, or the doi.org link of a dead
    publisher URL whose DOI resolves elsewhere."""
    return next((a.url for a in r.verdict.actions if a.kind is ActionKind.REPLACE_URL and a.url), None)


def _fix_text(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None, today: dt.date,
              markdown: bool = False) -> Edits:
    edits: list[Edit] = []
    notes: list[str] = []
    ref = r.reference
    link = ref.archive_link
    if snap:
        old = link.url if link else None
        pos = _find(text, old, start, end) if old else -1
        if old and pos != -1:
            edits.append(Edit(pos, pos + len(old), snap))
            notes.append(f"snapshot link replaced with {snap}")
        elif ref.url:
            pos = _find(text, ref.url, start, end)
            if pos == -1:
                notes.append("could not find the URL in the entry")
            elif markdown:
                after = pos + len(ref.url)
                if text[after:after + 1] == ">" or text[after:after + 1] == ")":
                    after += 1
                edits.append(Edit(after, after, f" [archived]({snap})"))
                notes.append(f"snapshot link added: {snap}")
            else:
                # the live link stays for readers (updated below if it moved); the snapshot follows it
                after = pos + len(ref.url)
                edits.append(Edit(after, after, f" (archived: {snap})"))
                notes.append(f"snapshot link added: {snap}")
    if moved and ref.url:
        pos = _find(text, ref.url, start, end, outside=link.url if link else None)
        if pos != -1 and not any(e.start <= pos < e.end or (e.start == e.end == pos) for e in edits):
            edits.append(Edit(pos, pos + len(ref.url), moved))
            notes.append(f"URL updated to {moved}")
        elif not edits:
            notes.append("the entry cites only its snapshot; the new URL is " + moved)
    return edits, notes


def _fix_markdown(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None,
                  today: dt.date) -> Edits:
    return _fix_text(text, start, end, r, snap, moved, today, markdown=True)


def _fix_bibtex(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None,
                today: dt.date) -> Edits:
    entry_end = _entry_end(text, start, end)
    body = text[start:entry_end]
    edits: list[Edit] = []
    notes: list[str] = []
    newline = "\r\n" if "\r\n" in body else "\n"
    indented = re.search(r"\n([ \t]+)\w", body)
    indent = indented.group(1) if indented else "  "
    link = r.reference.archive_link
    additions: list[str] = []
    if snap:
        if link and link.url in body:
            pos = start + body.index(link.url)
            edits.append(Edit(pos, pos + len(link.url), snap))
            notes.append(f"archive link replaced with {snap}")
        else:
            name = "addendum" if re.search(r"(?<![\w-])note\s*=", body, re.IGNORECASE) else "note"
            additions.append(f"{name} = {{Archived at \\url{{{snap}}}}}")
            notes.append(f"{name} with the snapshot {snap} added")
        if not re.search(r"(?<![\w-])urldate\s*=", body, re.IGNORECASE) and r.verdict.live.state is LiveState.OK:
            additions.append(f"urldate = {{{today.isoformat()}}}")
    if moved and r.reference.url:
        m = re.search(r"(^\s*url\s*=\s*[{\"])" + re.escape(r.reference.url), body, re.MULTILINE | re.IGNORECASE)
        if m:
            pos = start + m.end(1)
            edits.append(Edit(pos, pos + len(r.reference.url), moved))
            notes.append(f"url updated to {moved}")
    if additions:
        close = entry_end - 1  # the entry's closing brace
        before = text[start:close].rstrip()
        insert_at = start + len(before)
        comma = "" if before.endswith(",") else ","
        closing_on_own_line = newline in text[insert_at:close]
        edits.append(Edit(insert_at, insert_at, comma + "".join(f"{newline}{indent}{a}," for a in additions)
                          + ("" if closing_on_own_line else newline)))
    return edits, notes


def _entry_end(text: str, start: int, limit: int) -> int:
    depth = 0
    opened = False
    for i in range(start, min(limit, len(text))):
        c = text[i]
        if c in "{(":
            depth += 1
            opened = True
        elif c in "})":
            depth -= 1
            if opened and depth == 0:
                return i + 1
    return limit


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DEAD_LINK = re.compile(r"\{\{\s*(?:dead[ _]?link|deadlink|404|dl|broken[ _]link|dead)\s*[|}]", re.IGNORECASE)
_USE_DATES = re.compile(r"\{\{\s*(?:use\s+)?(dmy|mdy)(?:\s+dates)?\s*[|}]", re.IGNORECASE)
_DMY = re.compile(r"^\s*\d{1,2}\s+(" + "|".join(_MONTHS) + r")\s+\d{4}\s*$", re.IGNORECASE)
_MDY = re.compile(r"^\s*(" + "|".join(_MONTHS) + r")\s+\d{1,2},\s*\d{4}\s*$", re.IGNORECASE)


def date_style(template: Template | None, article: str) -> str:
    """How the article writes dates, for the ones fix adds ("dmy", "mdy" or "ymd"): the template's ``df=``;
    else the format of the access date beside it (access and archive dates share one format, MOS:DATEUNIFY);
    else {{Use dmy dates}} / {{Use mdy dates}}; else the template's other dates; else ISO."""
    def style_of(value: str | None) -> str | None:
        if not value:
            return None
        if _DMY.match(value):
            return "dmy"
        if _MDY.match(value):
            return "mdy"
        return "ymd" if re.match(r"^\s*\d{4}-\d{2}-\d{2}\s*$", value) else None

    if template is not None:
        df = (template_param(template, ("df",)) or "").lower()
        if df.startswith(("dmy", "mdy", "ymd")):
            return df[:3]
        found = style_of(template_param(template, ACCESS_DATE)) or style_of(template_param(template, ARCHIVE_DATE))
        if found:
            return found
    use = _USE_DATES.search(article)
    if use:
        return use.group(1).lower()
    return (style_of(template_param(template, ("date",))) if template is not None else None) or "ymd"


def write_date(day: dt.date, style: str) -> str:
    month = _MONTHS[day.month - 1]
    if style == "dmy":
        return f"{day.day} {month} {day.year}"
    if style == "mdy":
        return f"{month} {day.day}, {day.year}"
    return day.isoformat()


def _capture_day(snapshot: str, today: dt.date) -> dt.date:
    """The capture date of a snapshot link, read by the one archive-link grammar."""
    link = parse_archive_link(snapshot)
    when = link.captured_at if link else None
    return when.date() if when else today


def _needs_dead_link(r: Result, snap: str | None) -> bool:
    """Nothing can be archived for a dead original: InternetArchiveBot's {{dead link|fix-attempted=yes}}."""
    v = r.verdict
    if snap or v.live.state.url_status != "dead":
        return False
    return v.archive.state is ArchiveState.UNCITED_NONE or (v.archive.state.policy.broken and v.archive.suggestion is None)


def _fix_wikitext(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None,
                  today: dt.date) -> Edits:
    refs = re.compile(r"<ref(?:\s[^>]*?)?(?<!/)>(?P<body>.*?)</ref\s*>", re.DOTALL | re.IGNORECASE)
    # several <ref>s can share a line: take the one whose body is this reference's
    m = next((x for x in refs.finditer(text, start, len(text)) if x.group("body").strip() == r.reference.raw), None)
    if not m:
        return [], ["could not find the <ref> in the text"]
    body = m.group("body")
    code = mwparserfromhell.parse(body)
    notes: list[str] = []
    cites = [t for t in code.filter_templates(recursive=True) if is_citation(str(t.name))]
    live = r.verdict.live.state
    dead_link = _needs_dead_link(r, snap) and not _DEAD_LINK.search(body)
    if cites:
        t = cites[0]
        style = date_style(t, text)

        # the template's own separator style (" |name=value", "\n| name = value") lives in the values' tails;
        # mwparserfromhell copies it onto added parameters, the old last one needs it, the new last one not
        tails = {str(p.value)[len(str(p.value).rstrip()):] for p in t.params[:-1]}
        separator = tails.pop() if len(tails) == 1 else ""
        final_tail = str(t.params[-1].value)[len(str(t.params[-1].value).rstrip()):] if t.params else ""

        def put(names: tuple[str, ...], value: str) -> None:
            name = next((n for n in names if t.has(n)), names[0])
            if t.has(name):
                old = str(t.get(name).value)  # keep the spacing around the old value
                t.get(name).value = old[:len(old) - len(old.lstrip())] + value + old[len(old.rstrip()):]
                return
            if t.params and separator and str(t.params[-1].value) == str(t.params[-1].value).rstrip():
                t.params[-1].value = str(t.params[-1].value) + separator
            t.add(name, value)

        if snap:
            put(ARCHIVE_URL, snap)
            put(ARCHIVE_DATE, write_date(_capture_day(snap, today), style))
            notes.append(f"archive-url {snap} set")
        if moved:
            put(URL, moved)
            notes.append(f"url updated to {moved}")
        if snap or template_param(t, ARCHIVE_URL):
            notes += _set_url_status(t, live, put)
        if t.params:
            t.params[-1].value = str(t.params[-1].value).rstrip() + final_tail
        if dead_link:
            code.insert_after(t, _dead_link_tag(today))
            notes.append("{{dead link}} added: the original is dead and no capture of it exists")
    else:
        links = code.filter_external_links()
        style = date_style(None, text)
        if snap and links:
            code.insert_after(links[0], f" {{{{Webarchive|url={snap}|date={write_date(_capture_day(snap, today), style)}}}}}")
            notes.append(f"{{{{Webarchive}}}} with {snap} added")
        elif dead_link and links:
            code.insert_after(links[0], _dead_link_tag(today))
            notes.append("{{dead link}} added: the original is dead and no capture of it exists")
    new_body = str(code)
    if new_body == body:
        return [], notes or ["nothing to change"]
    return [Edit(m.start("body"), m.end("body"), new_body)], notes


def _dead_link_tag(today: dt.date) -> str:
    return f"{{{{dead link|date={_MONTHS[today.month - 1]} {today.year}|fix-attempted=yes}}}}"


def _set_url_status(t: Template, live: LiveState, put: Callable[[tuple[str, ...], str], None]) -> list[str]:
    """url-status as found (live, dead, usurped, deviated), replacing a legacy dead-url; an editor's unfit or
    usurped stays, and so does anything when the original did not answer."""
    legacy = next((n for n in DEAD_URL if t.has(n)), None)
    current = (template_param(t, URL_STATUS) or "").lower() or None
    if current is None and legacy:
        current = DEAD_URL_VALUES.get((template_param(t, (legacy,)) or "").lower())
    status = live.url_status
    if status is None:
        return [f"url-status left as it is: the original did not answer ({live.value})"]
    if (current in ("unfit", "usurped") and status != "live") or current == "unfit":
        return []  # an editor's judgement that the link must not be shown
    if current == status and not legacy:
        return []
    if legacy and not t.has(URL_STATUS[0]):
        t.get(legacy).name = URL_STATUS[0] + str(t.get(legacy).name)[len(str(t.get(legacy).name).rstrip()):]
    put(URL_STATUS, status)
    return [f"url-status={status}" + (f" (was {current})" if current and current != status else "")]


FIXERS = {"text": _fix_text, "markdown": _fix_markdown, "rst": _fix_text, "bibtex": _fix_bibtex,
          "wikitext": _fix_wikitext}


def unified_diff(document: Document, fixed: FixPlan) -> list[str]:
    """The changes as a unified diff, paths as git shows them."""
    name = document.name.lstrip("/")
    return list(difflib.unified_diff(document.text.splitlines(keepends=True), fixed.new_text.splitlines(keepends=True),
                                     fromfile=f"a/{name}", tofile=f"b/{name}"))
