"""Is this the same title? Normalised, script-aware comparison of page titles with cited titles, after the site's
own affixes (" | ZEIT ONLINE", "BBC News - ", "_科技_腾讯网") are removed.

Titles differ in harmless ways (a site name appended, punctuation, case, a subtitle cut off), so the
measure is rapidfuzz's token-set ratio, which scores 100 when one title's words are all in the other.
That same generosity makes two articles of one site look alike when both carry the site's suffix, so the
affixes are stripped first: the names the site gives itself (og:site_name, its home page's title, an affix
its other pages share) and any affix both titles share. Titles in different scripts (a Kazakh translation
of an English title) cannot be compared at all.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# typographic apostrophes and spaces, as pages write them, to what signatures and comparisons expect
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "\u0060": "'",
                       "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200b": "", "\u00ad": "",
                       "\u2026": "..."})
# how sites join their name to a title: "Title | Site", "Site - Title", "Title — Site", "标题_科技_腾讯网"
_SEPARATOR = re.compile(r"\s+[|\-–—·•»«/\\~:]+\s+|\s*[|｜]\s*|\s*::\s*")
_CJK_SEPARATOR = re.compile(r"_")


def fold(text: str) -> str:
    """Lower case, compatibility forms, typographic apostrophes and spaces made plain, whitespace collapsed:
    the form every signature and comparison works on."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_FOLD).lower().split())


@functools.lru_cache(maxsize=8192)  # (a title is compared with several others: normalised once)
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
            weight = 1
            if name in ("HIRAGANA", "KATAKANA", "CJK"):
                # a CJK character says about what a short word does: "小米游戏中心：年度报告 | Tengine Daily" is
                # a Chinese title with a Latin site name, not a Latin title
                name, weight = "CJK", 3
            counts[name] = counts.get(name, 0) + weight
    return max(counts, key=lambda name: counts[name]) if counts else None


def long_enough(title: str | None) -> bool:
    """Long enough to mean something on its own: three words, or, written without spaces (Chinese,
    Japanese), six characters."""
    if not title:
        return False
    if script_of(title) == "CJK":
        return sum(ch.isalpha() for ch in title) >= 6
    return len(title.split()) >= 3


def comparable(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return script_of(a) == script_of(b) and len(normalise(a).split()) >= 1 and len(normalise(b).split()) >= 1


# --- site affixes ------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def segments(title: str) -> tuple[str, ...]:
    """A title cut at the separators sites put between their name and the headline."""
    parts = [p.strip() for p in _SEPARATOR.split(title) if p and p.strip()]
    if len(parts) == 1 and _CJK.search(title) and " " not in title.strip():
        parts = [p for p in _CJK_SEPARATOR.split(title) if p]
    return tuple(parts) or (title.strip(),)


def _key(text: str) -> str:
    """A site name as a comparison key: letters and digits only, so "CSS-Tricks" is "csstricks"."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def is_site_name(segment: str, names: Iterable[str]) -> bool:
    """The segment names the site: equal to one of its names (as keys), or, for longer names, nearly so."""
    key = _key(segment)
    if not key:
        return True  # punctuation only
    for name in names:
        other = _key(name)
        if not other:
            continue
        if key == other or (min(len(key), len(other)) >= 6 and fuzz.ratio(key, other) >= 90):
            return True
    return False


def strip_affixes(title: str, names: Iterable[str] = ()) -> str:
    """The title without the leading and trailing segments that name the site (never down to nothing)."""
    names = tuple(n for n in names if n)
    parts = list(segments(title))
    if len(parts) < 2 or not names:
        return title.strip()
    while len(parts) > 1 and is_site_name(parts[-1], names):
        parts.pop()
    while len(parts) > 1 and is_site_name(parts[0], names):
        parts.pop(0)
    return " - ".join(parts)


def shared_affixes(a: str, b: str) -> tuple[str, str]:
    """Two titles without the leading and trailing segments they share: "A – The New York Times" and
    "B – The New York Times" are compared as "A" and "B"."""
    pa, pb = list(segments(a)), list(segments(b))
    while len(pa) > 1 and len(pb) > 1 and _key(pa[-1]) == _key(pb[-1]):
        pa.pop()
        pb.pop()
    while len(pa) > 1 and len(pb) > 1 and _key(pa[0]) == _key(pb[0]):
        pa.pop(0)
        pb.pop(0)
    return " - ".join(pa), " - ".join(pb)


def common_affixes(titles: Iterable[str]) -> set[str]:
    """Segments that open or close at least two different titles (of one site's different pages): the site's
    name as its pages write it. Long segments are headlines, not names."""
    titles_by_key: dict[str, set[str]] = {}
    spelling: dict[str, str] = {}
    for title in set(titles):
        parts = segments(title)
        if len(parts) < 2:
            continue
        for end in {parts[0], parts[-1]}:
            key = _key(end)
            if key and len(end.split()) <= 6:
                titles_by_key.setdefault(key, set()).add(title)
                spelling.setdefault(key, end)
    return {spelling[key] for key, where in titles_by_key.items() if len(where) >= 2}


# --- comparing ---------------------------------------------------------------------------------------------


def similarity(a: str, b: str) -> float:
    """0..100: how much the two titles say the same thing."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    return float(fuzz.token_set_ratio(na, nb))


def title_similarity(a: str, b: str, names: Iterable[str] = ()) -> float:
    """Similarity of two titles once the site's names and the affixes they share are removed."""
    names = tuple(names)
    sa, sb = shared_affixes(strip_affixes(a, names), strip_affixes(b, names))
    return similarity(sa, sb)


#: token-set similarity (0-100) below which two titles are about different things
DIFFERENT_BELOW = 50.0


def titles_disagree(live_title: str | None, snapshot_title: str | None, cited_title: str | None,
                    names: Iterable[str] = ()) -> str | None:
    """Why the live page's title says it is no longer the cited work, or None.

    The snapshot's title is the best witness of what was cited: it is the page's own title, so it is
    compared whatever its script. The cited title may be a translation, so it only counts when written in
    the live title's script, and alone (no snapshot title) only when it is long enough to mean something.
    ``names`` are the site's names (og:site_name, its home page's title, affixes its pages share)."""
    if not live_title:
        return None
    names = tuple(names)
    if snapshot_title:
        if title_similarity(live_title, snapshot_title, names) >= DIFFERENT_BELOW:
            return None
        if comparable(live_title, cited_title) and \
                title_similarity(live_title, cited_title or "", names) >= DIFFERENT_BELOW:
            return None
        return f"live title {live_title!r} differs from the snapshot's {snapshot_title!r}"
    if not comparable(live_title, cited_title) or not long_enough(cited_title):
        return None
    if title_similarity(live_title, cited_title or "", names) >= DIFFERENT_BELOW:
        return None
    return f"live title {live_title!r} does not match the cited title"
