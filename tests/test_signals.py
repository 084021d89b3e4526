"""The signature table (signatures.tsv) and the decision of a page's kind (signals.py)."""
from __future__ import annotations

import dataclasses

import pytest
from pages import INDEX, PAGES

from citecheck import signals
from citecheck.check import page as page_module
from citecheck.signals import KIND_RULES, PageView, find_signatures, read_page, required_literals, table
from citecheck.vocab import PageSignal


def test_the_table_is_well_formed():
    rows = table()
    assert len(rows) > 150 and len({s.name for s in rows}) == len(rows)
    assert all(s.source for s in rows)
    assert {s.kind for s in rows} == set(KIND_RULES)
    langs = {s.lang for s in rows}
    assert {"en", "ru", "kk", "de", "fr", "es", "zh", "ja"} <= langs


def test_a_bad_row_is_refused():
    with pytest.raises(ValueError, match="upper-case"):
        signals._parse("x\tchallenge\ttitle\tstrong\t\t/Just a moment/\tsrc", 1)
    with pytest.raises(ValueError, match="bad kind"):
        signals._parse("x\tnonsense\ttitle\tstrong\t\tjust a moment\tsrc", 1)


REQUIRED = [
    (r"id=[\"'](cf-challenge-running|cf-please-wait)[\"']", ("cf-challenge-running", "cf-please-wait")),
    (r"abc(def)?ghijk", ("ghijk",)),
    (r"colou?r is", ("colo",)),
    (r"x{0,3}yyy|abc{2}d", ("yyy", "abc")),
    (r"reference\s*#\s*\d", ("reference",)),
    (r"(?<!x)hello", ("hello",)),
    (r"foo|ba", ()),  # an alternative with nothing required: no shortcut
    (r"[a-z]+\.(com|net)", ("com", "net")),
    (r"[a-z]+\.(com|n)", ()),
    (r"(没有|沒有)找到(文件|网页)|找不到", ("找到", "找不到")),  # two CJK characters are literal enough
    (r"页(没有|沒)", ()),  # one is not
]


@pytest.mark.parametrize("regex, needs", REQUIRED, ids=[r[0] for r in REQUIRED])
def test_required_literals(regex, needs):
    assert required_literals(regex) == needs


def test_the_shortcut_never_hides_a_match():
    # every regex signature finds the same with and without its required literals, on every fixture page
    views: list[PageView] = []
    original = page_module.read_page
    page_module.read_page = lambda view: (views.append(view), original(view))[1]
    try:
        from pages import read
        for row in INDEX:
            read(row)
    finally:
        page_module.read_page = original
    slow = [dataclasses.replace(s, needs=()) for s in table() if s.needs]
    for view in views:
        for fast, full in zip((s for s in table() if s.needs), slow, strict=True):
            for scope in fast.scopes:
                for part in view.parts(scope):
                    assert fast.find(part) == full.find(part), (fast.name, part[:80])
    assert PAGES.is_dir()


DECISIONS = [
    # (id, view, signals expected)
    ("title-decides", PageView(titles=("page not found",), text_chars=5000, prose=9), {PageSignal.NOTFOUND}),
    ("text-needs-no-article", PageView(text="sorry, the page you requested was not found on this server."),
     {PageSignal.NOTFOUND}),
    ("article-vetoes-text", PageView(text="the page you requested was not found, he wrote", prose=5),
     {PageSignal.NOTFOUND_TEXT}),
    ("one-weak-sign-is-not-enough", PageView(text="related searches"), set()),
    ("two-weak-signs-on-a-small-page", PageView(titles=("shinyteapots.net",), text="related searches"), {PageSignal.PARKED}),
    ("two-weak-signs-on-a-long-page", PageView(titles=("shinyteapots.net",), text="related searches", text_chars=9000),
     set()),
    ("weak-wall-sign-and-403", PageView(status=403, headers=("server: cloudflare",)), {PageSignal.CHALLENGE}),
    ("weak-wall-sign-and-200", PageView(status=200, headers=("server: cloudflare",)), set()),
    ("rate-limited-is-no-wall", PageView(status=429, titles=("429 too many requests",)), set()),
    ("markup-is-not-vetoed", PageView(markup='<body class="home error404">', prose=5), {PageSignal.NOTFOUND}),
    ("not-found-with-the-sites-login-box", PageView(titles=("page not found",), text="forgot password? remember me",
                                                    markup='<input type="password" name="pw">'), {PageSignal.NOTFOUND}),
    ("a-parking-page-behind-a-cdn", PageView(status=403, titles=("buy this domain",), headers=("server: cloudflare",)),
     {PageSignal.PARKED}),  # said outright, it outranks the weak wall sign
    ("a-login-page-stays-one", PageView(titles=("sign in",), text="forgot password? page not found"),
     {PageSignal.LOGIN, PageSignal.NOTFOUND_TEXT}),
]


@pytest.mark.parametrize("case", DECISIONS, ids=[c[0] for c in DECISIONS])
def test_strong_weak_and_the_article_veto(case):
    _, view, expected = case
    assert set(read_page(view).signals) == expected


def test_every_match_is_named_with_where_it_was_found():
    found = find_signatures(PageView(status=403, headers=("cf-mitigated: challenge",), titles=("just a moment...",)))
    assert {(m.name, m.where) for m in found} == {("cloudflare.mitigated-header", "header"),
                                                  ("cloudflare.just-a-moment", "title")}


HEADLINES = [  # real-looking headlines that only share words with walls, gates, parking and not-found pages
    "Car parked at school gates for a week - Riverside Echo",
    "Вход в метро закрыт из-за ремонта - Вечерний город",
    "Senator's account has been suspended | Daily Wire",
    "Facebook page removed after complaints",
    "Police still can't find the file on the missing millions",
    "Domain name expired: how a city lost its website",
    "Log in to the future: a history of passwords",
    "Страница Навального удалена из соцсети",
]


@pytest.mark.parametrize("headline", HEADLINES)
def test_headlines_that_share_words_are_no_signal(headline):
    body = f"<title>{headline}</title><body><h1>{headline}</h1><p>{'Reporting from the scene. ' * 8}</p></body>"
    assert page_module.analyse(body.encode(), "text/html").signals <= {PageSignal.NOTFOUND_TEXT}, headline  # a hint at most


def test_pages_with_the_same_signals_share_one_set_of_them():
    # kept in every result: one frozenset per combination, not one per page
    plain = [read_page(PageView(status=200, titles=(f"an article {n}",), text="words")) for n in range(2)]
    walls = [read_page(PageView(status=403, titles=("just a moment...",), text=f"checking {n}")) for n in range(2)]
    assert plain[0].signals is plain[1].signals and not plain[0].signals
    assert walls[0].signals is walls[1].signals and walls[0].signals


@pytest.mark.parametrize("title", ["Planned maintenance closes Tower Bridge this weekend",
                                   "Welcome to OpenResty! A review of the web platform",
                                   "There's nothing here, yet: the empty lots of Detroit"])
def test_an_article_whose_title_quotes_a_placeholder_phrase_is_an_article(title):
    # unanchored phrases are read in headings and text, where an article's prose vetoes them; not in titles
    prose = "<p>" + "A long paragraph of the article's own prose, telling the story in full detail. " * 3 + "</p>"
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{prose * 4}</body></html>".encode()
    assert page_module.analyse(body, "text/html", status=200, read=True).signals == frozenset()
