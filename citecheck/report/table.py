"""The terminal report (rich): a block per reference, URLs whole, a summary at the end.

Long lists show only the references needing attention (``show``). A URL is never folded: on a terminal the
cited original and snapshot are shortened in the middle to fit the line, and linked whole where the terminal
takes OSC 8 hyperlinks; a URL to paste (a fix) is always whole, on a line of its own. In a file or a pipe
every URL is whole. Titles and details are rich
Text, never markup.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from ..model import Hop, Report, Result
from ..settings import SHOW_AUTO_LIMIT
from ..timestamps import format_day
from ..vocab import ArchiveState, IdentifierState, LiveState
from . import Formatter, View, register
from .common import (
    SNAPSHOT_PARTS,
    TONE_STYLE,
    action_words,
    crosscheck_findings,
    history_words,
    label,
    partial_words,
    shown_actions,
    state_counts,
)

INDENT = 6  # the body of a reference block
LABEL = 10  # "original  ", "snapshot  ", "fix       "
URL_IN_TEXT = re.compile(r"https?://\S+")
ELLIPSIS = "…"
FROM_CACHE = "from the cache"
PROSE_URL = 48  # a URL inside a sentence is shortened to this, so that the sentence stays on its line


# --- what the terminal can do (read by the CLI from the environment) -----------------------------------------


def wants_color(env: Mapping[str, str], is_terminal: bool) -> bool:
    """NO_COLOR (any value) turns colour off; FORCE_COLOR (any value but 0) turns it on even in a pipe."""
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force:
        return force not in ("0", "false")
    return is_terminal and env.get("TERM") != "dumb"


#: terminals known to follow OSC 8 links; elsewhere URLs are written whole instead of shortened and linked
_LINKING_PROGRAMS = ("iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby", "rio")
_LINKING_TERMS = ("xterm-kitty", "alacritty", "foot", "xterm-ghostty", "wezterm", "contour")


def wants_hyperlinks(env: Mapping[str, str], is_terminal: bool) -> bool:
    """OSC 8 hyperlinks where the terminal is known to support them; FORCE_HYPERLINK=1 or 0 decides instead."""
    force = env.get("FORCE_HYPERLINK")
    if force:
        return force not in ("0", "false")
    if not is_terminal or env.get("TERM") in (None, "", "dumb", "linux") or env.get("INSIDE_EMACS") or env.get("CI"):
        return False
    if env.get("TMUX") or env.get("STY"):  # tmux before 3.4 and screen drop the links: whatever the outer terminal
        return False
    vte = env.get("VTE_VERSION", "")
    return (env.get("TERM_PROGRAM") in _LINKING_PROGRAMS or env.get("TERM", "") in _LINKING_TERMS
            or bool(env.get("WT_SESSION") or env.get("KONSOLE_VERSION") or env.get("DOMTERM"))
            or (vte.isdigit() and int(vte) >= 5000))


# --- pieces -------------------------------------------------------------------------------------------------


def shorten_middle(url: str, width: int) -> str:
    """The URL in at most ``width`` cells, its middle left out: the start through the (last) host is kept when
    it fits, so a snapshot link still names the site it preserves, and as much of the end as fits."""
    if cell_len(url) <= width or width < 12:
        return url
    scheme = url.rfind("://")
    host_end = url.find("/", scheme + 3) if scheme >= 0 else -1
    keep = host_end if host_end > 0 else 0
    tail = max(8, (width - 1) * 2 // 5)
    if keep + 1 + 8 <= width:
        tail = min(tail, width - 1 - keep)
    head = width - 1 - tail
    return url[:head] + ELLIPSIS + url[-tail:]


class _Block:
    """Lines of one part of the report at a given width, written to a console."""

    def __init__(self, console: Console, view: View):
        self.console = console
        self.view = view
        self.width = view.width

    def url(self, url: str, width: int, style: str = "", *, whole: bool = False) -> Text:
        """A URL as a piece of text, linked where links work: on a terminal shortened in the middle to ``width``
        unless it is one to paste (``whole``); in a file or a pipe always whole."""
        shown = url if whole or not self.view.fit else shorten_middle(url, width)
        return Text(shown, style=f"{style} link {url}".strip() if self.view.hyperlinks else style)

    def prose(self, text: str, style: str, width: int) -> Text:
        """Words that may name a URL: such a URL is shortened (and linked where links work) so that it is never
        folded; wherever it matters, the whole URL is on a line of its own too (the fix)."""
        out = Text()
        pos = 0
        for m in URL_IN_TEXT.finditer(text):
            out.append(text[pos:m.start()], style=style)
            u = m.group(0)
            link = f" link {u}" if self.view.hyperlinks else ""
            out.append(shorten_middle(u, min(width, PROSE_URL)), style=f"{style}{link}".strip())
            pos = m.end()
        out.append(text[pos:], style=style)
        return out

    def field(self, name: str, content: Text) -> None:
        """``name`` in the label column and ``content`` wrapped beside it (a hanging indent)."""
        column = max(20, self.width - INDENT - LABEL)
        lines = content.wrap(self.console, column) if content.plain else [Text()]
        for i, line in enumerate(lines):
            line.rstrip()
            self.console.print(self.head(name if i == 0 else "") + line, soft_wrap=True)

    @staticmethod
    def head(name: str, indent: int = INDENT) -> Text:
        """The indent and the label column of a line."""
        return Text.assemble(" " * indent, (name.ljust(LABEL), "bold"))

    def url_line(self, url: str, style: str = "", *, name: str = "", whole: bool = False) -> None:
        """A URL on a line of its own, never broken by us: shortened to the line (``url``), or whole, which a
        narrow terminal may wrap but copies and clicks as one."""
        column = max(20, self.width - INDENT - LABEL)
        self.console.print(self.head(name) + self.url(url, column, style, whole=whole), soft_wrap=True, crop=False)


def _state(state: LiveState | ArchiveState | IdentifierState, detail: Text, extra: Iterable[tuple[str, str]] = ()) -> Text:
    """A state in its colour, then its detail and any further words, each after a dot."""
    text = Text.assemble((str(state), f"bold {TONE_STYLE[state.tone]}"))
    for words in (detail, *(Text(w, style=s) for w, s in extra)):
        if words.plain:
            text.append(" · ", style="dim")
            text.append_text(words)
    return text


def _unchecked(r: Result) -> bool:
    """Nothing was learned of the reference: its original not requested, its archive not asked, no DOI verified
    (offline with nothing in the cache, say). A tick would claim what no one checked."""
    v = r.verdict
    if not (r.reference.url or r.reference.archive_link):
        return False  # no link to check (a printed book): nothing was left unchecked
    return (v.live.state in (LiveState.SKIPPED, LiveState.NONE) and v.archive.state in (ArchiveState.UNCHECKED,
            ArchiveState.NONE) and not (v.identifier and v.identifier.state is IdentifierState.OK))


def _mark(r: Result) -> tuple[str, str]:
    """✗ the reference misleads readers, ! it needs attention otherwise, ? nothing could be checked, ✓ it is fine
    as cited."""
    if r.verdict.misleads:
        return "✗", "bold red"
    if r.verdict.attention:
        return "!", "bold yellow"
    return ("?", "dim") if _unchecked(r) else ("✓", "green")


def _header(block: _Block, r: Result, multi: bool) -> None:
    ref = r.reference
    where = f"{ref.source}:{ref.line}" if multi else f"line {ref.line}"
    mark, style = _mark(r)
    tag = Text.assemble((mark, style), " ", (label(r), "bold"), "  ")
    first_line = next(iter(ref.raw.strip().splitlines()), "")
    title = Text(ref.title or ref.url or first_line)
    title.truncate(max(10, block.width - tag.cell_len - cell_len(where) - 2), overflow="ellipsis")
    pad = max(2, block.width - tag.cell_len - title.cell_len - cell_len(where))
    block.console.print(Text.assemble(tag, title, " " * pad, (where, "dim")), soft_wrap=True, crop=False)


def _chain(block: _Block, hops: tuple[Hop, ...], name: str) -> None:
    for i, h in enumerate(hops):
        status = f"{h.method} {h.status} "
        column = max(20, block.width - INDENT - LABEL - len(status))
        colour = "red" if h.status >= 400 else "green" if h.status < 300 else "yellow"
        text = Text.assemble((status, colour), block.url(h.url, column, "dim"))
        block.console.print(block.head(name if i == 0 else "") + text, soft_wrap=True, crop=False)


def _evidence(block: _Block, r: Result) -> None:
    v = r.verdict
    column = block.width - INDENT - LABEL
    rules = [v.live.rule, v.archive.rule] + ([v.identifier.rule] if v.identifier else [])
    block.field("rules", Text(" · ".join(rules), style="dim"))
    for name, title in (("cited", r.reference.title), ("live", v.live.title), ("snap.", v.archive.title)):
        if title:
            block.field(f"  {name}", Text(f"“{title}”"))
    _chain(block, v.live.chain, "live")
    _chain(block, v.archive.chain, "archive")
    if r.lookup is not None:
        found = (f"capture {format_day(r.lookup.capture.timestamp)}" if r.lookup.capture
                 else r.lookup.error or "no good capture")
        block.field("look-up", Text(f"{r.lookup.source} near {format_day(r.lookup.target)}: {found}", style="dim"))
    if v.identifier and v.identifier.registry_title:
        block.field("  DOI", Text(f"“{v.identifier.registry_title}”"))
    for note in v.notes:
        block.field("note", block.prose(note, "yellow", column))
    if r.history:
        block.field("history", Text(", ".join(f"{k.replace('_', ' ')} {val}" for k, val in r.history.items()
                                              if val), style="dim"))


def _reference(block: _Block, r: Result, multi: bool) -> None:
    """A reference's block: for the original and the snapshot, the URL as cited on the label's line and the
    state under it (so that a URL inside a detail is never taken for the cited one), then the fixes."""
    ref, v = r.reference, r.verdict
    column = block.width - INDENT - LABEL
    _header(block, r, multi)
    original = _state(v.live.state, block.prose(v.live.detail, "dim", column),
                      [(history_words(r), "yellow"), (FROM_CACHE if "live" in r.cached else "", "cyan")])
    if ref.url:
        block.url_line(ref.url, "dim", name="original")
        block.field("", original)
    else:
        block.field("original", _state(v.live.state, Text("no URL", style="dim")))
    snapshot = _state(v.archive.state, block.prose(v.archive.detail, "dim", column),
                      [(FROM_CACHE if r.cached & SNAPSHOT_PARTS else "", "cyan")])
    if ref.archive_link:
        block.url_line(ref.archive_link.url, "dim", name="snapshot")
        block.field("", snapshot)
    else:
        block.field("snapshot", snapshot)
    ident = v.identifier
    if ident:
        words = Text(ident.value, style="dim")
        if ident.detail and ident.state is not IdentifierState.OK:
            detail = block.prose(ident.detail, "dim", column)
            words = detail if ident.value in ident.detail else words.append(" · ", style="dim").append_text(detail)
        block.field("DOI", _state(ident.state, words, [(FROM_CACHE if "identifier" in r.cached else "", "cyan")]))
    for a in shown_actions(r):
        block.field("fix", block.prose(action_words(a), "" if v.attention else "dim", column))
        if a.url:
            block.url_line(a.url, "bold" if v.attention else "", whole=True)  # the one to paste
    if block.view.verbose:
        _evidence(block, r)


def _summary(block: _Block, report: Report, listed: int) -> None:
    console = block.console
    n = len(report.results)
    live, archive, identifier = state_counts(report)
    rows: list[tuple[str, Counter[LiveState] | Counter[ArchiveState] | Counter[IdentifierState]]] = [
        ("original", live), ("snapshot", archive)]
    for name, counts in rows + ([("DOI", identifier)] if identifier else []):
        # filled by hand: a state and its count stay on one line
        lines, line = [], Text()
        for state, count in counts.most_common():
            item = Text.assemble((str(state), TONE_STYLE[state.tone]), " ", (str(count), "bold"))
            if line.plain and line.cell_len + 3 + item.cell_len > block.width - LABEL:
                lines.append(line)
                line = Text()
            if line.plain:
                line.append(" · ", style="dim")
            line.append_text(item)
        for i, text in enumerate([*lines, line]):
            console.print(block.head(name if i == 0 else "", 0) + text, soft_wrap=True)
    attention = len(report.needing_attention)
    misleading = sum(1 for r in report.results if r.verdict.misleads)
    line = Text.assemble((f"{n} references, ", "bold"),
                         (f"{attention} need attention", "bold red" if attention else "bold green"))
    if attention:
        parts = [f"{misleading} broken (misleading readers)" if misleading else "",
                 f"{attention - misleading} without a snapshot" if attention > misleading else ""]
        line.append(": " + ", ".join(p for p in parts if p))
    unchecked = sum(1 for r in report.results if _unchecked(r))
    if unchecked:
        line.append(f"; {unchecked} not checked at all", style="bold yellow")
    cached = sum(1 for r in report.results if r.cached)
    if cached:
        line.append(f"; {cached} from the cache", style="cyan")
    console.print(line)
    if cached and cached == sum(1 for r in report.results if r.reference.url):
        # (not "no request was made": a DOI or another archive may still have been asked)
        console.print(Text("every reference was answered from the cache, at least in part (--no-cache checks "
                           "afresh)", style="cyan"))
    if listed < n:
        console.print(Text(f"listed: the {listed} needing attention; --show all lists every reference",
                           style="dim"))
    for words, error in crosscheck_findings(report.crosschecks):
        console.print(Text(words, style="red" if error else "yellow"))
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    if report.offline:
        console.print(_offline())
    if report.partial:
        console.print(Text(partial_words(report), style="bold yellow"))


def _offline() -> Text:
    return Text("offline (--offline): no request was made; every result comes from the cache, however old, and "
                "what it has not seen is not checked", style="bold yellow")


def listed(report: Report, show: str) -> list[Result]:
    """The references a view lists: all, or only those needing attention (``auto``: for long lists)."""
    if show == "all" or (show == "auto" and len(report.results) <= SHOW_AUTO_LIMIT):
        return list(report.results)
    return list(report.needing_attention)


def render(report: Report, view: View) -> str:
    buf = io.StringIO()
    styled = view.color or view.hyperlinks
    console = Console(file=buf, force_terminal=styled, no_color=not view.color, width=view.width, highlight=False,
                      color_system="standard" if styled else None, legacy_windows=False, emoji=False)
    block = _Block(console, view)
    if report.partial:
        console.print(Text(partial_words(report), style="bold yellow"))
    if report.offline:
        console.print(_offline())
    multi = len({r.reference.source for r in report.results}) > 1
    shown = listed(report, view.show)
    for r in shown:
        _reference(block, r, multi)
        console.print()
    _summary(block, report, len(shown))
    return buf.getvalue()


register(Formatter("table", "the terminal report: a block per reference, a summary (default)", render, ".txt",
                   (".txt",)))
