"""fix: the corrected copy changes only the fixed links, byte for byte, in each format's conventions."""
from __future__ import annotations

from clirun import run

from citecheck.fix import plan
from citecheck.model import Capture, Fetch, Hop, LiveObservation, LookupResult, Observed, PageFacts, Result, SnapshotObservation
from citecheck.rules import judge
from citecheck.settings import Settings
from citecheck.sources import Document, parse_text

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
        o = Observed(r, LiveObservation(url, f), snap, look, other)
        out.append(Result(r, judge(o, Settings()), o.live, o.snapshot, o.lookup, o.elsewhere))
    return out


def fixed(text, name, fmt, **kw):
    refs = parse_text(text, name)
    doc = Document(name, fmt, text, tuple(refs))
    return plan(doc, results_for(refs, **kw), saved={})


def test_plain_text_seed_style(tmp_path):
    text = ("Body cites [1] and [2].\r\n\r\nReferences\r\n\r\n[1] ‘One’, 2014, https://a.example/x?p=1\r\n\r\n"
            "[2] ‘Two’, https://web.archive.org/web/20190101000000/https://b.example/y\r\n")
    p = fixed(text, "r.txt", "text", found={"https://a.example/x?p=1", "https://b.example/y"}, broken={"https://b.example/y"})
    expected = text.replace("https://a.example/x?p=1", SNAP.format("https://a.example/x?p=1")).replace(
        "https://web.archive.org/web/20190101000000/https://b.example/y", SNAP.format("https://b.example/y"))
    assert p.new_text == expected  # CRLF and everything else untouched
    assert len(p.applied) == 2


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
    result = Result(ref, judge(o, Settings()), o.live, o.snapshot, o.lookup, identifier=doi)
    p = plan(Document("r.txt", "text", text, (ref,)), [result], saved={})
    assert p.new_text == text.replace(url, "https://doi.org/10.1162/tacl_a_00305")
