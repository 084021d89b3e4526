"""Plain-text and Markdown numbered lists."""
import datetime as dt

import pytest

from citecheck.errors import InputError
from citecheck.sources import choose_parser, parse_text, read_references


def test_seed_list(fixtures_dir):
    refs = read_references(str(fixtures_dir / "seed-refs.txt"))
    assert [r.number for r in refs] == list(range(1, 14))
    first = refs[0]
    assert first.url == "https://journals.sagepub.com/doi/abs/10.1177/0093650205279209"
    assert first.archive_link.timestamp == "20230919065839"
    assert first.title.startswith("Information and Expression in a Digital Age")
    assert refs[3].url == "https://www.brif.kz/blog/?p=3304"  # the query belongs to the original
    assert refs[7].url == "http://eprints.gla.ac.uk/108973/"
    assert all(r.archive_link and r.archive_link.service == "wayback" for r in refs)
    assert [r.line for r in refs][:3] == [3, 5, 7]


def test_reference_section_found_at_end_of_article(fixtures_dir):
    refs = read_references(str(fixtures_dir / "article-with-refs.txt"))
    assert [r.number for r in refs] == [1, 2, 3]
    # an apostrophe inside the quoted title does not end it
    assert refs[0].title == ("Y.Sairambay, The contributions of new media to young people’s political participation "
                             "in Russia and Kazakhstan")
    # a closing quote glued to the next word still ends the title
    assert refs[1].title == "Bennett, W. L., & Segerberg, A. (2012). The logic of connective action"
    # the entry continues on an indented line
    assert refs[1].url == "https://typeset.io/papers/the-logic-4mss1a1jn0"
    # nested «…» inside ‘…’
    assert refs[2].title == "Ақпарат министрі: «сатира мен жалған ақпарат арасындағы шекараны ажырату керек»"
    # the trailing "you may also like" section is not part of the last entry
    assert "Киберфеминизм" not in refs[2].raw


def test_markdown_list(fixtures_dir):
    refs = read_references(str(fixtures_dir / "mixed-list.md"))
    assert [r.number for r in refs] == [1, 2, 3, 4, 5]
    r1, r2, r3, r4, r5 = refs
    assert r1.title == "Democracy hashtag report"
    assert r1.url == "https://example.org/election/youth/41727.html"
    assert r1.archive_link.url.startswith("https://web.archive.org/web/20151019032706/")
    assert r2.url == "https://example.com/a_(b)/c"
    assert r2.access_date == dt.date(2020, 3, 5)
    assert r2.title == "Networks of protest"
    assert r3.title == "Quoted title"
    assert r3.url == "https://example.net/x?y=1&z=2"
    assert r3.archive_link.original == "http://example.net/x?y=1&z=2"
    assert r3.archive_link.url.startswith("https://web.archive.org/web/2016/")
    assert r4.url is None and r4.urls == ()
    assert r5.url == "https://zh.wikipedia.org/wiki/字符编码"
    assert r5.access_date == dt.date(2025, 5, 27)


def test_a_link_text_too_short_to_be_a_title_leaves_no_brackets_behind():
    one, two = parse_text("# Refs\n\n1. [ok](https://example.org/x)\n2. [PDF](https://example.org/y.pdf)\n", "r.md")
    assert one.title is None and two.title == "PDF"


def test_crlf_and_bom():
    text = "\ufeff[1] ‘A’, https://a.example/x\r\n[2] ‘B’, https://b.example/y\r\n"
    refs = parse_text(text.lstrip("\ufeff"), "t.txt")
    assert [r.url for r in refs] == ["https://a.example/x", "https://b.example/y"]


def test_detects_markdown_by_content():
    assert choose_parser("1. [x](https://a.example/)\n", None).name == "markdown"
    assert choose_parser("[1] https://a.example/\n", "refs.txt").name == "text"


@pytest.mark.parametrize("content,message", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"Just prose, no list at all.\n", "no references found"),
])
def test_bad_input(tmp_path, content, message):
    f = tmp_path / "in.txt"
    f.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_references(str(f))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_references(str(tmp_path / "nope.txt"))


def test_unknown_input_format(tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("[1] https://a.example/\n")
    with pytest.raises(InputError, match="unknown input format"):
        read_references(str(f), "docx")


def test_legacy_encoding_is_read(tmp_path):
    f = tmp_path / "in.txt"
    f.write_bytes("[1] ‘Caf\u00e9’ https://a.example/x\n".encode("cp1252", errors="replace"))
    refs = read_references(str(f))
    assert refs[0].url == "https://a.example/x"


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_a_cyrillic_list_in_a_legacy_encoding_is_read_in_it(tmp_path, encoding):
    f = tmp_path / "in.txt"
    f.write_bytes(("Список литературы\n\n[1] 'Старая история', сайт, https://a.example/x/very/long/path?id=1\n"
                   "[2] 'Пропавшая страница', https://web.archive.org/web/20140210101010/http://b.example/y\n")
                  .encode(encoding))
    one, two = read_references(str(f))
    assert "Старая история" in one.title and "Пропавшая страница" in two.title


def test_a_broken_link_is_the_reference_url_not_nothing():
    (r,) = parse_text("[1] ‘Report’, 2020, http://-bad-.com/report\n", "r.txt")
    assert r.url == "http://-bad-.com/report"
