"""BibTeX, CSL-JSON, RIS, EndNote and HTML parsers on fixtures written for the traps each format has."""
from __future__ import annotations

import datetime as dt

from citecheck.sources import choose_parser, parse_text

BIB = r"""@string{ctan = {CTAN}}
@Online{Gartner_CloudComputing,
author = {Gartner},
month = {08},
year = {2013},
url = {https://web.archive.org/web/20130825054202/http://www.gartner.com/technology/reprints.do?id=1-1IMDMZ5&ct=130819&st=sb},
}

@misc{openssl,
	howpublished = {\url{https://GitHub.com/openssl/openssl/issues/1#issuecomment-1}},
	note = {Accessed: 2020-07-14}
}

@article{baez,
  title = {Higher-Dimensional Algebra {V}: 2-{G}roups \& \emph{Friends}},
  eprint = {math/0307200v3}, eprinttype = {arxiv},
  doi = {10.1000/xyz},
}

@online{ctan,
  title = ctan,
  url = {http://www.ctan.org},
  urldate = {2006-10-01},
  note = {Archived at \url{https://web.archive.org/web/2006/http://www.ctan.org}},
}

@book{Grübl2026a, title = {Caf\'e}, hdl = {x}, eprint = {1721.1/123}, eprinttype = {hdl}}
"""


def test_bibtex_fields_and_macros():
    refs = {r.key: r for r in parse_text(BIB, "refs.bib")}
    g = refs["Gartner_CloudComputing"]
    assert g.archive_link.original == "http://www.gartner.com/technology/reprints.do?id=1-1IMDMZ5&ct=130819&st=sb"
    assert g.title is None  # no title field: nothing invented from the raw entry
    o = refs["openssl"]
    assert o.urls == ("https://GitHub.com/openssl/openssl/issues/1#issuecomment-1",)
    assert o.access_date == dt.date(2020, 7, 14)
    b = refs["baez"]
    assert b.title == "Higher-Dimensional Algebra V: 2-Groups & Friends"
    assert b.urls == ("https://doi.org/10.1000/xyz", "https://arxiv.org/abs/math/0307200v3")
    c = refs["ctan"]
    assert c.title == "CTAN"  # @string macro resolved
    assert c.url == "http://www.ctan.org" and c.access_date == dt.date(2006, 10, 1)
    assert c.archive_link.timestamp == "2006"
    assert refs["Grübl2026a"].title == "Café" and refs["Grübl2026a"].urls == ("https://hdl.handle.net/1721.1/123",)
    assert g.line == 2


CSL = """[
{"id": "brittain2004", "type": "article-journal", "title": "Perceptions of <i>disability</i>",
 "URL": "https://example.org/a", "DOI": "10.1177/0193723504268729", "accessed": {"date-parts": [["2019", 4, 28]]}},
{"id": "adams", "type": "webpage", "title": "Archived", "URL": "https://example.org/b",
 "archive": "Internet Archive", "archive_location": "https://web.archive.org/web/20200101000000/https://example.org/b"}
]"""


def test_csljson():
    assert choose_parser(CSL, "x.json").name == "csljson"
    a, b = parse_text(CSL, "x.json")
    assert a.key == "brittain2004" and a.title == "Perceptions of disability"
    assert a.urls == ("https://example.org/a", "https://doi.org/10.1177/0193723504268729")
    assert a.access_date == dt.date(2019, 4, 28)
    assert b.archive_link.timestamp == "20200101000000" and b.url == "https://example.org/b"
    assert b.line == 4


RIS = "Provider: JSTOR http://www.jstor.org\r\n\r\nTY  - JOUR\r\nTI  - A title\r\nUR  - http://www.jstor.org/stable/44443331\r\n" \
      "DO  - https://doi.org/10.2307/1\r\nY2  - 2023/04/17/\r\nER  - \r\n\r\nTY  - THES\r\nT1  - Thesis\r\n" \
      "L1  - https://media.example.com/PFT/2/...\r\nER  - \r\n"


def test_ris():
    a, b = parse_text(RIS, "x.ris")
    assert a.title == "A title" and a.urls == ("http://www.jstor.org/stable/44443331", "https://doi.org/10.2307/1")
    assert a.access_date == dt.date(2023, 4, 17)
    assert "http://www.jstor.org" not in b.urls  # the provider header is outside any record
    assert b.title == "Thesis"


ENW = "%0 Book\n%A Preißing, René\n%T Git : dezentrale Versionsverwaltung\n%U http://d-nb.info/107601965X\n%P 300 "


def test_endnote():
    (r,) = parse_text(ENW, "x.enw")
    assert r.title == "Git : dezentrale Versionsverwaltung" and r.url == "http://d-nb.info/107601965X"


HTML = """<!DOCTYPE html><html><body><h2>Notes</h2><ul><li><a href="/home">Home</a></li></ul>
<h2>References</h2><ol>
<li>Smith. <a href="https://example.org/a" data-versionurl="https://web.archive.org/web/20200101000000/https://example.org/a"
 data-versiondate="2020-01-01">Article</a></li>
<li><a href="https://example.org/b">B</a> &amp; more</li>
</ol></body></html>"""


def test_html_robust_links():
    a, b = parse_text(HTML, "x.html")
    assert a.url == "https://example.org/a" and a.archive_link.timestamp == "20200101000000"
    assert a.access_date == dt.date(2020, 1, 1)
    assert b.number == 2 and b.url == "https://example.org/b"
