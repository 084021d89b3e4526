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
from dataclasses import dataclass

import mwparserfromhell

from .archives import parse_archive_link, snapshot_url
from .model import Result
from .sources import Document
from .sources.wikitext import ARCHIVE_DATE, ARCHIVE_URL, URL, URL_STATUS, is_citation
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


def wanted(r: Result, saved: dict[str, str]) -> tuple[str | None, str | None]:
    """(new snapshot URL, new original URL) this reference should get, if any."""
    v, url = r.verdict, r.reference.url
    snap = None
    if url and url in saved and v.archive.state is not ArchiveState.OK:
        snap = snapshot_url(url, saved[url])
    elif v.archive.state is not ArchiveState.SHIFTED:  # a far capture needs a human look before it is cited
        snap = next((a.url for a in v.actions if a.kind.writes_snapshot and a.url), None)
    # a moved original: the new address the check found (a redirect's end, or the doi.org link of a dead
    # publisher URL whose DOI resolves elsewhere)
    moved = next((a.url for a in v.actions if a.kind is ActionKind.REPLACE_URL and a.url), None)
    return snap, moved


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


def _ts_date(snapshot: str) -> str:
    """The capture date of a snapshot link (for archive-date), read by the one archive-link grammar."""
    link = parse_archive_link(snapshot)
    when = link.captured_at if link else None
    return when.date().isoformat() if when else dt.date.today().isoformat()


def plan(doc: Document, results: list[Result], saved: dict[str, str]) -> FixPlan:
    text = doc.text
    mine = sorted([r for r in results if r.reference.source in (doc.name, "-")], key=lambda r: r.reference.line)
    offsets = _line_offsets(text)
    edits: list[Edit] = []
    applied: list[Change] = []
    skipped: list[Change] = []
    for i, r in enumerate(mine):
        snap, moved = wanted(r, saved)
        if not snap and not moved:
            if r.verdict.attention:
                advice = next((a.text for a in r.verdict.actions), "")
                skipped.append(Change(r.reference.key, r.reference.line,
                                      "nothing to write in" + (f"; {advice}" if advice else "")))
            continue
        start, end = _region(text, offsets, mine, i)
        fixer = FIXERS.get(doc.format)
        if fixer is None:
            skipped.append(Change(r.reference.key, r.reference.line, f"fixing {doc.format} files is not supported"))
            continue
        new_edits, notes = fixer(text, start, end, r, snap, moved)
        edits += new_edits
        (applied if new_edits else skipped).extend(Change(r.reference.key, r.reference.line, n) for n in notes)
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


def _fix_text(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None,
              markdown: bool = False, rst: bool = False) -> Edits:
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
            elif rst:
                after = pos + len(ref.url)
                edits.append(Edit(after, after, f" (archived: {snap})"))
                notes.append(f"snapshot link added: {snap}")
            else:
                edits.append(Edit(pos, pos + len(ref.url), snap))  # as the seed does: the snapshot carries it
                notes.append(f"original link replaced by its snapshot {snap}")
    if moved and ref.url:
        pos = _find(text, ref.url, start, end, outside=link.url if link else None)
        if pos != -1 and not any(e.start <= pos < e.end or (e.start == e.end == pos) for e in edits):
            edits.append(Edit(pos, pos + len(ref.url), moved))
            notes.append(f"URL updated to {moved}")
        elif not edits:
            notes.append("the entry cites only its snapshot; the new URL is " + moved)
    return edits, notes


def _fix_markdown(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None) -> Edits:
    return _fix_text(text, start, end, r, snap, moved, markdown=True)


def _fix_rst(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None) -> Edits:
    return _fix_text(text, start, end, r, snap, moved, rst=True)


def _fix_bibtex(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None) -> Edits:
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
            additions.append(f"urldate = {{{dt.date.today().isoformat()}}}")
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


def _fix_wikitext(text: str, start: int, end: int, r: Result, snap: str | None, moved: str | None) -> Edits:
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
    status = {LiveState.OK: "live", LiveState.PARKED: "usurped", LiveState.MOVED: "live"}.get(live, "dead")
    if cites:
        t = cites[0]

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
            put(ARCHIVE_DATE, _ts_date(snap))
            put(URL_STATUS, status)
            notes.append(f"archive-url {snap} set")
        if moved:
            put(URL, moved)
            notes.append(f"url updated to {moved}")
        if t.params:
            t.params[-1].value = str(t.params[-1].value).rstrip() + final_tail
    elif snap:
        links = code.filter_external_links()
        if links:
            code.insert_after(links[0], f" {{{{Webarchive|url={snap}|date={_ts_date(snap)}}}}}")
            notes.append(f"{{{{Webarchive}}}} with {snap} added")
    new_body = str(code)
    if new_body == body:
        return [], notes or ["nothing to change"]
    return [Edit(m.start("body"), m.end("body"), new_body)], notes


FIXERS = {"text": _fix_text, "markdown": _fix_markdown, "rst": _fix_rst, "bibtex": _fix_bibtex,
          "wikitext": _fix_wikitext}


def unified_diff(document: Document, fixed: FixPlan) -> list[str]:
    """The changes as a unified diff, paths as git shows them."""
    name = document.name.lstrip("/")
    return list(difflib.unified_diff(document.text.splitlines(keepends=True), fixed.new_text.splitlines(keepends=True),
                                     fromfile=f"a/{name}", tofile=f"b/{name}"))
