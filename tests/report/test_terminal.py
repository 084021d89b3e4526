"""The terminal report: long lists show the problems, URLs are never folded (whole, or shortened and linked),
colour and links follow the terminal and NO_COLOR/FORCE_COLOR, -v shows the evidence, cache marks."""
from __future__ import annotations

import dataclasses
import json
import re

import pytest
from samples import sample_report

from citecheck.report import render
from citecheck.report.table import shorten_middle, wants_color, wants_hyperlinks

OSC8 = re.compile(r"\x1b]8;[^;]*;([^\x1b]*)\x1b\\")
ANSI = re.compile(r"\x1b\[[0-9;]*m|\x1b]8;[^\x1b]*\x1b\\")


def long_report(n: int = 25):
    """The sample's four references repeated (renumbered) to make a long list."""
    base = sample_report()
    results = []
    for i in range(n):
        r = base.results[i % 4]
        ref = dataclasses.replace(r.reference, number=i + 1, key=str(i + 1), line=i + 1)
        results.append(dataclasses.replace(r, reference=ref))
    return dataclasses.replace(base, results=tuple(results))


def every_url(report) -> set[str]:
    urls = set()
    for r in report.results:
        urls |= {u for u in (r.reference.url, r.reference.archive_link and r.reference.archive_link.url) if u}
        urls |= {a.url for a in r.verdict.actions if a.url}
    return urls


@pytest.mark.parametrize("env,tty,color", [
    ({}, True, True), ({}, False, False), ({"NO_COLOR": "1"}, True, False), ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": "0"}, True, False), ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ({"TERM": "dumb"}, True, False),
])
def test_colour_follows_the_terminal_and_no_color_force_color(env, tty, color):
    assert wants_color(env, tty) is color


@pytest.mark.parametrize("env,tty,links", [
    ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, True, True),
    ({"TERM": "xterm-256color", "VTE_VERSION": "7200"}, True, True),
    ({"TERM": "xterm-kitty"}, True, True),
    ({"TERM": "xterm-kitty"}, False, False),  # a pipe or a file: never escape codes
    ({"TERM": "screen-256color"}, True, False),  # not known to pass links on: URLs written whole instead
    ({"TERM": "xterm-kitty", "CI": "true"}, True, False),
    ({"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "VTE_VERSION": "7200"}, True, False),
    ({"FORCE_HYPERLINK": "1"}, False, True), ({"FORCE_HYPERLINK": "0", "TERM": "xterm-kitty"}, True, False),
])
def test_hyperlinks_only_where_the_terminal_takes_them(env, tty, links):
    assert wants_hyperlinks(env, tty) is links


def test_shortened_urls_keep_the_host_and_the_end():
    url = "https://vlast.kz/novosti/47580-aktivisty-oyan-qazaqstan-polucili-podtverzdenie-o-prosluske-ih-telefonov.html"
    short = shorten_middle(url, 64)
    assert len(short) == 64 and short.startswith("https://vlast.kz/") and short.endswith("telefonov.html")
    assert "…" in short and shorten_middle(url, 200) == url


def test_in_a_file_or_a_pipe_every_url_is_whole_on_one_line():
    report = sample_report()
    text = render(report, "table", width=80, show="all")
    lines = text.splitlines()
    for url in every_url(report):
        assert any(url in line for line in lines), url
    assert "\x1b" not in text


def test_with_links_urls_fit_the_width_and_link_to_the_whole_url():
    report = sample_report()
    text = render(report, "table", width=80, show="all", hyperlinks=True, fit=True, color=False)
    assert every_url(report) <= set(OSC8.findall(text))
    fixes = {a.url for r in report.results for a in r.verdict.actions if a.url}
    for line in text.splitlines():
        assert len(ANSI.sub("", line)) <= 80 or any(u in line for u in fixes), line
    assert "…" in ANSI.sub("", text)  # the long snapshot links were shortened in the middle
    assert "\x1b[3" not in text  # links, but no colour


def test_on_a_terminal_cited_urls_fit_the_line_and_the_url_to_paste_is_whole():
    report = sample_report()
    text = render(report, "table", width=80, show="all", fit=True)
    block = text.split("[2]")[1].split("[3]")[0]
    assert "https://web.archive.org/web/2023091907…w.example.kz/blog/?p=3304" in block  # the cited snapshot
    assert "\n                https://web.archive.org/web/20230801000000/https://www.example.kz/blog/?p=3304\n" in block


def test_colour_marks_the_states():
    text = render(sample_report(), "table", width=100, color=True)
    assert "\x1b[1;31mcaptured_error" in text and "\x1b[1;32mok" in text


def test_long_lists_show_a_summary_and_the_references_needing_attention():
    report = long_report(25)
    text = render(report, "table", width=100, show="auto")
    headers = re.findall(r"^[✗!✓] (\[\d+\])", text, re.M)
    assert headers and len(headers) == len(report.needing_attention)
    assert "--show all lists every reference" in text
    assert "25 references, 12 need attention: 6 broken (misleading readers), 6 without a snapshot" in text
    everything = render(report, "table", width=100, show="all")
    assert len(re.findall(r"^[✗!✓] \[", everything, re.M)) == 25 and "--show all" not in everything
    short = render(long_report(20), "table", width=100, show="auto")
    assert len(re.findall(r"^[✗!✓] \[", short, re.M)) == 20


def test_the_cited_snapshot_is_shown():
    text = render(sample_report(), "table", width=120, show="all")
    block = text.split("[2]")[1].split("[3]")[0]
    assert "https://web.archive.org/web/20230919071058/https://www.example.kz/blog/?p=3304" in block


def test_verbose_shows_the_evidence():
    text = render(sample_report(), "table", width=120, show="all", verbose=True)
    block = text.split("[2]")[1].split("[3]")[0]
    assert "live.ok · archive.captured_error.http404" in block
    assert "GET 404 https://web.archive.org/web/20230919071058/" in block
    assert "“Not Found”" in block and "availability near 2023-09-19: capture 2023-08-01" in block
    assert "rules" not in render(sample_report(), "table", width=120, show="all")


def test_cached_results_are_marked_and_counted():
    text = render(sample_report(), "table", width=120, show="all")
    first = text.split("[2]")[0]
    assert first.count("from the cache") == 2 and "; 1 from the cache" in text


def test_an_offline_run_says_so():
    report = dataclasses.replace(sample_report(), offline=True)
    text = render(report, "table", width=100)
    assert text.startswith("offline (--offline): no request was made")
    assert "is not checked" in text.splitlines()[-1]  # (said again under the summary)
    assert json.loads(render(report, "json"))["run"]["offline"] is True


def test_a_reference_nothing_was_learned_of_gets_no_tick():
    from citecheck.model import ArchiveVerdict, LiveVerdict
    from citecheck.vocab import ArchiveState, LiveState

    report = sample_report()
    first = report.results[0]
    nothing = dataclasses.replace(first, verdict=dataclasses.replace(
        first.verdict, live=LiveVerdict(LiveState.SKIPPED, "live.skipped.offline", "not in the cache (--offline)"),
        archive=ArchiveVerdict(ArchiveState.UNCHECKED, "archive.unchecked.offline", "not in the cache"),
        identifier=None))
    text = render(dataclasses.replace(report, results=(nothing,)), "table", width=120)
    assert text.startswith("? [1]") and "1 references, 0 need attention; 1 not checked at all" in text


def test_the_run_s_notes_close_the_table_and_the_markdown():
    note = "notes.md: 12 links outside its reference list not checked (--all-links checks them)"
    report = dataclasses.replace(sample_report(), notes=(note, "skipped empty.md: empty file"))
    table = render(report, "table", width=120).splitlines()
    assert f"note: {note}" in table and "note: skipped empty.md: empty file" in table
    markdown = render(report, "markdown")
    assert f"## Notes\n\n- {note}\n- skipped empty.md: empty file\n" in markdown
    assert "note:" not in render(sample_report(), "table", width=120) and "## Notes" not in render(sample_report(), "markdown")


def test_titles_are_text_not_markup():
    report = sample_report()
    r = report.results[0]
    marked = dataclasses.replace(r, reference=dataclasses.replace(r.reference, title="[bold red]A title[/] [link=x]"))
    text = render(dataclasses.replace(report, results=(marked, *report.results[1:])), "table", width=100, color=True)
    assert "[bold red]A title[/] [link=x]" in text
