"""fix: the corrected copy changes only the fixed links, byte for byte, in each format's conventions."""
from __future__ import annotations

import datetime as dt

import pytest
from clirun import run

from citecheck.fix import plan
from citecheck.model import Capture, Fetch, Hop, LiveObservation, LookupResult, Observed, PageFacts, Result, SnapshotObservation
from citecheck.rules import judge
from citecheck.settings import Settings
from citecheck.sources import Document, parse_text
from citecheck.vocab import PageSignal

SNAP = "https://web.archive.org/web/20200101000000/{}"


def results_for(refs, *, found=None, broken=(), moved=None, elsewhere=None):
    """Results as check would give them: live OK; snapshots found for uncited URLs in ``found``; the cited
    snapshot of URLs in ``broken`` captured a 404 with a good capture in ``found``."""
    found = found or {}
    moved = moved or {}
    out = []
    for r in refs:
        url = r.url
        if url in moved:
            f = Fetch(url, (Hop("GET", url, 301), Hop("GET", moved[url], 200)), 200, moved[url], page=PageFacts(r.title))
        else:
            f = Fetch(url, (Hop("GET", url, 200),), 200, url, page=PageFacts(r.title))
        snap = None
        if r.archive_link:
            status = 404 if url in broken else 200
            snap = SnapshotObservation(r.archive_link, Fetch(r.archive_link.url, status=status, page=PageFacts(r.title)),
                                       Capture(r.archive_link.timestamp, status))
        look = LookupResult(url, "2020", Capture("20200101000000", 200, SNAP.format(url)) if url in found else None)
        other = LookupResult(url, "2020", Capture("20200105000000", 200, elsewhere[url])) if url in (elsewhere or {}) else None
        o = Observed(r, LiveObservation(url, f), snap, look, elsewhere=other)
        out.append(Result.of(o, judge(o, Settings())))
    return out


def fixed(text, name, fmt, **kw):
    refs = parse_text(text, name)
    doc = Document(name, fmt, text, tuple(refs))
    return plan(doc, results_for(refs, **kw), saved={}, settings=Settings())


def test_plain_text_seed_style(tmp_path):
    text = ("Body cites [1] and [2].\r\n\r\nReferences\r\n\r\n[1] ‘One’, 2014, https://a.example/x?p=1\r\n\r\n"
            "[2] ‘Two’, https://web.archive.org/web/20191201000000/https://b.example/y\r\n")
    p = fixed(text, "r.txt", "text", found={"https://a.example/x?p=1", "https://b.example/y"}, broken={"https://b.example/y"})
    # a broken snapshot link is replaced; a live link keeps its place for readers, its snapshot after it
    expected = text.replace("https://a.example/x?p=1",
                            "https://a.example/x?p=1 (archived: " + SNAP.format("https://a.example/x?p=1") + ")").replace(
        "https://web.archive.org/web/20191201000000/https://b.example/y", SNAP.format("https://b.example/y"))
    assert p.new_text == expected  # CRLF and everything else untouched
    assert len(p.applied) == 2


def test_plain_text_puts_in_a_moved_links_new_url_and_keeps_its_snapshot():
    text = "References\n\n[1] ‘Moved Article’, 2020, https://a.example/old\n"
    p = fixed(text, "r.txt", "text", found={"https://a.example/old"}, moved={"https://a.example/old": "https://a.example/new"})
    assert p.new_text == ("References\n\n[1] ‘Moved Article’, 2020, https://a.example/new (archived: "
                          + SNAP.format("https://a.example/old") + ")\n")


def test_markdown_adds_an_archived_link():
    text = "# References\n\n1. *One* (2014). <https://a.example/x>\n2. *Two*. <https://b.example/old>\n"
    p = fixed(text, "r.md", "markdown", found={"https://a.example/x"},
              moved={"https://b.example/old": "https://b.example/new"})
    assert p.new_text == ("# References\n\n1. *One* (2014). <https://a.example/x> [archived]("
                          + SNAP.format("https://a.example/x") + ")\n2. *Two*. <https://b.example/new>\n")


def test_bibtex_note_and_urldate_added_nothing_else_touched():
    text = "@online{a,\n\ttitle = {One},\n\turl = {https://a.example/x},\n}\n\n@misc{b,\n  title={Two}, note={print}, url={https://b.example/y}}\n"
    p = fixed(text, "r.bib", "bibtex", found={"https://a.example/x", "https://b.example/y"})
    lines = p.new_text.splitlines()
    assert lines[:4] == ["@online{a,", "\ttitle = {One},", "\turl = {https://a.example/x},",
                         "\tnote = {Archived at \\url{" + SNAP.format("https://a.example/x") + "}},"]
    assert lines[4].startswith("\turldate = {") and lines[5] == "}"
    assert "addendum = {Archived at \\url{" + SNAP.format("https://b.example/y") + "}}" in p.new_text
    assert p.new_text.startswith(text[:text.index("}\n")])


def test_wikitext_sets_archive_parameters():
    text = ("Fact.<ref>{{cite web |url=https://a.example/x |title=One |access-date=2020-01-01}}</ref> "
            "More.<ref>[https://b.example/y Two]</ref>\n")
    p = fixed(text, "a.wiki", "wikitext", found={"https://a.example/x", "https://b.example/y"})
    assert ("{{cite web |url=https://a.example/x |title=One |access-date=2020-01-01 |archive-url="
            + SNAP.format("https://a.example/x") + " |archive-date=2020-01-01 |url-status=live}}") in p.new_text
    assert "[https://b.example/y Two] {{Webarchive|url=" + SNAP.format("https://b.example/y") + "|date=2020-01-01}}" in p.new_text
    assert p.new_text.startswith("Fact.<ref>") and p.new_text.endswith("</ref>\n")


def test_in_place_keeps_a_backup_and_refuses_to_overwrite_it(tmp_path):
    src = tmp_path / "refs.txt"
    src.write_text("[1] https://a.example/x\n")
    (tmp_path / "refs.txt.bak").write_text("older backup")
    proc = run("fix", str(src), "--in-place", "--no-cache")
    assert proc.returncode == 3 and "already exists" in proc.err
    assert src.read_text() == "[1] https://a.example/x\n" and (tmp_path / "refs.txt.bak").read_text() == "older backup"


def test_a_format_fix_cannot_rewrite_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    from citecheck import api
    from citecheck.errors import InputError
    from citecheck.sources import read_document

    def no_check(*args, **kwargs):
        raise AssertionError("references were checked before the refusal")

    monkeypatch.setattr(api, "check", no_check)  # (and so no request can leave the machine)
    src = tmp_path / "refs.ris"
    src.write_text("TY  - JOUR\nTI  - A\nUR  - https://a.example/x\nER  - \n")
    proc = run("fix", str(src), "--in-place", "--no-cache")
    assert proc.returncode == 3 and "fix cannot rewrite ris files" in proc.err
    assert not (tmp_path / "refs.ris.bak").exists()
    # the library refuses it the same way (fix_document asks this first)
    with pytest.raises(InputError, match="fix cannot rewrite ris files"):
        api.require_fixable(read_document(str(src)))


def test_a_capture_from_another_archive_is_written_with_its_date():
    arquivo = "https://arquivo.pt/wayback/20200105000000/https://a.example/x"
    text = "Fact.<ref>{{cite web |url=https://a.example/x |title=One |access-date=2020-01-01}}</ref>\n"
    p = fixed(text, "a.wiki", "wikitext", elsewhere={"https://a.example/x": arquivo})
    assert f"|archive-url={arquivo} |archive-date=2020-01-05 |url-status=live" in p.new_text
    assert "in Arquivo.pt" in p.applied[0].what or arquivo in p.applied[0].what


def test_a_dead_publisher_url_is_replaced_by_its_doi_link():
    from citecheck.model import IdentifierObservation

    url = "https://www.oldpress.example/doi/full/10.1162/tacl_a_00305"
    text = f"References\n\n[1] ‘Beyond digital activism’, 2008, {url}\n"
    (ref,) = parse_text(text, "r.txt")
    gone = Fetch(url, (Hop("GET", url, 404),), 404, url, page=PageFacts("Not Found"))
    doi = IdentifierObservation("10.1162/tacl_a_00305", registered=True, agency="Crossref", record=True,
                                resolves_to="https://newpress.example/tacl/article/865455", title="Beyond digital activism")
    o = Observed(ref, LiveObservation(url, gone), None, LookupResult(url, "2008", None), identifier=doi)
    result = Result.of(o, judge(o, Settings()))
    p = plan(Document("r.txt", "text", text, (ref,)), [result], saved={}, settings=Settings())
    assert p.new_text == text.replace(url, "https://doi.org/10.1162/tacl_a_00305")


def test_a_capture_outside_the_window_of_the_cited_time_is_never_written():
    text = "[1] ‘One’, https://web.archive.org/web/20190101000000/https://b.example/y\n"
    p = fixed(text, "r.txt", "text", found={"https://b.example/y"}, broken={"https://b.example/y"})
    assert p.new_text == text  # the good capture is a year from the citation: a human must look first
    assert any("outside the 180-day window" in c.what for c in p.skipped)


def test_todays_capture_goes_only_into_a_reference_that_cited_none():
    text = ("[1] ‘One’, https://web.archive.org/web/20120101000000/https://b.example/y\n"
            "[2] ‘Two’, 2012, https://c.example/z\n")
    refs = parse_text(text, "r.txt")
    doc = Document("r.txt", "text", text, tuple(refs))
    saved = {"https://b.example/y": "20261124120000", "https://c.example/z": "20261124120000"}
    p = plan(doc, results_for(refs, broken={"https://b.example/y"}), saved=saved, settings=Settings())
    assert "20120101000000/https://b.example/y" in p.new_text  # a 2012 citation keeps its 2012 snapshot link
    assert "https://web.archive.org/web/20261124120000/https://c.example/z" in p.new_text
# --- wikitext as InternetArchiveBot writes it ----------------------------------------------------------------------

TODAY = dt.date(2026, 3, 7)


def wiki_fix(text, live_status=200, *, title=None, markers=(), found=False):
    """fix on wikitext whose one citation's original answers ``live_status`` (a parked page with
    ``markers={"parked"}``, another page with ``title``); a capture exists when ``found``."""
    (r,) = parse_text(text, "a.wiki")
    url = r.url
    f = Fetch(url, (Hop("GET", url, live_status),), live_status, url,
              page=PageFacts(title or r.title, frozenset(PageSignal(m) for m in markers)))
    snap = None
    if r.archive_link:
        snap = SnapshotObservation(r.archive_link, Fetch(r.archive_link.url, status=200, page=PageFacts(r.title)),
                                   Capture(r.archive_link.timestamp, 200))
    look = LookupResult(url, "2020", Capture("20200101000000", 200, SNAP.format(url)) if found else None)
    o = Observed(r, LiveObservation(url, f), snap, look)
    result = Result.of(o, judge(o, Settings()))
    return plan(Document("a.wiki", "wikitext", text, (r,)), [result], saved={}, settings=Settings(), today=TODAY)


ARCHIVED = ("<ref>{{cite web |url=https://a.example/x |title=One |access-date=7 March 2014 "
            "|archive-url=https://web.archive.org/web/20140307000000/https://a.example/x |archive-date=7 March 2014 "
            "|url-status=live}}</ref>\n")


@pytest.mark.parametrize("live_status,markers,title,status", [
    (200, {"parked"}, "a.example is for sale", "usurped"),
    (404, (), "Not Found", "dead"),
    (200, (), "Latest news and updates", "deviated"),
])
def test_wikitext_url_status_is_what_was_found(live_status, markers, title, status):
    p = wiki_fix(ARCHIVED, live_status, markers=markers, title=title)
    assert p.new_text == ARCHIVED.replace("|url-status=live", f"|url-status={status}")
    assert [c.what for c in p.applied] == [f"url-status={status} (was live)"]


def test_wikitext_legacy_dead_url_becomes_url_status_and_an_editors_unfit_stays():
    legacy = ARCHIVED.replace("|url-status=live", "|deadurl=no")
    assert wiki_fix(legacy, 404, title="Not Found").new_text == legacy.replace("|deadurl=no", "|url-status=dead")
    unfit = ARCHIVED.replace("|url-status=live", "|url-status=unfit")
    assert wiki_fix(unfit, 404, title="Not Found").new_text == unfit


def test_wikitext_dead_link_where_nothing_can_be_archived():
    text = "<ref>{{cite web |url=https://a.example/x |title=One |access-date=2014-03-07}}</ref>\n"
    p = wiki_fix(text, 404, title="Not Found")
    assert p.new_text == text.replace("}}</ref>", "}}{{dead link|date=March 2026|fix-attempted=yes}}</ref>")
    assert wiki_fix(p.new_text, 404, title="Not Found").new_text == p.new_text  # once only
    bare = "<ref>[https://a.example/x One]</ref>\n"
    assert "[https://a.example/x One]{{dead link|date=March 2026|fix-attempted=yes}}" in wiki_fix(bare, 410).new_text


@pytest.mark.parametrize("article,template,written", [
    # (access dates near the capture: fix never writes one outside the window of the cited time)
    ("", " |access-date=7 December 2019", "archive-date=1 January 2020"),
    ("", " |access-date=December 7, 2019", "archive-date=January 1, 2020"),
    ("", " |access-date=2019-12-07", "archive-date=2020-01-01"),
    ("{{Use mdy dates|date=May 2020}}\n", " |date=7 March 2014", "archive-date=January 1, 2020"),
    ("{{Use dmy dates}}\n", " |access-date=2019-12-07 |df=mdy", "archive-date=January 1, 2020"),
    ("{{use dmy dates}}\n", "", "archive-date=1 January 2020"),
])
def test_wikitext_dates_in_the_articles_format(article, template, written):
    text = article + "<ref>{{cite web |url=https://a.example/x |title=One" + template + "}}</ref>\n"
    p = wiki_fix(text, found=True)
    assert written + " |url-status=live}}" in p.new_text
