"""Titles compared as an editor would (textsim.py): site affixes off, then same words or not."""
from __future__ import annotations

import pytest

from citecheck.textsim import (
    common_affixes,
    fold,
    segments,
    shared_affixes,
    strip_affixes,
    title_similarity,
    titles_disagree,
)

NYT = " – The New York Times"

SEGMENTS = [
    ("Zugverkehr: Im ICE von Frankfurt nach Barcelona | ZEIT ONLINE", ["Zugverkehr: Im ICE von Frankfurt nach Barcelona", "ZEIT ONLINE"]),
    ("BBC News - Storm closes ports", ["BBC News", "Storm closes ports"]),
    ("Оренбургу купят автобусы - МК Оренбург", ["Оренбургу купят автобусы", "МК Оренбург"]),
    ("标题新闻_科技_腾讯网", ["标题新闻", "科技", "腾讯网"]),
    ("Site » Section » Headline", ["Site", "Section", "Headline"]),
    ("1990–2000: a decade", ["1990–2000: a decade"]),  # a dash inside a headline is no separator
]


@pytest.mark.parametrize("title, parts", SEGMENTS, ids=[s[0][:20] for s in SEGMENTS])
def test_titles_are_cut_at_the_separators_sites_use(title, parts):
    assert list(segments(title)) == parts


def test_the_site_name_is_stripped_from_either_end_but_never_to_nothing():
    assert strip_affixes("Storm closes ports | BBC News", ["BBC News"]) == "Storm closes ports"
    assert strip_affixes("BBC News - Storm closes ports", ["bbc news"]) == "Storm closes ports"
    assert strip_affixes("CSS Scrollbar With Progress Meter | CSS-Tricks", ["CSS Tricks"]) == "CSS Scrollbar With Progress Meter"
    assert strip_affixes("BBC News", ["BBC News"]) == "BBC News"
    assert strip_affixes("Q&A - the interview", []) == "Q&A - the interview"  # no site evidence: left alone


def test_two_articles_of_one_site_are_told_apart_once_the_shared_suffix_is_gone():
    a, b = "Senate passes the budget bill" + NYT, "Wildfire smoke reaches the coast" + NYT
    assert shared_affixes(a, b) == ("Senate passes the budget bill", "Wildfire smoke reaches the coast")
    assert title_similarity(a, b) < 50
    assert titles_disagree(a, b, None) is not None
    assert titles_disagree("Senate passes the budget bill", a, None) is None  # the same headline, suffix or not


def test_affixes_several_pages_share_are_the_sites_name():
    titles = ["Storm closes ports | Harbour Daily", "Ferry fares rise | Harbour Daily", "Harbour Daily"]
    assert common_affixes(titles) == {"Harbour Daily"}
    assert common_affixes(["A very long headline that two versions share | X", "A very long headline that two "
                                                                                  "versions share - updated"]) == set()


def test_site_names_make_a_renamed_suffix_no_drift():
    live, snapshot = "Storm closes ports - Harbour Daily Online", "Storm closes ports | Harbour Daily"
    assert titles_disagree(live, snapshot, None, ["Harbour Daily", "Harbour Daily Online"]) is None


def test_fold_makes_typographic_text_plain():
    assert fold("Can\u02bct\u00a0find  PAGE\u2026") == "can't find page..."


def test_a_cjk_title_with_a_latin_site_name_is_a_cjk_title():
    from citecheck.textsim import long_enough, script_of

    assert script_of("小米游戏中心：年度报告 | Tengine Daily") == "CJK"
    assert script_of("Tokyo Olympics open in 2021 東京") == "LATIN"
    # so the cited Chinese title is a witness, and a good live page is no drift against a bad capture's title
    assert titles_disagree("小米游戏中心：年度报告 | Tengine Daily", "Welcome to tengine!", "小米游戏中心：年度报告") is None
    assert long_enough("北京交通大学新闻") and not long_enough("北京大学") and not long_enough("Two words")
