"""A stranger's text in a report is shown, never obeyed: control characters, HTML, rich markup, formulas."""
from __future__ import annotations

import csv
import dataclasses
import io
import xml.etree.ElementTree as ET

import pytest
from samples import sample_report

from citecheck.report import format_names, render
from citecheck.report.parsed import render_parsed
from citecheck.report.scrub import plain
from citecheck.sources import parse_text

HOSTILE = "=HYPERLINK(\"http://evil.example\")\x1b[2J\x07 <script>alert(1)</script> [bold red]x[/] \u202eevil"


def hostile_report():
    report = sample_report()
    first = report.results[0]
    ref = dataclasses.replace(first.reference, title=HOSTILE, key="\x1b]0;pwned\x07")
    live = dataclasses.replace(first.verdict.live, detail=f"answers 200 but the page says {HOSTILE!s}")
    verdict = dataclasses.replace(first.verdict, live=live)
    return dataclasses.replace(report, results=(dataclasses.replace(first, reference=ref, verdict=verdict),
                                                *report.results[1:]))


@pytest.mark.parametrize("name", format_names())
def test_no_control_character_or_override_reaches_any_format(name):
    out = render(hostile_report(), name)
    assert not any(c in out for c in "\x1b\x07\u202e"), name
    coloured = render(hostile_report(), name, color=True)  # colours are ours; the stranger's sequences are not
    assert "\x1b[2J" not in coloured and "\x1b]0;" not in coloured and "\x07" not in coloured


def test_control_characters_are_shown_not_obeyed():
    assert plain("a\x1b[2Jb\x07\tc\nd") == "a\u241b[2Jb\u2407\tc\nd"
    text = "plain text stays the very same object"
    assert plain(text) is text


def test_csv_cells_that_look_like_formulas_are_neutralised():
    rows = list(csv.reader(io.StringIO(render(hostile_report(), "csv"))))
    title = rows[1][rows[0].index("title")]
    assert title.startswith("'=HYPERLINK")
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_markdown_and_html_escape_html():
    assert "<script>" not in render(hostile_report(), "markdown") and "&lt;script&gt;" in render(hostile_report(), "markdown")
    assert "<script>alert(1)" not in render(hostile_report(), "html")


def test_the_table_prints_rich_markup_as_text():
    assert "[bold red]x[/]" in render(hostile_report(), "table", width=400)


def test_junit_stays_well_formed_xml():
    ET.fromstring(render(hostile_report(), "junit").split("\n", 1)[1])


def test_the_parsed_list_prints_rich_markup_as_text():
    (ref,) = parse_text("[1] ‘[bold]Bold[/bold] [link=http://evil.example]x[/link]’, https://a.example/\n", "r.txt")
    text = render_parsed([ref], "table")
    assert "[link=http://evil.example]x[/link]" in text and "[bold]Bold[/bold]" in text


def test_marks_and_line_separators_from_strangers_are_removed_but_joiners_stay():
    assert plain("a\u061cb\u2028c\u2029d") == "ab c d"
    assert plain("می\u200cخواهم") == "می\u200cخواهم"  # Persian needs its zero-width non-joiner


def test_a_partial_csv_report_says_so_in_its_last_row():
    report = dataclasses.replace(sample_report(), partial=True, total=99)
    rows = list(csv.reader(io.StringIO(render(report, "csv"))))
    assert rows[-1][1] == "(partial)" and "of 99 references" in rows[-1][4]
    assert all(len(r) == len(rows[0]) for r in rows)
