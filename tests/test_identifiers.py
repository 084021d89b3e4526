"""Finding a reference's DOI wherever it is written, and the URLs built from it."""
import pytest

from citecheck.identifiers import api_path, clean_doi, doi_from_url, doi_link, dois_in_text, find_doi
from citecheck.sources import parse_text

SICI = "10.1002/(SICI)1097-4571(199907)50:3<356::AID-ASI24>3.0.CO;2-J"


@pytest.mark.parametrize("url,doi", [
    ("https://doi.org/10.1080/1369118X.2012.670661", "10.1080/1369118X.2012.670661"),
    ("http://dx.doi.org/10.1017/gov.2014.30", "10.1017/gov.2014.30"),
    ("https://doi.org/10.1002/1520-6688(199707)16:2%3C831::AID-PAM35%3E3.0.CO;2-Z",
     "10.1002/1520-6688(199707)16:2<831::AID-PAM35>3.0.CO;2-Z"),
    ("https://doi.org/10.1002%2Fpoi3.212", "10.1002/poi3.212"),
    ("https://journals.sagepub.com/doi/abs/10.1177/0093650205279209", "10.1177/0093650205279209"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/hbe2.130", "10.1002/hbe2.130"),
    ("https://dl.acm.org/doi/10.1145/3316095.3394057", "10.1145/3316095.3394057"),
    ("https://www.tandfonline.com/doi/abs/10.1080/14680777.2024.1086274?journalCode=rfms20",
     "10.1080/14680777.2024.1086274"),
    ("https://link.springer.com/article/10.1007/s11109-020-10036-9", "10.1007/s11109-020-10036-9"),
    ("https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0236169", "10.1371/journal.pone.0236169"),
    ("https://datadryad.org/stash/dataset/doi:10.5061/dryad.ekdkkdaa3r", "10.5061/dryad.ekdkkdaa3r"),
    ("https://www.frontiersin.org/articles/10.3389/fpsyg.2020.01234/full", "10.3389/fpsyg.2020.01234"),
    ("https://academic.oup.com/jcmc/article/32/4/39/5824184", None),
    ("https://www.sciencedirect.com/science/article/pii/S0962629813346322", None),
    ("https://example.com/report-10.2020/final", None),
    # what browsers and mailers add to a doi.org link is no part of the DOI; a SICI check character is
    ("https://doi.org/10.1177/0093650205279209?utm_source=feed&utm_medium=x", "10.1177/0093650205279209"),
    ("https://doi.org/10.1177/0093650205279209#.X1abc", "10.1177/0093650205279209"),
    ("https://doi.org/10.1177/0093650205279209/", "10.1177/0093650205279209"),
    ("https://doi.org/10.1002/(SICI)1097-0134(19981214)32:1%3C607::AID-PROT35%3E3.0.CO;2-#",
     "10.1002/(SICI)1097-0134(19981214)32:1<607::AID-PROT35>3.0.CO;2-#"),
])
def test_doi_in_a_url(url, doi):
    assert doi_from_url(url) == doi


@pytest.mark.parametrize("text,doi", [
    ("Lancet, 1998, DOI: 10.1016/S0140-6736(98)49428-P, https://x.example/", "10.1016/S0140-6736(98)49428-P"),
    (f"JASIS, 1999, doi: {SICI}, https://osf.io/ea9r5/", SICI),
    ("Proteins, 1998, doi:10.1002/(SICI)1097-0134(19981214)32:1<607::AID-PROT35>3.0.CO;2-#, https://osf.io/qk2gf/",
     "10.1002/(SICI)1097-0134(19981214)32:1<607::AID-PROT35>3.0.CO;2-#"),
    ("Ecology, 1996, doi:10.1890/0012-9658(1996)77[989:HHGRAC]2.0.CO;2, https://x.example/",
     "10.1890/0012-9658(1996)77[989:HHGRAC]2.0.CO;2"),
    ("(see doi:10.1000/xyz123).", "10.1000/xyz123"),
    ("Available at 10.5281/zenodo.9404248.", "10.5281/zenodo.9404248"),
    ("Vol. 10.2 of the series, page 10", None),
])
def test_doi_in_text(text, doi):
    found = dois_in_text(text)
    assert (found[0] if found else None) == doi


def test_text_wins_over_a_url_that_carries_another_address():
    assert find_doi("doi:10.1371/journal.pone.0285168", ["https://www.academia.edu/37390098/x"]) == \
        "10.1371/journal.pone.0285168"
    assert find_doi("", ["https://osf.io/x", "https://doi.org/10.1000/a"]) == "10.1000/a"


@pytest.mark.parametrize("raw,doi", [
    ("10.1162/tacl\\_a\\_00305", "10.1162/tacl_a_00305"),  # BibTeX's escaped underscore
    ("https://doi.org/10.1000/abc", "10.1000/abc"),
    ("doi:10.1000/abc.", "10.1000/abc"),
    ("not a doi", None),
    ("10.1000/", None),
    ("10.1000/ab{\\_}c", "10.1000/ab_c"),  # BibTeX: a braced escape
    ("10.1002/x3.0.CO;2-\\#", "10.1002/x3.0.CO;2-#"),
    ("{{10.1000/x}}", "10.1000/x"),
    ("info:doi/10.1000/x", "10.1000/x"),
    ("urn:doi:10.1000/x", "10.1000/x"),
    ("doi:10.1000/abc…", "10.1000/abc"),
])
def test_clean_doi(raw, doi):
    assert clean_doi(raw) == doi


def test_api_paths_encode_every_reserved_character_in_upper_case_hex():
    assert api_path(SICI) == "10.1002/%28sici%291097-4571%28199907%2950%3A3%3C356%3A%3Aaid-asi24%3E3.0.co%3B2-j"
    assert api_path("10.1002/(SICI)1097-0134(19981214)32:1<607::AID-PROT35>3.0.CO;2-#").endswith("2-%23")
    assert api_path("10.1890/0012-9658(1996)77[989:HHGRAC]2.0.CO;2").count("%5B") == 1


def test_doi_link_keeps_what_a_path_may_hold():
    assert doi_link("10.1002/1520-6688(199707)16:2<831::AID-PAM35>3.0.CO;2-Z") == \
        "https://doi.org/10.1002/1520-6688(199707)16:2%3C831::AID-PAM35%3E3.0.CO;2-Z"


@pytest.mark.parametrize("text,fmt,doi", [
    ("@article{a, title={T}, doi={10.1162/tacl\\_a\\_00305}, url={https://example.org/a}}\n", "bibtex",
     "10.1162/tacl_a_00305"),
    ("@article{a, title={T}, eprinttype={doi}, eprint={10.1000/xyz}}\n", "bibtex", "10.1000/xyz"),
    ("@misc{a, title={T}, note={Published version: doi:10.1000/in.note}}\n", "bibtex", "10.1000/in.note"),
    ('[{"id": "a", "type": "article", "title": "T", "DOI": "10.1000/XYZ"}]', "csljson", "10.1000/XYZ"),
    ("TY  - JOUR\nTI  - T\nDO  - 10.1000/ris.1\nUR  - https://example.org/a\nER  - \n", "ris", "10.1000/ris.1"),
    ("Text.<ref>{{cite journal |title=T |doi=10.1000/wiki.2 |url=https://example.org/a}}</ref>\n", "wikitext",
     "10.1000/wiki.2"),
    ("[1] ‘T’, https://web.archive.org/web/20230919065839/https://journals.sagepub.com/doi/abs/10.1177/0093650205279209\n",
     "text", "10.1177/0093650205279209"),  # inside the snapshot's original, as the seed writes it
])
def test_each_format_gives_its_doi(text, fmt, doi):
    refs = parse_text(text, "x", fmt)
    assert refs[0].doi == doi


@pytest.mark.parametrize("entry,doi", [
    # a URL finder stops a link at "<": the DOI of a doi.org link is read whole from the entry
    ("[1] ‘T’, https://doi.org/10.1175/1520-0477(1996)077<0437:TNYRP>2.0.CO;2",
     "10.1175/1520-0477(1996)077<0437:TNYRP>2.0.CO;2"),
    (f"[1] ‘T’, <https://doi.org/{SICI}>", SICI),
    ("[1] ‘T’, see doi.org/10.1177/0093650205279209.", "10.1177/0093650205279209"),
    ("[1] ‘T’, <https://doi.org/10.1000/xyz>.", "10.1000/xyz"),
])
def test_a_doi_org_link_in_an_entry_is_read_whole(entry, doi):
    assert parse_text(entry, "r.txt")[0].doi == doi
