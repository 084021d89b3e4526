"""The archive-link grammar, case by case, and round trips: link -> service, original, timestamp -> link."""
import json
from pathlib import Path

import pytest
from casetable import assert_every_row

from citecheck.archives import (
    CACHE,
    MEMENTO,
    SERVICES,
    UNPINNED,
    archives_for,
    match_archive_link,
    memento_url,
    parse_archive_link,
    parse_replay_location,
    raw_replay,
    read_timestamp,
    recover_original,
    redirect_target,
    replay_url,
    timemap_url,
)
from citecheck.timestamps import full_timestamp, timestamp_to_datetime
from citecheck.urls import same_resource

WAYBACK_CASES = [
    # (link, original, timestamp, modifier)
    ("https://web.archive.org/web/20230919065839/https://journals.sagepub.com/doi/abs/10.1177/0093650205279209",
     "https://journals.sagepub.com/doi/abs/10.1177/0093650205279209", "20230919065839", ""),
    ("http://web.archive.org/web/20090312022528/http://www.example.org/a?b=1&c=2",
     "http://www.example.org/a?b=1&c=2", "20090312022528", ""),
    ("//web.archive.org/web/20151226/http://example.com/x", "http://example.com/x", "20151226", ""),
    ("https://wayback.archive.org/web/2016/http://example.com/", "http://example.com/", "2016", ""),
    ("https://web.archive.org/web/2018id_/http://example.com/raw", "http://example.com/raw", "2018", "id_"),
    ("https://web.archive.org/web/2id_/https://example.com/", "https://example.com/", None, ""),  # "latest"
    ("https://web.archive.org/web/20010811000000im_/http://www.wkit.com:80/img.gif", "http://www.wkit.com/img.gif",
     "20010811000000", "im_"),
    ("https://web.archive.org/web/20200204014929/1394ta.org/specifications/", "http://1394ta.org/specifications/",
     "20200204014929", ""),
    ("https://web.archive.org/web/*/https://example.com/page", "https://example.com/page", None, ""),
    ("https://web.archive.org/web/https://example.com/page", "https://example.com/page", None, ""),
    ("https://web.archive.org/web/20230919071058/https://www.brif.kz/blog/?p=3304", "https://www.brif.kz/blog/?p=3304",
     "20230919071058", ""),
    ("https://web.archive.org/web/20100101000000/http:/example.com/collapsed", "http://example.com/collapsed",
     "20100101000000", ""),
    ("https://web.archive.org/web/20100101000000/http%3A//example.com/enc", "http://example.com/enc", "20100101000000", ""),
    ("https://web.archive.org/web/20201111221014/http", None, "20201111221014", ""),
    ("https://web.archive.org/web/20200101000000/https://uk.wikipedia.org/wiki/Київ", "https://uk.wikipedia.org/wiki/Київ",
     "20200101000000", ""),
]


@pytest.mark.parametrize("link,original,ts,mod", WAYBACK_CASES)
def test_wayback_links(link, original, ts, mod):
    a = parse_archive_link(link)
    assert a is not None and a.service == "wayback"
    assert (a.original, a.timestamp, a.modifier) == (original, ts, mod)


@pytest.mark.parametrize("link,service,original", [
    ("http://archive.is/oe1Dc", "archive.today", None),
    ("https://archive.ph/2020.01.01-000000/https://example.com/#selection-1.2", "archive.today", "https://example.com/"),
    ("https://archive.today/20200101000000/https://example.com/a", "archive.today", "https://example.com/a"),
    ("http://arquivo.pt/wayback/20100530092446/http%3A//home1.paulschou.net/tools/xlate/", "arquivo.pt",
     "http://home1.paulschou.net/tools/xlate/"),
    ("http://webarchive.nationalarchives.gov.uk/20121015000000/http://www.ons.gov.uk/x", "ukgwa",
     "http://www.ons.gov.uk/x"),
    ("https://www.webarchive.org.uk/wayback/archive/20150101000000/http://example.co.uk/", "ukwa",
     "http://example.co.uk/"),
    ("https://webarchive.loc.gov/all/20110101000000/http://example.gov/", "loc", "http://example.gov/"),
    ("https://www.webcitation.org/67yAsDB9c?url=http://www.example.com/page", "webcite", "http://www.example.com/page"),
    ("https://perma.cc/ABCD-1234", "perma.cc", None),
])
def test_other_archives(link, service, original):
    a = parse_archive_link(link)
    assert a is not None
    assert a.service == service
    assert a.original == original


@pytest.mark.parametrize("url", [
    "https://archive.org/details/someitem", "https://example.com/web/2020/http://x.com", "https://journals.sagepub.com/doi/x",
])
def test_not_archive_links(url):
    assert parse_archive_link(url) is None


def test_partial_timestamps_pad_to_earliest():
    assert full_timestamp("2022") == "20220101000000"
    assert full_timestamp("201802") == "20180201000000"
    assert timestamp_to_datetime("20230231").day == 28  # clamped to a real date


def test_recover_original_rejects_non_urls():
    assert recover_original("http") is None
    assert recover_original("") is None


def test_replay_url_drops_fragment_and_uses_raw_mode():
    assert replay_url("https://e.com/a#x", "2020") == "https://web.archive.org/web/2020id_/https://e.com/a"


def test_parse_replay_location():
    assert parse_replay_location("/web/20201027215555id_/https://www.whitehouse.gov/ostp/") == (
        "20201027215555", "id_", "https://www.whitehouse.gov/ostp/")


def test_same_resource_ignores_scheme_www_and_slash():
    assert same_resource("http://www.example.com/a/", "https://example.com/a")
    assert not same_resource("https://example.com/a", "https://example.com/b")
    # a host as cited and as the archives answer it (in ASCII) is one host
    assert same_resource("http://пример.рф/a", "https://xn--e1afmkfd.xn--p1ai/a")


# --- every archive InternetArchiveBot and MemGator know ------------------------------------------------------

CASES = json.loads((Path(__file__).parent / "data" / "archive-links.json").read_text(encoding="utf-8"))
POSITIVE = [c for c in CASES if c["service"]]


def _reads_as_written(case):
    m = match_archive_link(case["link"])
    if case["service"] is None:
        assert m is None, "an archive page that is not a snapshot is an ordinary URL"
        return
    assert m is not None
    assert (m.service.id, m.kind, m.original, m.timestamp) == (
        case["service"], case["kind"], case["original"], case["timestamp"])


def test_every_link_reads_as_written():
    assert assert_every_row(CASES, _reads_as_written, name=lambda c: c["link"][:120]) == len(CASES)


def _rebuilt(case):
    """The link rebuilt from what was read: a memento link from (original, timestamp, collection), or the
    service's TimeGate/TimeMap for links that name no capture."""
    m = match_archive_link(case["link"])
    if m.kind in (MEMENTO, CACHE) and m.original and (m.timestamp or m.kind == CACHE):
        return memento_url(m.service.id, m.original, m.timestamp, m.modifier, m.collection)
    if m.kind in UNPINNED and m.original:
        return timemap_url(m.service.id, m.original)
    return None


ROUND_TRIPS = [c for c in POSITIVE if _rebuilt(c)]


def _round_trip(case):
    first = match_archive_link(case["link"])
    again = match_archive_link(_rebuilt(case))
    assert again is not None
    assert (again.service.id, again.original) == (first.service.id, first.original)
    if first.kind == MEMENTO:
        assert (again.kind, again.timestamp) == (MEMENTO, first.timestamp)


def test_every_link_round_trips():
    assert assert_every_row(ROUND_TRIPS, _round_trip, name=lambda c: c["link"][:120]) == len(ROUND_TRIPS) > 100


def test_every_service_has_cases_and_a_round_trip():
    services = {s.id for s in SERVICES}
    assert services == {c["service"] for c in POSITIVE}
    # FreezePage's links need its own 10-letter id: they can only be read, not made
    assert services - {c["service"] for c in ROUND_TRIPS} == {"freezepage"}


def test_hosts_are_exact_not_substrings():
    hosts = [h for s in SERVICES for h in s.hosts]
    assert len(hosts) == len(set(hosts)), "a host belongs to one service"
    for url in ("https://blog.archive.org/2019/x", "https://wayback.archive-it.org.evil.example/2019/http://x.com/",
                "https://archive.example.org/web/20190101000000/http://example.com/"):
        assert match_archive_link(url) is None


@pytest.mark.parametrize("raw,fmt,ts", [
    ("2012.12.09-212901", "dotted", "20121209212901"),
    ("20120727-0512", "pandora-dash", "201207270512"),
    ("2000-Dec-5", "pandora-month", "20001205"),
    ("66lmEkpE8", "webcite-id", "20120408112204"),  # InternetArchiveBot's test reads 1333884124 seconds
    ("1225609509", "epoch10", "20081102070509"),
])
def test_timestamp_forms(raw, fmt, ts):
    assert read_timestamp(raw, fmt) == ts


def test_fully_encoded_original_is_decoded_once_and_queries_are_left_alone():
    m = match_archive_link("https://web.archive.org/web/20150930233055id_/http%3A%2F%2Fwww.example.gov%2Fa%3Fb%3D1")
    assert m.original == "http://www.example.gov/a?b=1"
    m = match_archive_link("https://web.archive.org/web/20170813195036/https://news.example.net/?q=a%2Fb")
    assert m.original == "https://news.example.net/?q=a%2Fb"


@pytest.mark.parametrize("link,raw", [
    ("https://arquivo.pt/wayback/20091007194454mp_/http://www.example.pt/",
     "https://arquivo.pt/wayback/20091007194454id_/http://www.example.pt/"),
    ("https://wayback.archive-it.org/1068/20130420084626/http://www.example.org/",
     "https://wayback.archive-it.org/1068/20130420084626id_/http://www.example.org/"),
    # moved archives are replayed where they live now
    ("http://webarchive.proni.gov.uk/20100218151844/http://www.example.gov.uk/",
     "https://wayback.archive-it.org/11112/20100218151844/http://www.example.gov.uk/"),
    ("https://archive.ph/AbC12", None),  # no raw mode: replayed as cited
    ("https://webarchive.nrscotland.gov.uk/20190101000000/https://www.example.scot/", None),
])
def test_raw_replay(link, raw):
    assert raw_replay(parse_archive_link(link)) == raw


def test_other_archives_asked_are_the_general_ones_and_the_national_one():
    assert {s.id for s in archives_for("https://www.example.pt/a")} == {"archive-it", "archive.today", "arquivo.pt"}
    assert "vefsafn.is" in {s.id for s in archives_for("https://frettir.example.is/a")}
    assert "ukwa" in {s.id for s in archives_for("https://www.example.co.uk/")}


def test_redirect_target_reads_any_archive_or_a_plain_url():
    assert redirect_target("/wayback/20200101000000id_/https://example.pt/b", "https://arquivo.pt/wayback/x") == (
        "20200101000000", "https://example.pt/b")
    assert redirect_target("/web/2020id_/https://e.com/", "http://127.0.0.1:9/web/2019/x") == ("2020", "https://e.com/")
    assert redirect_target("https://example.com/login", "https://arquivo.pt/x") == (None, "https://example.com/login")


def test_an_international_host_is_asked_for_in_ascii_and_shown_as_written():
    from citecheck.archives import replay_url, snapshot_url, timemap_url
    from citecheck.urls import ascii_host

    original = "https://пример-сми.рф/новости/1"
    assert ascii_host(original) == "https://xn----itbicrcqidl.xn--p1ai/новости/1"  # the path is left as it is
    assert ascii_host("http://user@Bücher.de:8080/x") == "http://user@xn--bcher-kva.de:8080/x"
    assert ascii_host("https://example.org/ü") == "https://example.org/ü"
    # IDNA 2008, as httpx fetches it: ß is a letter of its own, not "ss" (strasse.de is another site)
    assert ascii_host("http://straße.de/a") == "http://xn--strae-oqa.de/a"
    assert replay_url(original, "2020") == "https://web.archive.org/web/2020id_/https://xn----itbicrcqidl.xn--p1ai/новости/1"
    assert timemap_url("arquivo.pt", original).endswith("/https://xn----itbicrcqidl.xn--p1ai/новости/1")
    assert snapshot_url(original, "2020") == "https://web.archive.org/web/2020/" + original  # for readers
