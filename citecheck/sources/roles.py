"""Which link of a rendered reference is the cited page, which its snapshot, and what its title is.

Reference lists rendered from wikis and citation templates (Wikipedia pages saved as Markdown or HTML) give
each link a role by its words: "[Archived](…) from the original" is the snapshot of a live page, while
"Archived from [the original](…)" names the cited page of a dead one (the title then links to the snapshot).
Before the entry come back-links to the citing text (``[^](#cite_ref-1)``, ``[↑](#cite_ref-…)``,
``[以下の位置に戻る: 1](#cite_ref-…) [2](…)``), which are not part of it; and links into the wiki itself
(``[The Verge](//ja.wikipedia.org/wiki/… "…")``) name a publisher, not the cited work.
The phrases are those of CS1 as rendered in en, zh, ja, ru and kk.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..urls import extract_urls, host_of

# a back-link to where the note is cited: a link to #cite_ref…, with the ^ ↑ ** a screen reader's words around it
_BACKLINK = re.compile(r"""^[\s*^↑(]*\[[^\]\n]*\]\(#cite_ref[^)\s]*(?:\s+"[^"]*")?\)[\s*)]*""")
_ARCHIVE_WORDS = re.compile(
    r"^(?:archived?(?: copy| from the original)?|archive\.(?:org|today|is|ph)|wayback machine|存档|存檔|歸檔|"
    r"页面存档备份|頁面存檔備份|存档备份|アーカイブ|ウェブアーカイブ|архивировано.*|архивная копия|архив|"
    r"(?:түпнұсқадан )?мұрағатталған.*|мұрағатталды.*|мұрағат.*)$",
    re.IGNORECASE,
)
_ORIGINAL_WORDS = re.compile(
    r"^(?:the original|original|原始内容|原始內容|原先內容|オリジナル|оригинала|оригинал|первоисточника|"
    r"первоисточник|түпнұсқа(?:сы|дан)?)$",
    re.IGNORECASE,
)
_QUOTES = "\"'“”„‘’‚«»「」『』《》〈〉"
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WIKI_HOSTS = ("wikipedia.org", "wikimedia.org", "wiktionary.org", "wikidata.org", "wikisource.org", "wikiquote.org",
               "wikibooks.org", "wikinews.org", "wikiversity.org", "wikivoyage.org", "mediawiki.org")


@dataclass(frozen=True)
class Link:
    text: str  # the link text, as written
    url: str  # the destination, escapes undone
    titled: bool  # written with a link title: [text](url "title"), as wiki renderings do for internal links
    start: int


@dataclass(frozen=True)
class Roles:
    """What an entry's links say, once each has its role."""

    cited: str | None  # the cited page, when the words say which link it is ("Archived from [the original](…)")
    left_out: tuple[str, ...]  # links into the wiki itself, beside a cited page elsewhere
    title: str | None  # the title link's text, when the entry is a rendered citation
    rendered: bool  # the entry carries a back-link or an archive/original phrase


def strip_backlinks(text: str) -> tuple[str, bool]:
    """The entry without its leading back-links, and whether it had any."""
    found = False
    while True:
        m = _BACKLINK.match(text)
        if not m or not m.group(0):
            return text, found
        text, found = text[m.end():], True


def markdown_links(text: str) -> list[Link]:
    """The entry's ``[text](url)`` links with absolute (or protocol-relative) URLs, in order."""
    links = []
    for span in extract_urls(text, "markdown", malformed=True):
        opener = text[span.start - 2:span.start]
        angled = text[span.start - 3:span.start] == "](<"
        if opener != "](" and not angled:
            continue
        close = span.start - (3 if angled else 2)
        start = _matching_open(text, close)
        if start is None:
            continue
        after = text[span.end + (1 if angled else 0):span.end + 40].lstrip(" ")
        links.append(Link(text[start + 1:close], span.url, after.startswith(('"', "'")), start))
    return links


def _matching_open(text: str, close: int) -> int | None:
    depth = 0
    for i in range(close, max(-1, close - 2000), -1):
        if text[i] == "]" and text[i - 1:i] != "\\":
            depth += 1
        elif text[i] == "[" and text[i - 1:i] != "\\":
            depth -= 1
            if depth == 0:
                return i
    return None


def is_wiki_internal(link: Link) -> bool:
    """A link into a wiki's own pages (a publisher's article, a help page), as a rendering writes it."""
    host = host_of(link.url if not link.url.startswith("//") else "https:" + link.url)
    on_wiki = any(host == h or host.endswith("." + h) for h in _WIKI_HOSTS)
    return on_wiki and (link.titled or link.url.startswith("//")) and bool(re.search(r"/wiki/|/w/index\.php", link.url))


def clean_title(title: str) -> str:
    """A title as read: link markup, Markdown escapes, emphasis and surrounding quotes removed."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)
    title = _ESCAPE.sub(r"\1", title).strip()
    title = re.sub(r"^(\*\*|\*|__|_)(.+)\1$", r"\2", title).strip()
    while len(title) >= 2 and title[0] in _QUOTES and title[-1] in _QUOTES:
        title = title[1:-1].strip()
    return title


def assign(text: str) -> Roles:
    """The roles of an entry's links (Markdown): which URL is cited, which title the entry gives."""
    body, backlinked = strip_backlinks(text)
    links = markdown_links(body)
    external = [link for link in links if not is_wiki_internal(link)]
    kept = external or links  # a link into the wiki is kept when it is all the entry cites
    original = next((link for link in kept if _ORIGINAL_WORDS.match(link.text.strip())), None)
    archived = [link for link in kept if _ARCHIVE_WORDS.match(link.text.strip())]
    rendered = backlinked or original is not None or bool(archived)
    title_link = next((link for link in kept if link is not original and link not in archived), None)
    title = clean_title(title_link.text) if rendered and title_link and title_link.text.strip() else None
    left_out = tuple(link.url for link in links if link not in kept)
    # "Archived from [the original](URL)": the title links to the snapshot, the cited page is this one
    return Roles(original.url if original else None, left_out, title or None, rendered)
