"""Is this the same title? Normalised, script-aware comparison of page titles with cited titles.

Titles differ in harmless ways (a site name appended, punctuation, case, a subtitle cut off), so the
measure is rapidfuzz's token-set ratio, which scores 100 when one title's words are all in the other.
Titles in different scripts (a Kazakh translation of an English title) cannot be compared at all.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz import fuzz

_WORD = re.compile(r"\w+", re.UNICODE)
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


@functools.lru_cache(maxsize=4096)
def script_of(text: str) -> str | None:
    """The dominant script of the letters in ``text`` (by Unicode name prefix), None if no letters."""
    if text.isascii():
        return "LATIN" if any(ch.isalpha() for ch in text) else None
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
    return max(counts, key=lambda name: counts[name]) if counts else None


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


#: token-set similarity (0-100) below which two titles are about different things
DIFFERENT_BELOW = 50.0


def titles_disagree(live_title: str | None, snapshot_title: str | None, cited_title: str | None) -> str | None:
    """Why the live page's title says it is no longer the cited work, or None.

    The snapshot's title is the best witness of what was cited: it is the page's own title, so it is
    compared whatever its script. The cited title may be a translation, so it only counts when written in
    the live title's script, and alone (no snapshot title) only when it is long enough to mean something."""
    if not live_title:
        return None
    if snapshot_title:
        if similarity(live_title, snapshot_title) >= DIFFERENT_BELOW:
            return None
        if comparable(live_title, cited_title) and similarity(live_title, cited_title or "") >= DIFFERENT_BELOW:
            return None
        return f"live title {live_title!r} differs from the snapshot's {snapshot_title!r}"
    if not comparable(live_title, cited_title) or len((cited_title or "").split()) < 3:
        return None
    if similarity(live_title, cited_title or "") >= DIFFERENT_BELOW:
        return None
    return f"live title {live_title!r} does not match the cited title"
