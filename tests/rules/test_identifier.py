"""Rules for the DOI, table by table: the registry's title against the cited one, the states, and what a verified
DOI changes in the reference's verdict (no snapshot needed, a dead publisher URL moved)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from rulekit import NONE_LOOKUP, SETTINGS, fetch, live, snap

from citecheck.model import IdentifierObservation, Observed, Reference
from citecheck.rules import classify_identifier, judge
from citecheck.vocab import ActionKind, ArchiveState, IdentifierState, LiveState

DOI = "10.1177/0093650205279209"
PUBLISHER = f"https://journals.example.com/doi/abs/{DOI}"


def doi_ref(title, *, raw=None, url=PUBLISHER, doi=DOI, snapshot=None) -> Reference:
    from citecheck.archives import parse_archive_link

    urls = tuple(u for u in (url, snapshot) if u)
    links = tuple(a for a in (parse_archive_link(u) for u in urls) if a)
    return Reference(number=1, key="1", raw=raw if raw is not None else f"‘{title}’, Journal, 2005, {url}", line=1,
                     title=title, urls=urls, archive_links=links, doi=doi)


def found(title, subtitle=None, *, agency="Crossref", resolves_to=PUBLISHER, others=()) -> IdentifierObservation:
    return IdentifierObservation(DOI, registered=True, resolves_to=resolves_to, agency=agency, record=True, title=title,
                                 subtitle=subtitle, other_titles=others)


TITLES = [
    # (what, cited title, registry title, subtitle, state, rule)
    ("the same title", "Information and Expression in a Digital Age", "Information and Expression in a Digital Age",
     None, IdentifierState.OK, "identifier.ok"),
    ("case, quotes and dashes", '"From media control to misinformation: a panel study" - a systematic review.',
     "“From media control to misinformation: a panel study” – a systematic review", None, IdentifierState.OK,
     "identifier.ok"),
    ("HTML markup and entities", "Mobile internet adoption & influencer politics in hybrid regimes",
     "Mobile internet adoption &amp; <i>influencer</i> politics in hybrid regimes", None, IdentifierState.OK,
     "identifier.ok"),
    ("MathML with no space before it", "Defects in β-Ga2O3 for power electronics",
     'Defects in<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>β</mml:mi><mml:mo>-</mml:mo>'
     "<mml:msub><mml:mi>Ga</mml:mi><mml:mn>2</mml:mn></mml:msub><mml:msub><mml:mi>O</mml:mi><mml:mn>3</mml:mn>"
     "</mml:msub></mml:math> for power electronics", None, IdentifierState.OK, "identifier.ok"),
    ("the subtitle in Crossref's own field", "From the digital divide to protest: an experimental study",
     "From the digital divide to protest", "an experimental study", IdentifierState.OK, "identifier.ok"),
    ("the citation leaves out the subtitle", "Rethinking Telegram channels",
     "Rethinking Telegram channels: evidence from Kazakhstan", None, IdentifierState.OK, "identifier.ok"),
    ("the registry leaves out the subtitle", "Rethinking Telegram channels: evidence from Kazakhstan",
     "Rethinking Telegram channels", None, IdentifierState.OK, "identifier.ok"),
    ("a slip in the citation", "Information and Expresion in a Digital Age",
     "Information and Expression in a Digital Age", None, IdentifierState.OK, "identifier.ok"),
    ("another work", "Who participates? Political communication in Central Asia",
     "How civic technology shapes misinformation in hybrid regimes", None, IdentifierState.MISMATCH,
     "identifier.mismatch"),
    ("two subtitles after the same words are two works", "Who participates? Political communication in Central Asia",
     "Who participates? Digital rights among young people", None, IdentifierState.MISMATCH, "identifier.mismatch"),
    ("another work, in Kazakh", "Қазақ тілді Telegram арналарындағы саяси коммуникация",
     "Әлеуметтік желілердегі наразылық дискурсы: 2022 жылғы қаңтар оқиғалары", None, IdentifierState.MISMATCH,
     "identifier.mismatch"),
    ("a translated title cannot be compared", "Қазақстандағы цифрлық белсенділік",
     "Digital activism in Kazakhstan", None, IdentifierState.OK, "identifier.ok.registered"),
    ("no cited title", None, "Digital activism in Kazakhstan", None, IdentifierState.OK, "identifier.ok.registered"),
]

JA, EN = "日本におけるウェブアーカイブの現状と課題", "Web archiving in Japan: present state and issues"
TRANSLATED = [
    # (what, cited title, registry's main title, its other titles, state, rule): JaLC and Crossref keep a
    # work's translated titles beside the main one; the one in the cited title's script is compared
    ("cited in English, registered first in Japanese", "Web archiving in Japan: present state and issues", JA, (EN,),
     IdentifierState.OK, "identifier.ok"),
    ("cited in Japanese", JA, JA, (EN,), IdentifierState.OK, "identifier.ok"),
    ("another work, in the other language", "Open access mandates in Japanese universities", JA, (EN,),
     IdentifierState.MISMATCH, "identifier.mismatch"),
    ("no title in the cited script", "Цифрлық мұрағаттар", JA, (EN,), IdentifierState.OK, "identifier.ok.registered"),
]


@pytest.mark.parametrize("case", TRANSLATED, ids=[c[0] for c in TRANSLATED])
def test_the_registry_title_in_the_cited_script_is_compared(case):
    _, cited, title, others, state, rule = case
    v = classify_identifier(doi_ref(cited), found(title, agency="JaLC", others=others))
    assert (v.state, v.rule) == (state, rule)


@pytest.mark.parametrize("case", TITLES, ids=[c[0] for c in TITLES])
def test_registry_title_against_the_cited_one(case):
    _, cited, title, subtitle, state, rule = case
    v = classify_identifier(doi_ref(cited), found(title, subtitle))
    assert (v.state, v.rule) == (state, rule)


def test_a_title_read_badly_from_an_entry_still_matches_when_the_entry_holds_the_registry_title():
    raw = "Bennett, W. and Segerberg, A., The logic of connective action, Information, Communication & Society, 2012"
    v = classify_identifier(doi_ref(raw, raw=raw), found("The Logic of Connective Action"))
    assert v.state is IdentifierState.OK


STATES = [
    ("unknown to the Handle System", IdentifierObservation(DOI, registered=False), IdentifierState.UNREGISTERED,
     "identifier.unregistered"),
    ("doiRA says it does not exist, the Handle API was down",
     IdentifierObservation(DOI, agency_unknown=True, problems=("the Handle API: HTTP 503",)),
     IdentifierState.UNREGISTERED, "identifier.unregistered"),
    ("nobody answered", IdentifierObservation(DOI, problems=("the Handle API: HTTP 503", "doiRA: HTTP 503")),
     IdentifierState.UNCHECKED, "identifier.unchecked"),
    ("registered, the record unreadable", IdentifierObservation(DOI, registered=True, agency="Crossref",
                                                                problems=("api.crossref.org: HTTP 503",)),
     IdentifierState.UNCHECKED, "identifier.unchecked.metadata"),
    ("registered with an agency whose metadata is not read", IdentifierObservation(DOI, registered=True, agency="mEDRA"),
     IdentifierState.OK, "identifier.ok.registered"),
]


@pytest.mark.parametrize("case", STATES, ids=[c[0] for c in STATES])
def test_states(case):
    _, obs, state, rule = case
    v = classify_identifier(doi_ref("Information and Expression in a Digital Age"), obs)
    assert (v.state, v.rule) == (state, rule)


def test_no_doi_no_identifier():
    assert classify_identifier(doi_ref("x", doi=None), None) is None


TITLE = "Information and Expression in a Digital Age"
WALL = fetch(403, title="Just a moment...", markers={"challenge"})
REGISTERED = found(TITLE)


def verdict(*, live_fetch=WALL, snapshot=None, lookup=NONE_LOOKUP, ident=REGISTERED, url=PUBLISHER, title=TITLE):
    r = doi_ref(title, url=url, snapshot=snapshot.link.url if snapshot else None)
    return judge(Observed(r, live(replace(live_fetch, url=url, final_url=url)), snapshot, None if snapshot else lookup,
                          identifier=ident), SETTINGS)


def test_a_verified_doi_is_the_persistent_link_no_snapshot_needed():
    v = verdict()
    assert (v.live.state, v.archive.state, v.identifier.state) == (LiveState.BLOCKED, ArchiveState.UNCITED_NONE,
                                                                   IdentifierState.OK)
    assert v.attention is False and not v.actions
    assert verdict(ident=None).attention is True  # without the DOI the same reference needs a snapshot


def test_a_verified_doi_does_not_excuse_a_broken_snapshot():
    assert verdict(snapshot=snap(404)).attention is True


def test_a_wrong_doi_needs_attention_with_its_fix():
    v = verdict(ident=found("How civic technology shapes misinformation in hybrid regimes"))
    assert v.attention is True and v.identifier.state is IdentifierState.MISMATCH
    assert v.actions[0].kind is ActionKind.FIX_CITATION and v.actions[0].url == f"https://doi.org/{DOI}"
    assert verdict(ident=IdentifierObservation(DOI, registered=False)).attention is True


def test_a_dead_publisher_url_whose_doi_resolves_elsewhere_moved_to_the_doi_link():
    v = verdict(live_fetch=fetch(404, title="Not Found"), ident=found(TITLE, resolves_to="https://new.example.org/a"))
    assert (v.live.state, v.live.rule) == (LiveState.MOVED, "live.moved.doi") and v.attention is True
    assert [(a.kind, a.url) for a in v.actions] == [(ActionKind.REPLACE_URL, f"https://doi.org/{DOI}")]


def test_a_dead_repository_copy_is_dead_not_moved():
    url = "https://repository.example.edu/handle/123"
    v = verdict(live_fetch=fetch(404, title="Not Found"), url=url, ident=found(TITLE))
    assert v.live.state is LiveState.DEAD
