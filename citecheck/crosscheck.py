"""In-text citation markers against the reference list: cited but missing, listed but never cited,
duplicate numbers, gaps. Plain text, Markdown and reStructuredText. Pure: text and references in."""
from __future__ import annotations

import re

from .model import CrossCheck, Reference
from .textlines import iter_lines

# [3], [1-4], [1–4], [2, 5], [2,5; 7] but not Markdown links [3](…) or definitions at a line start
_NUMERIC = re.compile(r"\[(\d+(?:\s*[-–—]\s*\d+)?(?:\s*[,;]\s*\d+(?:\s*[-–—]\s*\d+)?)*)\](?![(\]]|_)")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_RST = re.compile(r"\[(#?[\w.-]*)\]_")
_DEFINITION = re.compile(r"^\s*(?:\.\.\s+\[[^\]]+\]|\[\^[^\]]+\]:|\[[^\]^]+\]:\s|\[\d+\](?=\s)|\d+[.)]\s)")
FORMATS = ("text", "markdown", "rst")


def _expand(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        m = re.match(r"(\d+)\s*[-–—]\s*(\d+)$", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            out += list(range(a, b + 1)) if 0 < b - a < 200 else [a, b]
        elif part.strip().isdigit():
            out.append(int(part))
    return out


def cited_markers(text: str) -> list[str]:
    found: list[str] = []
    for line in iter_lines(text):
        body = line
        m = _DEFINITION.match(line)
        if m:
            body = line[m.end():]
        body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)  # a Markdown link [text](url) is not a citation
        for g in _NUMERIC.finditer(body):
            found += [str(n) for n in _expand(g.group(1))]
        found += ["^" + m.group(1) for m in _FOOTNOTE.finditer(body)]
        found += [m.group(1).lstrip("#") or "#" for m in _RST.finditer(body)]
    return found


def crosscheck(text: str, refs: list[Reference], source: str) -> CrossCheck:
    markers = cited_markers(text)
    keys = [r.key.lstrip("#") for r in refs]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    duplicates = tuple(sorted((k for k, c in counts.items() if c > 1), key=_sort_key))
    gaps, gaps_total = _gaps({r.number for r in refs if r.number is not None})
    if not markers:
        return CrossCheck(source, duplicates=duplicates, gaps=gaps, gaps_total=gaps_total)
    cited = set(markers)
    missing = tuple(sorted({m for m in cited if m not in counts and m != "#"}, key=_sort_key))
    never = tuple(k for k in dict.fromkeys(keys) if k not in cited)
    return CrossCheck(source, missing, never, duplicates, gaps, len(markers), gaps_total)


#: gaps listed by number at most (a list whose last entry is [1234567890123] skips more than can be listed)
MAX_GAPS = 1000


def _gaps(numbers: set[int]) -> tuple[tuple[int, ...], int]:
    """The numbers a numbered list skips (the first MAX_GAPS of them), and how many it skips in all; found
    between the numbers it has, never by counting up to the largest."""
    listed: list[int] = []
    total, previous = 0, 0
    for n in sorted(numbers):
        if n > previous + 1:
            total += n - previous - 1
            listed.extend(range(previous + 1, min(n, previous + 1 + MAX_GAPS - len(listed))))
        previous = max(previous, n)
    return tuple(listed), total


def _sort_key(k: str) -> tuple[int, int, str]:
    return (0, int(k), "") if k.isdigit() else (1, 0, k)
