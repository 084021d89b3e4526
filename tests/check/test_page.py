"""Reading pages (check/page.py): how far, in which encoding, what the head says, and what kind of page it is."""
from __future__ import annotations

import codecs

import httpx
import pytest
from mockweb import FAST, Chunks, polite_get
from pages import INDEX, read
from virtualtime import run

from citecheck.check.page import PageReader, analyse, encoding_of
from citecheck.vocab import PageSignal


@pytest.mark.parametrize("row", INDEX, ids=[r["file"] for r in INDEX])
def test_fixture_pages_are_read_as_what_they_are(row):
    page = read(row)
    assert sorted(s.value for s in page.signals) == row["signals"]
    if "signature" in row:
        assert row["signature"] in {m.name for m in page.matches}


def test_an_article_quoting_a_wall_or_a_parking_page_stays_an_article():
    for file in ("neg_article_domain_sale.html", "neg_article_about_cloudflare.html", "neg_article_with_cmp_fr.html"):
        page = read(next(r for r in INDEX if r["file"] == file))
        assert page.article and not page.signals & {PageSignal.PARKED, PageSignal.CHALLENGE, PageSignal.CONSENT}


# --- encodings: (id, body, Content-Type, the title it must read) ---------------------------------------------

RU, KK_LETTERS, JA = "Страница не найдена", "Бет табылмады", "ページが見つかりません"
ENCODINGS = [
    ("meta-cp1251", f'<meta charset="windows-1251"><title>{RU}</title>'.encode("cp1251"), "text/html", RU),
    ("header-koi8r", f"<title>{RU}</title>".encode("koi8_r"), "text/html; charset=KOI8-R", RU),
    ("undeclared-cp1251", f"<title>{RU}</title><p>Запрошенная страница удалена или перемещена.</p>".encode("cp1251"),
     "text/html", RU),
    ("undeclared-koi8r", f"<title>{RU}</title><p>Запрошенная страница удалена или перемещена.</p>".encode("koi8_r"),
     "text/html", RU),
    ("kazakh-cp1251", f'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><title>{KK_LETTERS}'
                      f"</title>".encode("cp1251"), "text/html", KK_LETTERS),
    ("meta-shift-jis", f'<meta charset="Shift_JIS"><title>{JA}</title>'.encode("cp932"), "text/html", JA),
    ("gb2312-is-gb18030", '<meta charset="gb2312"><title>页面不存在</title>'.encode("gb18030"), "text/html", "页面不存在"),
    ("utf8-labelled-latin1", '<meta charset="iso-8859-1"><title>Denkmäler in neuem Licht</title>'.encode(),
     "text/html", "Denkmäler in neuem Licht"),
    ("latin1-really", '<meta charset="iso-8859-1"><title>Gebühren – Übersicht</title>'.encode("cp1252"),
     "text/html; charset=ISO-8859-1", "Gebühren – Übersicht"),
    ("bom-utf8", codecs.BOM_UTF8 + "<title>Für alle</title>".encode(), "text/html; charset=iso-8859-1", "Für alle"),
    ("bom-utf16", "<title>Für alle</title>".encode("utf-16"), "text/html", "Für alle"),
    ("cut-mid-character", "<title>Сайт</title><p>абв".encode()[:-1], "text/html", "Сайт"),
]


@pytest.mark.parametrize("case", ENCODINGS, ids=[c[0] for c in ENCODINGS])
def test_pages_are_decoded_as_browsers_would(case):
    _, body, ctype, title = case
    assert analyse(body, ctype).title == title


def test_undeclared_western_text_is_windows_1252():
    assert encoding_of("<p>Straße über Äcker</p>".encode("cp1252"), "text/html") == "cp1252"


# --- the head's facts ---------------------------------------------------------------------------------------


def test_the_head_is_read_for_its_facts():
    page = analyse(
        b'<html lang="de-AT"><head><meta property="og:title" content="Denkm&auml;ler in neuem Licht. - Studio X">'
        b'<meta property="og:site_name" content="Studio X"><link rel="canonical" href="https://x.example/work/a/">'
        b'<meta http-equiv="refresh" content="0; URL=\'https://x.example/new\'"></head>'
        b"<body><script>document.write('<h1>not this</h1>')</script><h1>Denkm\xc3\xa4ler</h1></body></html>",
        "text/html")
    assert page.title == "Denkmäler in neuem Licht. - Studio X"  # no <title>: og:title stands in
    assert (page.site_name, page.canonical, page.refresh, page.lang, page.heading) == (
        "Studio X", "https://x.example/work/a/", "https://x.example/new", "de-AT", "Denkmäler")


def test_entities_and_typographic_apostrophes_are_read_before_matching():
    for title in ("HARVEST: Can&#x2BC;t find page", "We can\u2019t find that page", "Oops! That page can&rsquo;t be found."):
        assert PageSignal.NOTFOUND in analyse(f"<title>{title}</title>".encode(), "text/html").signals, title


# --- how far a page is read --------------------------------------------------------------------------------


def test_the_reader_wants_the_head_and_a_window_past_it():
    reader = PageReader(window=1000, cap=100_000)
    head = b"<html><head><title>T</title>" + b"<script>" + b"x" * 5000 + b"</script></head><body>"
    assert reader.want(head[:500]) == 1000  # too early to know
    assert reader.want(head) == head.index(b"</head>") + 1000
    assert PageReader(1000, 100_000).want(b"\0" * 2000) == 1000  # no page with a head: the window alone
    assert PageReader(1000, 100_000).want(b"<html><head>" + b"x" * 2000) == 100_000  # a head still open: read on


def test_a_title_after_the_first_32_kib_is_still_read():
    script = "<script>var data = '" + "x" * 45_000 + "';</script>"
    page = f"<html><head>{script}<title>Page not found | Example</title></head><body>{'<p>tail</p>' * 20_000}</body>"
    stream = Chunks(page.encode(), 8192)
    f = run(polite_get(lambda r: httpx.Response(200, headers={"Content-Type": "text/html"}, stream=stream)))
    assert f.page.title == "Page not found | Example" and PageSignal.NOTFOUND in f.page.signals
    assert FAST.max_body_bytes < f.page.bytes_read < 2 * 45_000 + FAST.max_body_bytes  # not the whole 240 KB
    assert stream.sent < len(page)


def test_headers_and_cookies_name_the_wall_even_without_a_body():
    f = run(polite_get(lambda r: httpx.Response(403, headers={"x-datadome": "protected", "x-dd-b": "2",
                                                              "set-cookie": "datadome=secret; Path=/"})))
    assert PageSignal.CHALLENGE in f.page.signals
    assert {m.name for m in f.page.matches} >= {"datadome.blocked-header", "datadome.cookie"}
    assert all("secret" not in m.text for m in f.page.matches)  # cookie names only, never values


def test_nuls_and_undecodable_bytes_are_no_text():
    # a gzip bomb inflates to NULs: what was read of it holds not one character a reader could see
    nuls = analyse(b"\0" * 32768, "text/html")
    assert nuls.title is None and nuls.text_chars == 0
    assert analyse(b"<p>" + b"word " * 100 + b"\0" * 100, "text/html").text_chars == len("word " * 100)


def test_an_empty_body_is_a_blank_page_only_when_it_was_asked_for():
    from citecheck.rules.live import empty_page

    assert empty_page(analyse(b"", "text/html", read=True))  # a GET answered 200 with nothing
    assert empty_page(analyse(b"", None, read=True))
    assert not empty_page(analyse(b"", "text/html"))  # a HEAD, or a body never read
    assert not empty_page(analyse(b"", "application/pdf", read=True))  # not a page at all


def test_a_zero_byte_page_and_a_zero_byte_capture_are_soft_404s(tmp_path):
    from dataclasses import replace

    import citecheck

    memento = {"Memento-Datetime": "Sun, 01 Jan 2023 00:00:00 GMT", "Content-Type": "text/html"}

    def handler(request):
        if request.url.host == "web.archive.org":
            blank = "/blank" in request.url.path
            return httpx.Response(200, headers=memento, content=b"" if blank else b"<title>Digital activism</title>")
        if request.url.path == "/empty":
            return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"")
        return httpx.Response(200, html="<title>Digital activism</title>")

    path = tmp_path / "refs.txt"
    path.write_text("[1] ‘Digital activism’, https://web.archive.org/web/20230101000000/https://a.example/empty\n"
                    "[2] ‘Digital activism’, https://web.archive.org/web/20230101000000/https://a.example/blank\n",
                    encoding="utf-8")
    settings = replace(citecheck.Settings(), use_cache=False, share_wayback_budget=False, other_archives=False)
    one, two = citecheck.check(citecheck.read_references(str(path)), settings,
                               transport=httpx.MockTransport(handler)).results
    assert one.verdict.live.rule == "live.soft404.empty" and one.verdict.archive.state is citecheck.ArchiveState.OK
    assert two.verdict.live.state is citecheck.LiveState.OK and two.verdict.archive.rule == "archive.soft404.empty"
