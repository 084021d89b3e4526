"""The names sites give themselves, learned from a run (rules/sites.py), and what they change in a verdict."""
from __future__ import annotations

from dataclasses import replace

from rulekit import SETTINGS, fetch, live, ref, snap

from citecheck.model import Hop, Observed, PageFacts
from citecheck.rules import SiteNames, judge
from citecheck.vocab import LiveState

A = "https://www.harbour.example/news/1"
B = "https://harbour.example/news/2"


def observed(url: str, title: str, **page) -> Observed:
    f = replace(fetch(200, final=url, hops=(Hop("GET", url, 200),)), page=PageFacts(title=title, **page))
    return Observed(ref(url=url, snapshot=None), live(f))


def test_names_come_from_og_site_name_home_pages_and_shared_affixes():
    names = SiteNames.learned_from([
        observed(A, "Storm closes ports | Harbour Daily"),
        observed(B, "Ferry fares rise | Harbour Daily"),
        observed("https://harbour.example/", "Harbour Daily - News of the coast"),
        observed("https://other.example/x", "Something | Other", site_name="Other Site"),
    ])
    assert set(names.names(A)) == {"Harbour Daily", "News of the coast"}  # www. or not: one site
    assert names.names("https://other.example/y") == ("Other Site",)
    assert names.names("https://unknown.example/") == ()


def test_one_page_teaches_nothing_about_affixes():
    assert SiteNames.learned_from([observed(A, "Storm closes ports | Harbour Daily")]).names(A) == ()


def test_two_articles_sharing_only_the_site_name_are_drift():
    run = [observed(A, "Storm closes ports | Harbour Daily"), observed(B, "Ferry fares rise | Harbour Daily")]
    now = Observed(ref(url=A, title="Dockers strike over new rosters"),
                   live(fetch(200, final=A, title="Harbour reopens for cruise ships | Harbour Daily")),
                   snap(200, title="Dockers strike over new rosters | Harbour Daily"))
    v = judge(now, SETTINGS, SiteNames.learned_from([*run, now]))
    assert (v.live.state, v.live.rule) == (LiveState.DRIFT, "live.drift")
