"""URL edges in running text."""
import pytest

from citecheck.urls import extract_urls


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


def test_spans_point_at_the_text():
    text = "x <https://e.com/a> y"
    (span,) = extract_urls(text)
    assert text[span.start:span.end] == "https://e.com/a"
