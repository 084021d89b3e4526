"""What pages say about themselves: the table of real-world signatures (signatures.tsv: bot walls, parking services,
not-found pages in many languages, login and consent gates, the Wayback Machine's own pages) and the decision of a
page's kind from the signatures it carries. Pure data and text tests, read by the page reader (check/page.py) and
by the rules alike; it imports nothing but the vocabulary and the model.

A signature is *strong* (enough on its own in its scope) or *weak* (it needs a second sign). Matches in prose
(the text and headings of a page) can be quoted by an article, so evidence of a real article (og:type article,
Article JSON-LD, paragraphs of prose) vetoes them, and vetoes every weak sign; a title, a header, a URL or a
vendor's script is not vetoed. Every decision keeps the names of the signatures behind it."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import ahocorasick

from .model import SignatureMatch
from .vocab import PageSignal

SCOPES = ("header", "cookie", "url", "src", "title", "heading", "text", "page", "markup")
PAGE_KINDS = ("challenge", "parked", "notfound", "login", "consent", "maintenance")
WAYBACK_KINDS = {s.value: s for s in PageSignal if s.name.startswith("WAYBACK_")}
KINDS = (*PAGE_KINDS, "article", *WAYBACK_KINDS)

#: The rules that act on each kind of signature (tests check that each is reachable from a fixture).
KIND_RULES: dict[str, tuple[str, ...]] = {
    "challenge": ("live.blocked.challenge", "archive.soft404.challenge"),
    "parked": ("live.parked", "archive.soft404.parked"),
    "notfound": ("live.soft404.notfound", "live.soft404.sibling", "live.soft404.generic", "archive.soft404.not_found",
                 "archive.soft404.unrelated"),  # the last of each: weak signs make a page with another title generic
    "login": ("live.blocked.login", "archive.soft404.login"),
    "consent": ("live.blocked.consent", "archive.soft404.consent"),
    "maintenance": ("live.transient.maintenance", "archive.soft404.maintenance"),
    "article": ("live.ok", "archive.ok"),  # vetoes the weak signs (and quoted words) that would misname an article
    "wayback_notarchived": ("archive.missing",),
    "wayback_excluded": ("archive.excluded",),
    "wayback_captured_redirect_view": ("archive.captured_redirect",),
    "wayback_ratelimited": ("archive.unchecked.ratelimited",),
    "wayback_blocked_site": ("archive.excluded",),
}
assert set(KIND_RULES) == set(KINDS), "every kind of signature needs the rules that use it"

# scopes a page can quote in prose: an article's evidence vetoes strong matches there too
_PROSE = frozenset({"text", "heading"})
#: Visible text below which a page with no article evidence may be judged on weak signs alone.
SMALL_PAGE = 2000
#: Statuses a bot wall answers with (besides 2xx): with one of them, one vendor's weak sign is enough, and a
#: challenge page is a wall rather than an error page.
WALL_STATUSES = frozenset({202, 401, 403, 405, 429, 503, 999})


@dataclass(frozen=True)
class Signature:
    name: str
    kind: str
    scopes: frozenset[str]
    strong: bool
    lang: str
    pattern: str
    source: str
    regex: re.Pattern[str] | None
    needs: tuple[str, ...] = ()  # a regex matches only where one of these literals is (a fast test first)

    def find(self, haystack: str) -> str | None:
        """The words this signature matches in ``haystack`` (folded text), or None."""
        if self.regex is None:
            i = haystack.find(self.pattern)
            return None if i < 0 else haystack[i:i + len(self.pattern)]
        if self.needs and not any(n in haystack for n in self.needs):
            return None
        m = self.regex.search(haystack)
        return None if m is None else m.group(0)


def required_literals(regex: str) -> tuple[str, ...]:
    """Literals one of which every match of ``regex`` contains, so a cheap substring test can rule a haystack out
    before the regex runs. Empty when no such set of literals (each of three characters or more, or two beyond
    ASCII) is found."""
    return _Needs(regex).alternation() or ()


class _Needs:
    """A small reader of a regex's structure: for each alternative, the plain-character runs and the groups it
    cannot match without; for the whole, the best such set (its shortest literal longest)."""

    def __init__(self, regex: str):
        self.s, self.i = regex, 0

    def alternation(self) -> tuple[str, ...] | None:
        branches = [self.sequence()]
        while self.i < len(self.s) and self.s[self.i] == "|":
            self.i += 1
            branches.append(self.sequence())
        if any(b is None for b in branches):
            return None
        return tuple(dict.fromkeys(lit for b in branches for lit in b or ()))

    def _optional(self) -> bool:
        """Consume a quantifier after an atom; True when it lets the atom be absent."""
        s, i = self.s, self.i
        if i < len(s) and s[i] in "?*":
            self.i += 2 if s[i + 1:i + 2] == "?" else 1
            return True
        if i < len(s) and s[i] == "+":
            self.i += 2 if s[i + 1:i + 2] == "?" else 1
            return False
        if i < len(s) and s[i] == "{" and "}" in s[i:]:
            close = s.index("}", i)
            self.i = close + 1
            return s[i + 1:close].split(",")[0].strip() in ("", "0")
        return False

    def sequence(self) -> tuple[str, ...] | None:
        s = self.s
        candidates: list[tuple[str, ...]] = []
        run = ""

        def flush() -> None:
            nonlocal run
            if len(run) >= (3 if run.isascii() else 2):  # two letters beyond ASCII (a CJK word) are rare enough
                candidates.append((run,))
            run = ""

        while self.i < len(s) and s[self.i] not in "|)":
            c = s[self.i]
            if c == "(":
                self.i += 1
                lookaround = s.startswith(("?=", "?!", "?<=", "?<!"), self.i)
                if s.startswith("?:", self.i):
                    self.i += 2
                elif lookaround:
                    self.i += 3 if s[self.i + 1] == "<" else 2
                inner = self.alternation()
                self.i += 1  # ")"
                optional = self._optional()
                flush()
                if inner and not optional and not lookaround:
                    candidates.append(inner)
                continue
            if c == "[":
                j = self.i + 1
                while j < len(s) and (s[j] != "]" or j == self.i + 1):
                    j += 2 if s[j] == "\\" else 1
                self.i = j + 1
                self._optional()
                flush()
                continue
            if (c == "\\" and self.s[self.i + 1:self.i + 2].isalnum()) or c in ".^$":
                self.i += 2 if c == "\\" else 1  # a class or an anchor, not a character
                self._optional()
                flush()
                continue
            char = s[self.i + 1] if c == "\\" else c
            self.i += 2 if c == "\\" else 1
            if self._optional():
                flush()
            else:
                run += char
                if self.s[self.i - 1:self.i] in ("+", "}"):
                    flush()
        flush()
        return max(candidates, key=lambda lits: (min(map(len, lits)), -len(lits))) if candidates else None


def _parse(line: str, number: int) -> Signature:
    cells = line.split("\t")
    if len(cells) != 7:
        raise ValueError(f"signatures.tsv:{number}: 7 tab-separated cells expected, got {len(cells)}")
    name, kind, where, strength, lang, pattern, source = cells
    scopes = frozenset(w.strip() for w in where.split(","))
    if kind not in KINDS or not scopes <= set(SCOPES) or strength not in ("strong", "weak") or not pattern:
        raise ValueError(f"signatures.tsv:{number}: bad kind, scope, strength or pattern in {name!r}")
    regex: re.Pattern[str] | None = None
    needs: tuple[str, ...] = ()
    if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
        # haystacks are lower case, so patterns are too: no case-insensitive matching (it is slow in re)
        if re.search(r"(?<!\\)[A-Z]", re.sub(r"\\.", "", pattern)):
            raise ValueError(f"signatures.tsv:{number}: {name!r} has upper-case letters; haystacks are lower case")
        regex = re.compile(pattern[1:-1], re.MULTILINE)
        needs = required_literals(pattern[1:-1])
    else:
        pattern = pattern.lower()
    return Signature(name, kind, scopes, strength == "strong", lang, pattern, source, regex, needs)


@functools.cache
def table() -> tuple[Signature, ...]:
    """The signature table, read once."""
    text = resources.files(__package__).joinpath("signatures.tsv").read_text(encoding="utf-8")
    rows = tuple(_parse(line, n) for n, line in enumerate(text.splitlines(), 1)
                 if line.strip() and not line.startswith("#"))
    names = [s.name for s in rows]
    if len(names) != len(set(names)):
        raise ValueError("signatures.tsv: duplicate signature names")
    return rows


@functools.cache
def _by_scope() -> dict[str, tuple[Signature, ...]]:
    return {scope: tuple(s for s in table() if scope in s.scopes) for scope in SCOPES}


def _literals(sig: Signature) -> tuple[str, ...]:
    return (sig.pattern,) if sig.regex is None else sig.needs


@dataclass(frozen=True)
class _ScopeIndex:
    """A scope's signatures by the literals they need (a pattern, or one of those its regex needs). One
    Aho-Corasick pass finds every literal a haystack holds, and only the signatures whose literal is there (or
    that need none) are tried: on an ordinary page, a few instead of hundreds."""

    literals: tuple[str, ...]
    by_literal: dict[str, tuple[int, ...]]  # literal -> positions of the signatures needing it
    always: frozenset[int]  # positions of the signatures that need no literal
    automaton: Any  # ahocorasick.Automaton over the literals (its value: the literal)

    def present(self, haystack: str) -> set[str]:
        return {lit for _, lit in self.automaton.iter(haystack)} if self.literals else set()

    def candidates(self, parts: list[str]) -> tuple[list[int], list[set[str]]]:
        """The positions worth trying, in table order, and the literals present in each part."""
        present = [self.present(p) for p in parts]
        positions = set(self.always)
        for there in present:
            for lit in there:
                positions.update(self.by_literal[lit])
        return sorted(positions), present


@functools.cache
def _scope_index(scope: str) -> _ScopeIndex:
    sigs = _by_scope()[scope]
    by_literal: dict[str, list[int]] = {}
    for i, sig in enumerate(sigs):
        for lit in _literals(sig):
            by_literal.setdefault(lit, []).append(i)
    automaton = ahocorasick.Automaton()
    for lit in by_literal:
        automaton.add_word(lit, lit)
    if by_literal:
        automaton.make_automaton()
    return _ScopeIndex(tuple(by_literal), {lit: tuple(ix) for lit, ix in by_literal.items()},
                       frozenset(i for i, sig in enumerate(sigs) if not _literals(sig)), automaton)


#: paragraphs of prose that make a page an article, whatever else it shows
ARTICLE_PROSE = 3


@dataclass(frozen=True)
class PageView:
    """A response as the signatures see it: every part folded (lower case, plain apostrophes and spaces)."""

    status: int | None = None
    url: str = ""  # the final URL
    headers: tuple[str, ...] = ()  # "name: value"
    cookies: tuple[str, ...] = ()  # cookie names
    sources: tuple[str, ...] = ()  # script / frame / form / refresh URLs
    titles: tuple[str, ...] = ()  # the title, its slug-free spelling and its segments
    headings: tuple[str, ...] = ()
    text: str = ""  # the first visible text of the body
    page: str = ""  # all the visible text read
    markup: str = ""
    text_chars: int = 0
    prose: int = 0  # paragraphs of prose (an article's body), counted up to ARTICLE_PROSE
    complete: bool = True  # the whole page was read (its text length is the page's, not the window's)

    def parts(self, scope: str) -> tuple[str, ...]:
        # headers, cookies and sources are searched as one text, a line each (patterns anchor with ^ and $)
        if scope == "header":
            return ("\n".join(self.headers),)
        if scope == "cookie":
            return ("\n".join(self.cookies),)
        if scope == "url":
            return (self.url,) if self.url else ()
        if scope == "src":
            return ("\n".join(self.sources),)
        if scope == "title":
            return self.titles
        if scope == "heading":
            return self.headings
        return (str(getattr(self, scope)),)


def find_signatures(view: PageView) -> tuple[SignatureMatch, ...]:
    """Every signature of the table the response carries, each once, in the first scope it was found in. On a
    long page that answered 2xx, weak markup signs are not looked for (they decide only on small pages or with a
    refusing status), nor an article's marks once its prose says it: most pages are such articles."""
    found: dict[str, SignatureMatch] = {}
    long_answer = view.text_chars >= 2 * SMALL_PAGE and (view.status is None or 200 <= view.status < 300)
    for scope in SCOPES:
        parts = [p for p in view.parts(scope) if p]
        if not parts:
            continue
        sigs = _by_scope()[scope]
        positions, present = _scope_index(scope).candidates(parts)
        for sig in (sigs[i] for i in positions):
            if sig.name in found or (scope == "markup" and (
                    (long_answer and not sig.strong) or (sig.kind == "article" and view.prose >= ARTICLE_PROSE))):
                continue
            literals = _literals(sig)
            for part, there in zip(parts, present, strict=True):
                if literals and there.isdisjoint(literals):
                    continue  # (what sig.find would say, without asking it)
                words = sig.find(part)
                if words is not None:
                    found[sig.name] = SignatureMatch(sig.name, sig.kind, scope, words.strip()[:80], sig.strong)
                    break
    return tuple(found.values())


@dataclass(frozen=True)
class Reading:
    """What a page is, and the evidence: the signals, the matches behind them, whether it reads as an article."""

    signals: frozenset[PageSignal]
    matches: tuple[SignatureMatch, ...]
    article: bool


def read_page(view: PageView) -> Reading:
    """The page's kind from its signatures (see the module's docstring for strong, weak and the article veto)."""
    matches = find_signatures(view)
    article = view.prose >= ARTICLE_PROSE or any(m.kind == "article" for m in matches)
    small = view.text_chars < SMALL_PAGE and view.complete  # a page cut short may have its text further down
    signals: set[PageSignal] = set()
    outright: set[PageSignal] = set()  # kinds a strong sign decided
    weak_only: set[PageSignal] = set()  # kinds only weak signs decided
    for kind in PAGE_KINDS:
        of_kind = [m for m in matches if m.kind == kind]
        if not of_kind:
            continue
        signal = PageSignal.NOTFOUND if kind == "notfound" else PageSignal(kind)
        if _decided(kind, of_kind, view.status, article, small):
            (outright if any(m.strong for m in of_kind) else weak_only).add(signal)
        elif kind == "notfound":
            signals.add(PageSignal.NOTFOUND_TEXT)
    # a kind said outright outranks kinds only weak signs suggest: a not-found page with the site's login box
    # ("Remember me", a password field) is a not-found page
    signals |= outright | (set() if outright else weak_only)
    signals.update(WAYBACK_KINDS[m.kind] for m in matches if m.kind in WAYBACK_KINDS)
    # an article's own marks are not kept: the flag says it, and most pages are articles (memory stays flat)
    return Reading(_shared(frozenset(signals)), tuple(m for m in matches if m.kind != "article"), article)


_SIGNAL_SETS: dict[frozenset[PageSignal], frozenset[PageSignal]] = {}


def _shared(signals: frozenset[PageSignal]) -> frozenset[PageSignal]:
    """One frozenset per combination of signals: pages have a few combinations between them (most have none), and
    each set is 200 bytes (3.9 MB at 10,000 references: a page each for the original and the capture)."""
    return _SIGNAL_SETS.setdefault(signals, signals)


def _decided(kind: str, matches: list[SignatureMatch], status: int | None, article: bool, small: bool) -> bool:
    strong = [m for m in matches if m.strong]
    if any(m.where not in _PROSE for m in strong):
        return True  # a title, header, URL, script or markup marker says it outright
    if strong and not article:
        return True  # the lead text or a heading says it, and the page is no article quoting it
    if article:
        return False
    weak = {m.name for m in matches if not m.strong}
    if kind == "challenge" and status in WALL_STATUSES and any(not name.startswith("generic.") for name in weak):
        return True  # a vendor's trace on a refusal (a bare "Too Many Requests" is rate limiting, not a wall)
    return len(weak) >= 2 and small
