"""Plain-text and Markdown numbered reference lists: ``[1] …``, ``1. …``, ``1) …``.

The list may be the whole file or the reference section at the end of an article; entries may run over
several lines. The section is found by its heading ("References", "Сілтемелер", "参考文献", the seed's
"🔗 Web Archive сілтемелері:" …) or, without one, as the last numbered run whose entries carry links.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Reference
from ..textlines import iter_lines
from . import Parser, register
from .common import make_reference

_ENTRY = re.compile(
    r"^[ \t]*(?:[*-][ \t]+|\.\.[ \t]+)?(?:\[(?P<b>\d+)\]|(?P<n>\d+)[.)])(?:[ \t]+|(?=[^\s\d.)]))(?=\S)")
_HEADING_WORDS = re.compile(
    r"(references?|bibliography|sources|works cited|notes|footnotes|citations|literature|further reading|"
    r"external links|web archive|links|сілтемелер|әдебиеттер|дереккөздер|литература|источники|ссылки|"
    r"примечания|список литературы|посилання|джерела|参考文献|参考资料|参考資料|脚注|出典|引用|注释|註釋|"
    r"referencias|bibliografía|références|bibliographie|quellen|literatur|einzelnachweise|riferimenti|"
    r"bibliografia|note|منابع|پانویس|tham khảo|nguồn|kaynakça|kaynaklar)",
    re.IGNORECASE,
)


@dataclass
class _Entry:
    number: int
    line: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _Run:
    entries: list[_Entry]
    heading_before: bool
    start_line: int


def _is_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 80 or _ENTRY.match(line):
        return False
    s = re.sub(r"^[#=*\s]+|[#=*:\s]+$", "", s)
    return bool(_HEADING_WORDS.search(s)) and len(s.split()) <= 6


def _runs(lines: Iterable[str]) -> list[_Run]:
    runs: list[_Run] = []
    current: list[_Entry] = []
    heading_seen_at = -1  # index of the last reference heading
    run_heading = False
    blank_before = False
    for i, line in enumerate(lines):
        m = _ENTRY.match(line)
        if m:
            number = int(m.group("b") or m.group("n"))
            # a list that starts again at 1 is a new list; other out-of-order numbers stay in it
            if current and number == 1 and current[-1].number > 1:
                runs.append(_Run(current, run_heading, current[0].line))
                current = []
            if not current:
                run_heading = heading_seen_at >= 0
            current.append(_Entry(number, i + 1, [line[m.end():]]))
            blank_before = False
            continue
        if not line.strip():
            blank_before = True
            continue
        if current:
            continues = not blank_before or line[:1] in (" ", "\t") or line.startswith("\\ ")
            if continues and not _is_heading(line):
                current[-1].lines.append(line.strip().removeprefix("\\ ").strip())
                blank_before = False
                continue
            runs.append(_Run(current, run_heading, current[0].line))
            current = []
        if _is_heading(line):
            heading_seen_at = i
        blank_before = False
    if current:
        runs.append(_Run(current, run_heading, current[0].line))
    return runs


def _url_count(run: _Run) -> int:
    return sum(1 for e in run.entries if re.search(r"(?:https?:)?//\w", " ".join(e.lines)))


def _choose(runs: list[_Run]) -> list[_Run]:
    """The reference list among the numbered runs: after a reference heading, else the last one with links."""
    if not runs:
        return []
    with_links = [r for r in runs if _url_count(r) > 0]
    headed = [r for r in with_links if r.heading_before] or [r for r in runs if r.heading_before]
    if headed:
        return headed
    if with_links:
        return [with_links[-1]]
    return [runs[-1]]


def parse_numbered(text: str, source: str, context: str = "prose") -> list[Reference]:
    refs: list[Reference] = []
    for run in _choose(_runs(iter_lines(text))):
        for e in run.entries:
            raw = "\n".join(x for x in e.lines if x).strip()
            refs.append(make_reference(number=e.number, raw=raw, line=e.line, source=source, context=context))
    return refs


def _sniff_text(text: str) -> float:
    starts = sum(1 for line in iter_lines(text) if _ENTRY.match(line))
    return min(0.5, 0.05 * starts) if starts else 0.01


def _sniff_markdown(text: str) -> float:
    md = len(re.findall(r"\]\((?:https?:)?//|^#{1,6} |^\[\^[^\]]+\]:|^\[[^\]]+\]:\s*\S", text, re.MULTILINE))
    return min(0.6, 0.05 * md + _sniff_text(text) * 0.5) if md else 0.0


register(Parser("text", "plain-text numbered list ([1] …, 1. …, 1) …)", (".txt", ".text", ""), parse_numbered, _sniff_text))
