"""Wikitext, Markdown footnotes and link definitions, reStructuredText notes."""
from __future__ import annotations

import datetime as dt

from citecheck.sources import parse_text

WIKI = """'''Town''' is a place.<ref name="maga">{{cite web|url=http://www.example.org/list.pdf|title=List of [[Place]]-names
|accessdate=11 January 2015|deadurl=yes|archiveurl= https://web.archive.org/web/20140729194902/http://www.example.org/list.pdf
|archivedate=29 July 2014<!--Added by DASHBot-->}}</ref> More.<ref name="maga" />
<ref>{{Cite web|和書|title=STAFF&CAST|url=http://www.example.jp/staff.html|accessdate=2019-09-22|archiveurl=https://web.archive.org/web/20141224050312/http://www.example.jp/staff.html}}</ref>
<ref>{{Chú thích web|url=https://voh.example.vn/a.html|tựa đề=Tiêu đề|ngày truy cập=2022-08-16|archive-date=2021-01-01|archive-url=https://web.archive.org/web/20220812184934/https://voh.example.vn/a.html|url-status=live}}</ref>
<ref>[http://www.example.ua/навчання! Навчання розпочато!] {{Webarchive|url=https://web.archive.org/web/20190924125309/http://www.example.ua/навчання! |date=24 вересня 2019 }}</ref>
<ref>{{Wayback |date=20090312022528 |url=http://www.example.net/txt.htm |title=&quot;Anarchist&quot; }}</ref>
"""


def test_wikitext():
    refs = parse_text(WIKI, "a.wiki")
    assert len(refs) == 5  # the reused <ref name=… /> is not a new entry
    a, b, c, d, e = refs
    assert a.key == "maga" and a.title == "List of Place-names"
    assert a.url == "http://www.example.org/list.pdf" and a.archive_link.timestamp == "20140729194902"
    assert a.url_status == "dead" and a.access_date == dt.date(2015, 1, 11)
    assert a.problems == ()
    assert b.problems == ("archive-url without archive-date",)
    assert c.title == "Tiêu đề" and c.url_status == "live" and c.access_date == dt.date(2022, 8, 16)
    assert c.problems and "disagrees" in c.problems[0]
    assert d.url == "http://www.example.ua/навчання!"  # the "!" belongs to the URL in a bracketed link
    assert e.archive_link.original == "http://www.example.net/txt.htm" and e.archive_link.timestamp == "20090312022528"


def test_wikitext_entity_escaped_dump():
    escaped = WIKI.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert [r.url for r in parse_text(escaped, "a.wiki")] == [r.url for r in parse_text(WIKI, "a.wiki")]


MD = """---
title: notes
---
Text citing a fact[^WKit_2001] and another[^2], plus [a link][1].

[^WKit_2001]: [Wkit products page. [English] (Archived 2001-08-11)](http://web.archive.org/web/20010811000000/http://www.wkit.com:80/index_swe.asp?section=1&content=2)
[^2]: <https://certbot.example.org/docs>
    continued on an indented line.
[^3]: Defined but never cited https://example.com/3

[1]: https://example.org/one "Title"
"""


def test_markdown_footnotes_and_definitions():
    refs = {r.key: r for r in parse_text(MD, "n.md")}
    w = refs["^WKit_2001"]
    assert w.archive_link.original == "http://www.wkit.com/index_swe.asp?section=1&content=2"
    assert w.archive_link.timestamp == "20010811000000"
    assert refs["^2"].url == "https://certbot.example.org/docs" and "indented" in refs["^2"].raw
    assert refs["1"].url == "https://example.org/one"


RST = r"""Text [1]_ and [2]_ and [#note]_.

.. [1] An Introduction to ABC's, by Talin
   (https://mail.example.org/pipermail/2007-April/006614.html)

[2] Incomplete implementation prototype, by GvR
\   (https://web.archive.org/web/20170223133820/http://svn.example.org/view/sandbox/trunk/abc/)

.. [#note] https://example.org/forum/viewtopic.php?f=67&t=57459#comment-1
"""


def test_rst_notes():
    refs = {r.key: r for r in parse_text(RST, "p.rst")}
    assert refs["1"].url == "https://mail.example.org/pipermail/2007-April/006614.html"
    assert refs["2"].archive_link.original == "http://svn.example.org/view/sandbox/trunk/abc/"
    assert refs["#note"].url == "https://example.org/forum/viewtopic.php?f=67&t=57459#comment-1"
