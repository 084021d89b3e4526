"""The archive-link grammar, case by case."""
import pytest

from citecheck.archives import parse_archive_link, parse_replay_location, recover_original, replay_url
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
    ("https://web.archive.org/web/2id_/https://example.com/", "https://example.com/", "2", "id_"),
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
    ("https://archive.ph/2020.01.01-000000/https://example.com/#selection-1.2", "archive.today", None),
    ("https://archive.today/20200101000000/https://example.com/a", "archive.today", "https://example.com/a"),
    ("http://arquivo.pt/wayback/20100530092446/http%3A//home1.paulschou.net/tools/xlate/", "arquivo.pt",
     "http://home1.paulschou.net/tools/xlate/"),
    ("http://webarchive.nationalarchives.gov.uk/20121015000000/http://www.ons.gov.uk/x", "webarchive.nationalarchives.gov.uk",
     "http://www.ons.gov.uk/x"),
    ("https://www.webarchive.org.uk/wayback/archive/20150101000000/http://example.co.uk/", "webarchive.org.uk",
     "http://example.co.uk/"),
    ("https://webarchive.loc.gov/all/20110101000000/http://example.gov/", "webarchive.loc.gov", "http://example.gov/"),
    ("https://www.webcitation.org/67yAsDB9c?url=http://www.example.com/page", "webcitation", "http://www.example.com/page"),
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
