"""Nothing a reference contains can stop a run: malformed URLs, long numbers, URLs hidden in titles."""
from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from virtualtime import run

import citecheck
from citecheck.crosscheck import MAX_GAPS, crosscheck
from citecheck.report.common import crosscheck_lines
from citecheck.sources import parse_text
from citecheck.urls import url_problem
from citecheck.vocab import ArchiveState


def crosscheck_of(text: str):
    return (crosscheck(text, parse_text(text, "refs.txt"), "refs.txt"),)


MALFORMED = ["http://[::1", "http://[1:2:3]/", "http://example.com:99999/", "http://-bad-.com/",
             "https://example.org-/x"]


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_urls_are_named(url):
    assert url_problem(url)


FORMATS = [
    ("refs.json", '[{"id": "a", "title": "A", "URL": "%s"}]'),
    ("refs.ris", "TY  - ELEC\nTI  - A\nUR  - %s\nER  - \n"),
    ("refs.bib", "@misc{a, title={A}, howpublished={\\url{%s}}}\n"),
    ("refs.wiki", "x<ref>{{cite web |url=%s |title=A}}</ref>\n"),
    ("refs.html", '<ol><li><a href="%s">A</a></li></ol>'),
]


@pytest.mark.parametrize("name,text", FORMATS)
@pytest.mark.parametrize("url", ["http://[::1", "http://[1:2:3]/"])
def test_a_malformed_url_in_any_format_is_a_verdict_not_a_crash(name, text, url):
    refs = parse_text(text % url, name)
    seen = []
    settings = replace(citecheck.Settings(), use_cache=False, share_wayback_budget=False)

    def handler(request):
        seen.append(request)
        return httpx.Response(404)

    report = run(citecheck.acheck(refs, settings, transport=httpx.MockTransport(handler)))
    (result,) = report.results
    assert result.reference.url == url
    assert result.verdict.live.rule == "live.dead.invalid_url" and result.verdict.attention
    assert result.verdict.archive.rule == "archive.uncited.invalid_url"
    assert not [r for r in seen if url in str(r.url)]  # never requested


@pytest.mark.parametrize("name,text", FORMATS)
@pytest.mark.parametrize("port", ["99999", "abc", "-1"])
def test_a_snapshot_whose_original_cannot_be_read_is_a_verdict_not_a_crash(name, text, port):
    link = f"https://web.archive.org/web/20200101000000/http://example.com:{port}/"
    refs = parse_text(text % link, name)
    report = run(citecheck.acheck(refs, replace(citecheck.Settings(), use_cache=False, share_wayback_budget=False),
                                  transport=httpx.MockTransport(lambda request: httpx.Response(404))))
    (result,) = report.results
    assert result.reference.archive_link.original is None
    assert result.verdict.archive.state is ArchiveState.MISSING and result.verdict.attention


def test_reference_numbers_of_any_length():
    text = "".join(f"[{n}] ‘T’, https://a.example/{n}\n" for n in (9999, 10000, 123456))
    assert [r.number for r in parse_text(text, "r.txt")] == [9999, 10000, 123456]


def test_a_url_inside_the_title_never_replaces_the_cited_one():
    text = ("[1] ‘How http://evil.example/ took over’, "
            "https://web.archive.org/web/20200101000000/https://news.example/story\n"
            "[2] “Links like https://evil.example/x” https://real.example/page\n")
    one, two = parse_text(text, "r.txt")
    assert one.url == "https://news.example/story" and "evil" not in " ".join(one.urls)
    assert two.url == "https://real.example/page"


def test_an_unquoted_url_beside_a_snapshot_link_never_replaces_the_snapshots_original():
    # running text cannot say where a title ends; the snapshot link says which page is cited, and its verdict
    # pairs that page with its own capture. A structured format's url field still decides (wikitext below).
    (text,) = parse_text("[3] Title with http://evil.example/inside. "
                         "https://web.archive.org/web/20200101000000/https://news.example/c\n", "r.txt")
    assert text.url == "https://news.example/c" and text.other_urls[0] == "http://evil.example/inside"
    (same,) = parse_text("[4] T. http://news.example/c https://web.archive.org/web/2020/https://news.example/c\n",
                         "r.txt")
    assert same.url == "http://news.example/c"  # the same page, written out: as written
    (wiki,) = parse_text("x<ref>{{cite web |url=https://new.example/d |title=T |archive-url="
                         "https://web.archive.org/web/20200101000000/https://old.example/d}}</ref>\n", "r.wiki")
    assert wiki.url == "https://new.example/d"


def test_a_date_no_calendar_has_is_no_date():
    (ref,) = parse_text('[{"id": "a", "title": "A", "URL": "https://a.example/", '
                        '"accessed": {"date-parts": [[' + str(10**30) + ', 1, 1]]}}]', "refs.json")
    assert ref.url == "https://a.example/" and ref.access_date is None


def test_a_huge_reference_number_is_no_list_of_gaps_to_the_end_of_time():
    (check,) = crosscheck_of("Text [1].\n\n[1] ‘A’, https://a.example/\n[1234567890123] ‘B’, https://b.example/\n")
    assert len(check.gaps) == MAX_GAPS and check.gaps[:2] == (2, 3) and check.gaps_total == 1234567890121
    assert "(1234567890121 in all)" in " ".join(crosscheck_lines([check]))


@pytest.mark.parametrize("name,text,cited", [
    ("refs.txt", 'References\n\n[1] Smith. "A study" (quoting "see https://evil.example/q"). https://real.example/b. '
                 "Archived at https://web.archive.org/web/20200101000000/https://real.example/b\n", "https://real.example/b"),
    ("refs.wiki", "x<ref>{{cite news |title=x |quote=http://evil.example/q2 |archive-url="
                  "https://web.archive.org/web/20200101000000/https://real.example/c |archive-date=2020-01-01}}</ref>\n",
     "https://real.example/c"),
])
def test_a_url_in_a_quotation_never_replaces_the_cited_one(name, text, cited):
    (ref,) = parse_text(text, name)
    assert ref.url == cited and not any("evil" in u for u in ref.urls)
