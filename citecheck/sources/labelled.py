"""Labelled notes: Markdown footnotes ``[^n]:`` and link definitions ``[label]: url``, reStructuredText
footnotes and citations ``.. [n]``/``.. [#]``/``.. [label]`` and hyperlink targets ``.. _label: url``.
Also the Markdown and reST parsers, which combine these with numbered lists and fenced BibTeX."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Reference
from ..textlines import iter_lines
from . import Parser, register
from .common import make_reference
from .plaintext import _sniff_markdown, parse_numbered

MD_FOOTNOTE = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<rest>.*)$")
MD_LINKDEF = re.compile(r"""^[ ]{0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*<?(?P<rest>(?:https?:)?//\S+?)>?(?:[ \t]+["'(].*["')])?[ \t]*$""")
RST_NOTE = re.compile(r"^\.\.[ \t]+\[(?P<label>#?[^\]]*)\][ \t]*(?P<rest>.*)$")
RST_TARGET = re.compile(r"^\.\.[ \t]+_(?P<label>[^:]+):[ \t]*(?P<rest>(?:https?:)?//\S+)[ \t]*$")
_FENCE = re.compile(r"^(```+|~~~+)[ \t]*(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)


def labelled_entries(text: str, start: re.Pattern[str]) -> Iterator[tuple[str, int, str]]:
    """(label, line, text) for each entry starting with ``start``; indented lines continue an entry."""
    label = None
    first = 0
    parts: list[str] = []
    for n, line in enumerate(iter_lines(text), 1):
        m = start.match(line)
        if m:
            if label is not None:
                yield label, first, "\n".join(parts).strip()
            label, first, parts = m.group("label"), n, [m.group("rest")]
            continue
        if label is not None and (line[:1] in (" ", "\t") or line.startswith("\\ ")) and line.strip():
            parts.append(line.strip().removeprefix("\\ ").strip())
            continue
        if label is not None and line.strip() == "":
            parts.append("")
            continue
        if label is not None:
            yield label, first, "\n".join(parts).strip()
            label = None
    if label is not None:
        yield label, first, "\n".join(parts).strip()


def _numbered_key(label: str) -> int | None:
    return int(label) if label.isdigit() else None


def notes_to_references(text: str, source: str, *patterns: tuple[re.Pattern[str], str],
                        context: str = "prose") -> list[Reference]:
    """References from labelled notes; each pattern comes with the prefix its keys get (Markdown footnote
    ``[^1]`` is key ``^1``, apart from a link definition ``[1]:``)."""
    refs = []
    for pattern, prefix in patterns:
        for label, line, body in labelled_entries(text, pattern):
            if not body:
                continue
            refs.append(make_reference(number=_numbered_key(label), key=prefix + label, raw=body, line=line,
                                       source=source, context=context))
    return refs


def _fenced_bibtex(text: str, source: str) -> list[Reference]:
    from .bibtex import parse_bibtex

    refs = []
    for m in _FENCE.finditer(text):
        if m.group("lang").lower() in ("bibtex", "bib", "biblatex"):
            offset = text.count("\n", 0, m.start("body"))
            refs += parse_bibtex(m.group("body"), source, line_offset=offset)
    return refs


def _merge(*groups: list[Reference]) -> list[Reference]:
    seen: set[tuple[str, int]] = set()
    out = []
    for group in groups:
        for r in group:
            if (r.key, r.line) not in seen:
                seen.add((r.key, r.line))
                out.append(r)
    return sorted(out, key=lambda r: r.line)


def parse_markdown(text: str, source: str) -> list[Reference]:
    fenced = _fenced_bibtex(text, source)
    outside = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    numbered = parse_numbered(outside, source, "markdown")
    notes = notes_to_references(outside, source, (MD_FOOTNOTE, "^"), (MD_LINKDEF, ""), context="markdown")
    return _merge(fenced, numbered, notes)


def parse_rst(text: str, source: str) -> list[Reference]:
    numbered = parse_numbered(text, source)
    notes = notes_to_references(text, source, (RST_NOTE, ""), (RST_TARGET, "_"))
    return _merge(numbered, notes)


def _sniff_rst(text: str) -> float:
    n = len(re.findall(r"^\.\. (?:\[[^\]]+\]|_[^:]+:|\w+::)", text, re.MULTILINE)) + len(re.findall(r"^[=~^-]{4,}\s*$", text, re.MULTILINE))
    return min(0.7, 0.1 * n)


register(Parser("markdown", "Markdown: numbered lists, [^n] footnotes, [label]: url definitions, fenced BibTeX",
                (".md", ".markdown", ".mdown"), parse_markdown, _sniff_markdown, context="markdown"))
register(Parser("rst", "reStructuredText: .. [n] footnotes and citations, .. _label: url targets", (".rst", ".rest"),
                parse_rst, _sniff_rst))
