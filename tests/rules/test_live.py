"""Rules for the original, one row per rule: a live observation in, the state and the rule that fired out."""
from __future__ import annotations

import pytest
from rulekit import SETTINGS, TITLE, URL, fetch, live, ref

from citecheck.model import Hop, PageFacts
from citecheck.rules import classify_live
from citecheck.vocab import LiveState

CONSENT = f"https://consent.example.org/m?continue={URL}"
LOGIN_BACK = "https://example.org/login?returnUri=https%3A%2F%2Fexample.org%2Fpapers%2Farticle-1"
LIVE_CASES = [
    # (id, fetch, sibling, snapshot title, expected state, expected rule)
    ("ok", fetch(200), None, TITLE, LiveState.OK, "live.ok"),
    ("404", fetch(404, title="Not Found"), None, TITLE, LiveState.DEAD, "live.dead.http404"),
    ("410", fetch(410, title="Gone"), None, TITLE, LiveState.DEAD, "live.dead.http410"),
    ("dns", fetch(None, error="dns"), None, TITLE, LiveState.DEAD, "live.dead.dns"),
    ("proxy-502-connect", fetch(None, error="unreachable"), None, TITLE, LiveState.DEAD, "live.dead.dns"),
    ("refused", fetch(None, error="refused", attempts=3), None, TITLE, LiveState.DEAD, "live.dead.refused"),
    ("timeout", fetch(None, error="timeout"), None, TITLE, LiveState.TIMEOUT, "live.timeout"),
    ("reset", fetch(None, error="reset"), None, TITLE, LiveState.TRANSIENT, "live.transient.reset"),
    ("503", fetch(503), None, TITLE, LiveState.TRANSIENT, "live.transient.http503"),
    ("403", fetch(403, title="Forbidden"), None, TITLE, LiveState.BLOCKED, "live.blocked.http403"),
    ("401", fetch(401, title="Login"), None, TITLE, LiveState.BLOCKED, "live.blocked.http401"),
    ("451", fetch(451), None, TITLE, LiveState.BLOCKED, "live.blocked.http451"),
    ("999", fetch(999), None, TITLE, LiveState.BLOCKED, "live.blocked.http999"),
    ("429", fetch(429), None, TITLE, LiveState.BLOCKED, "live.blocked.ratelimited"),
    ("cf-challenge-header", fetch(403, title="Just a moment...", headers=[("cf-mitigated", "challenge")]), None, TITLE,
     LiveState.BLOCKED, "live.blocked.challenge"),
    ("challenge-page-200", fetch(200, title="Just a moment...", markers={"challenge"}), None, TITLE,
     LiveState.BLOCKED, "live.blocked.challenge"),
    ("challenge-on-404", fetch(404, title="Attention Required! | Cloudflare", markers={"challenge"}), None, TITLE,
     LiveState.DEAD, "live.dead.http404"),
    ("parked", fetch(200, title="example.org is for sale", markers={"parked"}), None, TITLE, LiveState.PARKED, "live.parked"),
    ("to-root", fetch(200, title="Home", hops=(Hop("GET", URL, 302), Hop("GET", "https://example.org/", 200)),
                      final="https://example.org/"), None, TITLE, LiveState.SOFT404, "live.soft404.to_root"),
    ("to-login", fetch(200, title="Sign in", hops=(Hop("GET", URL, 302), Hop("GET", "https://example.org/login?next=x", 200)),
                       final="https://example.org/login?next=x"), None, TITLE, LiveState.SOFT404, "live.soft404.to_login"),
    ("notfound-title", fetch(200, title="Page not found", markers={"notfound"}), None, TITLE,
     LiveState.SOFT404, "live.soft404.notfound"),
    ("notfound-text-sibling-same", fetch(200, title="Example", markers={"notfound_text"}),
     fetch(200, title="Example"), TITLE, LiveState.SOFT404, "live.soft404.sibling"),
    ("notfound-text-sibling-404", fetch(200, title=TITLE, markers={"notfound_text"}), fetch(404, title="x"), TITLE,
     LiveState.OK, "live.ok"),
    ("moved-301", fetch(200, hops=(Hop("GET", URL, 301), Hop("GET", "https://example.org/new/article-1", 200)),
                        final="https://example.org/new/article-1"), None, TITLE, LiveState.MOVED, "live.moved"),
    ("temporary-302-is-ok", fetch(200, hops=(Hop("GET", URL, 302), Hop("GET", "https://example.org/en/article-1", 200)),
                                  final="https://example.org/en/article-1"), None, TITLE, LiveState.OK, "live.ok.redirect"),
    ("https-upgrade-is-not-moved", fetch(200, hops=(Hop("GET", URL, 301), Hop("GET", URL.replace("https", "http"), 200)),
                                         final=URL.replace("https:", "http:")), None, TITLE, LiveState.OK, "live.ok"),
    ("drift-vs-snapshot", fetch(200, title="Latest updates"), None, TITLE, LiveState.DRIFT, "live.drift"),
    ("drift-other-script", fetch(200, title="Жаңалықтар"), None, TITLE, LiveState.DRIFT, "live.drift"),
    ("site-suffix-is-not-drift", fetch(200, title=TITLE + " | Sage Journals"), None, TITLE, LiveState.OK, "live.ok"),
    ("nyt-shared-suffix-is-drift", fetch(200, title="Wildfire smoke reaches the coast – The New York Times"), None,
     "Senate passes the budget bill – The New York Times", LiveState.DRIFT, "live.drift"),
    ("consent-interstitial-is-no-drift", fetch(200, title="Before you continue to YouTube", markers={"consent"},
                                               hops=(Hop("GET", URL, 302), Hop("GET", CONSENT, 200)), final=CONSENT),
     None, TITLE, LiveState.BLOCKED, "live.blocked.consent"),
    ("login-that-leads-back", fetch(200, title="Sign in", hops=(Hop("GET", URL, 302), Hop("GET", LOGIN_BACK, 200)),
                                    final=LOGIN_BACK), None, TITLE, LiveState.BLOCKED, "live.blocked.login"),
    ("login-page-at-the-url", fetch(200, title="Log in", markers={"login"}), None, TITLE, LiveState.BLOCKED,
     "live.blocked.login"),
    ("maintenance-page", fetch(200, title="Maintenance", markers={"maintenance"}), None, TITLE, LiveState.TRANSIENT,
     "live.transient.maintenance"),
    ("pdf", fetch(200, title=None, ctype="application/pdf"), None, None, LiveState.OK, "live.ok.file"),
    ("redirect-loop", fetch(302, error="redirect_loop"), None, TITLE, LiveState.TRANSIENT, "live.transient.redirect_loop"),
    ("too-many-redirects", fetch(302, error="too_many_redirects"), None, TITLE, LiveState.TRANSIENT,
     "live.transient.too_many_redirects"),
    ("private-address-refused", fetch(None, error="refused_target"), None, TITLE, LiveState.SKIPPED,
     "live.skipped.private_address"),
    ("deadline-spent", fetch(None, error="deadline"), None, TITLE, LiveState.TIMEOUT, "live.timeout.deadline"),
    ("redirect-to-a-file-url", fetch(302, error="unsupported_scheme"), None, TITLE, LiveState.DEAD,
     "live.dead.redirect_scheme"),
    # a 200 of NULs (a gzip bomb) or a blank page: nothing a reader could take for the work; a script-built page
    # with its title is a page
    ("empty-page", fetch(200, page=PageFacts(charset="utf-8", text_chars=0, bytes_read=65536, complete=False)), None,
     TITLE, LiveState.SOFT404, "live.soft404.empty"),
    ("script-page-with-a-title", fetch(200, page=PageFacts(title=TITLE, charset="utf-8", text_chars=0)), None, TITLE,
     LiveState.OK, "live.ok"),
]


@pytest.mark.parametrize("case", LIVE_CASES, ids=[c[0] for c in LIVE_CASES])
def test_live_rules(case):
    _, f, sibling, snapshot_title, state, rule = case
    v = classify_live(ref(), live(f, sibling), snapshot_title, SETTINGS)
    assert (v.state, v.rule) == (state, rule)


def test_drift_from_cited_title_needs_same_script_and_length():
    # no snapshot title: a translated cited title is not evidence of drift
    kazakh = ref(title="Цифрлық белсенділік: әйелдердің мүмкіндіктерін кеңейту")
    assert classify_live(kazakh, live(fetch(200, title="Digital activism: empowering women")), None, SETTINGS).state is LiveState.OK
    english = ref(title="Digital activism empowering women creating change")
    assert classify_live(english, live(fetch(200, title="Latest updates")), None, SETTINGS).state is LiveState.DRIFT
    assert classify_live(ref(title="Report"), live(fetch(200, title="Latest updates")), None, SETTINGS).state is LiveState.OK


def test_the_sites_names_are_no_drift():
    live_now = live(fetch(200, title=f"{TITLE} - Harbour Daily Online"))
    assert classify_live(ref(), live_now, f"{TITLE} | HD", SETTINGS).state is LiveState.OK  # words all there
    renamed = live(fetch(200, title="Harbour Daily Online: Digital age, expression and information"))
    assert classify_live(ref(), renamed, "Harbour Daily: Information and Expression in a Digital Age", SETTINGS,
                         ["Harbour Daily", "Harbour Daily Online"]).state is LiveState.OK


def test_no_url():
    v = classify_live(ref(url=None, snapshot=None), None, None, SETTINGS)
    assert v.state is LiveState.NONE




@pytest.mark.parametrize("accept,f,state,rule", [
    ({"*": (403,)}, fetch(403, title="Forbidden"), LiveState.OK, "live.ok.accepted"),
    ({"example.org": (403,)}, fetch(403, title="Forbidden"), LiveState.OK, "live.ok.accepted"),
    ({"other.org": (403,)}, fetch(403, title="Forbidden"), LiveState.BLOCKED, "live.blocked.http403"),
    # a 2xx works anyway; listing it must not wave a not-found or parked page through
    ({"*": (200,)}, fetch(200, title="Page not found", markers={"notfound"}), LiveState.SOFT404,
     "live.soft404.notfound"),
])
def test_accept(accept, f, state, rule):
    from dataclasses import replace

    v = classify_live(ref(), live(f), TITLE, replace(SETTINGS, accept=accept))
    assert (v.state, v.rule) == (state, rule)
