"""URL edges in running text: our own cases, and the peers' cases in tests/data/url_cases.json."""
import json
from pathlib import Path

import pytest
from casetable import assert_every_row

from citecheck.urls import CONTEXTS, extract_urls, field_urls

# 476 cases from the peers' own suites (linkify-it, the linkify crate lychee uses, URLExtract, cmark-gfm's spec,
# lychee, MediaWiki/Parsoid), the RIS spec, corpus lines and the issue; each names its source (and, where the
# peers disagree, which reading was chosen and why). "angle" cases are <…> autolinks, read as Markdown.
CASES = json.loads((Path(__file__).parent / "data" / "url_cases.json").read_text(encoding="utf-8"))


def _peer_case(case):
    context = "markdown" if case["context"] == "angle" else case["context"]
    assert context in CONTEXTS
    got = [s.url for s in extract_urls(case["input"], context)]
    assert got == case["expected"], f"{got} != {case['expected']} ({case['source']})"


def test_every_peer_case():
    assert assert_every_row(CASES, _peer_case, name=lambda c: f"{c['id']}-{c['context']}") == len(CASES) > 400


def test_ris_fields_keep_the_value_and_split_before_a_scheme():
    assert field_urls("http://a.example.com/x;jsessionid=1; http://b.example.org/y") == [
        "http://a.example.com/x;jsessionid=1", "http://b.example.org/y"]
    assert field_urls("not a url") == []


@pytest.mark.parametrize("text,urls", [
    ("see https://example.com/a.", ["https://example.com/a"]),
    ("(https://example.com/a), and", ["https://example.com/a"]),
    ("https://en.wikipedia.org/wiki/Foo_(bar) is", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("<https://example.com/a?b=1&c=2>", ["https://example.com/a?b=1&c=2"]),
    ("[label](https://example.com/x_(y)) more", ["https://example.com/x_(y)"]),
    ("[label](https://example.com/p \"title\")", ["https://example.com/p"]),
    (r"[x](https://msdn.example.com/aa998911\(v=exchg.141\)?redirectedfrom=MSDN)",
     ["https://msdn.example.com/aa998911(v=exchg.141)?redirectedfrom=MSDN"]),
    ("‘Title’, https://web.archive.org/web/2023/https://x.kz/a?p=1", ["https://web.archive.org/web/2023/https://x.kz/a?p=1"]),
    ("链接https://example.cn/页面，更多", ["https://example.cn/页面"]),
    ("«https://example.ru/статья»", ["https://example.ru/статья"]),
    ("https://example.com/a%20b%C2%AE!", ["https://example.com/a%20b%C2%AE"]),
    ("[存档](//web.archive.org/web/2015/http://a.com/)", ["//web.archive.org/web/2015/http://a.com/"]),
    ("{{cite web|url=http://a.com/x|title=T}}", ["http://a.com/x"]),
    ("[http://a.com/x label text]", ["http://a.com/x"]),
    ("two: http://a.com/1 and http://b.com/2;", ["http://a.com/1", "http://b.com/2"]),
    ("not a url: //comment and http:// alone", []),
])
def test_extract(text, urls):
    assert [s.url for s in extract_urls(text)] == urls


@pytest.mark.parametrize("context", ["prose", "markdown", "wikitext"])
def test_spans_point_at_the_text(context):
    text = "x <https://e.com/a> y [t](https://e.com/b) [https://e.com/c label]"
    for span in extract_urls(text, context):
        assert text[span.start:span.end] == span.url


@pytest.mark.parametrize("text,urls", [
    # a link finder passes over these; a reference list keeps them, so that the broken link is reported
    ("see http://-bad-.com/ now", ["http://-bad-.com/"]),
    ("http://127.1/ and http://2130706433/", ["http://127.1/", "http://2130706433/"]),
    ("x http://[::1 y", ["http://[::1"]),
    ("http://localhost:8000/a.", ["http://localhost:8000/a"]),
    ("http://exa mple.com/", ["http://exa"]),
    # what has no host at all is still nothing, and real hosts read as before
    ("http:// http://. http://# http:///x hppt://x.com", []),
    ("see https://example.org- and 1.http://example.org/", ["https://example.org", "http://example.org/"]),
])
def test_malformed_urls_kept_for_reference_lists(text, urls):
    assert [s.url for s in extract_urls(text, malformed=True)] == urls
    assert [s.url for s in extract_urls(f"1. {text}", "markdown", malformed=True)] == urls
