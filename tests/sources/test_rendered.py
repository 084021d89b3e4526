"""Wikipedia pages saved as Markdown or HTML: back-links left out, the cited page told from its snapshot by the
links' words ("Archived from the original"), titles and access dates read, in en, zh, ja, ru and kk.
The entries are written for these tests in the shapes the renderings have."""
from __future__ import annotations

import datetime as dt

import pytest

from citecheck.sources import parse_text
from citecheck.sources.roles import assign, strip_backlinks

WB = "https://web.archive.org/web/{}/{}"

JA = """## 脚注

[[編集](/w/index.php?title=X&action=edit&section=4 "節を編集: 脚注")]

1. [以下の位置に戻る: 1](#cite_ref-A_1-0) [2](#cite_ref-A_1-1) [“Introducing the Protocol”](https://news.example.com/a). [Anthropic](//ja.wikipedia.org/wiki/Anthropic "Anthropic"). 2024年11月25日. 2025年5月19日時点のオリジナルより[アーカイブ](https://web.archive.org/web/20250519204803/https://news.example.com/a). 2025年5月27日閲覧.
2. [↑](#cite_ref-2 "元の位置に戻る") “[サーバーを発表 - AWS](https://aws.example.com/jp/new/)”. *Amazon Web Services, Inc.*. 2025年8月10日閲覧。
3. [↑](#cite_ref-F_3-0 "元の位置に戻る") 樽井秀人「[AIがWindows機能を活用 ～「MCP」がネイティブサポートへ](https://archive.today/wQh6u)」『[窓の杜](//ja.wikipedia.org/wiki/窓の杜 "窓の杜")』2025年5月21日。[オリジナル](https://forest.example.jp/docs/news/2015926.html)の2025年5月27日時点におけるアーカイブ。2025年5月27日閲覧。
"""


def test_ja_markdown_render():
    a, b, c = parse_text(JA, "ja.md")
    assert (a.title, a.url) == ("Introducing the Protocol", "https://news.example.com/a")
    assert a.archive_link.timestamp == "20250519204803" and a.access_date == dt.date(2025, 5, 27)
    assert a.urls == ("https://news.example.com/a", WB.format("20250519204803", "https://news.example.com/a"))
    assert (b.title, b.url, b.access_date) == ("サーバーを発表 - AWS", "https://aws.example.com/jp/new/", dt.date(2025, 8, 10))
    # the dead form: the title links to the archive, "オリジナル" to the cited page; the wiki link is the publisher
    assert c.title == "AIがWindows機能を活用 ～「MCP」がネイティブサポートへ"
    assert c.url == "https://forest.example.jp/docs/news/2015926.html"
    assert c.archive_link.url == "https://archive.today/wQh6u" and "wikipedia" not in " ".join(c.urls)


ZH = """* [參見](/wiki/X "X")

1. **[^](#cite_ref-1)** [Glossary of Unicode Terms](http://unicode.example.org/glossary/).  [2012-04-07]. （原始内容[存档](https://web.archive.org/web/20151226015034/http://www.unicode.example.org/glossary/)于2015-12-26）.
2. **[^](#cite_ref-2)** [Homepage – convert\\_encoding.py](https://web.archive.org/web/20101028073152/http://users.example.de/convert/).  [2012-03-23]. （[原始内容](http://users.example.de/convert/)存档于2010-10-28）.
3. **[^](#cite_ref-3)** [Encoding.Convert Method](https://web.archive.org/web/20120421164654/http://msdn.example.com/library/convert(VS.71).aspx).  [2012-03-23]. （[原始内容](http://msdn.example.com/library/convert(VS.71).aspx)存档于2012-04-21）.
"""

CLIPPING = """[^4]: [Module ngx\\_http\\_dav\\_module](http://nginx.example.org/dav.html). nginx website. \\[15 July 2016\\]. （原始内容[存档](https://web.archive.org/web/20201006184153/http://nginx.example.org/dav.html)于2020-10-06）.

[^9]: Archiveddocs. [Discontinued Features](https://learn.example.com/aa998911\\(v=exchg.141\\)?from=MSDN). learn.example.com. 2014-07-23 \\[2024-08-21\\]. （原始内容[存档](https://web.archive.org/web/20240821082528/https://learn.example.com/aa998911\\(v=exchg.141\\)?from=MSDN)于2024-08-21） （美国英语）.
"""


def test_zh_markdown_render_reads_titles_and_bracketed_access_dates():
    a, b, c = parse_text(ZH, "zh.md")
    assert (a.title, a.url, a.access_date) == ("Glossary of Unicode Terms", "http://unicode.example.org/glossary/",
                                               dt.date(2012, 4, 7))
    assert a.archive_link.original == "http://www.unicode.example.org/glossary/"  # as written, never "corrected"
    assert (b.title, b.url) == ("Homepage – convert_encoding.py", "http://users.example.de/convert/")
    assert b.archive_link.timestamp == "20101028073152" and b.access_date == dt.date(2012, 3, 23)
    assert c.url == "http://msdn.example.com/library/convert(VS.71).aspx"


def test_zh_clipping_footnotes():
    d, e = parse_text(CLIPPING, "clip.md")
    assert (d.key, d.title, d.access_date) == ("^4", "Module ngx_http_dav_module", dt.date(2016, 7, 15))
    assert e.title == "Discontinued Features" and e.access_date == dt.date(2024, 8, 21)
    assert e.url == "https://learn.example.com/aa998911(v=exchg.141)?from=MSDN"


OTHER_LANGUAGES = """== References ==

1. **[^](#cite_ref-a_1-0)** Smith, J. (2020). ["Town & country"](https://news.example.org/a). *The Times*. [Archived](https://web.archive.org/web/20201112000000/https://news.example.org/a) from the original on 12 November 2020. Retrieved 14 September 2023.
2. ^ [a](#cite_ref-b_2-0) [b](#cite_ref-b_2-1) ["Dead page"](https://web.archive.org/web/20170211000000/http://dead.example.net/page). Archived from [the original](http://dead.example.net/page) on 11 February 2017. Retrieved 5 July 2008.
3. [↑](#cite_ref-4) [Заголовок статьи](https://ru.example.ru/news/1). Газета. Проверено 19 июня 2016. [Архивировано](https://web.archive.org/web/20160619000000/https://ru.example.ru/news/1) 19 июня 2016 года.
4. ↑ [1](#cite_ref-X_6-0) [2](#cite_ref-X_6-1) [Другая статья](https://ru.example.ru/news/2). Дата обращения: 27 декабря 2013. [Архивная копия](https://web.archive.org/web/20131218000000/https://ru.example.ru/news/2) от 18 декабря 2013.
5. [↑](#cite_ref-5) [Мақала тақырыбы](https://kk.example.kz/a/5). Тексерілді 2 наурыз 2021. [Түпнұсқадан мұрағатталған](https://web.archive.org/web/20210302000000/https://kk.example.kz/a/5) 2 наурыз 2021.
"""


@pytest.mark.parametrize("number,title,url,snapshot_ts,accessed", [
    (1, "Town & country", "https://news.example.org/a", "20201112000000", dt.date(2023, 9, 14)),
    (2, "Dead page", "http://dead.example.net/page", "20170211000000", dt.date(2008, 7, 5)),
    (3, "Заголовок статьи", "https://ru.example.ru/news/1", "20160619000000", dt.date(2016, 6, 19)),
    (4, "Другая статья", "https://ru.example.ru/news/2", "20131218000000", dt.date(2013, 12, 27)),
    (5, "Мақала тақырыбы", "https://kk.example.kz/a/5", "20210302000000", dt.date(2021, 3, 2)),
])
def test_en_ru_kk_renders(number, title, url, snapshot_ts, accessed):
    refs = {r.number: r for r in parse_text(OTHER_LANGUAGES, "w.md")}
    r = refs[number]
    assert (r.title, r.url, r.archive_link.timestamp, r.access_date) == (title, url, snapshot_ts, accessed)


@pytest.mark.parametrize("entry,rest", [
    ("**[^](#cite_ref-1)** Text", "Text"),
    ('[↑](#cite_ref-x_2-0 "元の位置に戻る") Text', "Text"),
    ("[以下の位置に戻る: 1](#cite_ref-a_1-0) [2](#cite_ref-a_1-1) [3](#cite_ref-a_1-2) Text", "Text"),
    ("↑ [1.0](#cite_ref-m_1-0) [1.1](#cite_ref-m_1-1) Text", "Text"),
    ("^([a](#cite_ref-q-0)) ^([b](#cite_ref-q-1)) Text", "Text"),
    ("[Not a back-link](https://example.org/) Text", "[Not a back-link](https://example.org/) Text"),
])
def test_back_links_are_not_part_of_the_entry(entry, rest):
    assert strip_backlinks(entry)[0] == rest


def test_a_plain_markdown_entry_keeps_its_order_and_a_lone_wiki_link():
    roles = assign("Smith. [Foo](https://en.wikipedia.org/wiki/Foo \"Foo\"). 2020.")
    assert roles.left_out == () and roles.cited is None and not roles.rendered  # all it cites: kept


WIKIPEDIA_HTML = """<!DOCTYPE html><html><head><title>Town</title><style>.x{}</style></head><body>
<nav><ul><li><a href="/wiki/Main_Page">Main page</a></li></ul></nav>
<p>Text.<sup class="reference"><a href="#cite_note-a-1">[1]</a></sup></p>
<ol><li>A step <a href="https://steps.example.com/">steps</a></li></ol>
<h2>References</h2>
<div class="reflist"><ol class="references">
<li id="cite_note-a-1"><span class="mw-cite-backlink">^ <a href="#cite_ref-a_1-0"><sup><i><b>a</b></i></sup></a>
<a href="#cite_ref-a_1-1"><sup><i><b>b</b></i></sup></a></span> <span class="reference-text"><style>.c{}</style>
<cite class="citation web cs1">Smith, J. (2020). <a rel="nofollow" class="external text"
href="https://news.example.org/a?x=1&amp;y=2">"Town &amp; country [2]"</a>. <i><a href="/wiki/The_Times"
title="The Times">The Times</a></i>. <a rel="nofollow" class="external text"
href="https://web.archive.org/web/20201112000000/https://news.example.org/a?x=1&amp;y=2">Archived</a> from the
original on 12 November 2020<span class="reference-accessdate">. Retrieved <span class="nowrap">14 September</span>
2023</span>.</cite><span title="ctx_ver=Z39.88-2004&amp;rft_id=https%3A%2F%2Fnews.example.org%2Fa" class="Z3988"></span></span></li>
<li id="cite_note-2"><span class="mw-cite-backlink"><b><a href="#cite_ref-2">^</a></b></span> <span class="reference-text">
<cite class="citation web"><a class="external text" href="https://web.archive.org/web/20170211000000/http://dead.example.net/page">"Dead page"</a>.
Archived from <a class="external text" href="http://dead.example.net/page">the original</a> on 11 February 2017<span
class="printonly">. <a class="external free" href="http://dead.example.net/page">http://dead.example.net/page</a></span>.
Retrieved 5 July 2008.</cite></span></li>
<li about="#cite_note-4" id="cite_note-4"><a href="#cite_ref-4" rel="mw:referencedBy"><span class="mw-linkback-text">↑ </span></a>
<span class="mw-reference-text"><a rel="mw:ExtLink" href="https://ru.example.ru/news/1">Заголовок</a>. Газета.
<small>Проверено 19 июня 2016.</small> <small><a rel="mw:ExtLink"
href="https://web.archive.org/web/20160619000000/https://ru.example.ru/news/1">Архивировано из первоисточника 19 июня 2016</a>.</small></span></li>
</ol></div>
<h2>External links</h2><ul><li><a href="https://ext.example.com/">Ext</a></li></ul>
<div class="catlinks"><ul><li><a href="/wiki/Category:Towns">Towns</a></li></ul></div>
</body></html>"""


def test_wikipedia_html():
    a, b, c = parse_text(WIKIPEDIA_HTML, "town.html")
    assert (a.number, a.title, a.url) == (1, "Town & country [2]", "https://news.example.org/a?x=1&y=2")
    assert a.archive_link.timestamp == "20201112000000" and a.access_date == dt.date(2023, 9, 14)
    assert a.line == 7 and b.line == 15  # the lines of the page where the items start
    assert (b.title, b.url, b.access_date) == ("Dead page", "http://dead.example.net/page", dt.date(2008, 7, 5))
    assert b.urls == ("http://dead.example.net/page", "https://web.archive.org/web/20170211000000/http://dead.example.net/page")
    assert (c.title, c.url, c.access_date) == ("Заголовок", "https://ru.example.ru/news/1", dt.date(2016, 6, 19))


ARTICLE = """<!doctype html><html><body><header><ul><li><a href="/">Home</a></li></ul></header>
<article><h1>Киберактивизм</h1><p>Мәтін [1], [2].</p><p><strong>Web Archive сілтемелері:</strong></p>
<p>[1] ‘Information and Expression’, сайт, <a href="https://web.archive.org/web/20230919065839/https://journals.example.com/doi/1">https://web.archive.org/web/20230919065839/https://journals.example.com/doi/1</a></p>
<p>[2] ‘Жастар саясаты’, <a href="/docs/P23">сілтеме</a>, <a href="https://adilet.example.kz/rus/docs/P23" data-versionurl="https://web.archive.org/web/20230919070429/https://adilet.example.kz/rus/docs/P23" data-versiondate="2023-09-19">құжат</a></p>
</article><footer><ul><li><a href="https://social.example.com/x">FB</a></li></ul></footer></body></html>"""


def test_an_article_with_numbered_paragraphs_and_robust_links():
    a, b = parse_text(ARTICLE, "https://news.example.kz/2023/article")
    assert (a.number, a.title, a.url) == (1, "Information and Expression", "https://journals.example.com/doi/1")
    # a relative link resolves against the page's URL; a Robust Link gives the original and its snapshot
    assert b.urls[0] == "https://news.example.kz/docs/P23" and "https://adilet.example.kz/rus/docs/P23" in b.urls
    assert b.archive_link.timestamp == "20230919070429" and b.access_date == dt.date(2023, 9, 19)
