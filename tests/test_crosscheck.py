"""In-text markers against the list."""
from citecheck.crosscheck import cited_markers, crosscheck
from citecheck.sources import parse_text


def test_markers():
    assert cited_markers("see [3], [1–4] and [2, 5]; also [7][8]") == ["3", "1", "2", "3", "4", "2", "5", "7", "8"]
    assert cited_markers("a [link](https://x.example/) and [2518](https://rfc.example/)") == []
    assert sorted(cited_markers("rest [1]_ and [#a]_ and md[^x]")) == ["1", "^x", "a"]
    assert cited_markers("[1] ‘Title’, https://x.example/ (a definition, not a citation)") == []


def test_findings():
    text = "Body [1] and [2], then [4].\n\nReferences\n\n[1] A https://a.example/\n[2] B https://b.example/\n[3] C https://c.example/\n[3] D https://d.example/\n"
    c = crosscheck(text, parse_text(text, "t.txt"), "t.txt")
    assert c.cited_missing == ("4",) and c.never_cited == ("3",) and c.duplicates == ("3",) and c.gaps == ()
    assert c.needs_attention


def test_a_bare_list_has_nothing_to_compare():
    text = "[1] A https://a.example/\n[3] C https://c.example/\n"
    c = crosscheck(text, parse_text(text, "t.txt"), "t.txt")
    assert c.markers == 0 and c.never_cited == () and c.gaps == (2,) and not c.needs_attention


def test_a_run_failed_by_its_citations_says_why(tmp_path):
    from clirun import run

    refs = tmp_path / "cites.txt"
    refs.write_text("Text cites [1] and [7].\n\nReferences\n\n"
                    "[1] A. https://web.archive.org/web/20200101000000/https://a.example/x\n", encoding="utf-8")
    proc = run("check", str(refs), "--offline", "--cache-dir", str(tmp_path / "cache"))
    assert proc.returncode == 2 and "citecheck: 1 in-text citation points to no entry or to two" in proc.err
