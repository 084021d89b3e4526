"""Nothing a reference contains can stop a run: malformed URLs, long numbers, URLs hidden in titles."""
from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from virtualtime import run

import citecheck
from citecheck.sources import parse_text
from citecheck.urls import url_problem

MALFORMED = ["http://[::1", "http://[1:2:3]/", "http://example.com:99999/", "http://-bad-.com/",
             "https://example.org-/x"]


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_urls_are_named(url):
    assert url_problem(url)


@pytest.mark.parametrize("name,text", [
    ("refs.json", '[{"id": "a", "title": "A", "URL": "%s"}]'),
    ("refs.ris", "TY  - ELEC\nTI  - A\nUR  - %s\nER  - \n"),
    ("refs.bib", "@misc{a, title={A}, howpublished={\\url{%s}}}\n"),
    ("refs.wiki", "x<ref>{{cite web |url=%s |title=A}}</ref>\n"),
    ("refs.html", '<ol><li><a href="%s">A</a></li></ol>'),
])
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
