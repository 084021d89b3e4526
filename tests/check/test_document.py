"""A published article checked by its URL: the page is fetched (through fetch()), decoded and read."""
from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from citecheck import api
from citecheck.check.document import fetch_documents
from citecheck.errors import InputError
from citecheck.settings import Settings

SETTINGS = replace(Settings(), use_cache=False)
PAGE = ("<html><head><meta charset='windows-1251'></head><body><h2>Источники</h2><ol>"
        "<li>‘Статья’, <a href='/news/1'>новость</a></li>"
        "<li><a href='https://web.archive.org/web/20230919080848/https://rus.example.org/a/1.html'>Azattyq</a></li>"
        "</ol></body></html>")


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/old-address":
        return httpx.Response(301, headers={"Location": "https://news.example.kz/2023/article"})
    if request.url.path == "/2023/article":
        return httpx.Response(200, content=PAGE.encode("cp1251"), headers={"Content-Type": "text/html"})
    return httpx.Response(404, text="Not Found")


def test_an_article_by_its_url_is_fetched_and_its_reference_list_read():
    documents, _ = api.read_inputs(["https://news.example.kz/old-address"], settings=SETTINGS,
                                   transport=httpx.MockTransport(handler))
    (doc,) = documents
    assert doc.name == "https://news.example.kz/old-address" and doc.format == "html"
    first, second = doc.references
    assert first.title == "Статья"  # decoded as the page's <meta> says
    assert first.url == "https://news.example.kz/news/1"  # relative to where the page was found
    assert second.url == "https://rus.example.org/a/1.html" and second.archive_link.timestamp == "20230919080848"


def test_a_page_that_cannot_be_had_is_bad_input():
    with pytest.raises(InputError, match=r"https://news.example.kz/gone: could not fetch the page \(HTTP 404\)"):
        fetch_documents(["https://news.example.kz/gone"], SETTINGS, httpx.MockTransport(handler))


def test_a_page_that_names_no_charset_is_decoded_as_files_are():
    # no header charset, no <meta>: the same guess a reference file gets (windows-1251 here), not UTF-8's U+FFFDs
    page = PAGE.replace("<meta charset='windows-1251'>", "").encode("cp1251")

    def bare(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=page, headers={"Content-Type": "text/html"})

    documents, _ = api.read_inputs(["https://news.example.kz/2023/article"], settings=SETTINGS,
                                   transport=httpx.MockTransport(bare))
    assert documents[0].references[0].title == "Статья"
