"""Is this the same title? Normalised, script-aware comparison of page titles with cited titles.

Titles differ in harmless ways (a site name appended, punctuation, case, a subtitle cut off), so the
measure is rapidfuzz's token-set ratio, which scores 100 when one title's words are all in the other.
Titles in different scripts (a Kazakh translation of an English title) cannot be compared at all.
"""
from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_WORD = re.compile(r"\w+", re.U)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(text)
    out: list[str] = []
    for w in words:
        if _CJK.search(w):
            # no spaces between words: compare character bigrams instead
            out.extend(w[i:i + 2] for i in range(max(1, len(w) - 1)))
        else:
            out.append(w)
    return " ".join(out)


def script_of(text: str) -> str | None:
    """The dominant script of the letters in ``text`` (by Unicode name prefix), None if no letters."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            try:
                name = unicodedata.name(ch).split(" ")[0]
            except ValueError:
                continue
            if name in ("HIRAGANA", "KATAKANA", "CJK"):
                name = "CJK"
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.get) if counts else None


def comparable(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return script_of(a) == script_of(b) and len(normalise(a).split()) >= 1 and len(normalise(b).split()) >= 1


def similarity(a: str, b: str) -> float:
    """0..100: how much the two titles say the same thing."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    return float(fuzz.token_set_ratio(na, nb))
